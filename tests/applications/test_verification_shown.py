"""A verified item shows who verified it (name, role, organisation, date) on its
page, in the evidence list, the coverage matrix, the draft, the snapshot and the
pack; a declined request's comment is for the coder alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from applications import pack
from applications.models import Application, Statement
from applications.snapshot import build_snapshot, canonical_json
from specifications.models import EvidenceLink
from tests import pages
from tests.factories import (
    make_audit,
    make_evidence,
    make_vacancy,
    make_verification_request,
    verify,
)

pytestmark = pytest.mark.usefixtures("frozen_today")

VERIFIED_BY = (
    "by Dana Auditor, Approved clinical coding auditor, Trust A NHS Foundation "
    "Trust, on 25 November 2026"
)
DECLINED = "I did not see this work."


@pytest.fixture
def application(alice, trust_a):
    """Alice's draft, a verified audit chosen for the first criterion and an item
    whose verifier declined chosen for the second."""
    vacancy = make_vacancy(trust_a)
    first, second = vacancy.specification.criteria.all()[:2]
    audit = make_audit(alice, title="External audit, cardiology")
    verify(audit)
    declined = make_evidence(alice, "contribution", title="Mentored a trainee")
    make_verification_request(
        declined, state="declined", decided_at=timezone.now(), comment=DECLINED
    )
    application = Application.objects.create(
        vacancy=vacancy, applicant=alice, route="acc"
    )
    for criterion, item in [(first, audit), (second, declined)]:
        EvidenceLink.objects.create(
            evidence=item, criterion=criterion, rationale="Yes."
        )
        statement = Statement.objects.create(
            application=application, criterion=criterion, text="As shown."
        )
        statement.evidence.set([item])
    return application


def test_the_items_page_says_who_verified_it_and_when(signed_in, application):
    audit = application.applicant.evidence.get(title="External audit, cardiology")
    response = signed_in.get(audit.get_absolute_url())
    assertContains(response, "Verified</strong> " + VERIFIED_BY)


def test_the_evidence_list_tags_the_verified_item_only(signed_in, application):
    text = pages.text(signed_in.get(reverse("portfolio:evidence_list")))
    assert "External audit, cardiology Verified" in text
    assert "Mentored a trainee Verified" not in text


def test_the_matrix_and_the_draft_count_the_criterion_as_verified(
    signed_in, application
):
    spec = application.vacancy.specification
    matrix = signed_in.get(reverse("specs:matrix", args=[spec.slug]))
    assertContains(matrix, "External audit, cardiology</a> (verified)")
    assertNotContains(matrix, DECLINED)
    draft = signed_in.get(reverse("applications:draft", args=[application.pk]))
    assertContains(draft, "Verified")
    assertNotContains(draft, DECLINED)


def test_the_snapshot_and_the_pack_name_the_verifier(application):
    snapshot = build_snapshot(application, datetime.date(2026, 11, 25))
    items = {item["title"]: item for item in snapshot["evidence"]}

    assert items["External audit, cardiology"]["verified_by"] == {
        "name": "Dana Auditor",
        "role": "Approved clinical coding auditor",
        "organisation": "Trust A NHS Foundation Trust",
        "on": "2026-11-25",
    }
    assert items["Mentored a trainee"]["verified_by"] is None
    assert items["Mentored a trainee"]["verification"] == "unverified"
    assert DECLINED not in canonical_json(snapshot)

    html = pack.render_html(
        snapshot, snapshot_sha256="f" * 64, pack_id="CF-1-ffff", anonymised=False
    )
    assert "<strong>Verified</strong> " + VERIFIED_BY in html
    assert DECLINED not in html
