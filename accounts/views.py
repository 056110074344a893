import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.forms import SignUpForm
from accounts.models import SignUp, User
from accounts.security import client_ip, log_event

CONFIRM_SALT = "accounts.confirm-email"


def home(request: HttpRequest) -> HttpResponse:
    """The start page: signed-in users go to the home page of their role."""
    user = request.user
    if user.is_authenticated:
        if user.is_recruiter:
            return redirect("applications:recruiter_home")
        return redirect("portfolio:home")
    return render(request, "accounts/start.html")


def signup(request: HttpRequest) -> HttpResponse:
    """A new coder's account, inactive until they follow the emailed link.

    The page is the same whether or not the address already has an account (its
    owner is emailed instead), so it never tells anyone who has one. Sign-ups are
    throttled per address: settings.SIGN_UPS_PER_HOUR."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        address = client_ip(request)
        if (
            SignUp.objects.within_the_hour(address).count()
            >= settings.SIGN_UPS_PER_HOUR
        ):
            log_event("sign_up_throttled", request)
            return render(request, "accounts/signup_throttled.html", status=429)
        if form.is_valid():
            SignUp.record(address)
            _sign_up(request, form)
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def _sign_up(request: HttpRequest, form: SignUpForm) -> None:
    email = form.cleaned_data["email"]
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same address, signed up a moment ago
            owner = User.objects.get(email__iexact=email)
        else:
            _email_confirmation_link(request, user)
            return
    # As much work as a new account's password hash, so that the time the answer
    # takes does not tell either.
    make_password(form.cleaned_data["password1"])
    if owner.is_awaiting_confirmation:
        _email_confirmation_link(request, owner)
    else:
        _email(owner, "already_registered", request=request)


def _email_confirmation_link(request: HttpRequest, user: User) -> None:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRM_SALT)
    link = request.build_absolute_uri(reverse("accounts:confirm_email", args=[token]))
    _email(user, "confirm_email", request=request, link=link)


def _email(user: User, name: str, request: HttpRequest, **context) -> None:
    context |= {
        "user": user,
        "days": settings.EMAIL_CONFIRMATION_DAYS,
        "sign_in": request.build_absolute_uri(reverse("accounts:login")),
        "reset": request.build_absolute_uri(reverse("accounts:password_reset")),
    }
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context)
    body = render_to_string(f"accounts/email/{name}.txt", context)
    send_mail(subject.strip(), body, None, [user.email])


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/signup_done.html",
        {"days": settings.EMAIL_CONFIRMATION_DAYS},
    )


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a page with a button (mail scanners follow links, and
    must not confirm anything); the button switches the account on."""
    try:
        claim = signing.loads(
            token,
            salt=CONFIRM_SALT,
            max_age=datetime.timedelta(days=settings.EMAIL_CONFIRMATION_DAYS),
        )
        user = User.objects.get(pk=claim["user"], email=claim["email"])
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return render(request, "accounts/confirm_email_invalid.html")
    if user.is_active:
        messages.info(request, "Your email address is already confirmed. Sign in.")
        return redirect("accounts:login")
    if not user.is_awaiting_confirmation:
        return render(request, "accounts/confirm_email_invalid.html")
    if request.method == "POST":
        user.is_active = True
        user.save(update_fields=["is_active"])
        messages.success(
            request, "Your email address is confirmed. Sign in to start your portfolio."
        )
        return redirect("accounts:login")
    return render(request, "accounts/confirm_email.html", {"confirming": user})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict
) -> HttpResponse:
    """The page for a sign-in refused by a lockout (axes' AXES_LOCKOUT_CALLABLE).
    Each try during a lockout starts it again, so it ends a cool-off from now."""
    cool_off = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "accounts/locked_out.html",
        {
            "minutes": int(cool_off.total_seconds() // 60),
            "until": timezone.localtime() + cool_off,
        },
        status=429,
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
