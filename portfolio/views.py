from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The coder's home page. Only coders have a portfolio."""
    if not request.user.is_coder:
        raise Http404
    return render(request, "portfolio/home.html")
