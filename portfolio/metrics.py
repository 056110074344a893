"""A coder's figures, from their evidence: accuracy, trend, experience, breadth,
counts, the Standards Refresher.

`PortfolioFacts` is the one place that works them out: the dashboard, the coverage
matrix (through the rules), the draft application and the submitted snapshot all read
the same object. Where no person specification says otherwise, accuracy is judged
over ACCURACY_WINDOW_MONTHS against ACCURACY_THRESHOLD (a spec's accuracy rule sets
its own: `specifications.rules.accuracy_standard`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, F, Max, Min, Q

from portfolio.formats import long_date
from portfolio.models import (
    AUDIT_MEASURES,
    AccuracyAudit,
    CaseType,
    ComplexCase,
    Contribution,
    CPDActivity,
    Employment,
    Evidence,
    Qualification,
    Specialty,
    percent,
)

# Sustained coding accuracy where no person specification sets its own: the
# dashboard's window and threshold, the trend chart's target line, and the
# defaults of a spec's accuracy rule.
ACCURACY_WINDOW_MONTHS = 12
ACCURACY_THRESHOLD = Decimal(90)
# Each measure's own threshold where a spec's accuracy rule sets none: the DSPT's
# "Standards Met" levels (primary 90%, secondary 85%).
MEASURE_THRESHOLDS = {
    "primary_diagnosis": 90,
    "secondary_diagnoses": 85,
    "primary_procedure": 90,
    "secondary_procedures": 85,
}
REFRESHER_YEARS = 3


@dataclass
class Accuracy:
    """Weighted accuracy: all codes correct over all codes audited, in a window."""

    since: datetime.date | None
    audits: int = 0
    correct: int = 0
    audited: int = 0
    measures: list[dict] = field(default_factory=list)
    audit_ids: list[int] = field(default_factory=list)  # oldest first

    @property
    def percent(self) -> Decimal | None:
        return percent(self.correct, self.audited)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same date `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the last day of the month where it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


MEASURE_KEYS = [key for key, _ in AUDIT_MEASURES]
_COUNT_FIELDS = [
    f"{key}_{part}" for key in MEASURE_KEYS for part in ("correct", "audited")
]


def audit_rows(owner) -> list[dict]:
    """The owner's audits, oldest first, as plain rows: pk, date, title and each
    measure's `<key>_correct` and `<key>_audited`. One query.

    Plain rows rather than model instances: a three-year portfolio has dozens of
    audits, and the dashboard draws all of them.
    """
    return list(
        AccuracyAudit.objects.filter(owner=owner)
        .order_by("date", "pk")
        .values("pk", "date", "title", *_COUNT_FIELDS)
    )


def accuracy_of(
    rows: list[dict],
    since: datetime.date | None = None,
    measures: list[str] | None = None,
) -> Accuracy:
    """Weighted accuracy of the audit rows (`audit_rows`) dated on or after `since`:
    every code correct over every code audited, on the measures given (all four by
    default), so a large audit weighs more than a small one."""
    keys = measures or MEASURE_KEYS
    rows = [row for row in rows if since is None or row["date"] >= since]
    labels = dict(AUDIT_MEASURES)
    result = Accuracy(
        since=since, audits=len(rows), audit_ids=[row.get("pk") for row in rows]
    )
    for key in keys:
        correct = sum(row[f"{key}_correct"] for row in rows)
        audited = sum(row[f"{key}_audited"] for row in rows)
        result.correct += correct
        result.audited += audited
        result.measures.append(
            {
                "key": key,
                "label": labels[key],
                "correct": correct,
                "audited": audited,
                "percent": percent(correct, audited),
            }
        )
    return result


def trend_of(rows: list[dict]) -> list[dict]:
    """Each audit row (`audit_rows`): its date, title and overall accuracy."""
    trend = []
    for row in rows:
        correct = sum(row[f"{key}_correct"] for key in MEASURE_KEYS)
        audited = sum(row[f"{key}_audited"] for key in MEASURE_KEYS)
        trend.append(
            {
                "date": row["date"],
                "title": row["title"],
                "overall": percent(correct, audited),
            }
        )
    return trend


def merge_periods(
    periods: list[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """Merge overlapping or touching (start, end) periods, inclusive of both ends."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def employment_rows(owner) -> list[dict]:
    """The owner's posts, newest first, as plain rows: pk, employer, start_date,
    end_date, is_coding_role, organisation_type. One query."""
    return list(
        Employment.objects.filter(owner=owner)
        .order_by("-start_date", "-pk")
        .values(
            "pk",
            "employer",
            "start_date",
            "end_date",
            "is_coding_role",
            "organisation_type",
        )
    )


def coding_years(
    rows: list[dict],
    today: datetime.date,
    organisation_types: Iterable[str] = (),
) -> Decimal:
    """Years in clinical coding posts (`employment_rows`), overlapping posts
    counted once; only in organisations of the types given, if any are."""
    types = set(organisation_types)
    periods = [
        (row["start_date"], min(row["end_date"] or today, today))
        for row in rows
        if row["is_coding_role"]
        and row["start_date"] <= today
        and (not types or row["organisation_type"] in types)
    ]
    days = sum((end - start).days + 1 for start, end in merge_periods(periods))
    return (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.1"))


def years_of_experience(owner, today: datetime.date) -> Decimal:
    """Years in clinical coding posts, overlapping posts counted once. One query."""
    return coding_years(employment_rows(owner), today)


def refresher_warning(last: datetime.date | None, today: datetime.date) -> str | None:
    """Why the Standards Refresher needs attention, or None when it is in date."""
    if last is None:
        return (
            "No Standards Refresher is recorded. The refresher is due every "
            f"{REFRESHER_YEARS} years."
        )
    due = add_years(last, REFRESHER_YEARS)
    if due < today:
        return (
            f"Your last Standards Refresher was on {long_date(last)}, more than "
            f"{REFRESHER_YEARS} years ago. It was due on {long_date(due)}."
        )
    return None


@dataclass(frozen=True)
class SpecialtyCount:
    """A specialty with the number of the coder's items in it."""

    code: str
    name: str
    items: int


@dataclass(frozen=True)
class ItemSummary:
    """Items per kind and per contribution type (every one, zeros included), the
    latest Standards Refresher and the first ACC still in date."""

    by_kind: dict[Evidence.Kind, int]
    by_contribution: dict[Contribution.ContributionType, int]
    last_refresher: datetime.date | None
    acc_awarded: datetime.date | None


class PortfolioFacts:
    """Everything the pages, the rules and the snapshot show of one coder's
    portfolio on a given day, each fact fetched on first use and kept.

    Queries, one each, only for the facts asked for:
    - `audits`: every audit as plain rows; `accuracy()` in any window and `trend`
      are worked out from them;
    - `summary`: items per kind and per contribution type, the latest Standards
      Refresher and the ACC (`kind_counts`, `contribution_counts`,
      `last_refresher`, `acc_awarded`, `total_items`, `refresher_warning`);
    - `specialties`: the specialties with evidence, with item counts
      (`specialty_count`);
    - `case_type_counts`: complex cases per case type;
    - `employment`: the posts (`years`, `coding_years()`);
    and, for the rules, which also say which items they counted:
    - `items`: every item as a light row with the fields rules filter by;
    - `item_specialties`: each item's specialties (`accuracy_by_specialty()`);
    - `case_types_of`: each complex case's case types.
    """

    def __init__(self, owner, today: datetime.date) -> None:
        self.owner = owner
        self.today = today

    @cached_property
    def audits(self) -> list[dict]:
        return audit_rows(self.owner)

    def accuracy(
        self,
        months: int = ACCURACY_WINDOW_MONTHS,
        measures: list[str] | None = None,
    ) -> Accuracy:
        """Weighted accuracy of the audits of the last `months` months, on the
        measures given (all four by default)."""
        return accuracy_of(self.audits, months_before(self.today, months), measures)

    @cached_property
    def trend(self) -> list[dict]:
        """Every audit, oldest first, with its overall accuracy."""
        return trend_of(self.audits)

    def accuracy_by_specialty(
        self,
        months: int = ACCURACY_WINDOW_MONTHS,
        measures: list[str] | None = None,
    ) -> list[tuple[str, Accuracy]]:
        """Weighted accuracy per specialty of the audits of the last `months`
        months that name specialties, weakest first; an audit of several
        specialties counts for each of them."""
        since = months_before(self.today, months)
        by_name: dict[str, list[dict]] = defaultdict(list)
        for row in self.audits:
            if row["date"] >= since:
                for _code, name in self.item_specialties.get(row["pk"], ()):
                    by_name[name].append(row)
        results = [
            (name, accuracy_of(rows, since, measures)) for name, rows in by_name.items()
        ]
        results = [(name, acc) for name, acc in results if acc.percent is not None]
        return sorted(results, key=lambda pair: (pair[1].percent, pair[0]))

    @cached_property
    def employment(self) -> list[dict]:
        """The posts, newest first (`employment_rows`)."""
        return employment_rows(self.owner)

    @cached_property
    def years(self) -> Decimal:
        return coding_years(self.employment, self.today)

    def coding_years(self, organisation_types: Iterable[str] = ()) -> Decimal:
        """Years in coding posts, only in organisations of these types if given."""
        return coding_years(self.employment, self.today, organisation_types)

    @cached_property
    def items(self) -> list[dict]:
        """Every item, oldest first, as a light row: pk, kind, date, end_date,
        title, and what rules filter by (contribution_type, cpd_type,
        qualification_type, expires_on, episodes_coded, target_episodes,
        timeliness_percent; None where the kind has no such field). One query,
        each kind's table joined."""
        return list(
            Evidence.objects.filter(owner=self.owner)
            .order_by("date", "pk")
            .values(
                "pk",
                "kind",
                "date",
                "end_date",
                "title",
                contribution_type=F("contribution__contribution_type"),
                cpd_type=F("cpdactivity__cpd_type"),
                qualification_type=F("qualification__qualification_type"),
                expires_on=F("qualification__expires_on"),
                episodes_coded=F("productivity__episodes_coded"),
                target_episodes=F("productivity__target_episodes"),
                timeliness_percent=F("productivity__timeliness_percent"),
            )
        )

    @cached_property
    def item_specialties(self) -> dict[int, list[tuple[str, str]]]:
        """Each item's specialties as (code, name), by item pk. One query."""
        through = Evidence.specialties.through
        specialties: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for pk, code, name in (
            through.objects.filter(evidence__owner=self.owner)
            .order_by("specialty__name")
            .values_list("evidence_id", "specialty__code", "specialty__name")
        ):
            specialties[pk].append((code, name))
        return dict(specialties)

    @cached_property
    def case_types_of(self) -> dict[int, set[str]]:
        """Each complex case's case types (slugs), by item pk. One query."""
        through = ComplexCase.case_types.through
        types: dict[int, set[str]] = defaultdict(set)
        for pk, slug in through.objects.filter(
            complexcase__owner=self.owner
        ).values_list("complexcase_id", "casetype__slug"):
            types[pk].add(slug)
        return dict(types)

    @cached_property
    def summary(self) -> ItemSummary:
        """One query: items grouped by kind and contribution type, rather than
        counted with a filtered aggregate per kind (the same answer, a third of
        the ORM's time)."""
        acc = Q(
            qualification__qualification_type=Qualification.QualificationType.ACC
        ) & (
            Q(qualification__expires_on__isnull=True)
            | Q(qualification__expires_on__gte=self.today)
        )
        refresher = Q(cpdactivity__cpd_type=CPDActivity.CPDType.STANDARDS_REFRESHER)
        groups = (
            Evidence.objects.filter(owner=self.owner)
            .order_by()
            .values_list("kind", "contribution__contribution_type")
            .annotate(
                n=Count("pk"),
                last_refresher=Max("date", filter=refresher),
                acc_awarded=Min("date", filter=acc),
            )
        )
        by_kind = dict.fromkeys(Evidence.Kind, 0)
        by_contribution = dict.fromkeys(Contribution.ContributionType, 0)
        refreshers, awards = [], []
        for kind, contribution_type, n, last_refresher, acc_awarded in groups:
            by_kind[Evidence.Kind(kind)] += n
            if contribution_type:
                by_contribution[Contribution.ContributionType(contribution_type)] += n
            if last_refresher:
                refreshers.append(last_refresher)
            if acc_awarded:
                awards.append(acc_awarded)
        return ItemSummary(
            by_kind=by_kind,
            by_contribution=by_contribution,
            last_refresher=max(refreshers, default=None),
            acc_awarded=min(awards, default=None),
        )

    @property
    def kind_counts(self) -> dict[Evidence.Kind, int]:
        """Items per kind, every kind in its order, zeros included."""
        return self.summary.by_kind

    @property
    def contribution_counts(self) -> dict[Contribution.ContributionType, int]:
        return self.summary.by_contribution

    @property
    def total_items(self) -> int:
        return sum(self.kind_counts.values())

    @property
    def last_refresher(self) -> datetime.date | None:
        """The date of the latest Standards Refresher course."""
        return self.summary.last_refresher

    @property
    def acc_awarded(self) -> datetime.date | None:
        """When the first ACC still in date was awarded."""
        return self.summary.acc_awarded

    @property
    def refresher_warning(self) -> str | None:
        return refresher_warning(self.last_refresher, self.today)

    @cached_property
    def specialties(self) -> list[SpecialtyCount]:
        """The specialties with evidence, the most evidenced first (then by name)."""
        rows = (
            Specialty.objects.filter(evidence__owner=self.owner)
            .annotate(items=Count("evidence", distinct=True))
            .order_by("-items", "name")
            .values_list("code", "name", "items")
        )
        return [SpecialtyCount(*row) for row in rows]

    @property
    def specialty_count(self) -> int:
        return len(self.specialties)

    @cached_property
    def case_type_counts(self) -> dict[str, int]:
        """Complex cases per case type, by slug (types without cases left out)."""
        return dict(
            CaseType.objects.filter(cases__owner=self.owner)
            .annotate(n=Count("cases", distinct=True))
            .values_list("slug", "n")
        )
