"""Until the lead finalises the shortlist, the panel sees candidate numbers and the
anonymised pack only: no name, no e-mail address. Finalising reveals them."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application
from recruitment.models import Score
from tests.recruitment.helpers import build_packs, close, submit

NAMING = "As Alice Archer (alice@example.nhs.uk) I validate coded data weekly."


@pytest.fixture
def named(alice, vacancy, panel, petra):
    """Alice's application, whose statements name her; scored and packs built."""
    application = submit(alice, vacancy, statement=NAMING)
    build_packs(application)
    Score.objects.create(
        application=application, member=petra, criterion="C1", score=2, note="Good."
    )
    return application


def download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def identity_free_everywhere(client, application, vacancy) -> None:
    pages = [
        reverse("recruitment:dashboard"),
        reverse("recruitment:longlist", args=[vacancy.pk]),
        reverse("recruitment:application", args=[application.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assertNotContains(response, "Alice")
        assertNotContains(response, "Archer")
        assertNotContains(response, "alice@example.nhs.uk")
    for name in ("scores_csv", "summary_csv"):
        text = download(client, reverse(f"recruitment:{name}", args=[vacancy.pk]))
        assert "Alice" not in text and "alice@" not in text
        assert application.candidate_number in text


def test_before_finalising_only_candidate_numbers_show(client, petra, named, vacancy):
    client.force_login(petra)
    identity_free_everywhere(client, named, vacancy)
    response = client.get(reverse("recruitment:application", args=[named.pk]))
    assertContains(response, f"Candidate {named.candidate_number}")
    assertContains(response, "As [candidate] ([candidate]) I validate coded data")


def test_before_finalising_the_pack_is_the_anonymised_one(client, petra, named):
    client.force_login(petra)
    response = client.get(reverse("recruitment:pack", args=[named.pk]))
    assert response["Content-Disposition"].endswith('-anonymised.pdf"')
    assert b"anonymised" in b"".join(response.streaming_content)


def test_after_finalising_names_show_and_the_full_pack(
    client, rachel, petra, named, vacancy
):
    named.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    close(vacancy)
    client.force_login(rachel)
    client.post(reverse("recruitment:finalise", args=[vacancy.pk]))
    client.force_login(petra)
    response = client.get(reverse("recruitment:application", args=[named.pk]))
    assertContains(response, f"Alice Archer ({named.candidate_number})")
    assertContains(response, NAMING)
    text = download(client, reverse("recruitment:scores_csv", args=[vacancy.pk]))
    assert "Alice Archer" in text
    response = client.get(reverse("recruitment:pack", args=[named.pk]))
    assert not response["Content-Disposition"].endswith('-anonymised.pdf"')
    assert b"full" in b"".join(response.streaming_content)


def test_a_withdrawn_application_shows_no_pack(client, petra, named):
    named.withdraw()
    client.force_login(petra)
    response = client.get(reverse("recruitment:application", args=[named.pk]))
    assertContains(response, "Withdrawn</strong>")
    assertNotContains(response, reverse("recruitment:pack", args=[named.pk]))
    assert client.get(reverse("recruitment:pack", args=[named.pk])).status_code == 404


def test_a_pack_not_built_yet_is_not_served(client, petra, panel, submitted):
    client.force_login(petra)
    response = client.get(reverse("recruitment:application", args=[submitted.pk]))
    assertContains(response, "The pack is not ready yet.")
    response = client.get(reverse("recruitment:pack", args=[submitted.pk]))
    assert response.status_code == 404
