"""Rules count what their criteria mean, and say what they counted: productivity
records that met their target, CPD in clinical coding, years in acute NHS trusts,
and alternatives (any_of) or requirements together (all_of)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio.metrics import PortfolioFacts
from portfolio.models import Specialty
from specifications.models import Criterion
from specifications.rules import clean_rule, evaluate
from tests.factories import make_audit, make_employment, make_evidence

TODAY = datetime.date(2026, 11, 25)
CODING_CPD = {
    "item_kind": "cpd",
    "cpd_types": ["standards_refresher", "standards_course", "specialty_workshop"],
    "topics": ["coding", "ICD-10", "OPCS"],
}

pytestmark = pytest.mark.usefixtures("frozen_today")


def run(owner, kind: str, **params):
    return evaluate(kind, params, PortfolioFacts(owner, TODAY))


def refused(kind: str, params: dict) -> str:
    with pytest.raises(ValidationError) as error:
        clean_rule(kind, params)
    return " ".join(error.value.messages)


# --- productivity -----------------------------------------------------------------


def test_productivity_counts_the_records_that_met_their_target(alice):
    met = make_evidence(
        alice, "productivity", episodes_coded=2040, target_episodes=2000
    )
    exact = make_evidence(
        alice, "productivity", episodes_coded=2000, target_episodes=2000
    )
    make_evidence(alice, "productivity", episodes_coded=1800, target_episodes=2000)
    make_evidence(alice, "productivity", episodes_coded=2500, target_episodes=None)

    result = run(alice, "item_count", item_kind="productivity", min=2, met_target=True)

    assert result.met
    assert result.reason == (
        "2 productivity records that met their target: met (needs 2)"
    )
    assert set(result.counted) == {met.pk, exact.pk}


def test_one_productivity_record_short_of_the_minimum(alice):
    make_evidence(alice, "productivity", episodes_coded=2040, target_episodes=2000)
    make_evidence(alice, "productivity", episodes_coded=1000, target_episodes=2000)

    result = run(alice, "item_count", item_kind="productivity", min=2, met_target=True)

    assert not result.met
    assert result.reason == (
        "1 productivity record that met its target: not met (needs 2)"
    )


# --- CPD in clinical coding -------------------------------------------------------


def test_cpd_in_clinical_coding_counts_by_type_or_topic_not_any_cpd(alice):
    refresher = make_evidence(
        alice,
        "cpd",
        cpd_type="standards_refresher",
        title="Standards Refresher",
        date=datetime.date(2026, 2, 1),
    )
    icd10 = make_evidence(
        alice,
        "cpd",
        cpd_type="elearning",
        title="ICD-10 5th Edition update e-learning",
        date=datetime.date(2026, 3, 1),
    )
    network = make_evidence(
        alice,
        "cpd",
        cpd_type="conference",
        title="Regional clinical coding network meeting",
        date=datetime.date(2026, 4, 1),
    )
    make_evidence(alice, "cpd", cpd_type="elearning", title="Data Security Awareness")
    make_evidence(alice, "cpd", cpd_type="other", title="Fire safety")
    # A word that only contains a topic is not that topic.
    make_evidence(alice, "cpd", cpd_type="other", title="Decoding spreadsheets")

    result = run(alice, "item_count", **CODING_CPD)

    assert result.met
    assert result.reason == "3 CPD activities in clinical coding: met (needs 1)"
    assert result.counted == (refresher.pk, icd10.pk, network.pk)


def test_cpd_that_is_not_about_coding_does_not_meet_it(alice):
    make_evidence(alice, "cpd", cpd_type="elearning", title="Data Security Awareness")

    result = run(alice, "item_count", **CODING_CPD)

    assert not result.met
    assert result.reason == "0 CPD activities in clinical coding: not met (needs 1)"
    assert result.counted == ()


# --- experience in an acute NHS environment ---------------------------------------


def test_experience_can_count_only_posts_in_acute_nhs_trusts(alice):
    make_employment(
        alice,
        organisation_type="acute",
        start_date=datetime.date(2023, 6, 1),
    )
    make_employment(
        alice,
        organisation_type="mental_health_community",
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2023, 5, 31),
    )

    acute = run(alice, "experience_years", years=3, organisation_types=["acute"])
    anywhere = run(alice, "experience_years", years=3)

    assert acute.met
    assert acute.reason == (
        "3.5 years of coding experience (Acute NHS trust): met (needs 3)"
    )
    assert anywhere.reason == "8.9 years of coding experience: met (needs 3)"


def test_posts_of_no_stated_type_do_not_count_as_acute(alice):
    make_employment(alice, start_date=datetime.date(2015, 1, 1))

    result = run(alice, "experience_years", years=1, organisation_types=["acute"])

    assert not result.met
    assert result.reason == (
        "0.0 years of coding experience (Acute NHS trust): not met (needs 1)"
    )


# --- what each rule counted -------------------------------------------------------


def test_each_rule_returns_the_items_it_counted(alice):
    old_acc = make_evidence(
        alice, "qualification", qualification_type="acc", date=datetime.date(2019, 1, 1)
    )
    make_evidence(alice, "qualification", qualification_type="other")
    refresher = make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2025, 1, 1)
    )
    newer = make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2026, 1, 1)
    )
    case = make_evidence(alice, "complex_case", case_types=["mortality"])
    make_evidence(alice, "complex_case", case_types=["oncology"])

    assert run(alice, "holds_acc").counted == (old_acc.pk,)
    assert run(alice, "refresher_within").counted == (newer.pk,)
    assert refresher.pk not in run(alice, "refresher_within").counted
    mortality = run(
        alice, "item_count", item_kind="complex_case", case_type="mortality"
    )
    assert mortality.counted == (case.pk,)
    assert run(alice, "experience_years", years=1).counted == ()


def test_specialty_breadth_counts_an_item_for_each_specialty(alice):
    """The specialty experience items where there are some, else the latest item
    in the specialty."""
    cardiology = Specialty.objects.get(code="320")
    urology = Specialty.objects.get(code="101")
    experience = make_evidence(alice, "specialty", specialty=cardiology)
    make_evidence(
        alice, "complex_case", specialty=cardiology, date=datetime.date(2026, 1, 1)
    )
    older = make_audit(alice, date=datetime.date(2026, 1, 1), specialties=[urology])
    newer = make_audit(alice, date=datetime.date(2026, 6, 1), specialties=[urology])

    result = run(alice, "specialty_count", min=2)

    assert result.met
    assert set(result.counted) == {experience.pk, newer.pk}
    assert older.pk not in result.counted


# --- any_of and all_of ------------------------------------------------------------

ALTERNATIVES = [
    {"label": "CPD in clinical coding", "kind": "item_count", **CODING_CPD},
    {"label": "Breadth", "kind": "specialty_count", "min": 1},
]


def test_any_of_is_met_by_one_alternative_and_names_it(alice):
    make_evidence(alice, "specialty")

    result = run(alice, "any_of", rules=ALTERNATIVES)

    assert result.met
    assert result.reason == ("Met by Breadth: 1 specialty with evidence: met (needs 1)")


def test_any_of_counts_the_items_of_the_alternative_that_met_it(alice):
    cpd = make_evidence(alice, "cpd", cpd_type="standards_course")
    make_evidence(alice, "specialty")

    result = run(alice, "any_of", rules=ALTERNATIVES)

    assert result.reason.startswith("Met by CPD in clinical coding: 1 CPD activity")
    assert result.counted == (cpd.pk,)


def test_any_of_not_met_says_why_for_each_alternative(alice):
    result = run(alice, "any_of", rules=ALTERNATIVES)

    assert not result.met
    assert result.reason == (
        "None of 2 alternatives met: CPD in clinical coding: 0 CPD activities in "
        "clinical coding: not met (needs 1); or Breadth: 0 specialties with "
        "evidence: not met (needs 1)"
    )


def test_an_alternative_without_a_label_is_named_by_its_number(alice):
    make_evidence(alice, "specialty")

    result = run(
        alice,
        "any_of",
        rules=[{"kind": "holds_acc"}, {"kind": "specialty_count", "min": 1}],
    )

    assert result.reason.startswith("Met by alternative 2: 1 specialty")


def test_all_of_names_the_requirements_not_met(alice):
    make_employment(
        alice, organisation_type="acute", start_date=datetime.date(2020, 1, 1)
    )
    make_evidence(alice, "complex_case")

    result = run(
        alice,
        "all_of",
        rules=[
            {"kind": "experience_years", "years": 3, "organisation_types": ["acute"]},
            {"kind": "specialty_count", "min": 10},
            {"kind": "item_count", "item_kind": "complex_case", "min": 1},
        ],
    )

    assert not result.met
    assert result.reason == (
        "1 of 3 not met: 1 specialty with evidence: not met (needs 10)"
    )


def test_all_of_met_lists_each_and_counts_every_items(alice):
    case = make_evidence(alice, "complex_case")
    cpd = make_evidence(alice, "cpd", cpd_type="standards_course")

    result = run(
        alice,
        "all_of",
        rules=[
            {"kind": "item_count", "item_kind": "complex_case"},
            {"kind": "item_count", **CODING_CPD},
        ],
    )

    assert result.met
    assert result.reason == (
        "All 2 met: 1 complex case: met (needs 1); 1 CPD activity in clinical "
        "coding: met (needs 1)"
    )
    assert set(result.counted) == {case.pk, cpd.pk}


def test_alternatives_met_without_accuracy_carry_no_accuracy_figures(alice):
    make_evidence(alice, "qualification", qualification_type="acc")

    result = run(alice, "any_of", rules=[{"kind": "holds_acc"}, {"kind": "accuracy"}])

    assert result.met
    assert result.accuracy is None


def test_a_composite_of_an_accuracy_rule_carries_its_figures(alice):
    make_audit(alice, date=datetime.date(2026, 3, 1))
    make_audit(alice, date=datetime.date(2026, 9, 1))

    result = run(
        alice,
        "any_of",
        rules=[{"kind": "holds_acc"}, {"kind": "accuracy"}],
    )

    assert result.met
    assert result.accuracy.audits == 2
    assert result.accuracy.measures[0].percent == Decimal("90.0")


# --- the rules' parameters --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("any_of", {}, "Rule 'any_of' needs the parameter 'rules'."),
        ("any_of", {"rules": []}, "Rule 'any_of': 'rules' must list at least one"),
        ("all_of", {"rules": ["holds_acc"]}, 'rule 1 must be an object with a "kind"'),
        (
            "any_of",
            {"rules": [{"kind": "holds_acc"}, {"kind": "specialty_count"}]},
            "Rule 'any_of', rule 2: Rule 'specialty_count' needs the parameter 'min'.",
        ),
        (
            "any_of",
            {
                "rules": [
                    {
                        "kind": "all_of",
                        "rules": [{"kind": "any_of", "rules": [{"kind": "holds_acc"}]}],
                    }
                ]
            },
            "rules nest two deep at most.",
        ),
        (
            "any_of",
            {"rules": [{"kind": "holds_acc", "label": "x" * 101}]},
            "'label' must be text of 100 characters at most.",
        ),
        (
            "item_count",
            {"item_kind": "cpd", "met_target": True},
            "met_target only applies to productivity items.",
        ),
        (
            "item_count",
            {"item_kind": "contribution", "topics": ["coding"]},
            "cpd_types and topics only apply to cpd items.",
        ),
        (
            "item_count",
            {"item_kind": "cpd", "cpd_types": ["knitting"]},
            "unknown CPD types knitting.",
        ),
        (
            "item_count",
            {"item_kind": "productivity", "met_target": "yes"},
            "'met_target' must be bool, not 'yes'.",
        ),
        (
            "experience_years",
            {"years": 3, "organisation_types": ["hospice"]},
            "unknown organisation types hospice",
        ),
    ],
)
def test_bad_rule_parameters_are_refused_and_named(db, kind, params, message):
    assert message in refused(kind, params)


def test_a_label_is_checked_for_patient_identifiers():
    message = refused(
        "any_of", {"rules": [{"kind": "holds_acc", "label": "NHS 943 476 5919"}]}
    )

    assert "NHS number" in message


def test_a_criterion_keeps_its_composite_rule(db):
    criterion = Criterion(
        category="qualifications", requirement="essential", text="Qualified"
    )
    rule = {"kind": "any_of", "rules": ALTERNATIVES}

    criterion.rule = rule
    criterion.clean()

    assert criterion.rule_kind == "any_of"
    assert criterion.rule == rule
