"""A coder's figures, from `PortfolioFacts`: accuracy, trend, experience, breadth,
counts, the Standards Refresher."""

import datetime
from decimal import Decimal

import pytest

from portfolio import metrics
from portfolio.models import AUDIT_MEASURES, Contribution, Evidence, Specialty
from tests.factories import make_audit, make_employment, make_evidence

MEASURE_KEYS = [key for key, _ in AUDIT_MEASURES]


def scores(**per_measure: tuple[int, int]) -> dict[str, int]:
    """Audit fields from (correct, audited) per measure; measures not named are 0/0."""
    fields = {}
    for key in MEASURE_KEYS:
        correct, audited = per_measure.get(key, (0, 0))
        fields[f"{key}_correct"] = correct
        fields[f"{key}_audited"] = audited
    return fields


def every_measure(correct: int, audited: int) -> dict[str, int]:
    return scores(**dict.fromkeys(MEASURE_KEYS, (correct, audited)))


def specialty(code: str) -> Specialty:
    return Specialty.objects.get(code=code)


TODAY = datetime.date(2026, 11, 25)


def facts(owner) -> metrics.PortfolioFacts:
    return metrics.PortfolioFacts(owner, TODAY)


# --- accuracy ---------------------------------------------------------------------


def test_accuracy_weights_every_code_across_audits_not_each_audit_equally(alice):
    """100% on 40 codes and 50% on 400 codes is 240/440, not the mean of 75%."""
    make_audit(alice, date=datetime.date(2026, 1, 10), **every_measure(10, 10))
    make_audit(alice, date=datetime.date(2026, 2, 10), **every_measure(50, 100))

    accuracy = facts(alice).accuracy()

    assert accuracy.audits == 2
    assert accuracy.correct == 240
    assert accuracy.audited == 440
    assert accuracy.percent == Decimal("54.5")


def test_accuracy_weights_every_code_across_measures_not_each_measure_equally(alice):
    """90%, 50% and 100% of 10, 100 and 10 codes is 69/120, not their mean of 80%."""
    make_audit(
        alice,
        **scores(
            primary_diagnosis=(9, 10),
            secondary_diagnoses=(50, 100),
            primary_procedure=(10, 10),
        ),
    )

    accuracy = facts(alice).accuracy()

    assert accuracy.percent == Decimal("57.5")
    by_key = {m["key"]: m for m in accuracy.measures}
    assert by_key["primary_diagnosis"]["percent"] == Decimal("90.0")
    assert by_key["secondary_diagnoses"]["percent"] == Decimal("50.0")
    assert by_key["primary_procedure"]["percent"] == Decimal("100.0")
    # Nothing audited is "no figure", not 0%.
    assert by_key["secondary_procedures"]["percent"] is None
    assert by_key["secondary_procedures"]["audited"] == 0


def test_accuracy_gives_each_measure_its_own_sums_and_label(alice):
    make_audit(
        alice,
        **scores(
            primary_diagnosis=(45, 50),
            secondary_diagnoses=(100, 120),
            primary_procedure=(30, 40),
            secondary_procedures=(12, 20),
        ),
    )
    make_audit(
        alice,
        **scores(
            primary_diagnosis=(48, 50),
            secondary_diagnoses=(70, 80),
            primary_procedure=(9, 10),
            secondary_procedures=(3, 5),
        ),
    )

    accuracy = facts(alice).accuracy()

    assert [
        (m["key"], m["label"], m["correct"], m["audited"], m["percent"])
        for m in accuracy.measures
    ] == [
        ("primary_diagnosis", "Primary diagnosis", 93, 100, Decimal("93.0")),
        ("secondary_diagnoses", "Secondary diagnoses", 170, 200, Decimal("85.0")),
        ("primary_procedure", "Primary procedure", 39, 50, Decimal("78.0")),
        ("secondary_procedures", "Secondary procedures", 15, 25, Decimal("60.0")),
    ]
    assert (accuracy.correct, accuracy.audited) == (317, 375)
    assert accuracy.percent == Decimal("84.5")


def test_accuracy_since_counts_audits_on_or_after_the_date_only(alice):
    make_audit(alice, date=datetime.date(2025, 11, 24), **every_measure(0, 10))
    make_audit(alice, date=datetime.date(2025, 11, 25), **every_measure(8, 10))
    make_audit(alice, date=datetime.date(2026, 6, 1), **every_measure(10, 10))

    # 12 months before 25 November 2026.
    accuracy = facts(alice).accuracy(12)

    assert accuracy.since == datetime.date(2025, 11, 25)
    assert accuracy.audits == 2
    assert (accuracy.correct, accuracy.audited) == (72, 80)
    assert accuracy.percent == Decimal("90.0")


def test_accuracy_for_a_subset_of_measures_ignores_the_others(alice):
    make_audit(
        alice,
        **scores(
            primary_diagnosis=(19, 20),
            secondary_diagnoses=(1, 100),
            primary_procedure=(5, 10),
            secondary_procedures=(0, 50),
        ),
    )

    accuracy = facts(alice).accuracy(
        measures=["primary_diagnosis", "primary_procedure"]
    )

    assert [m["key"] for m in accuracy.measures] == [
        "primary_diagnosis",
        "primary_procedure",
    ]
    assert (accuracy.correct, accuracy.audited) == (24, 30)
    assert accuracy.percent == Decimal("80.0")


def test_accuracy_without_audits_has_no_percentage(alice):
    make_evidence(alice, "cpd")

    accuracy = facts(alice).accuracy()

    assert accuracy.audits == 0
    assert accuracy.percent is None
    assert (accuracy.correct, accuracy.audited) == (0, 0)
    assert [m["percent"] for m in accuracy.measures] == [None] * 4


def test_accuracy_without_audits_in_the_window_has_no_percentage(alice):
    make_audit(alice, date=datetime.date(2024, 1, 1))

    accuracy = facts(alice).accuracy(12)

    assert accuracy.audits == 0
    assert accuracy.percent is None


def test_accuracy_never_counts_another_coders_audits(alice, bob):
    make_audit(alice, **every_measure(9, 10))
    make_audit(bob, **every_measure(0, 1000))

    accuracy = facts(alice).accuracy()

    assert accuracy.audits == 1
    assert accuracy.percent == Decimal("90.0")
    assert facts(bob).accuracy().percent == Decimal("0.0")


def test_the_default_window_is_the_named_one(alice):
    assert metrics.ACCURACY_WINDOW_MONTHS == 12
    assert facts(alice).accuracy().since == datetime.date(2025, 11, 25)


def test_accuracy_in_any_window_and_the_trend_cost_one_query(
    alice, django_assert_num_queries
):
    make_audit(alice, date=datetime.date(2024, 1, 1))
    make_audit(alice)
    portfolio = facts(alice)
    with django_assert_num_queries(1):  # The owner's audits, as plain rows.
        year = portfolio.accuracy(12)
        three_years = portfolio.accuracy(36, measures=["primary_diagnosis"])
        trend = portfolio.trend
    assert (year.audits, three_years.audits, len(trend)) == (1, 2, 2)


# --- months_before and add_years --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 25), 12, datetime.date(2025, 11, 25)),
        (datetime.date(2026, 11, 25), 0, datetime.date(2026, 11, 25)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 2, 28), 14, datetime.date(2024, 12, 28)),
        # The last day of a shorter month.
        (datetime.date(2024, 3, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 3, 31), 1, datetime.date(2023, 2, 28)),
        (datetime.date(2025, 5, 31), 1, datetime.date(2025, 4, 30)),
        (datetime.date(2025, 3, 30), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 1, 31), 11, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 3, 31), 25, datetime.date(2024, 2, 29)),
    ],
)
def test_months_before(day, months, expected):
    assert metrics.months_before(day, months) == expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2023, 6, 15), 3, datetime.date(2026, 6, 15)),
        (datetime.date(2024, 2, 29), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 29)),
        (datetime.date(2024, 2, 29), -1, datetime.date(2023, 2, 28)),
    ],
)
def test_add_years(day, years, expected):
    assert metrics.add_years(day, years) == expected


# --- merge_periods and years_of_experience ----------------------------------------


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_merge_periods_merges_overlapping_periods():
    periods = [(d("2020-01-01"), d("2022-12-31")), (d("2022-01-01"), d("2023-12-31"))]
    assert metrics.merge_periods(periods) == [(d("2020-01-01"), d("2023-12-31"))]


def test_merge_periods_merges_a_period_that_starts_the_day_after_another_ends():
    periods = [(d("2021-01-01"), d("2021-12-31")), (d("2020-01-01"), d("2020-12-31"))]
    assert metrics.merge_periods(periods) == [(d("2020-01-01"), d("2021-12-31"))]


def test_merge_periods_keeps_a_gap_of_one_day_or_more():
    periods = [(d("2020-01-01"), d("2020-12-31")), (d("2021-01-02"), d("2021-12-31"))]
    assert metrics.merge_periods(periods) == periods


def test_merge_periods_absorbs_a_period_inside_another_and_sorts():
    periods = [
        (d("2024-01-01"), d("2024-06-30")),
        (d("2019-01-01"), d("2022-12-31")),
        (d("2020-03-01"), d("2020-09-30")),
    ]
    assert metrics.merge_periods(periods) == [
        (d("2019-01-01"), d("2022-12-31")),
        (d("2024-01-01"), d("2024-06-30")),
    ]


def test_merge_periods_of_nothing_is_nothing():
    assert metrics.merge_periods([]) == []


def test_overlapping_posts_are_counted_once(alice):
    make_employment(alice, start_date=d("2020-01-01"), end_date=d("2022-12-31"))
    make_employment(alice, start_date=d("2022-01-01"), end_date=d("2023-12-31"))
    # 2020-01-01..2023-12-31 is 1461 days; 1461 / 365.25 = 4.0 (not 5.0).
    assert metrics.years_of_experience(alice, TODAY) == Decimal("4.0")


def test_touching_posts_add_up(alice):
    make_employment(alice, start_date=d("2020-01-01"), end_date=d("2020-12-31"))
    make_employment(alice, start_date=d("2021-01-01"), end_date=d("2021-06-30"))
    # 366 + 181 = 547 days; 547 / 365.25 = 1.497...
    assert metrics.years_of_experience(alice, TODAY) == Decimal("1.5")


def test_a_gap_between_posts_is_not_counted(alice):
    make_employment(alice, start_date=d("2018-01-01"), end_date=d("2018-12-31"))
    make_employment(alice, start_date=d("2020-01-01"), end_date=d("2020-06-30"))
    # 365 + 182 = 547 days = 1.5 years; counting the gap would give 912 days, 2.5.
    assert metrics.years_of_experience(alice, TODAY) == Decimal("1.5")


def test_a_current_post_counts_up_to_today(alice):
    make_employment(alice, start_date=d("2024-01-01"), end_date=None)
    # 2024-01-01..2025-06-30: 366 + 181 = 547 days = 1.5 years.
    assert metrics.years_of_experience(alice, d("2025-06-30")) == Decimal("1.5")
    # A year later the same post counts 912 days: 2.497... years.
    assert metrics.years_of_experience(alice, d("2026-06-30")) == Decimal("2.5")


def test_a_post_ending_in_the_future_counts_up_to_today(alice):
    make_employment(alice, start_date=d("2024-01-01"), end_date=d("2030-12-31"))
    assert metrics.years_of_experience(alice, d("2025-06-30")) == Decimal("1.5")


def test_non_coding_posts_are_not_counted(alice):
    make_employment(alice, start_date=d("2020-01-01"), end_date=d("2020-12-31"))
    make_employment(
        alice,
        role="Medical secretary",
        is_coding_role=False,
        start_date=d("2015-01-01"),
        end_date=d("2019-12-31"),
    )
    # 366 days of 2020 only.
    assert metrics.years_of_experience(alice, TODAY) == Decimal("1.0")


def test_a_post_starting_after_today_is_ignored(alice):
    make_employment(alice, start_date=d("2024-01-01"), end_date=d("2025-06-30"))
    make_employment(alice, start_date=d("2025-07-01"), end_date=None)
    assert metrics.years_of_experience(alice, d("2025-06-30")) == Decimal("1.5")


def test_no_posts_is_no_experience(alice):
    assert metrics.years_of_experience(alice, TODAY) == Decimal("0.0")


def test_another_coders_posts_are_not_counted(alice, bob):
    make_employment(alice, start_date=d("2020-01-01"), end_date=d("2020-12-31"))
    make_employment(bob, start_date=d("2010-01-01"), end_date=d("2019-12-31"))
    assert metrics.years_of_experience(alice, TODAY) == Decimal("1.0")


def test_years_of_experience_costs_one_query(alice, django_assert_num_queries):
    make_employment(alice, start_date=d("2020-01-01"))
    make_employment(alice, start_date=d("2021-01-01"))
    with django_assert_num_queries(1):  # The owner's coding posts' dates.
        metrics.years_of_experience(alice, TODAY)


# --- specialties and counts -------------------------------------------------------


def test_specialties_are_distinct_with_counts_most_first_then_by_name(alice, bob):
    surgery, medicine, urology = specialty("100"), specialty("300"), specialty("101")
    make_audit(alice, specialties=[surgery, medicine, urology])
    make_evidence(alice, "specialty", specialty=surgery)
    make_evidence(alice, "specialty", specialty=surgery)
    make_evidence(alice, "complex_case", specialty=medicine)
    make_evidence(alice, "cpd")  # No specialty.
    make_evidence(bob, "specialty", specialty=urology)
    make_evidence(bob, "specialty", specialty=specialty("320"))

    portfolio = facts(alice)

    # Surgery 3; then a tie at 2 and 1 broken by name.
    assert portfolio.specialties == [
        metrics.SpecialtyCount("100", "General Surgery", 3),
        metrics.SpecialtyCount("300", "General Internal Medicine", 2),
        metrics.SpecialtyCount("101", "Urology", 1),
    ]
    assert portfolio.specialty_count == 3


def test_specialty_ties_are_in_name_order(alice):
    make_audit(alice, specialties=[specialty("502"), specialty("320")])
    make_audit(alice, specialties=[specialty("110")])

    names = [s.name for s in facts(alice).specialties]

    assert names == ["Cardiology", "Gynaecology", "Trauma and Orthopaedic"]


def test_no_specialties_without_evidence_in_them(alice):
    make_evidence(alice, "cpd")
    assert facts(alice).specialties == []
    assert facts(alice).specialty_count == 0


def test_kind_counts_list_every_kind_in_order_with_zeros(alice, bob):
    make_audit(alice)
    make_audit(alice)
    make_evidence(alice, "cpd")
    make_evidence(alice, "productivity")
    make_evidence(bob, "cpd")
    make_evidence(bob, "qualification")

    portfolio = facts(alice)

    assert [
        (kind, kind.label, count) for kind, count in portfolio.kind_counts.items()
    ] == [
        ("audit", "Accuracy audit", 2),
        ("specialty", "Specialty experience", 0),
        ("complex_case", "Complex case", 0),
        ("contribution", "Contribution", 0),
        ("cpd", "CPD activity", 1),
        ("qualification", "Qualification", 0),
        ("clinical_query", "Clinical query", 0),
        ("productivity", "Productivity", 1),
    ]
    assert portfolio.total_items == 4


def test_kind_counts_group_items_of_many_dates(alice):
    """Items on different dates still count together under their kind."""
    for month in range(1, 7):
        make_evidence(alice, "cpd", date=datetime.date(2026, month, 1))

    counts = facts(alice).kind_counts

    assert counts[Evidence.Kind.CPD] == 6
    assert sum(counts.values()) == 6


def test_contribution_and_case_type_counts_are_by_type(alice, bob):
    make_evidence(alice, "contribution", contribution_type="mentoring")
    make_evidence(alice, "contribution", contribution_type="mentoring")
    make_evidence(alice, "contribution", contribution_type="training")
    make_evidence(alice, "complex_case", case_types=["mortality", "oncology"])
    make_evidence(alice, "complex_case", case_types=["mortality"])
    make_evidence(bob, "contribution", contribution_type="training")
    portfolio = facts(alice)

    assert portfolio.contribution_counts[Contribution.ContributionType.MENTORING] == 2
    assert portfolio.contribution_counts[Contribution.ContributionType.TRAINING] == 1
    assert portfolio.contribution_counts[Contribution.ContributionType.AUDIT] == 0
    assert portfolio.case_type_counts == {"mortality": 2, "oncology": 1}


# --- Standards Refresher ----------------------------------------------------------


def test_last_refresher_is_the_latest_refresher_of_the_owner(alice, bob):
    make_evidence(alice, "cpd", cpd_type="standards_refresher", date=d("2022-05-01"))
    make_evidence(alice, "cpd", cpd_type="standards_refresher", date=d("2024-03-01"))
    make_evidence(alice, "cpd", cpd_type="standards_course", date=d("2025-01-01"))
    make_evidence(alice, "cpd", cpd_type="elearning", date=d("2026-01-01"))
    make_evidence(bob, "cpd", cpd_type="standards_refresher", date=d("2026-02-01"))

    assert facts(alice).last_refresher == d("2024-03-01")


def test_last_refresher_is_none_when_there_is_none(alice, bob):
    make_evidence(alice, "cpd", cpd_type="elearning")
    make_evidence(bob, "cpd", cpd_type="standards_refresher")
    assert facts(alice).last_refresher is None
    assert facts(alice).refresher_warning == (
        "No Standards Refresher is recorded. The refresher is due every 3 years."
    )


def test_refresher_warning_when_none_is_recorded():
    assert metrics.refresher_warning(None, TODAY) == (
        "No Standards Refresher is recorded. The refresher is due every 3 years."
    )


def test_refresher_warning_when_more_than_three_years_ago():
    last = d("2023-11-24")  # Three years and one day before 25 November 2026.
    assert metrics.refresher_warning(last, TODAY) == (
        "Your last Standards Refresher was on 24 November 2023, more than 3 years "
        "ago. It was due on 24 November 2026."
    )


def test_no_refresher_warning_on_the_day_it_falls_due():
    assert metrics.refresher_warning(d("2023-11-25"), TODAY) is None


def test_no_refresher_warning_when_recent():
    assert metrics.refresher_warning(d("2026-01-01"), TODAY) is None


def test_a_refresher_on_29_february_falls_due_on_28_february():
    last = d("2024-02-29")
    assert metrics.refresher_warning(last, d("2027-02-28")) is None
    assert metrics.refresher_warning(last, d("2027-03-01")) == (
        "Your last Standards Refresher was on 29 February 2024, more than 3 years "
        "ago. It was due on 28 February 2027."
    )


# --- trend ------------------------------------------------------------------------


def test_the_trend_lists_the_owners_audits_oldest_first(alice, bob):
    make_audit(alice, title="Spring", date=d("2026-03-01"), **every_measure(9, 10))
    make_audit(alice, title="Oldest", date=d("2025-01-01"), **every_measure(5, 10))
    # Two audits on one day keep the order they were added in.
    make_audit(alice, title="Summer A", date=d("2025-06-01"), **every_measure(7, 10))
    make_audit(
        alice,
        title="Summer B",
        date=d("2025-06-01"),
        **scores(primary_diagnosis=(3, 4)),
    )
    make_audit(bob, title="Bob's audit", date=d("2024-01-01"))
    make_evidence(alice, "cpd", date=d("2024-06-01"))

    trend = facts(alice).trend

    assert [(row["date"], row["title"], row["overall"]) for row in trend] == [
        (d("2025-01-01"), "Oldest", Decimal("50.0")),
        (d("2025-06-01"), "Summer A", Decimal("70.0")),
        (d("2025-06-01"), "Summer B", Decimal("75.0")),
        (d("2026-03-01"), "Spring", Decimal("90.0")),
    ]


def test_the_trend_without_audits_is_empty(alice):
    make_evidence(alice, "cpd")
    assert facts(alice).trend == []
