from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms import SignUpForm


def home(request: HttpRequest) -> HttpResponse:
    """The start page: signed-in users go to the home page of their role."""
    user = request.user
    if user.is_authenticated:
        if user.is_recruiter:
            return redirect("applications:recruiter_home")
        return redirect("portfolio:home")
    return render(request, "accounts/start.html")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account has been created.")
        return redirect("portfolio:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
