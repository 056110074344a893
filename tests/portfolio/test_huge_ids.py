"""An id no database row could have is an invalid choice, not a server error."""

import pytest
from django.urls import reverse

from portfolio.models import Evidence
from tests.pages import errors_of
from tests.portfolio.forms_data import valid_data


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("audit", "specialties", [str(10**25)]),
        ("audit", "specialties", [str(2**63)]),
        ("audit", "specialties", [str(-(2**63) - 1)]),
        ("complex_case", "case_types", [str(10**25)]),
        ("complex_case", "case_types", ["1", str(10**25)]),
        ("complex_case", "specialty", str(10**25)),
        ("specialty", "specialty", str(2**64)),
    ],
)
def test_a_huge_choice_id_is_an_invalid_choice(signed_in, kind, field, value):
    data = valid_data(kind) | {field: value}
    response = signed_in.post(reverse("portfolio:evidence_create", args=[kind]), data)
    assert "Select a valid choice" in errors_of(response)
    assert not Evidence.objects.exists()


def test_a_choice_id_that_is_not_a_number_is_still_refused(signed_in):
    data = valid_data("audit") | {"specialties": ["9" * 5000]}
    response = signed_in.post(
        reverse("portfolio:evidence_create", args=["audit"]), data
    )
    assert "is not a valid value" in errors_of(response)
    assert not Evidence.objects.exists()
