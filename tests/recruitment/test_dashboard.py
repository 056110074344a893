"""The recruiters' home: their organisation's vacancies, open and closed, each with
its band, closing date and counts."""

import datetime

from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application
from recruitment.models import Score
from tests.factories import make_coder, make_vacancy
from tests.recruitment.helpers import submit


def counts(response, vacancy) -> dict:
    rows = response.context["open"] + response.context["closed"]
    row = next(r for r in rows if r.vacancy == vacancy)
    return {
        "submitted": row.submitted,
        "withdrawn": row.withdrawn,
        "shortlisted": row.shortlisted,
        "not_shortlisted": row.not_shortlisted,
        "to_score": row.to_score,
    }


def test_it_counts_each_vacancys_applications(
    client, rachel, petra, panel, vacancy, alice, bob
):
    carol = make_coder(full_name="Carol Cole")
    dan = make_coder(full_name="Dan Dale")
    shortlisted = submit(alice, vacancy)
    shortlisted.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    submit(bob, vacancy).withdraw()
    scored = submit(carol, vacancy)
    Application.objects.start(vacancy, dan)  # a draft counts for nothing
    client.force_login(rachel)
    scored_criteria = client.get(
        reverse("recruitment:application", args=[scored.pk])
    ).context["rows"]
    for row in scored_criteria:
        for member in (rachel, petra):
            Score.objects.create(
                application=scored,
                member=member,
                criterion=row["criterion"].ref,
                score=1,
            )
    unscored = submit(make_coder(full_name="Eve Eden"), vacancy)
    response = client.get(reverse("recruitment:dashboard"))
    assert counts(response, vacancy) == {
        "submitted": 4,
        "withdrawn": 1,
        "shortlisted": 1,
        "not_shortlisted": 0,
        "to_score": 1,  # Eve's; Carol's is fully scored
    }
    unscored.set_outcome(Application.Status.NOT_SHORTLISTED, by=rachel, reason="No.")
    response = client.get(reverse("recruitment:dashboard"))
    assert counts(response, vacancy)["not_shortlisted"] == 1
    assert counts(response, vacancy)["to_score"] == 0


def test_it_lists_open_and_closed_vacancies_of_the_organisation_only(
    client, rachel, trust_a, trust_b, vacancy
):
    closed = make_vacancy(trust_a, title="Coding Auditor", reference="CA-1")
    closed.closing_date = timezone.localdate() - datetime.timedelta(days=3)
    closed.save()
    make_vacancy(trust_b, title="Trust B post", reference="TB-1")
    client.force_login(rachel)
    response = client.get(reverse("recruitment:dashboard"))
    assert [r.vacancy for r in response.context["open"]] == [vacancy]
    assert [r.vacancy for r in response.context["closed"]] == [closed]
    assertContains(response, "Band 4")
    assertContains(response, reverse("recruitment:longlist", args=[vacancy.pk]))
    assertContains(response, reverse("applications:vacancy_edit", args=[vacancy.pk]))
    assertContains(response, "Add a vacancy")
    assertNotContains(response, "Trust B post")


def test_a_vacancy_without_a_panel_waits_to_be_scored(client, rachel, vacancy, alice):
    submit(alice, vacancy)
    client.force_login(rachel)
    response = client.get(reverse("recruitment:dashboard"))
    assert counts(response, vacancy)["to_score"] == 1


def test_the_recruitment_menu_item_leads_here(client, rachel):
    client.force_login(rachel)
    response = client.get(reverse("recruitment:dashboard"))
    assertContains(
        response,
        '<a class="nhsuk-header__navigation-link" href="/recruitment/" '
        'aria-current="page">',
    )
    # The vacancy form's way home lands here too.
    assert reverse("applications:recruiter_home") == reverse("recruitment:dashboard")


def test_it_is_for_recruiters_only(client, alice):
    response = client.get(reverse("recruitment:dashboard"))
    assert response.status_code == 302
    client.force_login(alice)
    assert client.get(reverse("recruitment:dashboard")).status_code == 404
