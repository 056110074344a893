"""Twenty writers at once, against the live server, on SQLite and on PostgreSQL
(the suite runs on both): coders adding evidence, mapping it and applying to the
same vacancy; then one coder pressing Apply twenty times at once. Every success
the server answers is stored, each coder has exactly one application, and no
request fails ("database is locked", a server error).

Each writer is a thread with its own HTTP connection (http.client) and its own
session; the server answers each request in a thread of its own, with its own
database connection (tests/conftest.py puts SQLite's test database in a file for
that: an in-memory one is a single connection that the live server shares).
"""

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.models import Application
from portfolio.models import Evidence
from specifications.models import EvidenceLink, PersonSpecification
from specifications.specs import import_spec, spec_to_dict
from tests.conftest import UHD
from tests.factories import make_coder, make_organisation, make_vacancy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

WRITERS = 20
CSRF = "k" * 32  # any 32 letters: the cookie and the header agree, as Django asks


class Writer:
    """One person's browser: a session cookie and a connection of its own."""

    def __init__(self, live_server, user) -> None:
        client = Client()
        client.force_login(user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        address = urlparse(live_server.url)
        self.host, self.port = address.hostname, address.port

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        """(status, Location, body) of a POST, redirects not followed."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(
                "POST",
                path,
                body=urlencode(data, doseq=True),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                    f"{settings.CSRF_COOKIE_NAME}={CSRF}",
                    "X-CSRFToken": CSRF,
                },
            )
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, response.getheader("Location") or "", body
        finally:
            connection.close()


def at_once(work, arguments: list) -> list:
    """Run work(argument) in a thread each, all released together."""
    start = threading.Barrier(len(arguments))

    def run(argument):
        start.wait()
        return work(argument)

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


def assert_a_redirect(answer: tuple[int, str, str], what: str) -> str:
    status, location, body = answer
    assert "database is locked" not in body, what
    assert status == 302, f"{what}: {status}\n{body[:500]}"
    return location


@pytest.fixture
def vacancy():
    trust = make_organisation(name="Trust C NHS Trust", ods_code="RCC")
    uhd = PersonSpecification.objects.get(slug=UHD)
    data = spec_to_dict(uhd) | {"title": "Clinical Coder", "slug": ""}
    spec = import_spec(data, organisation=trust)
    return make_vacancy(trust, specification=spec)


def test_twenty_coders_add_map_and_apply_at_once(live_server, vacancy):
    coders = [make_coder(email=f"coder{n}@example.nhs.uk") for n in range(WRITERS)]
    writers = [Writer(live_server, coder) for coder in coders]
    criterion = vacancy.specification.criteria.first()

    def journey(writer: Writer) -> dict:
        added = writer.post(
            reverse("portfolio:evidence_create", args=["cpd"]),
            {
                "title": "Standards Refresher",
                "cpd_type": "standards_refresher",
                "provider": "NHS England",
                "date_day": "2",
                "date_month": "3",
                "date_year": "2026",
                "hours": "7",
            },
        )
        item = int(re.search(r"/evidence/(\d+)/", assert_a_redirect(added, "add"))[1])
        mapped = writer.post(
            reverse("specs:map_evidence", args=[item]),
            {
                "spec": vacancy.specification.slug,
                "criterion": criterion.pk,
                "rationale": "The refresher covers it.",
            },
        )
        assert_a_redirect(mapped, "map")
        applied = writer.post(reverse("applications:apply", args=[vacancy.pk]), {})
        location = assert_a_redirect(applied, "apply")
        application = int(re.search(r"/applications/(\d+)/", location)[1])
        return {"item": item, "application": application}

    answers = at_once(journey, writers)

    # Every success answered is stored, and is the coder's own.
    for coder, answer in zip(coders, answers, strict=True):
        item = Evidence.objects.get(pk=answer["item"])
        assert item.owner == coder
        assert EvidenceLink.objects.filter(evidence=item, criterion=criterion).exists()
        assert Application.objects.get(pk=answer["application"]).applicant == coder
    assert Evidence.objects.count() == WRITERS
    assert EvidenceLink.objects.count() == WRITERS
    # Exactly one application per coder, each with its own candidate number.
    applications = Application.objects.filter(vacancy=vacancy)
    assert sorted(a.applicant_id for a in applications) == sorted(c.pk for c in coders)
    assert len({a.candidate_number for a in applications}) == WRITERS


def test_one_coder_pressing_apply_twenty_times_at_once_has_one_application(
    live_server, vacancy
):
    coder = make_coder(email="eager@example.nhs.uk")
    writers = [Writer(live_server, coder) for _ in range(WRITERS)]
    url = reverse("applications:apply", args=[vacancy.pk])

    answers = at_once(lambda writer: writer.post(url, {}), writers)

    locations = {assert_a_redirect(answer, "apply") for answer in answers}
    [application] = Application.objects.filter(vacancy=vacancy, applicant=coder)
    assert locations == {reverse("applications:draft", args=[application.pk])}
