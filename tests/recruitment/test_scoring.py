"""Panel members score each applicable criterion 0, 1 or 2 with a note, beside the
criterion, the statement and the cited evidence; saved as they go, editable until
the shortlist is final; the page shows every member's scores, the totals and where
members differ by 2."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application
from recruitment.longlist import review_criteria
from recruitment.models import Score
from tests.recruitment.helpers import close, submit


def page(application) -> str:
    return reverse("recruitment:application", args=[application.pk])


def score_url(application) -> str:
    return reverse("recruitment:score", args=[application.pk])


def post_score(client, application, ref: str, value, note: str = ""):
    return client.post(
        score_url(application),
        {"criterion": ref, f"{ref}-score": value, f"{ref}-note": note},
    )


def test_the_page_shows_each_criterion_statement_and_evidence_with_a_form(
    client, petra, panel, submitted
):
    client.force_login(petra)
    response = client.get(page(submitted))
    assertContains(response, "C1: Ability to validate coded data")
    assertContains(response, "I do this every week, as the evidence shows.")
    assertContains(response, "E1: Query by [candidate]")  # cited, anonymised
    # Its date written as everywhere else, not as the snapshot stores it.
    assertContains(
        response, '<dd class="nhsuk-summary-list__value">1 September 2026</dd>'
    )
    assertNotContains(response, "2026-09-01")
    assertContains(response, "Your score for C1")
    assertContains(response, 'name="C1-score"', count=3)
    assertContains(response, "Your note on C1")


def test_only_the_applicable_criteria_are_scored(client, petra, panel, alice, vacancy):
    application = submit(alice, vacancy, route="acc")
    criteria = vacancy.specification.criteria
    portfolio_only = criteria.filter(route="portfolio").first()
    client.force_login(petra)
    response = client.get(page(application))
    assertNotContains(response, portfolio_only.text)
    # Refs number the criteria that apply, C1 onwards: one past them is none.
    applicable = sum(c.applies_to("acc") for c in criteria.all())
    assertContains(response, f'name="criterion" value="C{applicable}"')
    ref = f"C{applicable + 1}"
    assert post_score(client, application, ref, 2).status_code == 400
    assert not Score.objects.exists()


def test_a_member_scores_and_changes_a_score(client, petra, panel, submitted):
    client.force_login(petra)
    response = post_score(client, submitted, "C1", 1, "Partly shown.")
    assert response.status_code == 302
    assert response.url == page(submitted) + "#criterion-C1"
    response = post_score(client, submitted, "C1", 2, "Shown on reflection.")
    score = Score.objects.get()
    assert (score.member, score.criterion, score.score, score.note) == (
        petra,
        "C1",
        2,
        "Shown on reflection.",
    )
    response = client.get(page(submitted))
    assertContains(response, "Your score for C1 has been saved.")
    assert response.context["rows"][0]["mine"] == score


def test_the_page_shows_each_members_scores_totals_and_disagreements(
    client, rachel, petra, panel, submitted
):
    for member, ref, value in [
        (rachel, "C1", 0),
        (petra, "C1", 2),
        (rachel, "C2", 1),
        (petra, "C2", 2),
    ]:
        Score.objects.create(
            application=submitted, member=member, criterion=ref, score=value
        )
    client.force_login(rachel)
    response = client.get(page(submitted))
    rows = {row["criterion"].ref: row for row in response.context["rows"]}
    assert rows["C1"]["disagree"] and not rows["C2"]["disagree"]
    assertContains(response, "Differ by 2", count=1)
    totals = response.context["totals"]
    assert [(m, t) for m, t, _ in totals["members"]] == [(petra, 4), (rachel, 1)]
    assert str(totals["panel"]) == "2.5"
    assertContains(response, '<strong id="panel-total">2.5</strong>')


def test_a_member_cannot_score_after_the_shortlist_is_final(
    client, rachel, petra, panel, vacancy, submitted
):
    client.force_login(petra)
    post_score(client, submitted, "C1", 1)
    submitted.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    close(vacancy)
    client.force_login(rachel)
    client.post(reverse("recruitment:finalise", args=[vacancy.pk]))
    client.force_login(petra)
    response = post_score(client, submitted, "C1", 2)
    assert response.status_code == 302
    assert Score.objects.get().score == 1
    response = client.get(page(submitted))
    assertContains(response, "The shortlist is final: scores can no longer change.")
    assertContains(response, "The scores are final.")
    assertNotContains(response, 'name="C1-score"')


def test_a_withdrawn_application_is_not_scored(client, petra, panel, submitted):
    submitted.withdraw()
    client.force_login(petra)
    response = post_score(client, submitted, "C1", 2)
    assert response.status_code == 302
    assert not Score.objects.exists()
    response = client.get(page(submitted))
    assertContains(response, "It is not scored, and its pack is not shown.")
    assertNotContains(response, "I do this every week")


@pytest.mark.parametrize(
    ("value", "note", "error"),
    [
        ("", "", "Select your score for C1."),
        ("3", "", "Select a valid choice. 3 is not one of the available choices."),
        ("1", "Seen for 943 476 5919", "This looks like an NHS number"),
    ],
)
def test_it_handles_bad_input(client, petra, panel, submitted, value, note, error):
    client.force_login(petra)
    response = post_score(client, submitted, "C1", value, note)
    assertContains(response, error, status_code=400)
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, "<title>Error: ", status_code=400)
    assert not Score.objects.exists()


def test_an_unknown_criterion_is_refused(client, petra, panel, submitted):
    client.force_login(petra)
    assert post_score(client, submitted, "C99", 1).status_code == 400
    response = client.post(score_url(submitted), {})
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_its_queries_are_few_and_fixed(
    client, rachel, petra, panel, submitted, django_assert_num_queries
):
    data = json.loads(submitted.snapshot.content)
    for criterion in review_criteria(data):
        for member in (rachel, petra):
            Score.objects.create(
                application=submitted,
                member=member,
                criterion=criterion.ref,
                score=1,
            )
    client.force_login(petra)
    # The session, the user, the application with its vacancy, panel, snapshot,
    # applicant and longlist entry, the access log row, the panel's members, the
    # scores, the packs, the status history.
    with django_assert_num_queries(8):
        response = client.get(page(submitted))
    assert response.status_code == 200
