"""Bad input gets a clear message and stores nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Evidence
from tests import pages
from tests.factories import make_evidence
from tests.pages import errors_of
from tests.portfolio.forms_data import date_parts, valid_data


def post(client, kind: str, **changes):
    data = valid_data(kind) | changes
    return client.post(reverse("portfolio:evidence_create", args=[kind]), data)


def test_codes_correct_cannot_exceed_codes_audited(signed_in):
    response = post(signed_in, "audit", primary_diagnosis_correct="201")
    assert response.status_code == 200
    message = "codes correct (201) cannot be more than codes audited (200)."
    assert f"Primary diagnosis: {message}" in errors_of(response)
    assert not Evidence.objects.exists()


def test_an_audit_needs_at_least_one_measure(signed_in):
    zeros = {
        f"{m}_{p}": "0"
        for m in [
            "primary_diagnosis",
            "secondary_diagnoses",
            "primary_procedure",
            "secondary_procedures",
        ]
        for p in ["correct", "audited"]
    }
    response = post(signed_in, "audit", **zeros)
    assert "Enter the codes audited for at least one measure." in errors_of(response)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("audit", "episodes_audited"),
        ("audit", "secondary_procedures_audited"),
        ("specialty", "episodes_coded"),
        ("cpd", "hours"),
        ("productivity", "episodes_coded"),
    ],
)
def test_negative_numbers_are_refused(signed_in, kind, field):
    response = post(signed_in, kind, **{field: "-5"})
    assert response.status_code == 200
    assert "greater than or equal to" in errors_of(response)
    assert not Evidence.objects.exists()


def test_timeliness_is_a_percentage(signed_in):
    response = post(signed_in, "productivity", timeliness_percent="120")
    assert "less than or equal to 100" in errors_of(response)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("kind", ["specialty", "contribution", "productivity"])
def test_a_period_cannot_end_before_it_starts(signed_in, kind):
    response = post(
        signed_in, kind, **date_parts("end_date", datetime.date(2026, 3, 1))
    )
    assert "The end date must not be before the start date." in errors_of(response)
    assert not Evidence.objects.exists()


def test_an_audit_cannot_be_in_the_future(signed_in):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post(signed_in, "audit", **date_parts("date", tomorrow))
    assert "The date must be today or in the past." in errors_of(response)
    assert not Evidence.objects.exists()


def test_an_impossible_date_is_refused(signed_in):
    response = post(signed_in, "cpd", date_day="31", date_month="2", date_year="2026")
    assert "Enter a valid date." in errors_of(response)
    # What was typed is shown back, nothing lost.
    assert 'value="31"' in pages.html(response)
    assert not Evidence.objects.exists()


def test_malformed_codes_are_named(signed_in):
    response = post(
        signed_in, "complex_case", icd10_codes="I21.4 J1", opcs4_codes="I04.2"
    )
    errors = errors_of(response)
    assert '"J1" is not an ICD-10 code' in errors
    assert "OPCS-4 has no chapter I" in errors
    assert not Evidence.objects.exists()


def test_unknown_but_well_formed_codes_are_saved_with_a_warning(signed_in):
    response = post(signed_in, "complex_case", icd10_codes="I21.4 J19.9")
    assert response.status_code == 302
    page = signed_in.get(response.url).content.decode()
    assert "Check these ICD-10 codes: J19.9" in page
    case = Evidence.objects.get().details
    assert case.icd10_codes == ["I214", "J199"]


def test_an_nhs_number_in_a_narrative_is_refused_without_echoing_it(signed_in):
    narrative = "Patient 943 476 5919 was admitted with sepsis."
    response = post(signed_in, "complex_case", summary=narrative)
    errors = errors_of(response)
    assert "This looks like an NHS number (line 1, characters 9 to 20)" in errors
    assert "943" not in errors and "5919" not in errors
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("field", "text", "what"),
    [
        ("title", "Case for bob.smith@example.com", "an email address"),
        ("reflection", "Lives at BH7 7DW", "a postcode"),
        ("summary", "DOB 03/03/1950, admitted with a fall", "a date of birth"),
    ],
)
def test_every_free_text_field_goes_through_the_pid_guard(signed_in, field, text, what):
    response = post(signed_in, "complex_case", **{field: text})
    assert f"This looks like {what}" in errors_of(response)
    assert not Evidence.objects.exists()


def test_editing_with_bad_input_changes_nothing(signed_in, alice):
    item = make_evidence(alice, "audit", title="Original title")
    data = valid_data("audit") | {
        "title": "Changed",
        "primary_diagnosis_correct": "999",
    }
    response = signed_in.post(reverse("portfolio:evidence_edit", args=[item.pk]), data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title == "Original title"
    assert item.details.primary_diagnosis_correct == 45


def test_a_required_field_left_blank_is_named(signed_in):
    response = post(signed_in, "audit", title="", auditor="")
    errors = errors_of(response)
    assert "Enter the title." in errors
    assert "Enter the auditor." in errors
    assert 'href="#id_title"' in pages.html(response)
