"""The project's URLs and views that fail in each way, for test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urls

SECRET = "secret-detail-/srv/coderfolio/config/settings.py"


def bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404(SECRET)


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


@require_POST
def post_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


urlpatterns = [
    path("test-errors/400/", bad_request),
    path("test-errors/403/", forbidden),
    path("test-errors/404/", not_found),
    path("test-errors/405/", post_only),
    path("test-errors/500/", server_error),
    *project_urls,
]
