"""Fixtures shared by the portfolio tests."""

import pytest

from portfolio.models import PersonSpecification
from portfolio.specs import import_spec, spec_to_dict

UHD = "uhd-senior-clinical-coder-v1"


@pytest.fixture
def uhd(db) -> PersonSpecification:
    """The seeded University Hospitals Dorset Senior Clinical Coder spec."""
    return PersonSpecification.objects.get(slug=UHD)


@pytest.fixture
def trust_a_spec(trust_a, uhd) -> PersonSpecification:
    """Trust A's own copy of the UHD spec, titled Clinical Coder."""
    data = spec_to_dict(uhd) | {"title": "Clinical Coder", "slug": ""}
    return import_spec(data, organisation=trust_a)
