import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.asserts import assertContains

from accounts.models import Organisation, User
from applications.management.commands.seed_demo import DEMO_PASSWORD
from applications.models import Application, Vacancy
from portfolio import metrics
from portfolio.codes import normalise_icd10, normalise_opcs4
from portfolio.models import (
    ComplexCase,
    Contribution,
    Evidence,
    Qualification,
    VerificationRequest,
)
from portfolio.pid import validate_no_identifiers
from specifications.models import EvidenceLink


def test_it_creates_the_demo_users_and_can_run_twice(db, capsys):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    assert Organisation.objects.count() == 1
    coder = User.objects.get(email="coder@demo.coderfolio.test")
    recruiter = User.objects.get(email="recruiter@demo.coderfolio.test")
    assert coder.is_coder and coder.check_password(DEMO_PASSWORD)
    assert recruiter.is_recruiter and recruiter.organisation.ods_code == "R0D"
    out = capsys.readouterr().out
    assert "coder@demo.coderfolio.test  password: coderfolio-demo" in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to create demo accounts"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_coder_has_a_realistic_three_year_portfolio(db):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # idempotent: rebuilt, not doubled
    coder = User.objects.get(email="coder@demo.coderfolio.test")
    today = timezone.localdate()
    items = Evidence.objects.filter(owner=coder)
    assert items.count() == 73
    assert items.earliest("date").date >= today - datetime.timedelta(days=3 * 365)

    facts = metrics.PortfolioFacts(coder, today)
    trend = facts.trend
    assert len(trend) == 12
    assert 85 <= trend[0]["overall"] <= 88
    assert 94 <= trend[-1]["overall"] <= 96
    assert facts.accuracy().percent > 90

    assert facts.specialty_count >= 15
    cases = ComplexCase.objects.filter(owner=coder)
    assert cases.count() == 20
    assert cases.filter(case_types__slug="mortality").count() >= 5
    assert facts.kind_counts["contribution"] >= 5
    assert Contribution.objects.filter(
        owner=coder, contribution_type="mentoring"
    ).exists()
    assert Qualification.objects.filter(owner=coder, qualification_type="acc").exists()
    assert facts.refresher_warning is None
    assert facts.years >= 3
    # Some of it is mapped to the seeded UHD spec, one link to verified evidence.
    links = EvidenceLink.objects.filter(evidence__owner=coder)
    assert links.count() == 7
    assert links.filter(evidence__verification="verified").exists()


def test_the_demo_portfolio_is_valid_and_free_of_patient_identifiers(db):
    call_command("seed_demo", force=True)
    coder = User.objects.get(email="coder@demo.coderfolio.test")
    for item in Evidence.objects.filter(owner=coder).with_details():
        details = item.details
        details.full_clean()
        for field in details._meta.concrete_fields:
            value = getattr(details, field.attname)
            if isinstance(value, str):
                validate_no_identifiers(value)
        if isinstance(details, ComplexCase):
            assert [
                normalise_icd10(c) for c in details.icd10_codes
            ] == details.icd10_codes
            assert [
                normalise_opcs4(c) for c in details.opcs4_codes
            ] == details.opcs4_codes


def test_the_demo_has_an_open_vacancy_and_a_submitted_application_with_packs(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)
    recruiter = User.objects.get(email="recruiter@demo.coderfolio.test")
    vacancy = Vacancy.objects.get(organisation=recruiter.organisation)
    assert vacancy.is_open
    assert vacancy.specification.slug == "uhd-senior-clinical-coder-v1"
    # As the job listing gives them.
    assert vacancy.title == "Senior Clinical Coder/Clinical Coder (ACC/Non-ACC)"
    assert (vacancy.band, vacancy.hours) == ("Band 4", "37.5 hours per week")
    assert vacancy.salary == (
        "£28,392 - £39,043 Dependent on experience/qualifications (ACC/Non-ACC)"
    )
    application = Application.objects.get(applicant__email="coder@demo.coderfolio.test")
    assert application.status == Application.Status.SUBMITTED
    assert application.applicant.email == "coder@demo.coderfolio.test"
    packs = application.packs.all()
    assert {(p.variant, p.state) for p in packs} == {
        ("full", "done"),
        ("anonymised", "done"),
    }
    assert all(p.pages >= 5 and p.file.read(5) == b"%PDF-" for p in packs)


def test_the_demo_has_a_verified_item_a_declined_request_and_a_link_waiting(
    client, db, capsys
):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # rebuilt, not doubled
    coder = User.objects.get(email="coder@demo.coderfolio.test")
    requests = VerificationRequest.objects.filter(owner=coder)
    assert sorted(requests.values_list("state", flat=True)) == [
        "confirmed",
        "declined",
        "pending",
    ]
    verified = Evidence.objects.get(owner=coder, verification="verified")
    assert verified.verified_by.name == "Morgan Ellis"
    assert verified.verified_by.fingerprint == verified.content_fingerprint()
    # It is the audit behind the accuracy criterion, so the submitted pack says so.
    assert EvidenceLink.objects.filter(evidence=verified).exists()
    assert "Morgan Ellis" in Application.objects.get(applicant=coder).snapshot.content
    assert requests.get(state="declined").comment.startswith("The new starter")

    out = capsys.readouterr().out
    links = re.findall(r"http://127\.0\.0\.1:8000(/verify/\S+/)", out)
    assert len(links) == 2  # printed by each run; the second run's link works
    response = client.get(links[-1])
    assertContains(response, "National Clinical Coding Qualification")
    assertContains(response, "Casey Morgan asks you, Alex Rowe")
    assert client.get(links[0]).status_code == 410  # its request was rebuilt
