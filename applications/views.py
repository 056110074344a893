from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import recruiter_required


@recruiter_required
def recruiter_home(request: HttpRequest) -> HttpResponse:
    """A recruiter's home page, for their own organisation."""
    return render(
        request,
        "applications/recruiter_home.html",
        {"organisation": request.user.organisation},
    )
