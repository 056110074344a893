"""Sessions end after 30 minutes without a request and when the browser closes;
passwords are hashed with Argon2."""

import datetime

import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

import config.settings
from tests.factories import PASSWORD


def test_a_session_ends_after_30_minutes_without_a_request(client, alice):
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0), tick=False) as t:
        client.force_login(alice)
        page = reverse("portfolio:home")
        # Each request starts the 30 minutes again: an hour of work is fine.
        for _ in range(3):
            t.shift(datetime.timedelta(minutes=25))
            assert client.get(page).status_code == 200
        t.shift(datetime.timedelta(minutes=31))
        response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_session_is_renewed_once_a_minute_at_most(client, alice):
    """Renewing is a write: not on every page, or every page would be one."""
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0), tick=False) as t:
        client.force_login(alice)
        ends = Session.objects.get().expire_date
        assert ends == timezone.now() + datetime.timedelta(minutes=30)
        t.shift(datetime.timedelta(seconds=50))
        client.get(reverse("portfolio:home"))
        assert Session.objects.get().expire_date == ends
        t.shift(datetime.timedelta(seconds=20))
        client.get(reverse("portfolio:home"))
        assert Session.objects.get().expire_date == timezone.now() + (
            datetime.timedelta(minutes=30)
        )


def test_the_session_cookie_ends_with_the_browser(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@example.nhs.uk", "password": PASSWORD},
    )
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


def test_passwords_are_hashed_with_argon2_outside_the_tests():
    # tests/conftest.py swaps in a fast hasher; the settings module keeps its own.
    assert config.settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    encoded = Argon2PasswordHasher().encode("a-passphrase", "saltsaltsalt")
    assert encoded.startswith("argon2$argon2id$")
