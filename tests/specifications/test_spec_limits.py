"""A spec's numbers, text and size have limits, on every database: a file or a post
beyond them gets a message, never a server error, and nothing is stored."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from specifications.models import Criterion, PersonSpecification
from specifications.specs import (
    MAX_CRITERIA,
    SpecImportError,
    import_spec,
    spec_to_dict,
)
from tests.pages import errors_of
from tests.portfolio.forms_data import spec_formset_data


def spec_file(spec: PersonSpecification, change) -> dict:
    data = spec_to_dict(spec) | {"slug": "", "version": 2}
    change(data)
    return data


def set_version(value):
    return lambda data: data.update(version=value)


def set_in_criterion(key, value):
    return lambda data: data["criteria"][1].update({key: value})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_version(10**30), "version must be a whole number from 1 to 9,999"),
        (set_version(2**63), "version must be a whole number from 1 to 9,999"),
        (set_version(2**31), "version must be a whole number from 1 to 9,999"),
        (set_in_criterion("order", 10**30), "Criterion 2: order must be a whole"),
        (set_in_criterion("order", 2**63), "Criterion 2: order must be a whole"),
        (set_in_criterion("order", -1), "Criterion 2: order must be a whole"),
        (
            lambda data: data.update(title="Clinical \ud800 Coder"),
            "The specification, title: contains U+D800",
        ),
        (
            set_in_criterion("text", "Validates \udfff data"),
            "Criterion 2, text: contains U+DFFF",
        ),
        (
            set_in_criterion("text", "Validates\x00 data"),
            "Criterion 2, text: contains U+0000",
        ),
        (
            lambda data: data["criteria"][0].update(
                rule={"kind": "accuracy", "measures": ["primary\ud83d"]}
            ),
            "Criterion 1, rule, measures, 1: contains U+D83D",
        ),
        (
            lambda data: data["criteria"][0].update({"\ud800": 1}),
            "Criterion 1, a key: contains U+D800",
        ),
        (
            lambda data: data.update(
                criteria=data["criteria"] * (MAX_CRITERIA // len(data["criteria"]) + 1)
            ),
            f"it can have {MAX_CRITERIA} at most",
        ),
    ],
)
def test_a_spec_file_beyond_the_limits_is_refused_and_nothing_is_stored(
    trust_a_spec, change, message
):
    data = spec_file(trust_a_spec, change)
    with pytest.raises(SpecImportError, match=re.escape(message)):
        import_spec(data)
    assert PersonSpecification.objects.filter(version=2).count() == 0


def test_the_import_page_shows_why_a_file_is_refused(client, rachel, trust_a_spec):
    data = spec_file(trust_a_spec, set_version(10**30))
    data["title"] = "Lone \ud800 surrogate"
    # As a client would write it: the surrogate escaped, as JSON allows.
    upload = SimpleUploadedFile("spec.json", json.dumps(data).encode())
    client.force_login(rachel)
    response = client.post(reverse("specs:import"), {"file": upload})
    assert "The specification, title: contains U+D800" in errors_of(response)
    assert not PersonSpecification.objects.filter(title__startswith="Lone").exists()


def test_a_post_claiming_2000_criteria_is_refused_without_building_them(
    client, rachel, trust_a_spec
):
    data = spec_formset_data(trust_a_spec, **{"criteria-TOTAL_FORMS": "2000"})
    client.force_login(rachel)
    response = client.post(reverse("specs:edit", args=[trust_a_spec.slug]), data)
    assert f"A specification can have {MAX_CRITERIA} criteria at most" in errors_of(
        response
    )
    assert len(response.context["formset"].forms) == MAX_CRITERIA
    assert trust_a_spec.criteria.count() == 21


def new_criteria(first: int, last: int) -> dict:
    data = {}
    for i in range(first, last):
        data |= {
            f"criteria-{i}-category": "skills",
            f"criteria-{i}-requirement": "desirable",
            f"criteria-{i}-text": f"Skill number {i}",
            f"criteria-{i}-order": str(i),
        }
    return data


def test_a_spec_takes_60_criteria_and_not_61(client, rachel, trust_a_spec):
    client.force_login(rachel)
    url = reverse("specs:edit", args=[trust_a_spec.slug])
    data = spec_formset_data(trust_a_spec) | new_criteria(21, 62)
    response = client.post(url, data | {"criteria-TOTAL_FORMS": "62"})
    assert "can have 60 criteria at most" in errors_of(response)
    assert trust_a_spec.criteria.count() == 21

    data = spec_formset_data(trust_a_spec) | new_criteria(21, 60)
    response = client.post(url, data | {"criteria-TOTAL_FORMS": "60"})
    assert response.status_code == 302
    assert trust_a_spec.criteria.count() == 60


def test_an_order_the_import_would_refuse_is_refused_by_the_form(
    client, rachel, trust_a_spec
):
    client.force_login(rachel)
    data = spec_formset_data(trust_a_spec, **{"criteria-0-order": str(10**30)})
    response = client.post(reverse("specs:edit", args=[trust_a_spec.slug]), data)
    assert "less than or equal to 9999" in errors_of(response)
    assert not Criterion.objects.filter(order__gt=9999).exists()
