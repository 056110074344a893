"""The PID guard is one validator on the free-text fields, so every way in applies it:
the forms (through model validation), the portfolio import and the spec import."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from pytest_django.asserts import assertContains

from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers
from portfolio.portability import export_portfolio
from specifications.forms import CriterionFormSet
from specifications.models import PersonSpecification
from tests.factories import make_audit
from tests.portfolio.forms_data import spec_formset_data, valid_data

TEXT = "Seen for 943 476 5919"  # an NHS number that passes the Modulus 11 check
MESSAGE = (
    "This looks like an NHS number (line 1, characters 10 to 21). "
    "Remove it: patient-identifiable information must not be stored."
)

# Text fields that no person types: codes, digests, generated or reference values.
NOT_FREE_TEXT = {
    "portfolio.Specialty": {"code", "name"},  # reference data, loaded by migrations
    "portfolio.CaseType": {"slug", "name"},
    "portfolio.Attachment": {"content_type", "sha256"},
    # The verifier's address (the guard refuses any email address), the link's
    # random nonce and the item's digest.
    "portfolio.VerificationRequest": {"email", "nonce", "fingerprint"},
    "specifications.PersonSpecification": {"slug"},
    "applications.Application": {"candidate_number"},
    "applications.Snapshot": {"content", "sha256"},  # built from guarded fields
    "applications.SubmissionPack": {"sha256", "error", "pack_id"},  # built by the app
}


def free_text_fields() -> list[tuple[str, str]]:
    return [
        (model._meta.label, f.name)
        for app in ["portfolio", "specifications", "applications"]
        for model in apps.get_app_config(app).get_models()
        for f in model._meta.local_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_FREE_TEXT.get(model._meta.label, set())
    ]


def test_the_list_of_free_text_fields_is_the_expected_one():
    """A guard on the test below: it checks these fields, and more as they come."""
    fields = free_text_fields()
    for expected in [
        ("portfolio.Evidence", "summary"),
        ("portfolio.ClinicalQuery", "resolution"),
        ("portfolio.Employment", "employer"),
        ("portfolio.Attachment", "name"),
        ("portfolio.VerificationRequest", "comment"),
        ("specifications.Criterion", "text"),
        ("specifications.EvidenceLink", "rationale"),
        ("applications.Statement", "text"),
        ("applications.Vacancy", "title"),
    ]:
        assert expected in fields


@pytest.mark.parametrize(("label", "name"), free_text_fields())
def test_every_free_text_model_field_carries_the_guard(label, name):
    """A new free-text field without the guard fails here: add
    validators=[validate_no_identifiers], or list it in NOT_FREE_TEXT with why."""
    field = apps.get_model(label)._meta.get_field(name)
    assert validate_no_identifiers in field.validators
    with pytest.raises(ValidationError) as raised:
        field.run_validators(TEXT)
    assert MESSAGE in raised.value.messages


def test_the_form_and_both_imports_refuse_an_identifier_with_one_message(
    client, alice, bob, rachel, trust_a
):
    # The form for an audit.
    client.force_login(alice)
    response = client.post(
        reverse("portfolio:evidence_create", args=["audit"]),
        valid_data("audit") | {"summary": TEXT},
    )
    assertContains(response, MESSAGE)
    assert not Evidence.objects.exists()

    # The portfolio import.
    make_audit(alice, title="Quarterly audit")
    document = export_portfolio(alice)
    document["evidence"][0]["summary"] = TEXT
    client.force_login(bob)
    response = client.post(
        reverse("portfolio:import"),
        {"file": SimpleUploadedFile("p.json", json.dumps(document).encode())},
    )
    assertContains(response, "evidence item 1 (&quot;Quarterly audit&quot;), summary: ")
    assertContains(response, f"summary: {MESSAGE}")
    assert not Evidence.objects.for_owner(bob).exists()

    # The spec import.
    spec = {
        "title": "Clinical Coder",
        "organisation": trust_a.name,
        "band": "Band 3",
        "version": 1,
        "criteria": [
            {
                "category": "skills",
                "requirement": "essential",
                "text": TEXT,
                "order": 1,
                "rule": None,
            }
        ],
    }
    client.force_login(rachel)
    response = client.post(
        reverse("specs:import"),
        {"file": SimpleUploadedFile("s.json", json.dumps(spec).encode())},
    )
    assertContains(response, f"Criterion 1, text: {MESSAGE}")
    assert not PersonSpecification.objects.filter(organisation=trust_a).exists()


def test_a_spec_title_is_guarded_by_the_model_in_the_import(trust_a):
    from specifications.specs import SpecImportError, import_spec

    spec = {
        "title": TEXT,
        "organisation": trust_a.name,
        "band": "",
        "version": 1,
        "criteria": [
            {
                "category": "skills",
                "requirement": "essential",
                "text": "Codes accurately",
                "order": 1,
                "rule": None,
            }
        ],
    }
    with pytest.raises(SpecImportError) as raised:
        import_spec(spec)
    assert str(raised.value) == f"The specification, title: {MESSAGE}"


def test_a_rule_typed_in_the_spec_form_is_guarded_without_repeating_it(
    trust_a_spec,
):
    data = spec_formset_data(
        trust_a_spec,
        **{"criteria-0-rule": json.dumps({"kind": "item_count", "case_type": TEXT})},
    )
    formset = CriterionFormSet(data, instance=trust_a_spec, prefix="criteria")
    assert not formset.is_valid()
    [error] = formset.forms[0].errors["rule"]
    assert error.startswith("This looks like an NHS number (line 1, characters 47 to")
    assert "943" not in error
