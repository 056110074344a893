"""Sign-up: a coder's account, switched on only through a link emailed to its
address; the same answer whether or not the address has an account; throttled."""

import datetime
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import SignUp, User
from tests import pages
from tests.factories import PASSWORD, make_coder

CAROLS_PASSWORD = "a-long-passphrase-for-carol"


def sign_up(client, **overrides):
    data = {
        "full_name": "Carol Coder",
        "email": "carol@example.nhs.uk",
        "password1": CAROLS_PASSWORD,
        "password2": CAROLS_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("accounts:signup"), data)


def sign_in(client, email: str, password: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def emailed_link() -> str:
    [message] = mail.outbox
    return re.search(r"http://testserver(/account/confirm/\S+/)", message.body)[1]


def test_it_creates_a_coder_who_must_confirm_their_address(client, db):
    response = sign_up(client, email="Carol@Example.NHS.uk")
    assert response.url == reverse("accounts:signup_done")
    assertContains(client.get(response.url), "<h1>Check your email</h1>")
    carol = User.objects.get()
    assert carol.email == "carol@example.nhs.uk"
    assert carol.role == User.Role.CODER
    assert carol.organisation is None
    assert carol.check_password(CAROLS_PASSWORD)
    # Not signed in, and cannot sign in, until the address is confirmed.
    assert not carol.is_active
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "carol@example.nhs.uk", CAROLS_PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["carol@example.nhs.uk"]
    assert message.subject == "Confirm your email address for Coderfolio"


def test_the_emailed_link_switches_the_account_on(client, db):
    sign_up(client)
    link = emailed_link()
    # Opening the link changes nothing: mail scanners open links too.
    page = client.get(link)
    assertContains(page, "Confirm my email address")
    assert not User.objects.get().is_active

    response = client.post(link, follow=True)
    assertContains(response, "Your email address is confirmed")
    assert User.objects.get().is_active
    response = sign_in(client, "carol@example.nhs.uk", CAROLS_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("portfolio:home")


def test_a_used_link_says_the_address_is_confirmed(client, db):
    sign_up(client)
    link = emailed_link()
    client.post(link)
    response = client.post(link, follow=True)
    assertContains(response, "already confirmed")


def test_an_expired_or_altered_link_does_not_work(client, db):
    sign_up(client)
    link = emailed_link()
    assertContains(client.get(link[:-3] + "xx/"), "This link does not work")
    with time_machine.travel(datetime.timedelta(days=3, minutes=1)):
        assertContains(client.post(link), "This link does not work")
    assert not User.objects.get().is_active


def test_a_link_cannot_switch_on_an_account_an_administrator_switched_off(client, db):
    sign_up(client)
    link = emailed_link()
    client.post(link)
    carol = User.objects.get()
    carol.last_login = carol.date_joined  # she has used it, then it was switched off
    carol.is_active = False
    carol.save()
    assertContains(client.post(link), "This link does not work")
    carol.refresh_from_db()
    assert not carol.is_active


def test_an_address_with_an_account_gets_the_same_page_and_its_owner_an_email(
    client, alice
):
    response = sign_up(client, email="ALICE@example.nhs.uk", full_name="Mallory")
    assert response.url == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.full_name == "Alice Archer"
    assert alice.check_password(PASSWORD)
    [message] = mail.outbox
    assert message.to == ["alice@example.nhs.uk"]
    assert message.subject == "You already have a Coderfolio account"
    assert "/account/password/reset/" in message.body


def test_signing_up_again_before_confirming_sends_a_new_link(client, db):
    sign_up(client)
    mail.outbox.clear()
    response = sign_up(
        client, password1="other-passphrase-9", password2="other-passphrase-9"
    )
    assert response.url == reverse("accounts:signup_done")
    client.post(emailed_link())
    carol = User.objects.get()
    assert carol.is_active
    assert carol.check_password(CAROLS_PASSWORD)  # the first password stands


def test_it_cannot_be_used_to_become_a_recruiter(client, trust_a):
    sign_up(client, role="recruiter", organisation=trust_a.pk)
    assert User.objects.get().role == User.Role.CODER
    assert User.objects.get().organisation is None


def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_stored(client, db):
    response = sign_up(client, password1="password", password2="password")
    assert "This password is too common" in pages.html(response)
    response = sign_up(client, password2="something-else-entirely")
    assert "The two password fields" in pages.html(response)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_what_was_typed_is_kept_after_an_error(client, db):
    response = sign_up(client, password2="different-passphrase-here")
    content = pages.html(response)
    assert 'value="Carol Coder"' in content
    assert 'value="carol@example.nhs.uk"' in content


def test_a_signed_in_user_is_sent_home(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:signup")).url == reverse("home")


# --- Throttle -----------------------------------------------------------------------


@pytest.fixture
def two_an_hour(settings):
    settings.SIGN_UPS_PER_HOUR = 2


def test_sign_ups_from_one_address_are_throttled(client, db, two_an_hour, caplog):
    make_coder(email="taken@example.nhs.uk")
    sign_up(client, email="one@example.nhs.uk")
    sign_up(client, email="taken@example.nhs.uk")  # counts too: it sends an email
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="security"):
        response = sign_up(client, email="three@example.nhs.uk")
    assertContains(response, "Too many accounts created", status_code=429)
    assert not User.objects.filter(email="three@example.nhs.uk").exists()
    assert mail.outbox == []
    events = [r.security["event"] for r in caplog.records if r.name == "security"]
    assert events == ["sign_up_throttled"]


def test_the_throttle_counts_per_address_and_forgets_after_an_hour(
    client, db, two_an_hour
):
    url = reverse("accounts:signup")

    def from_address(address: str, n: int):
        return client.post(
            url,
            {
                "full_name": "Carol Coder",
                "email": f"carol{n}@example.nhs.uk",
                "password1": CAROLS_PASSWORD,
                "password2": CAROLS_PASSWORD,
            },
            REMOTE_ADDR=address,
        )

    assert from_address("10.0.0.1", 1).status_code == 302
    assert from_address("10.0.0.1", 2).status_code == 302
    assert from_address("10.0.0.1", 3).status_code == 429
    assert from_address("10.0.0.2", 4).status_code == 302
    with time_machine.travel(datetime.timedelta(hours=1, minutes=1)):
        assert from_address("10.0.0.1", 5).status_code == 302
        # The old records are gone: the table holds an hour at most.
        assert SignUp.objects.count() == 1


def test_an_invalid_form_does_not_count(client, db, two_an_hour):
    for _ in range(3):
        sign_up(client, password2="does-not-match-at-all")
    assert sign_up(client).status_code == 302
