"""The accuracy rule: "Sustained coding accuracy of >=90% across all specialties" is
each of the four measures against its own threshold, over the rule's window and
minimum number of audits, and the weakest specialty where audits name one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio.metrics import PortfolioFacts
from portfolio.models import AUDIT_MEASURES
from specifications.rules import MeasureResult, clean_rule, evaluate
from tests.factories import make_audit, specialties

TODAY = datetime.date(2026, 11, 25)
MEASURES = [key for key, _ in AUDIT_MEASURES]

pytestmark = pytest.mark.usefixtures("frozen_today")


def audit(owner, day: str, specialty_codes=(), **measures: tuple[int, int]):
    """An audit on `day` with each measure's (correct, audited); 95/100 unless
    given."""
    counts = {key: (95, 100) for key in MEASURES} | measures
    fields = {}
    for key, (correct, audited) in counts.items():
        fields[f"{key}_correct"], fields[f"{key}_audited"] = correct, audited
    return make_audit(
        owner,
        date=datetime.date.fromisoformat(day),
        specialties=specialties(*specialty_codes),
        **fields,
    )


def judge(owner, **params):
    return evaluate("accuracy", params, PortfolioFacts(owner, TODAY))


def test_each_measure_is_judged_against_its_own_threshold(alice):
    """Overall 92.2%, but secondary diagnoses at 84% miss the DSPT's 85%."""
    audit(alice, "2026-03-01", secondary_diagnoses=(84, 100))
    audit(alice, "2026-09-01", secondary_diagnoses=(84, 100))

    result = judge(alice)

    assert not result.met
    assert result.reason == (
        "92.2% over 2 audits since 25 November 2025: not met (secondary diagnoses "
        "84.0%, needs 85%)"
    )


def test_the_secondary_measures_pass_at_the_dspt_level_below_the_primary_ones(alice):
    audit(alice, "2026-03-01", secondary_procedures=(86, 100))
    audit(alice, "2026-09-01", secondary_procedures=(86, 100))

    assert judge(alice).met


def test_a_spec_sets_each_measures_threshold(alice):
    audit(alice, "2026-03-01", secondary_diagnoses=(84, 100))
    audit(alice, "2026-09-01", secondary_diagnoses=(84, 100))

    lenient = judge(alice, thresholds={"secondary_diagnoses": 80})
    strict = judge(alice, thresholds={"primary_diagnosis": 96})

    assert lenient.met
    assert not strict.met
    assert "primary diagnosis 95.0%, needs 96%" in strict.reason
    assert "secondary diagnoses 84.0%, needs 85%" in strict.reason


def test_a_measure_with_no_codes_audited_does_not_fail(alice):
    audit(alice, "2026-03-01", primary_procedure=(0, 0), secondary_procedures=(0, 0))
    audit(alice, "2026-09-01", primary_procedure=(0, 0), secondary_procedures=(0, 0))

    result = judge(alice)

    assert result.met
    procedure = result.accuracy.measures[2]
    assert (procedure.audited, procedure.percent, procedure.met) == (0, None, True)


def test_the_weakest_specialty_must_reach_the_threshold(alice):
    """94% overall, every measure above its threshold, but urology at 88%."""
    perfect = {key: (100, 100) for key in MEASURES}
    weak = {key: (88, 100) for key in MEASURES}
    audit(alice, "2026-03-01", ["320"], **perfect)
    audit(alice, "2026-09-01", ["101"], **weak)

    result = judge(alice)

    assert not result.met
    assert result.accuracy.weakest_specialty == ("Urology", Decimal("88.0"))
    assert result.reason == (
        "94.0% over 2 audits since 25 November 2025: not met (Urology 88.0%, needs 90%)"
    )


def test_the_weakest_specialty_is_named_when_the_rule_is_met(alice):
    audit(alice, "2026-03-01", ["320"])
    audit(alice, "2026-09-01", ["101"], primary_diagnosis=(91, 100))

    result = judge(alice)

    assert result.met
    assert result.reason == (
        "94.5% over 2 audits since 25 November 2025: met (needs 90% over 2, each "
        "measure at its threshold; weakest specialty Urology 94.0%)"
    )


def test_a_rule_without_by_specialty_ignores_the_specialties(alice):
    audit(alice, "2026-03-01", ["320"])
    audit(alice, "2026-09-01", ["101"], primary_diagnosis=(60, 100))

    result = judge(alice, by_specialty=False, thresholds={"primary_diagnosis": 0})

    assert result.met
    assert result.accuracy.weakest_specialty is None


def test_audits_without_specialties_have_no_weakest_specialty(alice):
    audit(alice, "2026-03-01")
    audit(alice, "2026-09-01")

    assert judge(alice).accuracy.weakest_specialty is None


def test_only_audits_in_the_window_are_judged_and_counted(alice):
    old = audit(alice, "2025-11-24", ["101"], primary_diagnosis=(0, 100))
    first = audit(alice, "2026-09-01", ["320"])
    second = audit(alice, "2026-03-01", ["320"])

    result = judge(alice)

    assert result.met
    # The audits it counted, oldest first: not the one before the window.
    assert result.counted == (second.pk, first.pk)
    assert old.pk not in result.counted


def test_too_few_audits_fail_however_accurate(alice):
    audit(alice, "2026-09-01")

    result = judge(alice, min_audits=3)

    assert not result.met
    assert result.reason == (
        "95.0% over 1 audit since 25 November 2025: not met (1 audit, needs 3)"
    )


def test_the_result_carries_every_measures_figures(alice):
    audit(alice, "2026-03-01", ["320"], secondary_diagnoses=(80, 100))
    audit(alice, "2026-09-01", ["320"], secondary_diagnoses=(90, 100))

    figures = judge(alice).accuracy

    assert figures.window_months == 12
    assert figures.since == datetime.date(2025, 11, 25)
    assert figures.audits == 2
    assert figures.measures == (
        MeasureResult(
            "primary_diagnosis", "Primary diagnosis", 190, 200, Decimal("95.0"),
            Decimal(90), True,
        ),
        MeasureResult(
            "secondary_diagnoses", "Secondary diagnoses", 170, 200, Decimal("85.0"),
            Decimal(85), True,
        ),
        MeasureResult(
            "primary_procedure", "Primary procedure", 190, 200, Decimal("95.0"),
            Decimal(90), True,
        ),
        MeasureResult(
            "secondary_procedures", "Secondary procedures", 190, 200,
            Decimal("95.0"), Decimal(85), True,
        ),
    )  # fmt: skip
    assert figures.weakest_specialty == ("Cardiology", Decimal("92.5"))


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (
            {"tertiary_diagnoses": 80},
            "thresholds are for the measures primary_diagnosis, secondary_diagnoses, "
            "primary_procedure, secondary_procedures, not tertiary_diagnoses.",
        ),
        (
            {"primary_diagnosis": "90"},
            "the threshold of primary_diagnosis must be a number.",
        ),
        (
            {"primary_diagnosis": 101},
            "the threshold of primary_diagnosis must be a percentage.",
        ),
        ([90, 85, 90, 85], "'thresholds' must be dict"),
    ],
)
def test_bad_thresholds_are_refused_and_named(thresholds, message):
    with pytest.raises(ValidationError) as refused:
        clean_rule("accuracy", {"thresholds": thresholds})

    assert message in " ".join(refused.value.messages)


def test_by_specialty_must_be_true_or_false():
    with pytest.raises(ValidationError) as refused:
        clean_rule("accuracy", {"by_specialty": 1})

    assert "'by_specialty' must be bool, not 1." in refused.value.messages[0]
