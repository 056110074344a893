"""Verifications, open requests and their history go into the portfolio export and
come back on import; a verification stays valid only if this server recorded it and
the item's content is unchanged."""

import copy

import pytest
from django.utils import timezone

from portfolio import verification
from portfolio.models import Evidence, VerificationRequest
from portfolio.portability import (
    PortfolioImportError,
    dumps,
    export_portfolio,
    import_portfolio,
    loads,
)
from tests.factories import make_audit, make_verification_request, verify

pytestmark = pytest.mark.usefixtures("frozen_today")

State = VerificationRequest.State


@pytest.fixture
def history(alice):
    """An audit verified by Dana, declined by Sam, waiting for Alex, one withdrawn."""
    audit = make_audit(alice, title="External audit, cardiology")
    make_verification_request(
        audit,
        name="Sam Patel",
        state="declined",
        decided_at=timezone.now(),
        comment="The score was 85%.",
    )
    verify(audit, comment="I ran this audit.")
    make_verification_request(audit, name="Alex Rowe")
    make_verification_request(audit, name="Jo Green").withdraw()
    return audit


def round_trip(owner, into) -> Evidence:
    import_portfolio(loads(dumps(export_portfolio(owner))), into)
    return Evidence.objects.for_owner(into).get()


def test_the_export_carries_every_request_and_seals_the_confirmation(history, alice):
    item = export_portfolio(alice)["evidence"][0]
    requests = {r["name"]: r for r in item["verification_requests"]}

    assert {name: r["state"] for name, r in requests.items()} == {
        "Sam Patel": "declined",
        "Dana Auditor": "confirmed",
        "Alex Rowe": "pending",
        "Jo Green": "withdrawn",
    }
    dana = requests["Dana Auditor"]
    assert dana["fingerprint"] == history.content_fingerprint()
    assert dana["comment"] == "I ran this audit."
    assert dana["email"] == "dana.auditor@trust-a.nhs.uk"
    assert isinstance(dana["seal"], str)
    assert requests["Sam Patel"]["seal"] is None
    assert item["verification"] == "verified"
    assert "nonce" not in dana


def test_an_unchanged_item_comes_back_verified_with_its_history(history, alice):
    """Exported, deleted and imported again by its owner on this server."""
    document = loads(dumps(export_portfolio(alice)))
    history.delete()
    import_portfolio(document, alice)

    item = Evidence.objects.for_owner(alice).get()
    assert item.verification == Evidence.Verification.VERIFIED
    assert item.verified_by.name == "Dana Auditor"
    assert item.verified_by.comment == "I ran this audit."
    states = dict(item.verification_requests.values_list("name", "state"))
    assert states == {
        "Sam Patel": "declined",
        "Dana Auditor": "confirmed",
        "Alex Rowe": "pending",
        "Jo Green": "withdrawn",
    }
    assert item.verification_requests.get(name="Sam Patel").comment == (
        "The score was 85%."
    )


def test_a_pending_request_comes_back_but_no_old_link_answers_it(
    history, alice, client
):
    old = history.verification_requests.get(name="Alex Rowe")
    old_link = verification.verifier_path(old)
    document = loads(dumps(export_portfolio(alice)))
    history.delete()
    import_portfolio(document, alice)

    again = VerificationRequest.objects.get(name="Alex Rowe", evidence__isnull=False)
    assert again.is_open
    assert again.nonce != old.nonce
    assert client.get(old_link).status_code == 410  # the old request's item is gone


def test_an_item_changed_in_the_file_comes_back_unverified(history, alice, bob):
    document = export_portfolio(alice)
    document["evidence"][0]["episodes_audited"] = 60
    import_portfolio(document, alice)

    imported = Evidence.objects.for_owner(alice).exclude(pk=history.pk).get()
    assert imported.verification == Evidence.Verification.UNVERIFIED
    dana = imported.verification_requests.get(name="Dana Auditor")
    assert dana.state == State.VOIDED
    assert dana.void_reason == VerificationRequest.VoidReason.IMPORT_CHANGED


def test_a_confirmation_written_into_the_file_is_not_believed(history, alice):
    """Anyone can edit a file: a confirmation this server did not seal is voided."""
    document = export_portfolio(alice)
    forged = copy.deepcopy(document["evidence"][0]["verification_requests"][0])
    assert forged["name"] == "Sam Patel"
    forged |= {
        "name": "Chief Auditor",
        "state": "confirmed",
        "fingerprint": history.content_fingerprint(),  # anyone can work it out
        "seal": "made-up",
    }
    document["evidence"][0]["verification_requests"] = [forged]
    import_portfolio(document, alice)

    imported = Evidence.objects.for_owner(alice).exclude(pk=history.pk).get()
    assert imported.verification == Evidence.Verification.UNVERIFIED
    chief = imported.verification_requests.get()
    assert chief.state == State.VOIDED
    assert chief.void_reason == VerificationRequest.VoidReason.IMPORT_UNSEALED


def test_a_sealed_confirmation_cannot_be_given_to_another_verifier(history, alice):
    document = export_portfolio(alice)
    for request in document["evidence"][0]["verification_requests"]:
        if request["state"] == "confirmed":
            request["name"] = "Chief Auditor"
    import_portfolio(document, alice)
    imported = Evidence.objects.for_owner(alice).exclude(pk=history.pk).get()
    assert imported.verification == Evidence.Verification.UNVERIFIED


def test_another_servers_confirmation_comes_back_voided(history, alice, settings):
    document = export_portfolio(alice)
    settings.SECRET_KEY = "another-server-with-its-own-secret-key-0123456789abcdef"
    import_portfolio(document, alice)

    imported = Evidence.objects.for_owner(alice).exclude(pk=history.pk).get()
    assert imported.verification == Evidence.Verification.UNVERIFIED
    assert imported.verification_requests.get(name="Dana Auditor").state == (
        State.VOIDED
    )


def test_another_coder_importing_the_file_does_not_get_the_verification(
    history, alice, bob
):
    imported = round_trip(alice, bob)
    assert imported.verification == Evidence.Verification.UNVERIFIED
    assert imported.verification_requests.count() == 4


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"state": "expired"}, 'state: use "pending" with its expires_at.'),
        ({"state": "maybe"}, 'state: "maybe" is not one of'),
        ({"fingerprint": "abc"}, "fingerprint: expected 64 hexadecimal digits."),
        ({"email": "not an address"}, "email: Enter a valid email address."),
        ({"comment": "Patient 943 476 5919"}, "This looks like an NHS number"),
        ({"seal": 7}, "seal: expected text or null."),
        ({"decided_at": None}, "verification_answer_has_a_date"),
        ({"expires_at": "soon"}, "expires_at: expected a date and time"),
    ],
)
def test_a_bad_request_in_the_file_is_refused_and_nothing_imported(
    history, alice, bob, changes, problem
):
    document = export_portfolio(alice)
    sam = document["evidence"][0]["verification_requests"][0]
    assert sam["state"] == "declined"
    sam.update(changes)
    with pytest.raises(PortfolioImportError) as raised:
        import_portfolio(document, bob)
    assert problem in str(raised.value)
    assert "verification request 1" in str(raised.value)
    assert "5919" not in str(raised.value)
    assert not Evidence.objects.for_owner(bob).exists()
    assert not VerificationRequest.objects.filter(owner=bob).exists()


def test_a_request_with_a_missing_key_is_refused(history, alice, bob):
    document = export_portfolio(alice)
    del document["evidence"][0]["verification_requests"][0]["seal"]
    with pytest.raises(PortfolioImportError, match="verification request 1: missing"):
        import_portfolio(document, bob)
