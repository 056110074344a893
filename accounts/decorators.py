from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def role_required(role: str) -> Callable[[View], View]:
    """Signed-in users of `role` only; others get a 404, as if nothing were here."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role != role:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


coder_required = role_required("coder")
recruiter_required = role_required("recruiter")
