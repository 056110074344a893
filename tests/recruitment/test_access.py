"""Who reaches the review: a recruiter of the vacancy's organisation sees its
submitted applications; a recruiter of another organisation gets 404 on every
review URL; nobody sees a draft; only the panel scores and only the lead decides."""

import pytest
from django.urls import URLPattern, reverse

from applications.models import Application
from recruitment import urls as recruitment_urls
from recruitment.models import PackZip, Score
from tests.recruitment.helpers import build_packs

# What each review URL takes: a vacancy, an application or a zip.
TAKES = {
    "longlist": "vacancy",
    "panel": "vacancy",
    "take_lead": "vacancy",
    "finalise": "vacancy",
    "zip_request": "vacancy",
    "scores_csv": "vacancy",
    "summary_csv": "vacancy",
    "zip": "zip",
    "zip_download": "zip",
    "application": "application",
    "score": "application",
    "outcome": "application",
    "pack": "application",
    "access_log": "application",
}


def test_every_review_url_with_an_id_is_listed_here():
    with_ids = {
        p.name
        for p in recruitment_urls.urlpatterns
        if isinstance(p, URLPattern) and "pk" in p.pattern.converters
    }
    assert with_ids == set(TAKES)


@pytest.fixture
def review(panel, vacancy, submitted, rachel):
    build_packs(submitted)
    bundle = PackZip.objects.create(vacancy=vacancy, requested_by=rachel)
    return {"vacancy": vacancy.pk, "application": submitted.pk, "zip": bundle.pk}


@pytest.mark.parametrize("name", sorted(TAKES))
def test_a_recruiter_of_another_organisation_gets_404(client, oscar, review, name):
    client.force_login(oscar)
    url = reverse(f"recruitment:{name}", args=[review[TAKES[name]]])
    assert client.get(url).status_code in (404, 405)  # 405: POST-only, never served
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("name", sorted(TAKES))
def test_a_coder_gets_404_even_for_their_own_application(client, alice, review, name):
    client.force_login(alice)
    url = reverse(f"recruitment:{name}", args=[review[TAKES[name]]])
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(
    "name", sorted(name for name, takes in TAKES.items() if takes == "application")
)
def test_a_recruiter_never_sees_a_draft(client, rachel, panel, vacancy, bob, name):
    draft, _ = Application.objects.start(vacancy, bob)
    client.force_login(rachel)
    url = reverse(f"recruitment:{name}", args=[draft.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404


def test_a_recruiter_off_the_panel_reads_but_cannot_score(
    client, quentin, panel, submitted
):
    client.force_login(quentin)
    page = reverse("recruitment:application", args=[submitted.pk])
    assert client.get(page).status_code == 200
    response = client.post(
        reverse("recruitment:score", args=[submitted.pk]),
        {"criterion": "C1", "C1-score": "2"},
    )
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_only_the_lead_sets_outcomes_and_finalises(
    client, petra, panel, vacancy, submitted
):
    client.force_login(petra)
    outcome = reverse("recruitment:outcome", args=[submitted.pk])
    assert client.post(outcome, {"outcome": "shortlisted"}).status_code == 404
    finalise = reverse("recruitment:finalise", args=[vacancy.pk])
    assert client.post(finalise).status_code == 404
    log = reverse("recruitment:access_log", args=[submitted.pk])
    assert client.get(log).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


@pytest.mark.parametrize("name", sorted(TAKES))
def test_every_review_url_requires_login(client, review, name):
    url = reverse(f"recruitment:{name}", args=[review[TAKES[name]]])
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name", ["take_lead", "finalise", "zip_request", "score", "outcome"]
)
def test_changes_are_made_by_post_only(client, rachel, review, name):
    client.force_login(rachel)
    url = reverse(f"recruitment:{name}", args=[review[TAKES[name]]])
    assert client.get(url).status_code == 405
