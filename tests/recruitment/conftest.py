"""The review's cast: Rachel leads Trust A's vacancy, Petra sits on its panel,
Quentin is a Trust A recruiter off the panel, Oscar recruits for Trust B."""

import pytest

from tests.factories import make_recruiter, make_vacancy
from tests.recruitment.helpers import make_panel, submit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def petra(trust_a):
    """A recruiter of trust A on the panel Rachel leads."""
    return make_recruiter(
        trust_a, email="petra@trust-a.nhs.uk", full_name="Petra Price"
    )


@pytest.fixture
def quentin(trust_a):
    """A recruiter of trust A who is not on the panel."""
    return make_recruiter(
        trust_a, email="quentin@trust-a.nhs.uk", full_name="Quentin Quill"
    )


@pytest.fixture
def vacancy(trust_a, trust_a_spec):
    return make_vacancy(
        trust_a, specification=trust_a_spec, title="Clinical Coder", reference="CC-1"
    )


@pytest.fixture
def panel(vacancy, rachel, petra):
    return make_panel(vacancy, rachel, petra)


@pytest.fixture
def submitted(alice, vacancy):
    """Alice's submitted application, evidence cited on every criterion."""
    return submit(alice, vacancy)
