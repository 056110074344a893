"""Rules of person specifications, evaluated from a coder's figures.

A rule is data: a kind and its parameters (see `Criterion.RuleKind`). Each evaluation
says why, e.g. "92.4% over 4 audits since 2025-11-25: met (needs 90% over 2)".
"""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from portfolio import metrics
from portfolio.metrics import PortfolioFacts
from portfolio.models import (
    AUDIT_MEASURES,
    KIND_MODELS,
    CaseType,
    Contribution,
    Evidence,
)
from specifications.models import Criterion, PersonSpecification

RuleKind = Criterion.RuleKind


@dataclass(frozen=True)
class RuleResult:
    met: bool
    reason: str


# Each kind's parameters: name -> (type, default). A default of None means required.
RULE_PARAMETERS: dict[str, dict[str, tuple[type, object]]] = {
    RuleKind.ACCURACY: {
        "window_months": (int, metrics.ACCURACY_WINDOW_MONTHS),
        "threshold": (float, metrics.ACCURACY_THRESHOLD),
        "min_audits": (int, 2),
        "measures": (list, metrics.MEASURE_KEYS),
    },
    RuleKind.EXPERIENCE_YEARS: {"years": (float, None)},
    RuleKind.HOLDS_ACC: {},
    RuleKind.SPECIALTY_COUNT: {"min": (int, None)},
    RuleKind.ITEM_COUNT: {
        "item_kind": (str, None),
        "min": (int, 1),
        "case_type": (str, ""),
        "contribution_types": (list, []),
    },
    RuleKind.REFRESHER_WITHIN: {"years": (int, 3)},
}


# Upper limits that keep every evaluation meaningful (and its date sums in range).
PARAMETER_LIMITS = {
    "window_months": 120,
    "min_audits": 1000,
    "years": 50,
    "min": 100000,
}


def clean_rule(kind: str, params: dict, check_references: bool = True) -> dict:
    """The rule's parameters, checked, with defaults; ValidationError if wrong.
    Store the parameters as given (so defaults can change); evaluate the result.
    `check_references` also looks up named case types (a query)."""
    if not isinstance(kind, str) or kind not in RULE_PARAMETERS:
        known = ", ".join(RULE_PARAMETERS)
        raise ValidationError(f"Unknown rule kind {kind!r}: use one of {known}.")
    if not isinstance(params, dict):
        raise ValidationError(f"Rule {kind!r}: the parameters must be an object.")
    expected = RULE_PARAMETERS[kind]
    unknown = set(params) - set(expected)
    if unknown:
        raise ValidationError(
            f"Rule {kind!r} does not take {', '.join(sorted(unknown))}; it takes "
            f"{', '.join(expected) or 'no parameters'}."
        )
    cleaned = {}
    for name, (kind_of, default) in expected.items():
        if name not in params:
            if default is None:
                raise ValidationError(f"Rule {kind!r} needs the parameter {name!r}.")
            cleaned[name] = copy.copy(default)
            continue
        value = params[name]
        accepted = (int, float) if kind_of is float else kind_of
        if not isinstance(value, accepted) or isinstance(value, bool):
            raise ValidationError(
                f"Rule {kind!r}: {name!r} must be {kind_of.__name__}, not {value!r}."
            )
        if kind_of is list and not all(isinstance(v, str) for v in value):
            raise ValidationError(
                f"Rule {kind!r}: {name!r} must be a list of names, not {value!r}."
            )
        limit = PARAMETER_LIMITS.get(name, float("inf"))
        if isinstance(value, int | float) and not 0 <= value <= limit:
            raise ValidationError(f"Rule {kind!r}: {name!r} must be from 0 to {limit}.")
        cleaned[name] = value
    if kind == RuleKind.ACCURACY:
        measures = dict(AUDIT_MEASURES)
        bad = [m for m in cleaned["measures"] if m not in measures]
        if bad or not cleaned["measures"]:
            raise ValidationError(
                f"Rule 'accuracy': measures must be some of {', '.join(measures)}."
            )
        if not 0 < cleaned["threshold"] <= 100:
            raise ValidationError("Rule 'accuracy': threshold must be a percentage.")
    if kind == RuleKind.ITEM_COUNT:
        if cleaned["item_kind"] not in Evidence.Kind.values:
            raise ValidationError(
                f"Rule 'item_count': item_kind must be one of "
                f"{', '.join(Evidence.Kind.values)}."
            )
        bad = set(cleaned["contribution_types"]) - set(
            Contribution.ContributionType.values
        )
        if bad:
            raise ValidationError(
                "Rule 'item_count': unknown contribution types "
                f"{', '.join(sorted(bad))}."
            )
        if cleaned["case_type"]:
            if cleaned["item_kind"] != Evidence.Kind.COMPLEX_CASE:
                raise ValidationError(
                    "Rule 'item_count': case_type only applies to complex_case items."
                )
            known = CaseType.objects.filter(slug=cleaned["case_type"])
            if check_references and not known.exists():
                raise ValidationError(
                    f"Rule 'item_count': unknown case type {cleaned['case_type']!r}."
                )
        if (
            cleaned["contribution_types"]
            and cleaned["item_kind"] != Evidence.Kind.CONTRIBUTION
        ):
            raise ValidationError(
                "Rule 'item_count': contribution_types only apply to contribution "
                "items."
            )
    return cleaned


def _number(value: float) -> str:
    return f"{value:g}"


def evaluate(kind: str, params: dict, facts: PortfolioFacts) -> RuleResult:
    """Evaluate one rule for the coder the facts describe; the result says why."""
    p = clean_rule(kind, params, check_references=False)
    if kind == RuleKind.ACCURACY:
        accuracy = facts.accuracy(p["window_months"], p["measures"])
        since = metrics.months_before(facts.today, p["window_months"])
        needs = f"needs {_number(p['threshold'])}% over {p['min_audits']}"
        audits = f"{accuracy.audits} audit{'s' if accuracy.audits != 1 else ''}"
        if accuracy.percent is None:
            return RuleResult(
                False, f"No audited codes since {since}: not met ({needs})"
            )
        # Compared unrounded: 89.96% is not 90%, though it shows as 90.0%.
        reaches = (
            accuracy.correct * 100 >= Decimal(str(p["threshold"])) * accuracy.audited
        )
        met = reaches and accuracy.audits >= p["min_audits"]
        return RuleResult(
            met,
            f"{accuracy.percent}% over {audits} since {since}: "
            f"{'met' if met else 'not met'} ({needs})",
        )
    if kind == RuleKind.EXPERIENCE_YEARS:
        met = facts.years >= Decimal(str(p["years"]))
        return RuleResult(
            met,
            f"{facts.years} years of coding experience: "
            f"{'met' if met else 'not met'} (needs {_number(p['years'])})",
        )
    if kind == RuleKind.HOLDS_ACC:
        if facts.acc_awarded:
            return RuleResult(True, f"ACC held since {facts.acc_awarded}: met")
        return RuleResult(False, "No ACC (NCCQ) qualification recorded: not met")
    if kind == RuleKind.SPECIALTY_COUNT:
        met = facts.specialty_count >= p["min"]
        return RuleResult(
            met,
            f"{facts.specialty_count} specialties with evidence: "
            f"{'met' if met else 'not met'} (needs {p['min']})",
        )
    if kind == RuleKind.ITEM_COUNT:
        if p["case_type"]:
            n = facts.case_type_counts.get(p["case_type"], 0)
        elif p["contribution_types"]:
            n = sum(facts.contribution_counts[t] for t in p["contribution_types"])
        else:
            n = facts.kind_counts[p["item_kind"]]
        meta = KIND_MODELS[p["item_kind"]]._meta
        label = str(meta.verbose_name if n == 1 else meta.verbose_name_plural)
        if p["case_type"]:
            label = f"{p['case_type'].replace('_', '-')} {label}"
        if p["contribution_types"]:
            names = [
                Contribution.ContributionType(t).label.lower()
                for t in p["contribution_types"]
            ]
            label = f"{label} ({', '.join(names)})"
        met = n >= p["min"]
        return RuleResult(
            met,
            f"{n} {label}: {'met' if met else 'not met'} (needs {p['min']})",
        )
    if kind == RuleKind.REFRESHER_WITHIN:
        last = facts.last_refresher
        if last is None:
            return RuleResult(False, "No Standards Refresher recorded: not met")
        due = metrics.add_years(last, p["years"])
        met = due >= facts.today
        return RuleResult(
            met,
            f"Standards Refresher on {last}: "
            f"{'met' if met else 'not met'} (within {p['years']} years)",
        )
    raise AssertionError(f"unhandled rule kind {kind}")


def accuracy_standard(spec: PersonSpecification | None) -> tuple[int, Decimal]:
    """The window (months) and threshold (%) accuracy is judged by for this spec:
    its first accuracy criterion's, else the app's defaults
    (`metrics.ACCURACY_WINDOW_MONTHS`, `metrics.ACCURACY_THRESHOLD`). One query."""
    criteria = spec.criteria if spec is not None else Criterion.objects.none()
    criterion = (
        criteria.filter(rule_kind=RuleKind.ACCURACY).order_by("order", "pk").first()
    )
    if criterion is None:
        return metrics.ACCURACY_WINDOW_MONTHS, metrics.ACCURACY_THRESHOLD
    p = clean_rule(RuleKind.ACCURACY, criterion.rule_params, check_references=False)
    return p["window_months"], Decimal(str(p["threshold"]))
