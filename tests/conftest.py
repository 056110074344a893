"""Personas and browser settings shared by the whole suite."""

import datetime
from importlib import import_module

import pytest
import time_machine

from tests.factories import make_coder, make_organisation, make_recruiter

UHD = "uhd-senior-clinical-coder-v1"
TODAY = datetime.date(2026, 11, 25)


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly is slow by design; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Serve static files from the source folders: tests do not run collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives a browser page carries the `browser` marker, so that
    `pytest -m "not browser"` is the fast run."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory) -> None:
    """SQLite's test database in a file, as in production (WAL, a connection for
    each thread), not in memory: an in-memory database is one connection, which the
    live server shares between its threads, so that requests made at once run one
    inside another's transaction (tests/test_concurrency.py needs them apart)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and packs of every test go to a folder of its own, removed after."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def frozen_today():
    """Run on 25 November 2026 at noon (`TODAY`): figures and rules depend on the
    date. Use with `pytestmark = pytest.mark.usefixtures("frozen_today")`."""
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0), tick=False):
        yield TODAY


@pytest.fixture
def signed_in(client, alice):
    """A client signed in as Alice, the coder whose portfolio is under test."""
    client.force_login(alice)
    return client


@pytest.fixture
def trust_a(db):
    return make_organisation(name="Trust A NHS Foundation Trust", ods_code="RAA")


@pytest.fixture
def trust_b(db):
    return make_organisation(name="Trust B NHS Trust", ods_code="RBB")


@pytest.fixture
def alice(db):
    """A clinical coder: the owner of the portfolio under test."""
    return make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")


@pytest.fixture
def bob(db):
    """Another clinical coder, who must never see Alice's portfolio."""
    return make_coder(email="bob@example.nhs.uk", full_name="Bob Baker")


@pytest.fixture
def rachel(trust_a):
    """A recruiter of trust A."""
    return make_recruiter(
        trust_a, email="rachel@trust-a.nhs.uk", full_name="Rachel Reed"
    )


@pytest.fixture
def oscar(trust_b):
    """A recruiter of trust B, an outsider to trust A's vacancies."""
    return make_recruiter(trust_b, email="oscar@trust-b.nhs.uk", full_name="Oscar Owen")


@pytest.fixture
def uhd(db):
    """The seeded University Hospitals Dorset Senior Clinical Coder spec."""
    from specifications.models import PersonSpecification

    return PersonSpecification.objects.get(slug=UHD)


@pytest.fixture
def trust_a_spec(trust_a, uhd):
    """Trust A's own copy of the UHD spec, titled Clinical Coder."""
    from specifications.specs import import_spec, spec_to_dict

    data = spec_to_dict(uhd) | {"title": "Clinical Coder", "slug": ""}
    return import_spec(data, organisation=trust_a)


# Browser tests drive Debian's Chromium; Playwright must never download its own.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture
def reference_data(transactional_db):
    """Reference data for browser tests. Transactional tests empty every table when
    they end, and the data migrations' rows go with them: load them again."""
    from django.apps import apps

    from accounts.models import Organisation
    from specifications.models import Criterion, PersonSpecification

    import_module("portfolio.migrations.0002_reference_data").load(apps, None)
    import_module("portfolio.migrations.0004_uhd_person_specification").load_into(
        Organisation, PersonSpecification, Criterion
    )
