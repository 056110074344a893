"""Repeated failed sign-ins lock the account and the address out for a while, on the
app and on the admin, with a page that says so and when to try again."""

import datetime
import logging

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import User
from tests.factories import PASSWORD

NOON = datetime.datetime(2026, 11, 25, 12, 0)


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def sign_in(client, email: str, password: str, url: str = "", address: str = ""):
    return client.post(
        url or reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address or "127.0.0.1",
    )


def signed_in_as(client) -> User | AnonymousUser:
    return client.get(reverse("accounts:account")).wsgi_request.user


def fail(client, email: str, times: int, **options) -> None:
    for _ in range(times):
        sign_in(client, email, "not-the-password", **options)


def test_four_failures_do_not_lock_anyone_out(client, alice):
    fail(client, "alice@example.nhs.uk", 4)
    response = sign_in(client, "alice@example.nhs.uk", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == alice


def test_the_fifth_failure_locks_the_account_and_says_until_when(client, alice, noon):
    fail(client, "alice@example.nhs.uk", 4)
    response = sign_in(client, "alice@example.nhs.uk", "not-the-password")
    assertContains(response, "You cannot sign in at the moment", status_code=429)
    assertContains(
        response, "Try again after 12:15 (15 minutes from now)", status_code=429
    )

    # The right password is refused too, until the lockout ends.
    response = sign_in(client, "Alice@Example.NHS.uk", PASSWORD)
    assert response.status_code == 429
    assert not signed_in_as(client).is_authenticated

    noon.shift(datetime.timedelta(minutes=16))
    assert sign_in(client, "alice@example.nhs.uk", PASSWORD).status_code == 302
    assert signed_in_as(client) == alice


def test_the_account_is_locked_from_every_address(client, alice):
    for n in range(5):
        fail(client, "alice@example.nhs.uk", 1, address=f"10.0.0.{n + 1}")
    response = sign_in(client, "alice@example.nhs.uk", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(client, alice, bob):
    for name in ["carol", "dan", "erin", "fay", "gus"]:
        fail(client, f"{name}@example.nhs.uk", 1, address="10.0.0.1")
    response = sign_in(client, "bob@example.nhs.uk", PASSWORD, address="10.0.0.1")
    assert response.status_code == 429
    # From elsewhere, Bob signs in.
    response = sign_in(client, "bob@example.nhs.uk", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302


def test_the_admin_sign_in_locks_out_too(client, db):
    User.objects.create_superuser("admin@example.nhs.uk", PASSWORD, full_name="Admin")
    url = reverse("admin:login")
    fail(client, "admin@example.nhs.uk", 5, url=url)
    response = sign_in(client, "admin@example.nhs.uk", PASSWORD, url=url)
    assertContains(response, "You cannot sign in at the moment", status_code=429)
    assert not signed_in_as(client).is_authenticated


def test_lockouts_go_on_the_security_log(client, alice, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        fail(client, "alice@example.nhs.uk", 5)
        sign_in(client, "alice@example.nhs.uk", PASSWORD)
    records = [r.security for r in caplog.records if r.name == "security"]
    assert [r["event"] for r in records].count("sign_in_failed") == 6
    # The fifth failure locks the account out; the sixth try is refused by it.
    lockouts = [r for r in records if r["event"] == "sign_in_locked_out"]
    assert len(lockouts) == 2
    assert lockouts[0]["username"] == "alice@example.nhs.uk"
    assert lockouts[0]["locked_ip"] == "127.0.0.1"


def test_the_limit_and_the_wait_come_from_the_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=40)
    fail(client, "alice@example.nhs.uk", 1)
    response = sign_in(client, "alice@example.nhs.uk", "not-the-password")
    assertContains(
        response, "Try again after 12:40 (40 minutes from now)", status_code=429
    )
