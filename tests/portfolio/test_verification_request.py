"""From an item's page the coder asks a named verifier, who is e-mailed a signed
link; limits stop the app being used to send mail at volume; a request can be
withdrawn."""

import datetime
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from portfolio import verification
from portfolio.models import VerificationRequest
from tests import pages
from tests.factories import make_audit, make_evidence, make_verification_request

pytestmark = pytest.mark.usefixtures("frozen_today")

VERIFIER = {
    "name": "Dana Auditor",
    "role": "Approved clinical coding auditor",
    "organisation": "Trust A NHS Foundation Trust",
    "email": "dana.auditor@trust-a.nhs.uk",
}


@pytest.fixture
def audit(alice):
    return make_audit(alice, title="External audit, cardiology")


def ask_url(item) -> str:
    return reverse("portfolio:verification_new", args=[item.pk])


# --- Asking -----------------------------------------------------------------------


def test_the_items_page_offers_to_ask_for_verification(signed_in, audit):
    response = signed_in.get(audit.get_absolute_url())
    assertContains(response, "Ask someone to verify this")
    assertContains(response, ask_url(audit))
    assertContains(response, "Not verified")


def test_it_shows_the_form(signed_in, audit):
    response = signed_in.get(ask_url(audit))
    assertContains(response, "Ask someone to verify this item")
    for label in ["Verifier&#x27;s full name", "Their role", "Their organisation"]:
        assertContains(response, label)
    assertContains(response, "Their work email address")


def test_it_sends_the_verifier_a_signed_link_to_that_item(signed_in, audit):
    response = signed_in.post(ask_url(audit), VERIFIER)

    assertRedirects(response, audit.get_absolute_url(), fetch_redirect_response=False)
    sent = VerificationRequest.objects.get()
    assert (sent.owner, sent.evidence_id, sent.state) == (
        audit.owner,
        audit.pk,
        VerificationRequest.State.PENDING,
    )
    assert sent.expires_at - sent.created_at == datetime.timedelta(days=14)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dana.auditor@trust-a.nhs.uk"]
    assert email.subject == "Please verify an item in Alice Archer's portfolio"
    assert "External audit, cardiology" in email.body
    assert "9 December 2026" in email.body  # the link's last day
    assert "alice@example.nhs.uk" not in email.body
    url = re.search(r"http://testserver(/verify/\S+/)", email.body)[1]
    assert url == verification.verifier_path(sent)
    page = signed_in.get(response.url)
    assertContains(page, "Dana Auditor has been sent a link")
    assertContains(page, "Waiting for an answer")
    assertContains(page, "The link works until 9 December 2026.")


def test_it_requires_login(client, audit):
    response = client.get(ask_url(audit))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    client.post(ask_url(audit), VERIFIER)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Enter the verifier's full name."),
        ("email", "dana at trust", "Enter a valid email address."),
        ("role", "Auditor for 943 476 5919", "This looks like an NHS number"),
        ("organisation", "x" * 201, "at most 200 characters"),
    ],
)
def test_it_handles_bad_input(signed_in, audit, field, value, error):
    response = signed_in.post(ask_url(audit), {**VERIFIER, field: value})
    assert error in pages.errors_of(response)
    assert not VerificationRequest.objects.exists()
    assert mail.outbox == []


def test_nothing_is_kept_when_the_email_cannot_be_sent(signed_in, audit, monkeypatch):
    def fail(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMessage, "send", fail)
    response = signed_in.post(ask_url(audit), VERIFIER)
    assert "The e-mail could not be sent" in pages.errors_of(response)
    assert not VerificationRequest.objects.exists()


# --- Limits -----------------------------------------------------------------------


def test_an_item_has_at_most_5_open_requests(signed_in, audit):
    for _ in range(5):
        make_verification_request(audit)

    response = signed_in.post(ask_url(audit), VERIFIER)

    assert "already has 5 requests waiting" in pages.errors_of(response)
    assert VerificationRequest.objects.count() == 5
    assert mail.outbox == []


def test_answered_withdrawn_and_expired_requests_are_not_open(signed_in, audit):
    make_verification_request(audit).withdraw()
    make_verification_request(
        audit, state="declined", decided_at=timezone.now(), comment="No."
    )
    long_ago = timezone.now() - datetime.timedelta(days=15)
    make_verification_request(audit, created_at=long_ago)  # expired
    for _ in range(4):
        make_verification_request(audit)

    response = signed_in.post(ask_url(audit), VERIFIER)

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_a_coder_sends_at_most_20_requests_a_day(signed_in, alice):
    items = [make_evidence(alice, "cpd", title=f"Course {n}") for n in range(5)]
    for n in range(20):
        make_verification_request(items[n % 4])

    response = signed_in.post(ask_url(items[4]), VERIFIER)

    assert "You have sent 20 verification requests" in pages.errors_of(response)
    assert VerificationRequest.objects.count() == 20
    assert mail.outbox == []
    # A day later the earliest no longer count (signed in again: a session ends
    # after half an hour idle).
    with time_machine.travel(datetime.timedelta(days=1, seconds=1)):
        signed_in.force_login(alice)
        response = signed_in.post(ask_url(items[4]), VERIFIER)
    assert response.status_code == 302
    assert response.url == items[4].get_absolute_url()
    assert len(mail.outbox) == 1


def test_deleting_items_does_not_lift_the_daily_limit(signed_in, alice):
    for n in range(20):
        make_verification_request(make_evidence(alice, "cpd", title=f"Course {n}"))
    alice.evidence.all().delete()
    item = make_evidence(alice, "cpd", title="A new course")

    response = signed_in.post(ask_url(item), VERIFIER)

    assert "You have sent 20 verification requests" in pages.errors_of(response)
    assert mail.outbox == []


# --- Withdrawing ------------------------------------------------------------------


def withdraw_url(sent: VerificationRequest) -> str:
    return reverse("portfolio:verification_withdraw", args=[sent.pk])


def test_withdrawing_a_request_stops_its_link(client, signed_in, audit):
    sent = make_verification_request(audit)
    link = verification.verifier_path(sent)

    response = signed_in.post(withdraw_url(sent))

    assertRedirects(response, audit.get_absolute_url(), fetch_redirect_response=False)
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.WITHDRAWN
    assertContains(signed_in.get(response.url), "has been withdrawn")
    signed_in.logout()
    assertContains(client.get(link), "This request has been withdrawn", status_code=410)


def test_withdrawing_an_answered_request_changes_nothing(signed_in, audit):
    sent = make_verification_request(
        audit, state="declined", decided_at=timezone.now(), comment="No."
    )
    response = signed_in.post(withdraw_url(sent), follow=True)
    assertContains(response, "is no longer open: nothing changed")
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.DECLINED


def test_withdrawing_rejects_get(signed_in, audit):
    sent = make_verification_request(audit)
    assert signed_in.get(withdraw_url(sent)).status_code == 405
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.PENDING


def test_withdrawing_requires_login(client, audit):
    sent = make_verification_request(audit)
    response = client.post(withdraw_url(sent))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.PENDING


def test_a_request_for_a_deleted_item_cannot_be_withdrawn(signed_in, audit):
    sent = make_verification_request(audit)
    audit.delete()
    assert signed_in.post(withdraw_url(sent)).status_code == 404


# --- The history, for the coder only ------------------------------------------------


def test_the_items_page_lists_every_request_and_a_declined_ones_comment(
    signed_in, audit
):
    make_verification_request(
        audit,
        name="Sam Patel",
        state="declined",
        decided_at=timezone.now(),
        comment="The score was 85%, not 90%.",
    )
    make_verification_request(audit, name="Alex Rowe")
    response = signed_in.get(audit.get_absolute_url())
    assertContains(response, "Sam Patel")
    assertContains(response, "Declined on 25 November 2026.")
    assertContains(response, "The score was 85%, not 90%.")
    assertContains(
        response,
        'Withdraw<span class="nhsuk-u-visually-hidden"> the request to Alex Rowe',
    )
    assertContains(response, "Not verified")


def test_a_coder_cannot_ask_themselves(signed_in, audit):
    response = signed_in.post(
        ask_url(audit), {**VERIFIER, "email": "Alice@Example.nhs.uk"}
    )
    assert "you cannot verify your own evidence" in pages.errors_of(response)
    assert mail.outbox == []
