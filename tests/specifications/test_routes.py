"""A criterion applies to every applicant, to the ACC route only or to the portfolio
route only; coverage, its numbering, totals and gaps consider what applies."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from portfolio.metrics import PortfolioFacts
from specifications.coverage import CriterionStatus, coverage
from specifications.models import Criterion
from tests import pages

TODAY = datetime.date(2026, 11, 25)
UHD = "uhd-senior-clinical-coder-v1"
ACC_ONLY = "CCQ Clinical Coding Qualification (ACC status)"
PORTFOLIO_ONLY = [
    "Sustained coding accuracy (typically ≥90%)",
    "Breadth of specialty experience",
    "Strong clinical knowledge and interpretation skills",
    "Evidence of complex case handling",
    "Contribution to mentoring, audit, or service improvement",
    "Sound professional judgement in coding decisions",
]

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.mark.parametrize(
    ("criterion_route", "route", "applies", "reason"),
    [
        ("", "acc", True, ""),
        ("", "portfolio", True, ""),
        ("", "", True, ""),
        ("acc", "acc", True, ""),
        ("acc", "portfolio", False, "Applies to the ACC route only"),
        ("acc", "", False, "Applies to the ACC route only"),
        ("portfolio", "portfolio", True, ""),
        ("portfolio", "acc", False, "Applies to the portfolio route only"),
        ("portfolio", "", False, "Applies to the portfolio route only"),
    ],
)
def test_a_criterion_applies_to_every_applicant_or_to_its_own_route(
    criterion_route, route, applies, reason
):
    """With no route chosen yet, only the criteria for every applicant apply."""
    criterion = Criterion(route=criterion_route)

    assert criterion.applies_to(route) is applies
    assert criterion.not_applicable_reason(route) == reason


def test_the_route_labels_say_whom_a_criterion_is_for():
    assert Criterion.Route.choices == [
        ("", "Every applicant"),
        ("acc", "ACC route only"),
        ("portfolio", "Portfolio route only"),
    ]


def test_coverage_for_the_acc_route_leaves_out_the_portfolio_routes_criteria(
    alice, uhd
):
    report = coverage(uhd, PortfolioFacts(alice, TODAY), "acc")

    assert [row.criterion.text for row in report.not_applicable] == PORTFOLIO_ONLY
    assert {row.not_applicable_reason for row in report.not_applicable} == {
        "Applies to the portfolio route only"
    }
    assert [row.ref for row in report.not_applicable] == [None] * 6
    # The criteria that apply are numbered in the spec's order, never jumping.
    assert [row.ref for row in report.applicable] == [f"C{n}" for n in range(1, 16)]
    assert ACC_ONLY in [row.criterion.text for row in report.applicable]
    assert sum(report.totals.values()) == 15
    assert not {row.criterion.text for row in report.gaps} & set(PORTFOLIO_ONLY)


def test_coverage_for_the_portfolio_route_leaves_out_the_acc_qualification(alice, uhd):
    report = coverage(uhd, PortfolioFacts(alice, TODAY), "portfolio")

    [acc] = report.not_applicable
    assert acc.criterion.text == ACC_ONLY
    assert acc.not_applicable_reason == "Applies to the ACC route only"
    assert [row.ref for row in report.applicable] == [f"C{n}" for n in range(1, 21)]
    assert ACC_ONLY not in [row.criterion.text for row in report.gaps]
    assert sum(report.totals.values()) == 20
    assert sum(sum(c["totals"].values()) for c in report.by_category) == 20


def test_coverage_before_any_route_shows_every_criterion(alice, uhd):
    """The matrix has no application: a coder sees both routes' criteria."""
    report = coverage(uhd, PortfolioFacts(alice, TODAY))

    assert report.not_applicable == []
    assert [row.ref for row in report.rows] == [f"C{n}" for n in range(1, 22)]
    assert sum(report.totals.values()) == 21


def test_coverage_still_evaluates_the_other_routes_rules_for_the_route_check(
    alice, uhd
):
    report = coverage(uhd, PortfolioFacts(alice, TODAY), "acc")

    accuracy = next(
        row for row in report.not_applicable if row.criterion.rule_kind == "accuracy"
    )
    assert accuracy.rule_result is not None
    assert accuracy.status == CriterionStatus.MISSING


def test_the_matrix_tags_each_route_criterion_with_its_route(client, alice, uhd):
    client.force_login(alice)

    response = client.get(reverse("specs:matrix", args=[UHD]))

    html = pages.html(response)
    card = html[html.index(f'id="criterion-{uhd.criteria.get(text=ACC_ONLY).pk}"') :]
    assert "ACC route only" in card[: card.index("</h3>") + 400]
    portfolio = uhd.criteria.get(text=PORTFOLIO_ONLY[1])
    card = html[html.index(f'id="criterion-{portfolio.pk}"') :]
    assert "Portfolio route only" in card[: card.index("</h3>") + 400]
    assertContains(response, "You can apply by one of two routes.")
    # The gaps say which route each one is for.
    assertContains(response, f"{PORTFOLIO_ONLY[1]}</a> (Portfolio route only)")
    assertContains(response, f"{ACC_ONLY}</a> (ACC route only)")
