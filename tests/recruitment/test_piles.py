"""Longlist piles come from each submission's frozen snapshot: every applicable
Essential criterion evidenced or verified, some, or none."""

import json

import pytest

from applications.models import Application
from applications.snapshot import applicable_criteria
from recruitment.longlist import fill_longlist, longlist_entry, review_criteria
from recruitment.models import LonglistEntry
from tests.factories import make_coder
from tests.recruitment.helpers import submit

Pile = LonglistEntry.Pile


def criterion(order: int, status: str, route: str = "", **more) -> dict:
    return {
        "order": order,
        "requirement": more.pop("requirement", "essential"),
        "requirement_label": "Essential",
        "category_label": "Skills",
        "route": route,
        "text": f"Criterion {order}",
        "statement": "",
        "evidence": [],
        "status": status,
        **more,
    }


def test_criteria_of_the_other_route_do_not_apply():
    data = {
        "route": "acc",
        "criteria": [
            criterion(1, "missing"),
            criterion(2, "missing", route="portfolio"),
            criterion(3, "missing", route="acc"),
        ],
    }
    assert [c["order"] for c in applicable_criteria(data)] == [1, 3]
    data["route"] = "portfolio"
    assert [c["order"] for c in applicable_criteria(data)] == [1, 2]


def test_a_snapshot_that_says_what_applies_is_believed():
    data = {
        "route": "acc",
        "criteria": [
            criterion(1, "missing", applies=False),
            criterion(2, "missing", route="portfolio", applies=True),
        ],
    }
    assert [c["order"] for c in applicable_criteria(data)] == [2]


@pytest.mark.parametrize(
    ("statuses", "pile", "met"),
    [
        (["evidenced", "verified"], Pile.ALL, 2),
        (["verified", "statement"], Pile.SOME, 1),
        (["statement", "missing"], Pile.NONE, 0),
    ],
)
def test_the_pile_counts_evidenced_and_verified_essentials(statuses, pile, met):
    data = {
        "route": "acc",
        "criteria": [criterion(i, s) for i, s in enumerate(statuses, 1)]
        # Neither a Desirable criterion nor another route's counts.
        + [
            criterion(8, "missing", requirement="desirable"),
            criterion(9, "missing", route="portfolio"),
        ],
    }
    entry = longlist_entry(Application(pk=1, vacancy_id=1), data)
    assert (entry.pile, entry.essential_met, entry.essential_total) == (pile, met, 2)
    assert entry.criteria_count == 3


def test_criteria_are_referred_to_as_the_pack_numbers_them():
    data = {"route": "acc", "criteria": [criterion(4, "missing"), criterion(7, "x")]}
    assert [c.ref for c in review_criteria(data)] == ["C4", "C7"]
    # Where orders repeat, by position; a snapshot's own reference wins.
    data["criteria"] = [criterion(1, "missing"), criterion(1, "missing", ref="K9")]
    assert [c.ref for c in review_criteria(data)] == ["C1", "K9"]


def test_submissions_fall_into_the_three_piles(alice, bob, vacancy):
    carol = make_coder(email="carol@example.nhs.uk", full_name="Carol Cole")
    strong = submit(alice, vacancy)
    partial = submit(bob, vacancy, cite={1, 2})
    weak = submit(carol, vacancy, cite="none")
    assert fill_longlist([vacancy.pk]) == 3
    assert fill_longlist([vacancy.pk]) == 0  # placed once: the snapshot never changes
    piles = dict(LonglistEntry.objects.values_list("application", "pile"))
    assert piles == {strong.pk: Pile.ALL, partial.pk: Pile.SOME, weak.pk: Pile.NONE}


def test_each_routes_own_criteria_count_on_that_route_only(alice, bob, vacancy):
    criteria = vacancy.specification.criteria

    def orders(route: str) -> set[int]:
        return set(criteria.filter(route=route).values_list("order", flat=True))

    every, acc_only, portfolio_only = orders(""), orders("acc"), orders("portfolio")
    assert acc_only and portfolio_only  # the seeded spec has both routes' criteria
    # Both cite the criteria for everyone and the ACC route's: all an ACC
    # application needs, not all a portfolio one does.
    acc = submit(alice, vacancy, route="acc", cite=every | acc_only)
    portfolio = submit(bob, vacancy, route="portfolio", cite=every | acc_only)
    fill_longlist([vacancy.pk])
    assert acc.longlist_entry.pile == Pile.ALL
    assert portfolio.longlist_entry.pile == Pile.SOME
    data = json.loads(portfolio.snapshot.content)
    assert len(review_criteria(data)) == len(every) + len(portfolio_only)


def test_many_submissions_are_placed_a_batch_at_a_time(
    alice, bob, vacancy, monkeypatch, django_assert_num_queries
):
    from recruitment import longlist

    carol = make_coder(email="carol@example.nhs.uk", full_name="Carol Cole")
    for coder in (alice, bob, carol):
        submit(coder, vacancy)
    monkeypatch.setattr(longlist, "FILL_BATCH", 2)
    # Read two, write two; read the last, write it.
    with django_assert_num_queries(4):
        assert fill_longlist([vacancy.pk]) == 3
    assert LonglistEntry.objects.count() == 3
