from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def recruiter_home(request: HttpRequest) -> HttpResponse:
    """A recruiter's home page, for their own organisation."""
    if not request.user.is_recruiter:
        raise Http404
    return render(
        request,
        "applications/recruiter_home.html",
        {"organisation": request.user.organisation},
    )
