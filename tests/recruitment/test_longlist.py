"""A vacancy's longlist: its submitted applications in piles, by candidate number,
sortable by route and by panel total; never a draft, never another trust's."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application
from recruitment.models import Score
from tests.factories import make_coder
from tests.recruitment.helpers import submit


@pytest.fixture
def carol(db):
    return make_coder(email="carol@example.nhs.uk", full_name="Carol Cole")


def url(vacancy, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("recruitment:longlist", args=[vacancy.pk]) + (
        f"?{params}" if params else ""
    )


def rows(response) -> list[str]:
    """The candidate numbers in the table, in order."""
    return [a.candidate_number for a in response.context["page"].object_list]


def test_it_shows_each_pile_with_its_count(client, rachel, vacancy, alice, bob, carol):
    strong = submit(alice, vacancy)
    partial = submit(bob, vacancy, cite={1})
    weak = submit(carol, vacancy, cite="none")
    client.force_login(rachel)
    response = client.get(url(vacancy))
    assertContains(response, "Meets every applicable Essential criterion (1)")
    assertContains(response, "Meets some applicable Essential criteria (1)")
    assertContains(response, "Meets none of the applicable Essential criteria (1)")
    assert rows(response) == [
        strong.candidate_number,
        partial.candidate_number,
        weak.candidate_number,
    ]
    response = client.get(url(vacancy, pile="some"))
    assert rows(response) == [partial.candidate_number]


def test_it_never_shows_a_draft(client, rachel, vacancy, alice, bob):
    draft, _ = Application.objects.start(vacancy, bob)
    submitted = submit(alice, vacancy)
    client.force_login(rachel)
    response = client.get(url(vacancy))
    assert rows(response) == [submitted.candidate_number]
    assertNotContains(response, draft.candidate_number)
    assertContains(response, "Every application under review (1)")


def test_withdrawn_applications_are_listed_apart_as_withdrawn(
    client, rachel, vacancy, alice, bob
):
    gone = submit(alice, vacancy)
    gone.withdraw()
    staying = submit(bob, vacancy, cite="none")
    client.force_login(rachel)
    response = client.get(url(vacancy))
    assert rows(response) == [staying.candidate_number]
    assertContains(response, "Every application under review (1)")
    assertContains(response, "Meets every applicable Essential criterion (0)")
    response = client.get(url(vacancy, pile="withdrawn"))
    assertContains(response, "Withdrawn (1)")
    assert rows(response) == [gone.candidate_number]
    assertContains(response, '<strong class="nhsuk-tag nhsuk-tag--red">Withdrawn')
    assert rows(client.get(url(vacancy, pile="none"))) == [staying.candidate_number]


def test_it_sorts_by_route_and_by_panel_total(
    client, rachel, petra, panel, vacancy, alice, bob, carol
):
    portfolio = submit(alice, vacancy, route="portfolio")
    acc_low = submit(bob, vacancy)
    acc_high = submit(carol, vacancy)
    for member, application, value in [
        (rachel, acc_high, 2),
        (petra, acc_high, 1),  # 1.5 on average
        (rachel, acc_low, 1),
    ]:
        Score.objects.create(
            application=application, member=member, criterion="C1", score=value
        )
    client.force_login(rachel)
    by_route = rows(client.get(url(vacancy, sort="route")))
    assert by_route[-1] == portfolio.candidate_number
    by_score = client.get(url(vacancy, sort="score"))
    assert rows(by_score) == [
        acc_high.candidate_number,
        acc_low.candidate_number,
        portfolio.candidate_number,  # not scored yet: last
    ]
    assertContains(by_score, "1.5 (2 members)")
    assertContains(by_score, "Not scored")


def test_it_shows_candidate_numbers_and_never_names(client, rachel, vacancy, alice):
    application = submit(alice, vacancy)
    client.force_login(rachel)
    response = client.get(url(vacancy))
    assertContains(response, f"Candidate {application.candidate_number}")
    assertNotContains(response, "Alice")
    assertNotContains(response, "alice@example.nhs.uk")


def test_it_pages_with_the_pile_and_sort_kept(
    client, rachel, vacancy, alice, bob, carol, settings
):
    from recruitment import views

    views.PAGE_SIZE, size = 2, views.PAGE_SIZE
    try:
        for coder in (alice, bob, carol):
            submit(coder, vacancy)
        client.force_login(rachel)
        first = client.get(url(vacancy, pile="all", sort="route"))
        assert len(rows(first)) == 2
        assertContains(first, "?pile=all&amp;sort=route&amp;page=2")
        second = client.get(url(vacancy, pile="all", sort="route", page=2))
        assert len(rows(second)) == 1
    finally:
        views.PAGE_SIZE = size


def test_it_handles_bad_input(client, rachel, vacancy, alice):
    submit(alice, vacancy)
    client.force_login(rachel)
    response = client.get(url(vacancy, pile="nonsense", sort="nonsense", page="x"))
    assert len(rows(response)) == 1


def test_it_checks_ownership(client, oscar, alice, vacancy):
    for persona in (oscar, alice):
        client.force_login(persona)
        assert client.get(url(vacancy)).status_code == 404


def test_it_requires_login(client, vacancy):
    response = client.get(url(vacancy))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_its_queries_do_not_grow_with_the_applications(
    client, rachel, panel, vacancy, alice, bob, carol, django_assert_num_queries
):
    submit(alice, vacancy)
    client.force_login(rachel)
    client.get(url(vacancy))  # placed in the longlist
    for coder in (bob, carol):
        submit(coder, vacancy)
    # The session, the user, the vacancy with its panel and lead, the unplaced
    # applications, placing them, the count by pile, the count withdrawn, the
    # page, its scores and the panel's members.
    with django_assert_num_queries(10):
        client.get(url(vacancy, sort="score"))
    # Once placed, one query fewer.
    with django_assert_num_queries(9):
        client.get(url(vacancy))


def test_it_names_the_lead_and_the_other_members(client, rachel, panel, vacancy):
    client.force_login(rachel)
    response = client.get(url(vacancy))
    assertContains(response, "Led by Rachel Reed, with Petra Price.")
