"""After submission, nothing the coder does to the portfolio changes what was sent."""

import hashlib

import pytest
from django.urls import reverse

from applications.models import Application, Statement
from portfolio.models import Evidence
from specifications.models import EvidenceLink
from tests.factories import make_audit, make_evidence, make_vacancy


@pytest.fixture
def submitted(alice, trust_a, django_capture_on_commit_callbacks):
    """Alice's application with real evidence behind it, submitted, packs built."""
    vacancy = make_vacancy(trust_a)
    spec = vacancy.specification
    audit = make_audit(alice, title="External audit, 95%")
    case = make_evidence(alice, "complex_case", title="Sepsis with AKI")
    application = Application.objects.create(
        vacancy=vacancy, applicant=alice, route="acc"
    )
    for criterion in spec.criteria.all():
        statement = Statement.objects.create(
            application=application, criterion=criterion, text="As my evidence shows."
        )
        statement.evidence.set([audit.pk, case.pk])
        EvidenceLink.objects.create(
            evidence=audit, criterion=criterion, rationale="Audit."
        )
    with django_capture_on_commit_callbacks(execute=True):
        application.submit()
    application.refresh_from_db()
    return application, audit, case


def frozen_state(application: Application) -> dict:
    packs = {
        p.variant: (p.sha256, hashlib.sha256(p.file.read()).hexdigest())
        for p in application.packs.all()
    }
    return {"snapshot": application.snapshot.content, "packs": packs}


def test_the_packs_are_built_from_the_snapshot(submitted):
    application, _, _ = submitted
    state = frozen_state(application)
    assert set(state["packs"]) == {"full", "anonymised"}
    for stored, actual in state["packs"].values():
        assert stored == actual
    assert "Sepsis with AKI" in state["snapshot"]


def test_submitted_pack_does_not_change_when_evidence_is_edited(
    client, alice, submitted
):
    application, audit, case = submitted
    before = frozen_state(application)
    client.force_login(alice)
    case.title = "Renamed after submitting"
    case.summary = "Rewritten after submitting."
    case.save()
    audit.primary_diagnosis_correct = 1
    audit.save()
    application.refresh_from_db()
    assert frozen_state(application) == before
    assert "Renamed after submitting" not in application.snapshot.content


def test_submitted_pack_does_not_change_when_evidence_is_deleted(
    client, alice, submitted
):
    application, audit, case = submitted
    before = frozen_state(application)
    client.force_login(alice)
    for item in (audit, case):
        client.post(reverse("portfolio:evidence_delete", args=[item.pk]))
    assert not Evidence.objects.filter(owner=alice).exists()
    application.refresh_from_db()
    assert frozen_state(application) == before
    # The download still serves the same bytes.
    full = application.packs.get(variant="full")
    download = client.get(reverse("applications:pack_download", args=[full.pk]))
    assert (
        hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == full.sha256
    )
