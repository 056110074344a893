"""The verifier's link: no account, one item read-only, one answer; any link that
is expired, used, changed, made for another item or for a deleted one is refused
with a page that says why, and changes nothing."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from portfolio import verification
from portfolio.models import Evidence, VerificationRequest
from tests import pages
from tests.factories import (
    PDF_BYTES,
    make_attachment,
    make_audit,
    make_evidence,
    make_verification_request,
    png_bytes,
)

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def audit(alice):
    audit = make_audit(
        alice,
        title="External audit, cardiology",
        auditor="Approved auditor",
        summary="Two secondary diagnosis omissions.",
    )
    make_attachment(audit, "Audit report", PDF_BYTES, "application/pdf")
    return audit


@pytest.fixture
def sent(audit):
    return make_verification_request(audit)


def link(request: VerificationRequest) -> str:
    return verification.verifier_path(request)


def answer(client, url: str, **data) -> object:
    """POST an answer as the page's form would, with the fingerprint it carried."""
    page = client.get(url)
    seen = pages.html(page).split('name="seen" value="')[1].split('"')[0]
    return client.post(url, {"seen": seen, **data})


def assert_unchanged(request: VerificationRequest) -> None:
    before = (request.state, request.decided_at, request.comment, request.nonce)
    request.refresh_from_db()
    assert (request.state, request.decided_at, request.comment, request.nonce) == (
        before
    )
    if request.evidence_id:
        item = Evidence.objects.get(pk=request.evidence_id)
        assert item.verification == Evidence.Verification.UNVERIFIED


# --- The page ---------------------------------------------------------------------


def test_it_shows_the_item_alone_read_only_with_the_coders_name_only(
    client, alice, audit, sent
):
    make_evidence(alice, "cpd", title="Another item of hers")
    response = client.get(link(sent))

    assertContains(response, "External audit, cardiology")
    assertContains(response, "Two secondary diagnosis omissions.")
    assertContains(response, "90.0% (45 of 50 codes correct)")  # display_rows()
    assertContains(response, "Alice Archer asks you, Dana Auditor")
    assertContains(response, "Audit report")
    assertNotContains(response, "Another item of hers")
    assertNotContains(response, "alice@example.nhs.uk")
    assertNotContains(response, "/portfolio/")  # no way into her portfolio
    assertNotContains(response, "Edit")
    assertContains(response, "Can you confirm this item is accurate?")


def test_it_needs_no_account_and_is_neither_indexed_nor_cached_nor_referred(
    client, sent
):
    response = client.get(link(sent))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')


def test_the_items_files_download_through_the_same_link(client, audit, sent):
    report = audit.attachments.get()
    response = client.get(
        reverse("verify:attachment", args=[verification.make_token(sent), report.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    # Served as every stored file is: a download, never sniffed, sandboxed.
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_another_items_file_is_refused_through_the_link(client, alice, sent):
    other = make_evidence(alice, "cpd", title="Another item")
    certificate = make_attachment(other, "Certificate", png_bytes(), "image/png")
    url = reverse(
        "verify:attachment", args=[verification.make_token(sent), certificate.pk]
    )
    response = client.get(url)
    assertContains(response, "This link is not valid", status_code=404)


# --- Answering --------------------------------------------------------------------


def test_confirming_verifies_the_item_and_records_who_and_when(
    client, signed_in, audit, sent
):
    client.logout()
    response = answer(client, link(sent), answer="confirm", comment="I ran it.")
    assert response.status_code == 302
    assert response.url == reverse("verify:done")
    assertContains(client.get(response.url), "You have confirmed")

    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.CONFIRMED
    assert sent.decided_at == timezone.now()
    assert sent.comment == "I ran it."
    assert sent.fingerprint == audit.content_fingerprint()
    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.VERIFIED
    assert audit.verified_by == sent


def test_declining_needs_a_comment(client, sent):
    response = answer(client, link(sent), answer="decline", comment="  ")
    assert "Say why you cannot confirm it" in pages.errors_of(response)
    assert_unchanged(sent)


def test_declining_leaves_the_item_unverified(client, audit, sent):
    answer(client, link(sent), answer="decline", comment="The score was 85%.")
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.DECLINED
    assert sent.comment == "The score was 85%."
    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.UNVERIFIED


def test_an_answer_must_be_chosen(client, sent):
    response = answer(client, link(sent), comment="Hmm.")
    assert "Select whether you can confirm the item." in pages.errors_of(response)
    assert_unchanged(sent)


def test_a_comment_holding_a_patient_identifier_is_refused(client, sent):
    response = answer(
        client, link(sent), answer="decline", comment="See patient 943 476 5919."
    )
    errors = pages.errors_of(response)
    assert "This looks like an NHS number" in errors
    assert "5919" not in errors
    assert_unchanged(sent)


def test_an_answer_on_an_item_changed_since_the_page_was_drawn_is_refused(
    client, audit, sent
):
    url = link(sent)
    page = client.get(url)
    seen = pages.html(page).split('name="seen" value="')[1].split('"')[0]
    AuditItem = type(audit)
    AuditItem.objects.filter(pk=audit.pk).update(episodes_audited=60)

    response = client.post(url, {"seen": seen, "answer": "confirm"})

    assertContains(response, "This item changed while you were reading it")
    assertContains(response, "Your answer has not been recorded.")
    assert_unchanged(sent)
    # The page shows the item as it is now, and carries its new fingerprint.
    assertContains(response, '<dd class="nhsuk-summary-list__value">60</dd>', html=True)
    again = pages.html(response).split('name="seen" value="')[1].split('"')[0]
    assert again == audit.content_fingerprint() != seen
    client.post(url, {"seen": again, "answer": "confirm"})
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.CONFIRMED


# --- Refused links: each page says why, and nothing changes -------------------------


def assert_refused(client, url: str, status: int, title: str, sent) -> None:
    response = client.get(url)
    assertContains(response, title, status_code=status)
    assertContains(response, "Nothing has been changed.", status_code=status)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    response = client.post(url, {"answer": "confirm", "seen": "0" * 64})
    assertContains(response, title, status_code=status)
    assert_unchanged(sent)


def test_a_link_after_14_days_is_refused(client, sent):
    url = link(sent)
    with time_machine.travel(datetime.timedelta(days=14, minutes=1)):
        assert_refused(client, url, 410, "This link has expired", sent)


def test_a_link_on_its_14th_day_still_works(client, sent):
    url = link(sent)
    with time_machine.travel(datetime.timedelta(days=13, hours=23)):
        assertContains(client.get(url), "External audit, cardiology")


def test_a_link_used_once_is_refused(client, sent):
    url = link(sent)
    answer(client, url, answer="decline", comment="Not my audit.")
    sent.refresh_from_db()
    assert_refused(client, url, 410, "This link has already been used", sent)


def test_a_link_with_one_character_changed_is_refused(client, sent):
    token = verification.make_token(sent)
    # A character of the payload, where a change would name another request.
    changed = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    url = reverse("verify:item", args=[changed])
    assert_refused(client, url, 404, "This link is not valid", sent)
    signature = token[:-1] + ("A" if token[-1] != "A" else "B")
    url = reverse("verify:item", args=[signature])
    assert_refused(client, url, 404, "This link is not valid", sent)


def test_a_link_for_another_item_is_refused(client, alice, sent):
    """A request's signed token names its item; one that names another is refused,
    even signed with the server's own key."""
    other = make_evidence(alice, "cpd", title="Another item")
    token = signing.dumps(
        {"r": sent.pk, "e": other.pk, "n": sent.nonce},
        salt=verification.LINK_SALT,
        compress=False,
    )
    url = reverse("verify:item", args=[token])
    assert_refused(client, url, 404, "This link is not valid", sent)


def test_a_link_signed_for_something_else_is_refused(client, sent):
    """A value the server signed elsewhere (another salt) is not a link."""
    token = signing.dumps({"r": sent.pk, "e": sent.evidence_id, "n": sent.nonce})
    url = reverse("verify:item", args=[token])
    assert_refused(client, url, 404, "This link is not valid", sent)


def test_a_link_for_a_deleted_item_is_refused(client, audit, sent):
    url = link(sent)
    audit.delete()
    sent.refresh_from_db()
    assert_refused(client, url, 410, "This item no longer exists", sent)


def test_a_withdrawn_request_is_refused(client, sent):
    url = link(sent)
    sent.withdraw()
    assert_refused(client, url, 410, "This request has been withdrawn", sent)


def test_a_refused_links_files_are_refused_too(client, audit, sent):
    report = audit.attachments.get()
    token = verification.make_token(sent)
    sent.withdraw()
    response = client.get(reverse("verify:attachment", args=[token, report.pk]))
    assertContains(response, "This request has been withdrawn", status_code=410)


def test_the_done_page_says_nothing_without_an_answer(client, db):
    response = client.get(reverse("verify:done"))
    assertContains(response, "There is nothing to show here.")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_answer_needs_no_csrf_cookie(sent):
    """The page sends no referrer, so a browser posts it with "Origin: null"; the
    signed link, not a cookie, is what authorises the answer."""
    browser = Client(enforce_csrf_checks=True, headers={"origin": "null"})
    response = answer(browser, link(sent), answer="confirm")
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.state == VerificationRequest.State.CONFIRMED


def test_the_coder_cannot_answer_their_own_request(client, alice, sent):
    client.force_login(alice)
    url = link(sent)
    assertContains(client.get(url), "This link is for the person you asked")
    response = client.post(url, {"answer": "confirm", "seen": "0" * 64})
    assertContains(response, "You cannot answer your own request.")
    assert_unchanged(sent)
    client.logout()
    assertContains(client.get(url), "Can you confirm this item is accurate?")
