"""The coder's packs page: fingerprints in short, the full values in the pack."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from applications.models import Application, Statement
from tests import pages
from tests.factories import make_vacancy


@pytest.fixture
def built(alice, trust_a, monkeypatch, django_capture_on_commit_callbacks):
    """A submitted application whose two packs are built (stand-in PDFs)."""
    monkeypatch.setattr(
        "applications.tasks.build_pdf",
        lambda content, *, application_id, anonymised: (
            b"%PDF-1.7 stand-in " + str(anonymised).encode() + b"\n%%EOF",
            2,
        ),
    )
    application = Application.objects.create(
        vacancy=make_vacancy(trust_a), applicant=alice, route=Application.Route.ACC
    )
    for criterion in application.vacancy.specification.criteria.all():
        Statement.objects.create(
            application=application, criterion=criterion, text="As my evidence shows."
        )
    with django_capture_on_commit_callbacks(execute=True):
        application.submit()
    return application


def test_it_shows_each_fingerprint_by_its_first_12_characters(client, alice, built):
    client.force_login(alice)
    response = client.get(reverse("applications:packs", args=[built.pk]))
    snapshot = built.snapshot.sha256
    assertContains(response, "Snapshot fingerprint (SHA-256, first 12 characters)")
    assertContains(
        response,
        f'<dd class="nhsuk-summary-list__value">{snapshot[:12]}</dd>',
        html=True,
    )
    for pack in built.packs.all():
        assertContains(response, f">{pack.sha256[:12]}</span>")
    # No full SHA-256 anywhere on the page.
    assert not re.search(r"\b[0-9a-f]{64}\b", pages.html(response))
