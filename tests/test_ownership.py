"""Every view that takes an id or a slug starts with a `get_<thing>_for_user` helper
that answers 404 to anyone else: another coder, a recruiter of another organisation.

One row per view. A new view with an id or a slug in its URL needs a row here:
`test_every_view_with_an_id_or_slug_has_a_row` fails until it has one.
"""

import datetime
from typing import NamedTuple

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from applications import urls as application_urls
from applications.models import Application, SubmissionPack
from portfolio import urls as portfolio_urls
from portfolio.models import Attachment, PortfolioImport, VerificationRequest
from recruitment import urls as recruitment_urls
from recruitment.models import PackZip
from specifications import urls as specification_urls
from specifications.models import EvidenceLink
from tests.factories import PDF_BYTES, make_employment, make_evidence, make_vacancy
from tests.recruitment.helpers import build_packs, make_panel, submit


class Who(NamedTuple):
    allowed: tuple[str, ...]  # personas who get the page
    refused: tuple[str, ...]  # personas who get a 404


CODERS_OWN = Who(allowed=("alice",), refused=("bob", "rachel", "oscar"))
RECRUITERS_OWN = Who(allowed=("rachel",), refused=("oscar", "alice"))
# Every coder may read every spec and apply to every vacancy; a recruiter may read
# only their own organisation's.
EVERY_CODER = Who(allowed=("alice", "bob"), refused=("oscar",))
SPEC_READERS = Who(allowed=("rachel", "alice"), refused=("oscar",))
# A vacancy's page: every coder reads it before applying; a recruiter of its own
# organisation sees what coders see; another organisation's recruiter, nothing.
VACANCY_READERS = Who(allowed=("alice", "bob", "rachel"), refused=("oscar",))


class Row(NamedTuple):
    view: str  # the URL name
    args: str  # the view's arguments, named as in `things`
    who: Who
    method: str = "get"  # "post" where a POST does more than a GET


# Grouped by the helper each view starts with.
ROWS = [
    # portfolio.views.get_evidence_for_user
    Row("portfolio:evidence_detail", "evidence", CODERS_OWN),
    Row("portfolio:evidence_edit", "evidence", CODERS_OWN, "post"),
    Row("portfolio:evidence_delete", "evidence", CODERS_OWN, "post"),
    Row("portfolio:attachment_add", "evidence", CODERS_OWN),
    Row("portfolio:verification_new", "evidence", CODERS_OWN, "post"),
    Row("specs:map_evidence", "evidence", CODERS_OWN),
    # portfolio.views.get_attachment_for_user
    Row("portfolio:attachment_download", "attachment", CODERS_OWN),
    Row("portfolio:attachment_delete", "attachment", CODERS_OWN, "post"),
    # portfolio.verification_views.get_verification_request_for_user
    Row("portfolio:verification_withdraw", "verification", CODERS_OWN, "post"),
    # portfolio.views.get_employment_for_user
    Row("portfolio:employment_edit", "employment", CODERS_OWN, "post"),
    Row("portfolio:employment_delete", "employment", CODERS_OWN, "post"),
    # portfolio.portability_views.get_import_for_user
    Row("portfolio:import_status", "portfolio_import", CODERS_OWN),
    # specifications.views.get_link_for_user
    Row("specs:link_delete", "link", CODERS_OWN, "post"),
    # specifications.views.get_spec_for_user
    Row("specs:matrix", "spec", EVERY_CODER),
    Row("specs:export", "spec", SPEC_READERS),
    # specifications.views.get_criterion_for_user
    Row("specs:add_evidence", "spec criterion", EVERY_CODER),
    # specifications.views.get_spec_for_recruiter
    Row("specs:detail", "spec", RECRUITERS_OWN),
    Row("specs:edit", "spec", RECRUITERS_OWN, "post"),
    Row("specs:copy", "spec", RECRUITERS_OWN, "post"),
    # applications.views.get_vacancy_for_user
    Row("applications:vacancy", "vacancy", VACANCY_READERS),
    Row("applications:apply", "vacancy", EVERY_CODER, "post"),
    # applications.views.get_vacancy_for_recruiter
    Row("applications:vacancy_edit", "vacancy", RECRUITERS_OWN, "post"),
    # applications.views.get_application_for_user
    Row("applications:draft", "application", CODERS_OWN, "post"),
    Row("applications:submit", "application", CODERS_OWN, "post"),
    Row("applications:withdraw", "application", CODERS_OWN, "post"),
    Row("applications:packs", "application", CODERS_OWN),
    # applications.views.get_pack_for_user
    Row("applications:pack_download", "pack", CODERS_OWN),
    # recruitment.views.get_vacancy_for_user (a coder never reaches the review,
    # not even of their own application)
    Row("recruitment:longlist", "review", RECRUITERS_OWN),
    Row("recruitment:panel", "review", RECRUITERS_OWN, "post"),
    Row("recruitment:take_lead", "review", RECRUITERS_OWN, "post"),
    Row("recruitment:zip_request", "review", RECRUITERS_OWN, "post"),
    Row("recruitment:scores_csv", "review", RECRUITERS_OWN),
    Row("recruitment:summary_csv", "review", RECRUITERS_OWN),
    # recruitment.views.get_vacancy_for_lead
    Row("recruitment:finalise", "review", RECRUITERS_OWN, "post"),
    # recruitment.views.get_application_for_user
    Row("recruitment:application", "submitted", RECRUITERS_OWN),
    Row("recruitment:pack", "submitted", RECRUITERS_OWN),
    # recruitment.views.get_application_for_member
    Row("recruitment:score", "submitted", RECRUITERS_OWN, "post"),
    # recruitment.views.get_application_for_lead
    Row("recruitment:outcome", "submitted", RECRUITERS_OWN, "post"),
    Row("recruitment:access_log", "submitted", RECRUITERS_OWN),
    # recruitment.views.get_zip_for_user
    Row("recruitment:zip", "zip", RECRUITERS_OWN),
    Row("recruitment:zip_download", "zip", RECRUITERS_OWN),
]


@pytest.fixture
def things(alice, rachel, trust_a, trust_a_spec):
    """The ids and slugs of one of everything: Alice's portfolio and application,
    Trust A's spec and vacancy; and a vacancy under review, led by Rachel, with
    Alice's submitted application and a zip of its packs."""
    evidence = make_evidence(alice, "clinical_query")
    criterion = trust_a_spec.criteria.first()
    vacancy = make_vacancy(trust_a, specification=trust_a_spec)
    application = Application.objects.create(vacancy=vacancy, applicant=alice)
    attachment = Attachment.objects.create(
        evidence=evidence,
        file=ContentFile(PDF_BYTES, name="report.pdf"),
        name="Audit report",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=Attachment.digest(PDF_BYTES),
    )
    link = EvidenceLink.objects.create(
        evidence=evidence, criterion=criterion, rationale="It shows this."
    )
    verification = VerificationRequest.objects.create(
        owner=alice,
        evidence=evidence,
        name="Dana Auditor",
        role="Approved auditor",
        organisation="Trust A NHS Foundation Trust",
        email="dana@trust-a.nhs.uk",
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    pack = SubmissionPack.objects.create(
        application=application,
        variant=SubmissionPack.Variant.FULL,
        state=SubmissionPack.State.DONE,
        file=ContentFile(PDF_BYTES, name="pack.pdf"),
    )
    review = make_vacancy(trust_a, specification=trust_a_spec)
    make_panel(review, rachel)
    submitted = submit(alice, review)
    build_packs(submitted)
    bundle = PackZip.objects.create(
        vacancy=review,
        state=PackZip.State.DONE,
        file=ContentFile(b"PK\x05\x06" + bytes(18), name="packs.zip"),
    )
    return {
        "review": review.pk,
        "submitted": submitted.pk,
        "zip": bundle.pk,
        "evidence": evidence.pk,
        "attachment": attachment.pk,
        "employment": make_employment(alice).pk,
        "link": link.pk,
        "spec": trust_a_spec.slug,
        "criterion": criterion.pk,
        "vacancy": vacancy.pk,
        "application": application.pk,
        "pack": pack.pk,
        "verification": verification.pk,
        "portfolio_import": PortfolioImport.objects.create(owner=alice, size=1).pk,
    }


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.view)
def test_only_those_allowed_reach_the_view(request, client, things, row):
    url = reverse(row.view, args=[things[name] for name in row.args.split()])
    for persona in row.who.refused:
        client.force_login(request.getfixturevalue(persona))
        response = getattr(client, row.method)(url)
        assert response.status_code == 404, f"{persona} reached {url}"
    # Last: a POST may change or delete the thing.
    for persona in row.who.allowed:
        client.force_login(request.getfixturevalue(persona))
        response = getattr(client, row.method)(url)
        assert response.status_code in (200, 302, 400), f"{persona} refused {url}"


def test_every_view_with_an_id_or_slug_has_a_row():
    taking_ids = {
        f"{module.app_name}:{pattern.name}"
        for module in (
            portfolio_urls,
            specification_urls,
            application_urls,
            recruitment_urls,
        )
        for pattern in module.urlpatterns
        if isinstance(pattern, URLPattern)
        and {"pk", "slug"} & set(pattern.pattern.converters)
    }
    assert taking_ids == {row.view for row in ROWS}


def test_a_criterion_is_found_only_under_its_own_spec(client, alice, things, uhd):
    client.force_login(alice)
    other = uhd.criteria.first()
    url = reverse("specs:add_evidence", args=[things["spec"], other.pk])
    assert client.get(url).status_code == 404


def test_a_pack_not_built_yet_is_not_found_even_by_its_owner(client, alice, things):
    pack = things["pack"]
    SubmissionPack.objects.filter(pk=pack).update(state=SubmissionPack.State.BUILDING)
    client.force_login(alice)
    url = reverse("applications:pack_download", args=[pack])
    assert client.get(url).status_code == 404
