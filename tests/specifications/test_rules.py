"""Rules of person specifications, a coder's coverage of a spec and the route check."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.management.demo import build_demo_portfolio
from portfolio import metrics
from portfolio.metrics import PortfolioFacts
from portfolio.models import AUDIT_MEASURES, Evidence, Specialty
from specifications.coverage import (
    CriterionStatus,
    coverage,
    criterion_status,
    route_check,
)
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.rules import RuleResult, accuracy_standard, clean_rule, evaluate
from tests.factories import (
    make_audit,
    make_employment,
    make_evidence,
    make_organisation,
)

TODAY = datetime.date(2026, 11, 25)
MISSING = CriterionStatus.MISSING
STATEMENT = CriterionStatus.STATEMENT
EVIDENCED = CriterionStatus.EVIDENCED
VERIFIED = CriterionStatus.VERIFIED
MEASURE_KEYS = [key for key, _ in AUDIT_MEASURES]
UHD_SLUG = "uhd-senior-clinical-coder-v1"
# The first ten treatment function codes the demo portfolio uses.
TEN_SPECIALTIES = ["100", "101", "110", "120", "130", "300", "301", "320", "330", "340"]
ACCURACY_REASON = re.compile(
    r"^\d+\.\d% over \d+ audits since 25 November 2025: met \(needs 90% over 2, "
    r"each measure at its threshold(; weakest specialty .+ \d+\.\d%)?\)$"
)

pytestmark = pytest.mark.usefixtures("frozen_today")


def facts(owner) -> PortfolioFacts:
    return PortfolioFacts(owner, TODAY)


def audit(owner, day: datetime.date, correct: int, audited: int, **measures):
    """An audit of `audited` primary diagnoses, `correct` of them right; other
    measures are 0/0 unless given as (correct, audited)."""
    counts = {key: (0, 0) for key in MEASURE_KEYS}
    counts["primary_diagnosis"] = (correct, audited)
    counts.update(measures)
    fields = {}
    for key, (key_correct, key_audited) in counts.items():
        fields[f"{key}_correct"] = key_correct
        fields[f"{key}_audited"] = key_audited
    return make_audit(owner, date=day, **fields)


def uhd_spec() -> PersonSpecification:
    return PersonSpecification.objects.get(slug=UHD_SLUG)


def make_spec(*criteria: dict) -> PersonSpecification:
    """A small spec of another trust; each dict gives a criterion's fields."""
    spec = PersonSpecification.objects.create(
        organisation=make_organisation(),
        title="Clinical Coder",
        slug=f"clinical-coder-{PersonSpecification.objects.count() + 1}",
    )
    for order, fields in enumerate(criteria, start=1):
        fields.setdefault("category", Criterion.Category.SKILLS)
        fields.setdefault("requirement", Criterion.Requirement.ESSENTIAL)
        Criterion.objects.create(specification=spec, order=order, **fields)
    return spec


def link(item, criterion: Criterion) -> EvidenceLink:
    return EvidenceLink.objects.create(
        evidence=item, criterion=criterion, rationale="Shows the criterion is met."
    )


def row_for(report, text: str):
    [row] = [row for row in report.rows if row.criterion.text == text]
    return row


def validation_message(kind: str, params: dict) -> str:
    with pytest.raises(ValidationError) as excinfo:
        clean_rule(kind, params)
    return " ".join(excinfo.value.messages)


# --- clean_rule -------------------------------------------------------------------


def test_clean_rule_fills_the_accuracy_defaults():
    """Each measure's threshold defaults to the DSPT "Standards Met" level."""
    assert clean_rule("accuracy", {}) == {
        "window_months": 12,
        "threshold": 90,
        "min_audits": 2,
        "measures": MEASURE_KEYS,
        "thresholds": {
            "primary_diagnosis": 90,
            "secondary_diagnoses": 85,
            "primary_procedure": 90,
            "secondary_procedures": 85,
        },
        "by_specialty": True,
    }


def test_clean_rule_fills_the_item_count_and_refresher_defaults():
    assert clean_rule("item_count", {"item_kind": "cpd"}) == {
        "item_kind": "cpd",
        "min": 1,
        "case_type": "",
        "contribution_types": [],
        "cpd_types": [],
        "topics": [],
        "met_target": False,
    }
    assert clean_rule("refresher_within", {}) == {"years": 3}
    assert clean_rule("holds_acc", {}) == {}


def test_clean_rule_keeps_the_parameters_given():
    params = {
        "window_months": 6,
        "threshold": 95.5,
        "min_audits": 3,
        "measures": ["primary_diagnosis"],
        "thresholds": {
            "primary_diagnosis": 95,
            "secondary_diagnoses": 90,
            "primary_procedure": 95,
            "secondary_procedures": 90,
        },
        "by_specialty": False,
    }

    assert clean_rule("accuracy", params) == params


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        (
            "experience_years",
            {},
            "Rule 'experience_years' needs the parameter 'years'.",
        ),
        (
            "item_count",
            {"min": 2},
            "Rule 'item_count' needs the parameter 'item_kind'.",
        ),
        ("specialty_count", {}, "Rule 'specialty_count' needs the parameter 'min'."),
    ],
)
def test_clean_rule_refuses_a_rule_without_its_required_parameter(
    kind, params, message
):
    assert validation_message(kind, params) == message


def test_clean_rule_refuses_an_unknown_kind_and_lists_the_kinds():
    message = validation_message("sorcery", {})

    assert message.startswith("Unknown rule kind 'sorcery': use one of accuracy,")
    assert "refresher_within" in message


def test_clean_rule_refuses_an_unknown_parameter_and_names_it():
    assert validation_message("holds_acc", {"years": 3}) == (
        "Rule 'holds_acc' does not take years; it takes no parameters."
    )
    assert validation_message("experience_years", {"years": 3, "yeers": 3}) == (
        "Rule 'experience_years' does not take yeers; it takes years, "
        "organisation_types."
    )


@pytest.mark.parametrize(
    ("kind", "params", "named"),
    [
        ("experience_years", {"years": "three"}, ["'years'", "'three'"]),
        ("specialty_count", {"min": True}, ["'min'", "True"]),
        ("accuracy", {"window_months": 1.5}, ["'window_months'", "1.5"]),
        ("accuracy", {"threshold": "90%"}, ["'threshold'", "'90%'"]),
        ("accuracy", {"measures": "primary_diagnosis"}, ["'measures'"]),
        ("item_count", {"item_kind": 7}, ["'item_kind'", "7"]),
    ],
)
def test_clean_rule_refuses_a_parameter_of_the_wrong_type(kind, params, named):
    message = validation_message(kind, params)

    assert message.startswith(f"Rule {kind!r}: ")
    assert "must be" in message
    for word in named:
        assert word in message


@pytest.mark.parametrize(
    ("kind", "params", "name", "limit"),
    [
        ("experience_years", {"years": -1}, "years", 50),
        ("specialty_count", {"min": -2}, "min", 100000),
        ("accuracy", {"min_audits": -1}, "min_audits", 1000),
        ("refresher_within", {"years": -3}, "years", 50),
        # Too large to mean anything, and beyond what a date sum can hold.
        ("accuracy", {"window_months": 30000}, "window_months", 120),
        ("refresher_within", {"years": 5000}, "years", 50),
    ],
)
def test_clean_rule_refuses_a_value_out_of_range(kind, params, name, limit):
    assert validation_message(kind, params) == (
        f"Rule {kind!r}: {name!r} must be from 0 to {limit}."
    )


def test_clean_rule_refuses_an_unknown_case_type_or_a_mismatched_kind(db):
    assert "unknown case type 'mortalty'" in validation_message(
        "item_count", {"item_kind": "complex_case", "case_type": "mortalty"}
    )
    assert "case_type only applies to complex_case" in validation_message(
        "item_count", {"item_kind": "cpd", "case_type": "mortality"}
    )
    assert "contribution_types only apply to contribution" in validation_message(
        "item_count", {"item_kind": "cpd", "contribution_types": ["cdi"]}
    )


@pytest.mark.parametrize("threshold", [0, 100.5, 900])
def test_clean_rule_refuses_a_threshold_that_is_not_a_percentage(threshold):
    assert validation_message("accuracy", {"threshold": threshold}) == (
        "Rule 'accuracy': threshold must be a percentage."
    )


@pytest.mark.parametrize("measures", [["coding_speed"], []])
def test_clean_rule_refuses_unknown_or_no_measures(measures):
    message = validation_message("accuracy", {"measures": measures})

    assert message == (
        "Rule 'accuracy': measures must be some of primary_diagnosis, "
        "secondary_diagnoses, primary_procedure, secondary_procedures."
    )


def test_clean_rule_refuses_measures_that_are_not_names():
    """A malformed list is refused with a message, not a TypeError."""
    message = validation_message("accuracy", {"measures": [["primary_diagnosis"]]})

    assert "measures" in message


def test_clean_rule_refuses_an_unknown_item_kind_and_lists_the_kinds():
    message = validation_message("item_count", {"item_kind": "certificate"})

    assert message.startswith("Rule 'item_count': item_kind must be one of audit,")
    assert "clinical_query" in message


def test_clean_rule_refuses_unknown_contribution_types_and_names_them():
    message = validation_message(
        "item_count",
        {"item_kind": "contribution", "contribution_types": ["cdi", "gardening"]},
    )

    assert message == "Rule 'item_count': unknown contribution types gardening."


# --- evaluate: accuracy -----------------------------------------------------------


def test_accuracy_is_met_with_enough_audits_over_the_threshold(alice):
    for day in ["2026-01-10", "2026-04-10", "2026-07-10", "2026-10-10"]:
        audit(alice, datetime.date.fromisoformat(day), 231, 250)

    result = evaluate("accuracy", {}, facts(alice))

    assert result.met
    assert result.reason == (
        "92.4% over 4 audits since 25 November 2025: met (needs 90% over 2, each "
        "measure at its threshold)"
    )


def test_accuracy_below_the_threshold_is_not_met(alice):
    audit(alice, datetime.date(2026, 3, 1), 85, 100)
    audit(alice, datetime.date(2026, 9, 1), 89, 100)

    result = evaluate("accuracy", {}, facts(alice))

    assert not result.met
    assert result.reason == (
        "87.0% over 2 audits since 25 November 2025: not met (overall 87.0%, needs "
        "90%; primary diagnosis 87.0%, needs 90%)"
    )


def test_accuracy_counts_only_audits_in_the_window(alice):
    """The window starts on the same day a year ago; the day before is outside it."""
    audit(alice, datetime.date(2025, 11, 24), 0, 100)
    audit(alice, datetime.date(2025, 11, 25), 95, 100)
    audit(alice, datetime.date(2026, 11, 1), 95, 100)

    result = evaluate("accuracy", {}, facts(alice))

    assert result.met
    assert result.reason == (
        "95.0% over 2 audits since 25 November 2025: met (needs 90% over 2, each "
        "measure at its threshold)"
    )


def test_accuracy_needs_the_minimum_number_of_audits_however_high(alice):
    audit(alice, datetime.date(2026, 10, 1), 100, 100)

    result = evaluate("accuracy", {}, facts(alice))

    assert not result.met
    assert result.reason == (
        "100.0% over 1 audit since 25 November 2025: not met (1 audit, needs 2)"
    )


def test_accuracy_uses_the_rules_window_threshold_and_minimum(alice):
    audit(alice, datetime.date(2026, 5, 24), 0, 100)  # before the 6-month window
    audit(alice, datetime.date(2026, 5, 25), 191, 200)

    result = evaluate(
        "accuracy",
        {"window_months": 6, "threshold": 95.5, "min_audits": 1},
        facts(alice),
    )

    assert result.met
    assert result.reason == (
        "95.5% over 1 audit since 25 May 2026: met (needs 95.5% over 1, each "
        "measure at its threshold)"
    )


def test_accuracy_counts_only_the_rules_measures(alice):
    """Primary diagnoses all right, secondary diagnoses mostly wrong."""
    for day in [datetime.date(2026, 2, 1), datetime.date(2026, 8, 1)]:
        audit(
            alice, day, 0, 0, primary_diagnosis=(50, 50), secondary_diagnoses=(10, 50)
        )

    every = evaluate("accuracy", {}, facts(alice))
    primary = evaluate("accuracy", {"measures": ["primary_diagnosis"]}, facts(alice))

    assert every.reason == (
        "60.0% over 2 audits since 25 November 2025: not met (overall 60.0%, needs "
        "90%; secondary diagnoses 20.0%, needs 85%)"
    )
    assert primary.met
    assert primary.reason == (
        "100.0% over 2 audits since 25 November 2025: met (needs 90% over 2, each "
        "measure at its threshold)"
    )


def test_accuracy_without_audits_is_not_met(alice):
    audit(alice, datetime.date(2024, 1, 1), 100, 100)  # too old to count

    result = evaluate("accuracy", {}, facts(alice))

    assert not result.met
    assert result.reason == (
        "No audited codes since 25 November 2025: not met (needs 90% over 2)"
    )


# --- evaluate: experience, ACC, specialties ---------------------------------------


def test_experience_years_are_counted_from_coding_posts(alice):
    make_employment(alice, start_date=datetime.date(2023, 6, 1))

    result = evaluate("experience_years", {"years": 3}, facts(alice))

    assert result.met
    assert result.reason == "3.5 years of coding experience: met (needs 3)"


def test_experience_years_short_of_the_minimum_are_not_met(alice):
    make_employment(alice, start_date=datetime.date(2025, 1, 1))
    make_employment(
        alice,
        role="Ward clerk",
        is_coding_role=False,
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )

    result = evaluate("experience_years", {"years": 2.5}, facts(alice))

    assert not result.met
    assert result.reason == "1.9 years of coding experience: not met (needs 2.5)"


def test_holds_acc_is_met_by_an_acc_qualification(alice):
    make_evidence(
        alice, "qualification", qualification_type="acc", date=datetime.date(2022, 3, 1)
    )

    result = evaluate("holds_acc", {}, facts(alice))

    assert result.met
    assert result.reason == "ACC held since 1 March 2022: met"


def test_holds_acc_is_not_met_by_an_expired_acc(alice):
    make_evidence(
        alice,
        "qualification",
        qualification_type="acc",
        date=datetime.date(2020, 3, 1),
        expires_on=datetime.date(2026, 11, 24),
    )

    result = evaluate("holds_acc", {}, facts(alice))

    assert not result.met
    assert result.reason == "No ACC (NCCQ) qualification recorded: not met"


def test_holds_acc_is_met_on_the_day_it_expires(alice):
    make_evidence(
        alice,
        "qualification",
        qualification_type="acc",
        date=datetime.date(2020, 3, 1),
        expires_on=TODAY,
    )

    assert evaluate("holds_acc", {}, facts(alice)).met


def test_holds_acc_is_not_met_by_another_qualification(alice):
    make_evidence(alice, "qualification", qualification_type="other")
    make_evidence(alice, "qualification", qualification_type="auditor")

    result = evaluate("holds_acc", {}, facts(alice))

    assert not result.met
    assert result.reason == "No ACC (NCCQ) qualification recorded: not met"


def test_specialty_count_counts_distinct_specialties_across_kinds(alice):
    cardiology, surgery = (
        Specialty.objects.get(code="320"),
        Specialty.objects.get(code="100"),
    )
    make_evidence(alice, "specialty", specialty=cardiology)
    make_evidence(alice, "complex_case", specialty=cardiology)
    make_audit(alice, specialties=[cardiology, surgery])
    make_evidence(alice, "cpd")  # no specialty

    met = evaluate("specialty_count", {"min": 2}, facts(alice))
    not_met = evaluate("specialty_count", {"min": 3}, facts(alice))

    assert met.met
    assert met.reason == "2 specialties with evidence: met (needs 2)"
    assert not not_met.met
    assert not_met.reason == "2 specialties with evidence: not met (needs 3)"


# --- evaluate: item counts and the refresher --------------------------------------


def test_item_count_counts_items_of_the_kind_with_singular_wording(alice):
    make_evidence(alice, "complex_case")
    make_evidence(alice, "cpd")

    one = evaluate("item_count", {"item_kind": "complex_case"}, facts(alice))
    needs_two = evaluate(
        "item_count", {"item_kind": "complex_case", "min": 2}, facts(alice)
    )

    assert one.met
    assert one.reason == "1 complex case: met (needs 1)"
    assert not needs_two.met
    assert needs_two.reason == "1 complex case: not met (needs 2)"


def test_item_count_uses_plural_wording_for_none_and_several(alice):
    none = evaluate("item_count", {"item_kind": "clinical_query"}, facts(alice))
    make_evidence(alice, "complex_case")
    make_evidence(alice, "complex_case")
    two = evaluate("item_count", {"item_kind": "complex_case"}, facts(alice))

    assert not none.met
    assert none.reason == "0 clinical queries: not met (needs 1)"
    assert two.reason == "2 complex cases: met (needs 1)"


def test_item_count_with_a_case_type_counts_only_cases_of_that_type(alice):
    make_evidence(alice, "complex_case", case_types=["mortality", "sepsis"])
    make_evidence(alice, "complex_case", case_types=["oncology"])

    mortality = evaluate(
        "item_count",
        {"item_kind": "complex_case", "case_type": "mortality"},
        facts(alice),
    )
    obstetrics = evaluate(
        "item_count",
        {"item_kind": "complex_case", "case_type": "obstetrics"},
        facts(alice),
    )

    assert mortality.met
    assert mortality.reason == "1 mortality complex case: met (needs 1)"
    assert not obstetrics.met
    assert obstetrics.reason == "0 obstetrics complex cases: not met (needs 1)"


def test_item_count_with_contribution_types_sums_those_types(alice):
    make_evidence(alice, "contribution", contribution_type="mentoring")
    make_evidence(alice, "contribution", contribution_type="mentoring")
    make_evidence(alice, "contribution", contribution_type="service_improvement")
    make_evidence(alice, "contribution", contribution_type="training")

    result = evaluate(
        "item_count",
        {
            "item_kind": "contribution",
            "min": 3,
            "contribution_types": ["mentoring", "audit", "service_improvement"],
        },
        facts(alice),
    )

    assert result.met
    assert result.reason == (
        "3 contributions (mentoring, audit, service improvement): met (needs 3)"
    )


def test_item_count_of_one_contribution_type_is_singular(alice):
    make_evidence(alice, "contribution", contribution_type="cdi")
    make_evidence(alice, "contribution", contribution_type="mentoring")

    result = evaluate(
        "item_count",
        {"item_kind": "contribution", "contribution_types": ["cdi"]},
        facts(alice),
    )

    assert result.reason == (
        "1 contribution (clinical documentation improvement): met (needs 1)"
    )


def test_refresher_within_without_a_refresher_is_not_met(alice):
    make_evidence(alice, "cpd", cpd_type="elearning")

    result = evaluate("refresher_within", {"years": 3}, facts(alice))

    assert not result.met
    assert result.reason == "No Standards Refresher recorded: not met"


def test_refresher_within_the_years_is_met(alice):
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2020, 1, 1)
    )
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2023, 11, 25)
    )

    result = evaluate("refresher_within", {"years": 3}, facts(alice))

    assert result.met
    assert result.reason == (
        "Standards Refresher on 25 November 2023: met (within 3 years)"
    )


def test_refresher_older_than_the_years_is_not_met(alice):
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2023, 11, 24)
    )

    result = evaluate("refresher_within", {"years": 3}, facts(alice))

    assert not result.met
    assert result.reason == (
        "Standards Refresher on 24 November 2023: not met (within 3 years)"
    )


# --- PortfolioFacts ---------------------------------------------------------------


def test_facts_fetch_each_fact_once(alice, django_assert_num_queries):
    make_evidence(alice, "cpd")
    make_evidence(alice, "complex_case")
    audit(alice, datetime.date(2026, 6, 1), 95, 100)
    portfolio = facts(alice)

    # 1. every item as a light row (kind, date, the fields rules filter by)
    # 2. each complex case's case types
    with django_assert_num_queries(2):
        cpd = evaluate("item_count", {"item_kind": "cpd"}, portfolio)
        cases = evaluate(
            "item_count",
            {"item_kind": "complex_case", "case_type": "mortality"},
            portfolio,
        )
    # 1. the owner's audits, shared by every accuracy rule whatever its window
    # 2. each item's specialties (accuracy by specialty)
    with django_assert_num_queries(2):
        first = evaluate("accuracy", {}, portfolio)
        second = evaluate("accuracy", {"threshold": 95}, portfolio)
    with django_assert_num_queries(0):
        evaluate("item_count", {"item_kind": "productivity"}, portfolio)
        evaluate("accuracy", {"min_audits": 1}, portfolio)
        evaluate("accuracy", {"window_months": 24}, portfolio)

    assert cpd.met and cases.met
    assert first.reason.startswith("95.0% over 1 audit since 25 November 2025")
    assert second.reason.startswith("95.0% over 1 audit since 25 November 2025")


def test_facts_count_only_the_owners_evidence(alice, bob):
    for day in [datetime.date(2026, 2, 1), datetime.date(2026, 8, 1)]:
        audit(bob, day, 100, 100)
    make_employment(bob, start_date=datetime.date(2010, 1, 1))
    make_evidence(bob, "qualification", qualification_type="acc")
    make_evidence(bob, "specialty")
    make_evidence(bob, "complex_case")
    make_evidence(bob, "contribution", contribution_type="mentoring")
    make_evidence(bob, "cpd", cpd_type="standards_refresher")
    portfolio = facts(alice)

    results = [
        evaluate("accuracy", {}, portfolio),
        evaluate("experience_years", {"years": 1}, portfolio),
        evaluate("holds_acc", {}, portfolio),
        evaluate("specialty_count", {"min": 1}, portfolio),
        evaluate("item_count", {"item_kind": "complex_case"}, portfolio),
        evaluate(
            "item_count",
            {"item_kind": "complex_case", "case_type": "mortality"},
            portfolio,
        ),
        evaluate(
            "item_count",
            {"item_kind": "contribution", "contribution_types": ["mentoring"]},
            portfolio,
        ),
        evaluate("refresher_within", {}, portfolio),
    ]

    assert [r.met for r in results] == [False] * len(results)
    assert [r.reason for r in results] == [
        "No audited codes since 25 November 2025: not met (needs 90% over 2)",
        "0.0 years of coding experience: not met (needs 1)",
        "No ACC (NCCQ) qualification recorded: not met",
        "0 specialties with evidence: not met (needs 1)",
        "0 complex cases: not met (needs 1)",
        "0 mortality complex cases: not met (needs 1)",
        "0 contributions (mentoring): not met (needs 1)",
        "No Standards Refresher recorded: not met",
    ]


# --- criterion status -------------------------------------------------------------


def item(verification: str = "unverified") -> Evidence:
    return Evidence(verification=verification)


MET, NOT_MET = RuleResult(True, "met"), RuleResult(False, "not met")


@pytest.mark.parametrize(
    ("inputs", "status"),
    [
        # The matrix: no application, so the mapped items stand behind it.
        ({"rule_result": None}, MISSING),
        ({"rule_result": NOT_MET}, MISSING),
        ({"rule_result": MET}, EVIDENCED),
        ({"rule_result": None, "mapped_items": [item()]}, EVIDENCED),
        ({"rule_result": None, "mapped_items": [item(), item("verified")]}, VERIFIED),
        # An application: the chosen items stand behind it, and only they.
        ({"rule_result": None, "chosen_items": [], "statement_text": " "}, MISSING),
        (
            {"rule_result": None, "chosen_items": [], "statement_text": "I did"},
            STATEMENT,
        ),
        (
            {"rule_result": None, "mapped_items": [item()], "chosen_items": []},
            MISSING,
        ),
        (
            {
                "rule_result": None,
                "mapped_items": [item("verified")],
                "chosen_items": [],
                "statement_text": "I did",
            },
            STATEMENT,
        ),
        ({"rule_result": MET, "chosen_items": [], "statement_text": "I"}, EVIDENCED),
        ({"rule_result": NOT_MET, "chosen_items": [item("requested")]}, EVIDENCED),
        (
            {
                "rule_result": None,
                "mapped_items": [item("verified")],
                "chosen_items": [item()],
            },
            EVIDENCED,
        ),
        ({"rule_result": NOT_MET, "chosen_items": [item("verified")]}, VERIFIED),
    ],
)
def test_criterion_status_from_statement_items_and_rule(inputs, status):
    assert criterion_status(**inputs) == status


# --- accuracy_standard ------------------------------------------------------------


def test_accuracy_standard_is_the_specs_first_accuracy_rule(db):
    spec = make_spec(
        {"text": "Experience", "rule_kind": "experience_years", "rule_params": {}},
        {
            "text": "Accurate",
            "rule_kind": "accuracy",
            "rule_params": {"window_months": 6, "threshold": 92.5},
        },
        {
            "text": "Accurate too",
            "rule_kind": "accuracy",
            "rule_params": {"window_months": 24, "threshold": 80},
        },
    )

    assert accuracy_standard(spec) == (6, Decimal("92.5"))


def test_accuracy_standard_fills_the_rules_defaults(db):
    spec = make_spec({"text": "Accurate", "rule_kind": "accuracy", "rule_params": {}})

    assert accuracy_standard(spec) == (12, Decimal(90))


def test_accuracy_standard_without_an_accuracy_rule_is_the_named_default(db):
    spec = make_spec({"text": "Team player"})

    assert accuracy_standard(spec) == (
        metrics.ACCURACY_WINDOW_MONTHS,
        metrics.ACCURACY_THRESHOLD,
    )
    assert accuracy_standard(uhd_spec()) == (12, Decimal(90))


# --- coverage ---------------------------------------------------------------------


def test_coverage_gives_each_criterion_its_status(alice):
    spec = make_spec(
        {"text": "Nothing behind it"},
        {"text": "Linked", "category": Criterion.Category.KNOWLEDGE},
        {
            "text": "Rule met",
            "category": Criterion.Category.EXPERIENCE,
            "rule_kind": "item_count",
            "rule_params": {"item_kind": "cpd"},
        },
        {"text": "Linked and verified", "category": Criterion.Category.EXPERIENCE},
        {
            "text": "Rule not met",
            "requirement": Criterion.Requirement.DESIRABLE,
            "rule_kind": "holds_acc",
        },
    )
    criteria = {c.text: c for c in spec.criteria.all()}
    link(make_evidence(alice, "contribution"), criteria["Linked"])
    make_evidence(alice, "cpd")
    verified = make_evidence(alice, "clinical_query", verification="verified")
    unverified = make_evidence(alice, "complex_case")
    link(verified, criteria["Linked and verified"])
    link(unverified, criteria["Linked and verified"])

    report = coverage(spec, facts(alice))

    assert [(row.criterion.text, row.status) for row in report.rows] == [
        ("Nothing behind it", MISSING),
        ("Linked", EVIDENCED),
        ("Rule met", EVIDENCED),
        ("Linked and verified", VERIFIED),
        ("Rule not met", MISSING),
    ]
    assert row_for(report, "Rule met").rule_result.reason == (
        "1 CPD activity: met (needs 1)"
    )
    assert row_for(report, "Rule met").links == []
    assert row_for(report, "Nothing behind it").rule_result is None
    assert row_for(report, "Linked and verified").status.label == "Verified"
    assert {link.evidence for link in row_for(report, "Linked and verified").links} == {
        verified.evidence_ptr,
        unverified.evidence_ptr,
    }


def test_coverage_ignores_another_coders_linked_evidence(alice, bob):
    spec = make_spec({"text": "Sound professional judgement"})
    criterion = spec.criteria.get()
    link(make_evidence(bob, "clinical_query", verification="verified"), criterion)

    alices = coverage(spec, facts(alice))
    bobs = coverage(spec, facts(bob))

    assert alices.rows[0].status == MISSING
    assert alices.rows[0].links == []
    assert [row.criterion for row in alices.gaps] == [criterion]
    assert bobs.rows[0].status == VERIFIED


def test_coverage_totals_statuses_overall_and_per_category(alice):
    spec = make_spec(
        {"text": "Skill linked"},
        {"text": "Skill missing"},
        {"text": "Knowledge verified", "category": Criterion.Category.KNOWLEDGE},
        {
            "text": "Qualification missing",
            "category": Criterion.Category.QUALIFICATIONS,
            "requirement": Criterion.Requirement.DESIRABLE,
        },
    )
    criteria = {c.text: c for c in spec.criteria.all()}
    link(make_evidence(alice, "cpd"), criteria["Skill linked"])
    link(
        make_evidence(alice, "cpd", verification="verified"),
        criteria["Knowledge verified"],
    )

    report = coverage(spec, facts(alice))

    assert report.totals == {MISSING: 2, EVIDENCED: 1, VERIFIED: 1}
    assert [
        (c["category"], c["label"], [r.criterion.text for r in c["rows"]], c["totals"])
        for c in report.by_category
    ] == [
        (
            "skills",
            "Skills",
            ["Skill linked", "Skill missing"],
            {MISSING: 1, EVIDENCED: 1, VERIFIED: 0},
        ),
        (
            "knowledge",
            "Knowledge",
            ["Knowledge verified"],
            {MISSING: 0, EVIDENCED: 0, VERIFIED: 1},
        ),
        ("experience", "Experience", [], {MISSING: 0, EVIDENCED: 0, VERIFIED: 0}),
        (
            "qualifications",
            "Qualifications",
            ["Qualification missing"],
            {MISSING: 1, EVIDENCED: 0, VERIFIED: 0},
        ),
    ]
    # Only the Essential criterion that is missing is a gap, not the Desirable one.
    assert [row.criterion.text for row in report.gaps] == ["Skill missing"]


def test_uhd_spec_with_an_empty_portfolio_has_every_essential_criterion_as_a_gap(
    alice,
):
    spec = uhd_spec()
    essential = list(spec.criteria.filter(requirement="essential"))

    report = coverage(spec, facts(alice))

    assert len(essential) == 17
    assert [row.criterion for row in report.gaps] == essential
    assert report.totals == {MISSING: 21, EVIDENCED: 0, VERIFIED: 0}


def test_uhd_accuracy_criteria_are_met_by_the_demo_portfolio(alice):
    build_demo_portfolio(alice, TODAY)
    spec = uhd_spec()

    report = coverage(spec, facts(alice))

    accuracy_rows = [
        row for row in report.rows if row.criterion.rule_kind == "accuracy"
    ]
    assert [row.criterion.text for row in accuracy_rows] == [
        "Sustained coding accuracy of ≥90% across all specialties",
        "Sustained coding accuracy (typically ≥90%)",
    ]
    for row in accuracy_rows:
        assert row.rule_result.met
        assert ACCURACY_REASON.match(row.rule_result.reason), row.rule_result.reason
        assert row.status != MISSING


def test_coverage_queries_do_not_grow_with_the_portfolio(
    alice, django_assert_num_queries
):
    spec = uhd_spec()
    criteria = list(spec.criteria.all())

    def coverage_queries() -> None:
        # 1. the spec's criteria  2. alice's links to them, with their evidence
        # 3. every item as a light row (kinds, types, targets, ACC, refresher)
        # 4. her posts (years of experience, in acute trusts too)  5. her audits
        # (every accuracy rule shares them)  6. each item's specialties
        # (breadth, accuracy by specialty)  7. each complex case's case types
        with django_assert_num_queries(7):
            report = coverage(spec, facts(alice))
        assert len(report.rows) == 21

    make_evidence(alice, "cpd")
    link(make_evidence(alice, "clinical_query"), criteria[0])
    coverage_queries()

    # The demo portfolio: about a hundred items, several linked to the spec.
    build_demo_portfolio(alice, TODAY)
    assert alice.evidence.count() > 50
    assert EvidenceLink.objects.filter(evidence__owner=alice).count() > 5
    coverage_queries()


# --- route_check ------------------------------------------------------------------


def build_portfolio_route_evidence(owner) -> None:
    """Everything the UHD spec's six portfolio-route criteria need, without ACC."""
    spec = uhd_spec()
    route = {c.text: c for c in spec.criteria.filter(route="portfolio")}
    for day in [datetime.date(2026, 3, 1), datetime.date(2026, 9, 1)]:
        audit(owner, day, 93, 100)
    for code in TEN_SPECIALTIES:
        make_evidence(owner, "specialty", specialty=Specialty.objects.get(code=code))
    cases = [make_evidence(owner, "complex_case") for _ in range(5)]
    make_evidence(owner, "contribution", contribution_type="service_improvement")
    link(cases[0], route["Strong clinical knowledge and interpretation skills"])
    link(cases[1], route["Sound professional judgement in coding decisions"])


def test_route_check_gives_the_acc_route_when_acc_is_held(alice):
    make_evidence(
        alice, "qualification", qualification_type="acc", date=datetime.date(2021, 7, 1)
    )
    portfolio = facts(alice)

    check = route_check(coverage(uhd_spec(), portfolio), portfolio)

    assert check.route == "acc"
    assert check.label == "ACC route"
    assert check.reasons == ["ACC held since 1 July 2021: met"]


def test_route_check_gives_the_portfolio_route_when_every_route_criterion_is_evidenced(
    alice,
):
    build_portfolio_route_evidence(alice)
    portfolio = facts(alice)

    check = route_check(coverage(uhd_spec(), portfolio), portfolio)

    assert check.route == "portfolio"
    assert check.label == "Portfolio route"
    assert check.reasons == [
        "No ACC (NCCQ) qualification recorded: not met",
        "Sustained coding accuracy (typically ≥90%): evidenced",
        "Breadth of specialty experience: evidenced",
        "Strong clinical knowledge and interpretation skills: evidenced",
        "Evidence of complex case handling: evidenced",
        "Contribution to mentoring, audit, or service improvement: evidenced",
        "Sound professional judgement in coding decisions: evidenced",
    ]


def test_route_check_is_not_yet_with_every_unmet_route_criterion_and_why(alice):
    portfolio = facts(alice)

    check = route_check(coverage(uhd_spec(), portfolio), portfolio)

    assert check.route is None
    assert check.label == "Not yet eligible"
    assert check.reasons == [
        "No ACC (NCCQ) qualification recorded: not met",
        "Sustained coding accuracy (typically ≥90%): "
        "No audited codes since 25 November 2025: not met (needs 90% over 2)",
        "Breadth of specialty experience: "
        "0 specialties with evidence: not met (needs 10)",
        "Strong clinical knowledge and interpretation skills: no evidence linked",
        "Evidence of complex case handling: 0 complex cases: not met (needs 5)",
        "Contribution to mentoring, audit, or service improvement: "
        "0 contributions (mentoring, audit, service improvement): not met (needs 1)",
        "Sound professional judgement in coding decisions: no evidence linked",
    ]


def test_route_check_lists_only_the_route_criteria_still_unmet(alice):
    build_portfolio_route_evidence(alice)
    # One link fewer, and one complex case short of five.
    EvidenceLink.objects.filter(
        criterion__text="Sound professional judgement in coding decisions"
    ).delete()
    alice.evidence.filter(kind="complex_case").order_by("-id").first().delete()
    portfolio = facts(alice)

    check = route_check(coverage(uhd_spec(), portfolio), portfolio)

    assert check.route is None
    assert check.reasons == [
        "No ACC (NCCQ) qualification recorded: not met",
        "Evidence of complex case handling: 4 complex cases: not met (needs 5)",
        "Sound professional judgement in coding decisions: no evidence linked",
    ]


def test_route_check_falls_back_to_the_essential_criteria_without_route_criteria(
    alice,
):
    spec = make_spec(
        {"text": "Holds ACC", "rule_kind": "holds_acc"},
        {
            "text": "Keeps up to date",
            "rule_kind": "item_count",
            "rule_params": {"item_kind": "cpd"},
        },
        {"text": "Validates coded data"},
        {"text": "Mentors others", "requirement": Criterion.Requirement.DESIRABLE},
    )
    make_evidence(alice, "cpd")
    portfolio = facts(alice)

    not_yet = route_check(coverage(spec, portfolio), portfolio)
    link(make_evidence(alice, "clinical_query"), spec.criteria.get(order=3))
    portfolio = facts(alice)
    eligible = route_check(coverage(spec, portfolio), portfolio)

    # The ACC criterion is the other route, so it is no part of this one.
    assert not_yet.route is None
    assert not_yet.reasons == [
        "No ACC (NCCQ) qualification recorded: not met",
        "Validates coded data: no evidence linked",
    ]
    assert eligible.route == "portfolio"
    assert eligible.reasons == [
        "No ACC (NCCQ) qualification recorded: not met",
        "Keeps up to date: evidenced",
        "Validates coded data: evidenced",
    ]
