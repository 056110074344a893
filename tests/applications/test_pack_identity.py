"""Each pack of a submission has its own id and hash: the anonymised pack's cannot be
linked to the full pack's, and the coder's packs page shows each."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application, Statement
from tests.factories import make_audit, make_vacancy


@pytest.fixture
def packs(alice, trust_a, django_capture_on_commit_callbacks):
    """Alice's submission, both packs built for real."""
    vacancy = make_vacancy(trust_a)
    audit = make_audit(alice, title="External audit")
    application = Application.objects.create(
        vacancy=vacancy, applicant=alice, route="acc"
    )
    for criterion in vacancy.specification.criteria.all():
        statement = Statement.objects.create(
            application=application, criterion=criterion, text="As my audit shows."
        )
        statement.evidence.set([audit.pk])
    with django_capture_on_commit_callbacks(execute=True):
        application.submit()
    return application, {p.variant: p for p in application.packs.all()}


def test_each_pack_stores_the_id_it_prints_and_the_two_are_unrelated(packs):
    application, built = packs
    full, anonymised = built["full"], built["anonymised"]
    snapshot = application.snapshot
    assert full.pack_id == f"CF-{application.pk:06d}-{snapshot.sha256[:8]}"
    assert anonymised.pack_id.startswith(f"CF-{application.candidate_number}-")
    assert f"{application.pk:06d}" not in anonymised.pack_id
    assert snapshot.sha256[:8] not in anonymised.pack_id
    for pack in (full, anonymised):
        reader = PdfReader(io.BytesIO(pack.file.read()))
        assert pack.pack_id in reader.pages[0].extract_text()
        assert reader.metadata.title.startswith(f"Application pack {pack.pack_id}")
    anonymous_text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(anonymised.file.open().read())).pages
    )
    assert full.pack_id not in anonymous_text
    assert snapshot.sha256 not in anonymous_text
    assert full.sha256 != anonymised.sha256


def test_the_packs_page_shows_each_packs_own_id(client, alice, packs):
    application, built = packs
    client.force_login(alice)
    page = client.get(reverse("applications:packs", args=[application.pk]))
    for pack in built.values():
        assertContains(page, pack.pack_id)
        # Its fingerprint in short: the full one is in the pack.
        assertContains(page, pack.sha256[:12])
        assertNotContains(page, pack.sha256)
