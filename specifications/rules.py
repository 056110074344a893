"""Rules of person specifications, evaluated from a coder's figures.

A rule is data: a kind and its parameters (see `Criterion.RuleKind`). Each evaluation
says why, and names what it counted, e.g. "92.4% over 4 audits since 25 November
2025: met (needs 90% over 2, each measure at its threshold)"; the items it counted
are in its result, so that the snapshot and the pack can list them.
"""

import copy
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from portfolio import metrics
from portfolio.formats import long_date
from portfolio.metrics import PortfolioFacts
from portfolio.models import (
    AUDIT_MEASURES,
    KIND_MODELS,
    CaseType,
    Contribution,
    CPDActivity,
    Employment,
    Evidence,
    Qualification,
)
from portfolio.pid import validate_no_identifiers
from specifications.models import Criterion, PersonSpecification

RuleKind = Criterion.RuleKind
COMPOSITE_KINDS = {RuleKind.ANY_OF, RuleKind.ALL_OF}
# A composite may hold another composite, and that one only simple rules.
MAX_NESTING = 2
MAX_LABEL_LENGTH = 100


@dataclass(frozen=True)
class MeasureResult:
    """One measure of an accuracy rule: its codes over the window against its own
    threshold. A measure with no codes audited has nothing to fail."""

    key: str
    label: str
    correct: int
    audited: int
    percent: Decimal | None
    threshold: Decimal
    met: bool


@dataclass(frozen=True)
class AccuracyResult:
    """What an accuracy rule measured: the window, the audits in it, each measure,
    and the weakest specialty (name, percent) where audits name specialties."""

    window_months: int
    since: datetime.date
    audits: int
    measures: tuple[MeasureResult, ...]
    weakest_specialty: tuple[str, Decimal] | None


@dataclass(frozen=True)
class RuleResult:
    met: bool
    reason: str
    counted: tuple[int, ...] = ()  # the evidence items the rule counted, by pk
    accuracy: AccuracyResult | None = None  # accuracy rules (and composites of one)


# Each kind's parameters: name -> (type, default). A default of None means required.
RULE_PARAMETERS: dict[str, dict[str, tuple[type, object]]] = {
    RuleKind.ACCURACY: {
        "window_months": (int, metrics.ACCURACY_WINDOW_MONTHS),
        "threshold": (float, metrics.ACCURACY_THRESHOLD),
        "min_audits": (int, 2),
        "measures": (list, metrics.MEASURE_KEYS),
        "thresholds": (dict, metrics.MEASURE_THRESHOLDS),
        "by_specialty": (bool, True),
    },
    RuleKind.EXPERIENCE_YEARS: {
        "years": (float, None),
        "organisation_types": (list, []),
    },
    RuleKind.HOLDS_ACC: {},
    RuleKind.SPECIALTY_COUNT: {"min": (int, None)},
    RuleKind.ITEM_COUNT: {
        "item_kind": (str, None),
        "min": (int, 1),
        "case_type": (str, ""),
        "contribution_types": (list, []),
        "cpd_types": (list, []),
        "topics": (list, []),
        "met_target": (bool, False),
    },
    RuleKind.REFRESHER_WITHIN: {"years": (int, 3)},
    RuleKind.ANY_OF: {"rules": (list, None)},
    RuleKind.ALL_OF: {"rules": (list, None)},
}


# Upper limits that keep every evaluation meaningful (and its date sums in range).
PARAMETER_LIMITS = {
    "window_months": 120,
    "min_audits": 1000,
    "years": 50,
    "min": 100000,
}


def _check_type(kind: str, name: str, value: object, kind_of: type) -> None:
    if kind_of is bool:
        ok = isinstance(value, bool)
    else:
        accepted = (int, float) if kind_of is float else kind_of
        ok = isinstance(value, accepted) and not isinstance(value, bool)
    if not ok:
        raise ValidationError(
            f"Rule {kind!r}: {name!r} must be {kind_of.__name__}, not {value!r}."
        )
    names = kind_of is list and kind not in COMPOSITE_KINDS
    if names and not all(isinstance(v, str) for v in value):
        raise ValidationError(
            f"Rule {kind!r}: {name!r} must be a list of names, not {value!r}."
        )
    limit = PARAMETER_LIMITS.get(name, float("inf"))
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and not 0 <= value <= limit:
        raise ValidationError(f"Rule {kind!r}: {name!r} must be from 0 to {limit}.")


def _clean_alternatives(
    kind: str, rules: list, check_references: bool, depth: int
) -> list[dict]:
    """The rules of an any_of or all_of, each checked, with its label if any."""
    if not rules:
        raise ValidationError(f"Rule {kind!r}: 'rules' must list at least one rule.")
    cleaned = []
    for number, rule in enumerate(rules, start=1):
        where = f"Rule {kind!r}, rule {number}"
        if not isinstance(rule, dict) or "kind" not in rule:
            raise ValidationError(f'{where} must be an object with a "kind".')
        params = {k: v for k, v in rule.items() if k not in ("kind", "label")}
        label = rule.get("label", "")
        if not isinstance(label, str) or len(label) > MAX_LABEL_LENGTH:
            raise ValidationError(
                f"{where}: 'label' must be text of {MAX_LABEL_LENGTH} characters "
                "at most."
            )
        validate_no_identifiers(label)
        composite = isinstance(rule["kind"], str) and rule["kind"] in COMPOSITE_KINDS
        if composite and depth + 1 >= MAX_NESTING:
            raise ValidationError(f"{where}: rules nest two deep at most.")
        try:
            clean_rule(rule["kind"], params, check_references, depth + 1)
        except ValidationError as error:
            raise ValidationError(f"{where}: {' '.join(error.messages)}") from None
        # As given: evaluating it cleans it again, with the defaults of the day.
        cleaned.append(rule)
    return cleaned


def clean_rule(
    kind: str, params: dict, check_references: bool = True, depth: int = 0
) -> dict:
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
        _check_type(kind, name, params[name], kind_of)
        cleaned[name] = params[name]
    if kind in COMPOSITE_KINDS:
        cleaned["rules"] = _clean_alternatives(
            kind, cleaned["rules"], check_references, depth
        )
    if kind == RuleKind.ACCURACY:
        _clean_accuracy(cleaned)
    if kind == RuleKind.EXPERIENCE_YEARS:
        bad = set(cleaned["organisation_types"]) - set(
            Employment.OrganisationType.values
        )
        if bad:
            raise ValidationError(
                "Rule 'experience_years': unknown organisation types "
                f"{', '.join(sorted(bad))}; use some of "
                f"{', '.join(Employment.OrganisationType.values)}."
            )
    if kind == RuleKind.ITEM_COUNT:
        _clean_item_count(cleaned, check_references)
    return cleaned


def _clean_accuracy(cleaned: dict) -> None:
    measures = dict(AUDIT_MEASURES)
    bad = [m for m in cleaned["measures"] if m not in measures]
    if bad or not cleaned["measures"]:
        raise ValidationError(
            f"Rule 'accuracy': measures must be some of {', '.join(measures)}."
        )
    if not 0 < cleaned["threshold"] <= 100:
        raise ValidationError("Rule 'accuracy': threshold must be a percentage.")
    given = cleaned["thresholds"]
    unknown = set(given) - set(measures)
    if unknown:
        raise ValidationError(
            f"Rule 'accuracy': thresholds are for the measures {', '.join(measures)}"
            f", not {', '.join(sorted(unknown))}."
        )
    for key, value in given.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValidationError(
                f"Rule 'accuracy': the threshold of {key} must be a number."
            )
        if not 0 <= value <= 100:
            raise ValidationError(
                f"Rule 'accuracy': the threshold of {key} must be a percentage."
            )
    # A measure the spec leaves out keeps its default (the DSPT level).
    cleaned["thresholds"] = metrics.MEASURE_THRESHOLDS | given


def _clean_item_count(cleaned: dict, check_references: bool) -> None:
    item_kind = cleaned["item_kind"]
    if item_kind not in Evidence.Kind.values:
        raise ValidationError(
            f"Rule 'item_count': item_kind must be one of "
            f"{', '.join(Evidence.Kind.values)}."
        )
    bad = set(cleaned["contribution_types"]) - set(Contribution.ContributionType.values)
    if bad:
        raise ValidationError(
            f"Rule 'item_count': unknown contribution types {', '.join(sorted(bad))}."
        )
    bad = set(cleaned["cpd_types"]) - set(CPDActivity.CPDType.values)
    if bad:
        raise ValidationError(
            f"Rule 'item_count': unknown CPD types {', '.join(sorted(bad))}."
        )
    if cleaned["case_type"]:
        if item_kind != Evidence.Kind.COMPLEX_CASE:
            raise ValidationError(
                "Rule 'item_count': case_type only applies to complex_case items."
            )
        known = CaseType.objects.filter(slug=cleaned["case_type"])
        if check_references and not known.exists():
            raise ValidationError(
                f"Rule 'item_count': unknown case type {cleaned['case_type']!r}."
            )
    if cleaned["contribution_types"] and item_kind != Evidence.Kind.CONTRIBUTION:
        raise ValidationError(
            "Rule 'item_count': contribution_types only apply to contribution items."
        )
    if (cleaned["cpd_types"] or cleaned["topics"]) and item_kind != Evidence.Kind.CPD:
        raise ValidationError(
            "Rule 'item_count': cpd_types and topics only apply to cpd items."
        )
    if cleaned["met_target"] and item_kind != Evidence.Kind.PRODUCTIVITY:
        raise ValidationError(
            "Rule 'item_count': met_target only applies to productivity items."
        )


def _number(value: float | Decimal) -> str:
    return f"{value:g}" if not isinstance(value, Decimal) else f"{value.normalize():f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _verdict(met: bool) -> str:
    return "met" if met else "not met"


def _reaches(correct: int, audited: int, threshold: Decimal) -> bool:
    # Compared unrounded: 89.96% is not 90%, though it shows as 90.0%.
    return correct * 100 >= threshold * audited


def evaluate(kind: str, params: dict, facts: PortfolioFacts) -> RuleResult:
    """Evaluate one rule for the coder the facts describe; the result says why and
    which items it counted."""
    p = clean_rule(kind, params, check_references=False)
    if kind == RuleKind.ACCURACY:
        return _accuracy(p, facts)
    if kind == RuleKind.EXPERIENCE_YEARS:
        types = p["organisation_types"]
        years = facts.coding_years(types)
        where = ""
        if types:
            labels = [Employment.OrganisationType(t).label for t in types]
            where = f" ({' or '.join(labels)})"
        met = years >= Decimal(str(p["years"]))
        return RuleResult(
            met,
            f"{years} years of coding experience{where}: {_verdict(met)} "
            f"(needs {_number(p['years'])})",
        )
    if kind == RuleKind.HOLDS_ACC:
        held = [
            row
            for row in facts.items
            if row["qualification_type"] == Qualification.QualificationType.ACC
            and (row["expires_on"] is None or row["expires_on"] >= facts.today)
        ]
        if held:
            return RuleResult(
                True,
                f"ACC held since {long_date(held[0]['date'])}: met",
                counted=(held[0]["pk"],),
            )
        return RuleResult(False, "No ACC (NCCQ) qualification recorded: not met")
    if kind == RuleKind.SPECIALTY_COUNT:
        return _specialty_count(p, facts)
    if kind == RuleKind.ITEM_COUNT:
        return _item_count(p, facts)
    if kind == RuleKind.REFRESHER_WITHIN:
        refreshers = [
            row
            for row in facts.items
            if row["cpd_type"] == CPDActivity.CPDType.STANDARDS_REFRESHER
        ]
        if not refreshers:
            return RuleResult(False, "No Standards Refresher recorded: not met")
        last = max(refreshers, key=lambda row: (row["date"], row["pk"]))
        met = metrics.add_years(last["date"], p["years"]) >= facts.today
        return RuleResult(
            met,
            f"Standards Refresher on {long_date(last['date'])}: {_verdict(met)} "
            f"(within {p['years']} years)",
            counted=(last["pk"],),
        )
    if kind in COMPOSITE_KINDS:
        return _composite(kind, p["rules"], facts)
    raise AssertionError(f"unhandled rule kind {kind}")


def _accuracy(p: dict, facts: PortfolioFacts) -> RuleResult:
    """Overall weighted accuracy against the threshold, each measure against its
    own, the weakest specialty against the threshold, over enough audits."""
    window, minimum = p["window_months"], p["min_audits"]
    threshold = Decimal(str(p["threshold"]))
    accuracy = facts.accuracy(window, p["measures"])
    since = accuracy.since
    measures = tuple(
        MeasureResult(
            key=m["key"],
            label=m["label"],
            correct=m["correct"],
            audited=m["audited"],
            percent=m["percent"],
            threshold=Decimal(str(p["thresholds"][m["key"]])),
            met=_reaches(
                m["correct"], m["audited"], Decimal(str(p["thresholds"][m["key"]]))
            ),
        )
        for m in accuracy.measures
    )
    weakest = None
    if p["by_specialty"]:
        by_specialty = facts.accuracy_by_specialty(window, p["measures"])
        if by_specialty:
            weakest = by_specialty[0]
    figures = AccuracyResult(
        window_months=window,
        since=since,
        audits=accuracy.audits,
        measures=measures,
        weakest_specialty=(weakest[0], weakest[1].percent) if weakest else None,
    )
    counted = tuple(accuracy.audit_ids)
    needs = f"needs {_number(p['threshold'])}% over {minimum}"
    if accuracy.percent is None:
        return RuleResult(
            False,
            f"No audited codes since {long_date(since)}: not met ({needs})",
            counted,
            figures,
        )
    shortfalls = []
    if accuracy.audits < minimum:
        shortfalls.append(f"{_plural(accuracy.audits, 'audit')}, needs {minimum}")
    if not _reaches(accuracy.correct, accuracy.audited, threshold):
        shortfalls.append(
            f"overall {accuracy.percent}%, needs {_number(p['threshold'])}%"
        )
    for m in measures:
        if not m.met:
            shortfalls.append(
                f"{m.label.lower()} {m.percent}%, needs {_number(m.threshold)}%"
            )
    if weakest and not _reaches(weakest[1].correct, weakest[1].audited, threshold):
        shortfalls.append(
            f"{weakest[0]} {weakest[1].percent}%, needs {_number(p['threshold'])}%"
        )
    head = (
        f"{accuracy.percent}% over {_plural(accuracy.audits, 'audit')} "
        f"since {long_date(since)}"
    )
    if shortfalls:
        return RuleResult(
            False, f"{head}: not met ({'; '.join(shortfalls)})", counted, figures
        )
    weakest_text = (
        f"; weakest specialty {weakest[0]} {weakest[1].percent}%" if weakest else ""
    )
    return RuleResult(
        True,
        f"{head}: met ({needs}, each measure at its threshold{weakest_text})",
        counted,
        figures,
    )


def _specialty_count(p: dict, facts: PortfolioFacts) -> RuleResult:
    """Specialties with evidence. It counts, for each specialty, its specialty
    experience items, or else the latest item in it."""
    rows = {row["pk"]: row for row in facts.items}
    by_specialty: dict[str, list[dict]] = {}
    for pk, specialties in facts.item_specialties.items():
        for code, _name in specialties:
            if pk in rows:
                by_specialty.setdefault(code, []).append(rows[pk])
    counted = set()
    for items in by_specialty.values():
        experience = [row for row in items if row["kind"] == Evidence.Kind.SPECIALTY]
        if experience:
            counted.update(row["pk"] for row in experience)
        else:
            latest = max(items, key=lambda row: (row["date"], row["pk"]))
            counted.add(latest["pk"])
    n = len(by_specialty)
    met = n >= p["min"]
    return RuleResult(
        met,
        f"{n} {'specialty' if n == 1 else 'specialties'} with evidence: "
        f"{_verdict(met)} (needs {p['min']})",
        counted=tuple(pk for pk in rows if pk in counted),
    )


def _topic_pattern(topics: list[str]) -> re.Pattern | None:
    if not topics:
        return None
    words = "|".join(re.escape(topic) for topic in topics)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def _item_count(p: dict, facts: PortfolioFacts) -> RuleResult:
    kind = p["item_kind"]
    topics = _topic_pattern(p["topics"])
    case_types = facts.case_types_of if p["case_type"] else {}
    items = []
    for row in facts.items:
        if row["kind"] != kind:
            continue
        if p["case_type"] and p["case_type"] not in case_types.get(row["pk"], ()):
            continue
        if (
            p["contribution_types"]
            and row["contribution_type"] not in p["contribution_types"]
        ):
            continue
        if (p["cpd_types"] or topics) and not (
            row["cpd_type"] in p["cpd_types"]
            or (topics is not None and topics.search(row["title"]))
        ):
            continue
        if p["met_target"] and not (
            row["target_episodes"] and row["episodes_coded"] >= row["target_episodes"]
        ):
            continue
        items.append(row)
    n = len(items)
    meta = KIND_MODELS[kind]._meta
    label = str(meta.verbose_name if n == 1 else meta.verbose_name_plural)
    if p["case_type"]:
        label = f"{p['case_type'].replace('_', '-')} {label}"
    if p["contribution_types"]:
        names = [
            Contribution.ContributionType(t).label.lower()
            for t in p["contribution_types"]
        ]
        label = f"{label} ({', '.join(names)})"
    if p["cpd_types"] or p["topics"]:
        label = f"{label} in clinical coding"
    if p["met_target"]:
        label = f"{label} that met {'its' if n == 1 else 'their'} target"
    met = n >= p["min"]
    return RuleResult(
        met,
        f"{n} {label}: {_verdict(met)} (needs {p['min']})",
        counted=tuple(row["pk"] for row in items),
    )


def _named(rule: dict, result: RuleResult) -> str:
    return f"{rule['label']}: {result.reason}" if rule.get("label") else result.reason


def _union(results: list[RuleResult]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(pk for result in results for pk in result.counted))


def _composite(kind: str, rules: list[dict], facts: PortfolioFacts) -> RuleResult:
    """any_of: met when one of its rules is (the first met one names it, and its
    items are what was counted); all_of: met when every one is (a shortfall names
    the rules not met)."""
    results = [
        evaluate(
            rule["kind"],
            {k: v for k, v in rule.items() if k not in ("kind", "label")},
            facts,
        )
        for rule in rules
    ]
    figures = next((r.accuracy for r in results if r.accuracy is not None), None)
    pairs = list(zip(rules, results, strict=True))
    if kind == RuleKind.ANY_OF:
        for number, (rule, result) in enumerate(pairs, start=1):
            if result.met:
                which = rule.get("label") or f"alternative {number}"
                # Its own figures only: an accuracy table under a criterion met
                # by CPD would say the wrong thing.
                return RuleResult(
                    True,
                    f"Met by {which}: {result.reason}",
                    result.counted,
                    result.accuracy,
                )
        return RuleResult(
            False,
            f"None of {len(rules)} alternatives met: "
            + "; or ".join(_named(rule, result) for rule, result in pairs),
            _union(results),
            figures,
        )
    unmet = [(rule, result) for rule, result in pairs if not result.met]
    if unmet:
        return RuleResult(
            False,
            f"{len(unmet)} of {len(rules)} not met: "
            + "; ".join(_named(rule, result) for rule, result in unmet),
            _union(results),
            figures,
        )
    return RuleResult(
        True,
        f"All {len(rules)} met: "
        + "; ".join(_named(rule, result) for rule, result in pairs),
        _union(results),
        figures,
    )


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
