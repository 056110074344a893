"""Editing what was verified (the item's content or its files) voids the
verification, and the coder is told which item lost it and why; saving it
unchanged, or mapping it to criteria, does not."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from portfolio import verification
from portfolio.models import Attachment, Evidence, VerificationRequest
from specifications.models import EvidenceLink
from tests.factories import (
    PDF_BYTES,
    make_audit,
    make_evidence,
    make_verification_request,
    specialties,
    verify,
)
from tests.portfolio.forms_data import valid_data

pytestmark = pytest.mark.usefixtures("frozen_today")

State = VerificationRequest.State


@pytest.fixture
def audit(alice):
    audit = make_audit(alice, title="External audit, cardiology")
    Attachment.objects.create(
        evidence=audit,
        file=ContentFile(PDF_BYTES, name="report.pdf"),
        name="Audit report",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=Attachment.digest(PDF_BYTES),
    )
    return audit


def edit_data(item: Evidence, **changes) -> dict:
    """The audit's edit form as the browser sends it back, with `changes`."""
    data = {
        "title": item.title,
        "date_day": str(item.date.day),
        "date_month": str(item.date.month),
        "date_year": str(item.date.year),
        "audit_type": item.audit_type,
        "auditor": item.auditor,
        "episodes_audited": str(item.episodes_audited),
        "specialties": [str(s.pk) for s in item.specialties.all()],
        "summary": item.summary,
        "reflection": item.reflection,
    }
    for measure, _ in item.MEASURES:
        for part in ["correct", "audited"]:
            data[f"{measure}_{part}"] = str(getattr(item, f"{measure}_{part}"))
    return data | changes


def state_of(request: VerificationRequest) -> str:
    request.refresh_from_db()
    return request.state


def test_editing_the_content_voids_the_verification_and_says_why(signed_in, audit):
    confirmed = verify(audit)
    url = reverse("portfolio:evidence_edit", args=[audit.pk])

    response = signed_in.post(url, edit_data(audit, episodes_audited="60"), follow=True)

    assertContains(
        response,
        "“External audit, cardiology” is no longer verified: you edited the item "
        "after Dana Auditor verified it.",
    )
    assert state_of(confirmed) == State.VOIDED
    assert confirmed.void_reason == VerificationRequest.VoidReason.EDITED
    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.UNVERIFIED
    assert audit.verified_by is None
    assertContains(response, "No longer valid")
    assertContains(response, "you edited the item.")


def test_saving_an_unchanged_audit_keeps_the_verification(signed_in, audit):
    audit.specialties.set(specialties("100", "300"))
    confirmed = verify(audit)
    url = reverse("portfolio:evidence_edit", args=[audit.pk])

    response = signed_in.post(url, edit_data(audit), follow=True)

    assertContains(response, "Your changes have been saved.")
    assert state_of(confirmed) == State.CONFIRMED
    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.VERIFIED


@pytest.mark.parametrize("kind", list(Evidence.Kind))
def test_saving_any_kind_unchanged_keeps_its_verification(signed_in, alice, kind):
    """Each kind, created and saved again through its own form: a value typed as
    "3" and stored as "3.0" is the same content."""
    signed_in.post(reverse("portfolio:evidence_create", args=[kind]), valid_data(kind))
    item = Evidence.objects.for_owner(alice).get()
    confirmed = verify(item)

    response = signed_in.post(
        reverse("portfolio:evidence_edit", args=[item.pk]), valid_data(kind)
    )

    assert response.status_code == 302
    assert state_of(confirmed) == State.CONFIRMED


def test_mapping_the_item_to_criteria_keeps_the_verification(signed_in, audit, uhd):
    confirmed = verify(audit)
    criterion = uhd.criteria.first()

    signed_in.post(
        reverse("specs:map_evidence", args=[audit.pk]),
        {"spec": uhd.slug, "criterion": criterion.pk, "rationale": "It shows this."},
    )
    link = EvidenceLink.objects.get(evidence=audit)
    signed_in.post(reverse("specs:link_delete", args=[link.pk]))

    assert not EvidenceLink.objects.filter(evidence=audit).exists()
    assert state_of(confirmed) == State.CONFIRMED
    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.VERIFIED


def test_attaching_a_file_voids_the_verification(signed_in, audit):
    confirmed = verify(audit)
    upload = SimpleUploadedFile("letter.pdf", PDF_BYTES + b"% more\n")

    response = signed_in.post(
        reverse("portfolio:attachment_add", args=[audit.pk]),
        {"name": "Auditor's letter", "file": upload},
        follow=True,
    )

    assertContains(response, "is no longer verified: you attached a file")
    assert state_of(confirmed) == State.VOIDED


def test_removing_a_file_voids_the_verification(signed_in, audit):
    confirmed = verify(audit)
    report = audit.attachments.get()

    response = signed_in.post(
        reverse("portfolio:attachment_delete", args=[report.pk]), follow=True
    )

    assertContains(response, "is no longer verified: you removed a file")
    assert state_of(confirmed) == State.VOIDED


def test_every_confirmation_is_voided_and_every_verifier_named(signed_in, audit):
    first = verify(audit, name="Dana Auditor")
    second = verify(audit, name="Sam Patel")
    url = reverse("portfolio:evidence_edit", args=[audit.pk])

    response = signed_in.post(url, edit_data(audit, title="Renamed"), follow=True)

    assertContains(response, "after Dana Auditor and Sam Patel verified it")
    assert (state_of(first), state_of(second)) == (State.VOIDED, State.VOIDED)


def test_an_open_request_survives_an_edit_and_shows_the_new_content(
    client, signed_in, audit
):
    waiting = make_verification_request(audit)
    url = reverse("portfolio:evidence_edit", args=[audit.pk])

    signed_in.post(url, edit_data(audit, summary="Findings, rewritten."))

    assert state_of(waiting) == State.PENDING
    signed_in.logout()
    assertContains(client.get(verification.verifier_path(waiting)), "rewritten")


def test_an_edit_that_saves_a_stale_copy_does_not_undo_a_confirmation(signed_in, audit):
    """The form saves the whole row; the item's verification is worked out again
    from its requests afterwards, so a confirmation given meanwhile stands."""
    url = reverse("portfolio:evidence_edit", args=[audit.pk])
    data = edit_data(audit)
    confirmed = verify(audit)
    Evidence.objects.filter(pk=audit.pk).update(verification="unverified")

    signed_in.post(url, data)

    audit.refresh_from_db()
    assert audit.verification == Evidence.Verification.VERIFIED
    assert audit.verified_by == confirmed


# --- The fingerprint ----------------------------------------------------------------


def test_the_fingerprint_changes_with_each_part_of_the_content(alice, audit):
    before = audit.content_fingerprint()
    assert audit.content_fingerprint() == before

    audit.specialties.set(specialties("100"))
    tagged = audit.content_fingerprint()
    assert tagged != before

    audit.attachments.update(name="Audit report, signed")
    renamed = audit.content_fingerprint()
    assert renamed != tagged

    type(audit).objects.filter(pk=audit.pk).update(primary_diagnosis_correct=44)
    assert audit.content_fingerprint() != renamed


def test_the_fingerprint_ignores_bookkeeping(alice, audit):
    before = audit.content_fingerprint()
    Evidence.objects.filter(pk=audit.pk).update(
        updated_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        verification="verified",
    )
    assert audit.content_fingerprint() == before


def test_the_fingerprint_reads_stored_values(alice):
    cpd = make_evidence(alice, "cpd", hours=3)  # stored as 3.0
    assert cpd.hours == 3
    stored = cpd.content_fingerprint()
    cpd.hours = Decimal("3.0")
    cpd.save()
    assert cpd.content_fingerprint() == stored
