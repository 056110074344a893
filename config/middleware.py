"""Small middleware of the project's own: session renewal, response headers and
the 405 page."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]

RENEWED = "_renewed_at"
RENEW_AFTER_SECONDS = 60


class SessionRenewalMiddleware:
    """A session ends SESSION_COOKIE_AGE (30 minutes) after it was last saved, so
    each request of a signed-in user renews it. Not by SESSION_SAVE_EVERY_REQUEST:
    that makes every page a database write (on SQLite, one writer at a time); a
    session is saved again once a minute at most, so it ends 29 to 30 minutes
    after the last request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        renewed = session.get(RENEWED)
        if renewed is not None and time.time() - renewed >= RENEW_AFTER_SECONDS:
            session[RENEWED] = int(time.time())
        return self.get_response(request)


def session_started(sender, request: HttpRequest, **kwargs) -> None:
    """Receiver of user_logged_in: the session's clock starts with the sign-in,
    which saves the session anyway."""
    request.session[RENEWED] = int(time.time())


class SecurityHeadersMiddleware:
    """A Permissions-Policy that denies the browser features the app does not use,
    and `Cache-Control: no-store` on every page for a signed-in user: NHS staff
    share computers, and a shared browser or proxy must not keep a portfolio."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page for a 405: require_POST and the class-based views answer a GET to a
    POST-only address with an empty body, which a browser shows as a blank page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
