import datetime
import itertools
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Organisation, User
from applications.management import demo
from applications.management.commands.seed_demo import DEMO_PASSWORD
from applications.models import Application, Vacancy
from portfolio import metrics
from portfolio.codes import display_icd10, display_opcs4
from portfolio.forms import ComplexCaseForm
from portfolio.models import (
    AccuracyAudit,
    ComplexCase,
    Contribution,
    Employment,
    Evidence,
    Qualification,
    VerificationRequest,
)
from portfolio.pid import validate_no_identifiers
from specifications.models import EvidenceLink
from tests.portfolio.forms_data import date_parts

CODER = "coder@demo.coderfolio.test"
SECOND_CODER = "coder2@demo.coderfolio.test"


@pytest.fixture
def stand_in_pdf(monkeypatch):
    """The packs have their own tests; only the last tests here build real ones."""
    monkeypatch.setattr(
        "applications.tasks.build_pdf",
        lambda content, *, application_id, anonymised: (b"%PDF-1.7 stand-in", 1),
    )


@pytest.fixture
def seeded(db, frozen_today, stand_in_pdf):
    """The demo, seeded on 25 November 2026."""
    call_command("seed_demo", force=True)
    return frozen_today


def test_it_creates_the_demo_users_and_can_run_twice(db, capsys, stand_in_pdf):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    assert Organisation.objects.count() == 1
    coder = User.objects.get(email=CODER)
    second = User.objects.get(email=SECOND_CODER)
    recruiter = User.objects.get(email="recruiter@demo.coderfolio.test")
    assert coder.is_coder and coder.check_password(DEMO_PASSWORD)
    assert second.is_coder and second.check_password(DEMO_PASSWORD)
    assert recruiter.is_recruiter and recruiter.organisation.ods_code == "R0D"
    out = capsys.readouterr().out
    assert f"{CODER}  password: coderfolio-demo" in out
    assert f"{SECOND_CODER}  password: coderfolio-demo" in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to create demo accounts"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_coder_has_a_realistic_three_year_portfolio(seeded):
    call_command("seed_demo", force=True)  # idempotent: rebuilt, not doubled
    coder = User.objects.get(email=CODER)
    items = Evidence.objects.filter(owner=coder)
    assert items.count() == 73
    assert items.earliest("date").date >= seeded - datetime.timedelta(days=3 * 365)

    facts = metrics.PortfolioFacts(coder, seeded)
    assert facts.accuracy().percent > 90
    assert facts.specialty_count >= 15
    cases = ComplexCase.objects.filter(owner=coder)
    assert cases.count() == 20
    assert cases.filter(case_types__slug="mortality").count() == 6
    assert facts.kind_counts["contribution"] >= 5
    assert Contribution.objects.filter(
        owner=coder, contribution_type="mentoring"
    ).exists()
    assert Qualification.objects.filter(owner=coder, qualification_type="acc").exists()
    assert facts.refresher_warning is None
    assert facts.years == 5
    # Some of it is mapped to the seeded UHD spec, one link to verified evidence.
    links = EvidenceLink.objects.filter(evidence__owner=coder)
    assert links.count() == 8
    assert links.filter(evidence__verification="verified").exists()


def test_the_demo_portfolios_are_valid_and_free_of_patient_identifiers(seeded):
    for item in Evidence.objects.filter(
        owner__email__in=[CODER, SECOND_CODER]
    ).with_details():
        details = item.details
        details.full_clean()
        for field in details._meta.concrete_fields:
            value = getattr(details, field.attname)
            if isinstance(value, str):
                validate_no_identifiers(value)


# --- Complex cases a senior coder would not fault ----------------------------------


def demo_cases():
    return ComplexCase.objects.filter(
        owner__email__in=[CODER, SECOND_CODER]
    ).prefetch_related("case_types")


def test_every_demo_case_passes_the_apps_own_code_checks(seeded):
    """Each case, typed into the complex case form as a coder would, is accepted
    with no error and no warning (well formed, and known to the reference list)."""
    cases = list(demo_cases())
    assert len(cases) == 23  # the demo coder's 20 and the second coder's 3
    for case in cases:
        data = {
            "title": case.title,
            **date_parts("date", case.date),
            "specialty": str(case.specialty_id),
            "case_types": [str(t.pk) for t in case.case_types.all()],
            "icd10_codes": ", ".join(display_icd10(c) for c in case.icd10_codes),
            "opcs4_codes": ", ".join(display_opcs4(c) for c in case.opcs4_codes),
            "summary": case.summary,
            "standards_applied": case.standards_applied,
            "reflection": case.reflection,
        }
        form = ComplexCaseForm(data, owner=case.owner)
        assert form.is_valid(), (case.title, form.errors)
        assert form.warnings == [], (case.title, form.warnings)
        assert form.cleaned_data["icd10_codes"] == case.icd10_codes
        assert form.cleaned_data["opcs4_codes"] == case.opcs4_codes


# A procedure's OPCS-4 category -> the primary diagnoses it can be for, and whether it
# needs a laterality (Z94) code.
PROCEDURES = {
    "H07": (("C180", "C181", "C182", "C183"), False),  # right hemicolectomy
    "W46": (("S720", "S721"), True),  # replacement of the head of femur
    "B28": (("C50",), True),  # partial excision of breast
    "R18": (("O",), False),  # other (emergency) caesarean delivery
    "H01": (("K35",), False),  # emergency excision of appendix
}


def test_every_demo_procedure_fits_its_diagnosis(seeded):
    operated = [case for case in demo_cases() if case.opcs4_codes]
    assert len(operated) >= 5
    for case in operated:
        fits, sided = PROCEDURES[case.opcs4_codes[0][:3]]
        assert case.icd10_codes[0].startswith(fits), case.title
        assert any(c.startswith("Z94") for c in case.opcs4_codes) is sided, case.title
    (right_hemicolectomy,) = [c for c in operated if c.opcs4_codes[0][:3] == "H07"]
    assert right_hemicolectomy.icd10_codes[0] in {"C180", "C182"}  # caecum, ascending


def test_each_case_names_the_opcs4_version_in_use_on_its_date(seeded):
    cases = list(demo_cases())
    for case in cases:
        version = re.findall(r"OPCS-4\.\d+", case.standards_applied)
        if case.opcs4_codes:
            expected = (
                "OPCS-4.11" if case.date >= datetime.date(2026, 4, 1) else ("OPCS-4.10")
            )
            assert version == [expected], case.title
        else:
            assert version == [], case.title
    assert any(
        case.opcs4_codes and "OPCS-4.11" in case.standards_applied for case in cases
    )


# --- Audits --------------------------------------------------------------------------


def test_the_audits_vary_in_size_and_accuracy_moves_up_and_down(seeded):
    coder = User.objects.get(email=CODER)
    trend = [point["overall"] for point in metrics.PortfolioFacts(coder, seeded).trend]
    assert len(trend) == 12
    steps = [later - earlier for earlier, later in itertools.pairwise(trend)]
    assert sum(step > 0 for step in steps) >= 4
    assert sum(step < 0 for step in steps) >= 3
    assert 86 <= trend[0] < 89 and trend[-1] > 94
    sizes = set(
        AccuracyAudit.objects.filter(owner=coder).values_list(
            "episodes_audited", flat=True
        )
    )
    assert len(sizes) >= 6


def test_the_dspt_audit_is_the_coders_own_sample_not_the_whole_service(seeded):
    dspt = AccuracyAudit.objects.filter(
        owner__email__in=[CODER, SECOND_CODER], audit_type="dspt"
    )
    assert dspt.count() == 4
    for audit in dspt:
        assert audit.episodes_audited < 200
        assert audit.title.endswith(
            f"my {audit.episodes_audited} episodes of the trust's 200"
        )
        assert "across the whole coding team" in audit.summary
    assert not AccuracyAudit.objects.filter(episodes_audited=200).exists()


def test_the_last_year_meets_each_dspt_measure(seeded):
    coder = User.objects.get(email=CODER)
    accuracy = metrics.PortfolioFacts(coder, seeded).accuracy()
    standards_met = {
        "primary_diagnosis": 90,
        "secondary_diagnoses": 85,
        "primary_procedure": 90,
        "secondary_procedures": 85,
    }
    assert accuracy.audits >= 2
    for measure in accuracy.measures:
        assert measure["percent"] >= standards_met[measure["key"]], measure


# --- The application, its statements, the vacancies --------------------------------


def test_every_criterion_has_its_own_statement_true_to_the_portfolio(seeded):
    coder = User.objects.get(email=CODER)
    application = Application.objects.get(applicant=coder)
    statements = list(application.statements.select_related("criterion"))
    assert len(statements) == application.vacancy.specification.criteria.count()
    texts = [s.text for s in statements]
    assert len(set(texts)) == len(texts)
    for statement in statements:
        assert statement.text == demo.DEMO_STATEMENTS[statement.criterion.text]
        assert len(statement.text.split()) <= statement.WORD_LIMIT
        validate_no_identifiers(statement.text)
    # What the statements say of the employment history is what it holds.
    employers = " ".join(
        Employment.objects.filter(owner=coder).values_list("employer", flat=True)
    )
    for place in ["Dorset County Hospital", "Salisbury"]:
        assert place in employers
        assert any(place in text for text in texts)
    assert metrics.PortfolioFacts(coder, seeded).years == 5
    assert any("coded for five years" in text for text in texts)
    # "six are in my portfolio": the mortality cases it has.
    mortality = ComplexCase.objects.filter(owner=coder, case_types__slug="mortality")
    assert mortality.count() == 6
    assert any("six are in my portfolio" in text for text in texts)


def test_there_are_two_open_vacancies_and_the_demo_coder_can_apply_to_the_other(
    seeded, client
):
    vacancies = Vacancy.objects.filter(closing_date__gte=seeded)
    assert vacancies.count() == 2
    assert all(v.is_open for v in vacancies)
    coder = User.objects.get(email=CODER)
    applied = Application.objects.get(applicant=coder).vacancy
    other = vacancies.exclude(pk=applied.pk).get()
    client.force_login(coder)
    response = client.get(reverse("applications:coder_home"))
    assertContains(response, other.reference)
    response = client.post(reverse("applications:apply", args=[other.pk]))
    assert response.status_code == 302
    assert Application.objects.filter(applicant=coder, vacancy=other).exists()


def test_the_second_coder_has_a_portfolio_and_no_nccq(seeded):
    second = User.objects.get(email=SECOND_CODER)
    facts = metrics.PortfolioFacts(second, seeded)
    assert facts.total_items >= 10
    assert facts.years == 4
    assert not Qualification.objects.filter(
        owner=second, qualification_type="acc"
    ).exists()
    assert not Application.objects.filter(applicant=second).exists()


def test_the_demo_has_a_submitted_application_with_both_packs_built(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    recruiter = User.objects.get(email="recruiter@demo.coderfolio.test")
    assert Vacancy.objects.filter(organisation=recruiter.organisation).count() == 2
    vacancy = Vacancy.objects.get(reference="198-HIMS-8079977")
    assert vacancy.is_open
    assert vacancy.specification.slug == "uhd-senior-clinical-coder-v1"
    # As the job listing gives them.
    assert vacancy.title == "Senior Clinical Coder/Clinical Coder (ACC/Non-ACC)"
    assert (vacancy.band, vacancy.hours) == ("Band 4", "37.5 hours per week")
    assert vacancy.salary == (
        "£28,392 - £39,043 Dependent on experience/qualifications (ACC/Non-ACC)"
    )
    application = Application.objects.get(applicant__email=CODER)
    assert application.status == Application.Status.SUBMITTED
    assert application.applicant.email == CODER
    assert application.vacancy.specification.slug == "uhd-senior-clinical-coder-v1"
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


def test_the_demo_packs_are_built_whichever_task_backend_is_set(
    db, settings, tmp_path, stand_in_pdf
):
    """With a queue and no worker running, seed_demo still leaves both packs built."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    call_command("seed_demo", force=True)
    states = set(
        Application.objects.get(applicant__email=CODER).packs.values_list(
            "state", flat=True
        )
    )
    assert states == {"done"}
