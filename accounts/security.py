"""The security log, and the few checks that feed it.

Failed sign-ins, lockouts, access denied to an object that exists (someone else's),
identity reveals and pack downloads are written to the "security" logger as
structured records; settings.LOGGING writes each as one JSON line
(config.jsonlog.JSONFormatter). `log_event()` is the one way to write one.
"""

import logging
from typing import Any

from django.conf import settings
from django.db.models import Manager, Model, QuerySet
from django.http import Http404, HttpRequest

logger = logging.getLogger("security")


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind a proxy (DJANGO_BEHIND_PROXY), the
    last X-Forwarded-For entry: the one our proxy added, which a client cannot
    forge. Axes locks out by this address too."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
        if forwarded.strip():
            return forwarded.strip()
    return request.META.get("REMOTE_ADDR", "")


def log_event(
    event: str,
    request: HttpRequest | None = None,
    *,
    level: int = logging.INFO,
    **details: Any,
) -> None:
    """One record on the security log: what happened, to what, who and from where."""
    record: dict[str, Any] = {"event": event}
    if request is not None:
        user = getattr(request, "user", None)
        record |= {
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "ip": client_ip(request),
            "method": request.method,
            "path": request.path,
        }
    logger.log(level, event, extra={"security": record | details})


def get_or_404(
    request: HttpRequest, queryset: QuerySet | Manager, **lookup: Any
) -> Model:
    """`queryset.get(**lookup)`, or Http404. The `get_<thing>_for_user` helpers
    scope `queryset` to what the user may see; when the object exists outside it
    (someone else's), the denial goes on the security log. Costs a query then."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        model = queryset.model
        if model._base_manager.filter(**lookup).exists():
            log_event(
                "access_denied",
                request,
                level=logging.WARNING,
                model=model._meta.label,
                lookup={key: str(value) for key, value in lookup.items()},
            )
        raise Http404 from None


def username_from(request: HttpRequest, credentials: dict | None) -> str:
    """The email address a sign-in was tried with, as addresses are stored, so
    that ALICE@ and alice@ count as one account (AXES_USERNAME_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    # As long as an address can be: axes keeps it in a column of 255 characters.
    return str(username).strip().lower()[:254]


def sign_in_failed(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    """Receiver of Django's user_login_failed: the app's sign-in and the admin's."""
    if request is not None:
        log_event(
            "sign_in_failed",
            request,
            level=logging.WARNING,
            username=username_from(request, credentials),
        )


def locked_out(
    sender, request: HttpRequest, username: str, ip_address: str, **kwargs
) -> None:
    """Receiver of axes' user_locked_out: each try refused by a lockout."""
    log_event(
        "sign_in_locked_out",
        request,
        level=logging.WARNING,
        username=username,
        locked_ip=ip_address,
    )
