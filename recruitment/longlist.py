"""What a reviewer reads from an application's frozen snapshot: the criteria the
panel scores, and the application's longlist pile."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from applications.models import Application
from applications.snapshot import applicable_criteria
from recruitment.models import LonglistEntry
from specifications.coverage import CriterionStatus
from specifications.models import Criterion

# Routes as a reviewer names them (the application's own labels speak to the coder).
ROUTE_LABELS = {Application.Route.ACC: "ACC", Application.Route.PORTFOLIO: "Portfolio"}

# A criterion "meets" in the longlist when something stands behind it; a statement
# alone does not.
MEETS = {CriterionStatus.EVIDENCED, CriterionStatus.VERIFIED}


@dataclass
class ReviewCriterion:
    """One applicable criterion as the panel sees it."""

    ref: str
    text: str
    category_label: str
    requirement: str
    requirement_label: str
    status: CriterionStatus
    statement: str
    evidence: list[dict]  # the cited items, as the snapshot keeps them
    rule_reason: str

    @property
    def is_essential(self) -> bool:
        return self.requirement == Criterion.Requirement.ESSENTIAL

    @property
    def meets(self) -> bool:
        return self.status in MEETS


def _refs(criteria: list[dict]) -> dict[int, str]:
    """Each criterion's reference, by its position in the snapshot: its own "ref"
    where the snapshot has one; else "C" and its order, as the pack numbers it
    (or its position, where the orders repeat)."""
    orders = [c.get("order") for c in criteria]
    by_order = len(set(orders)) == len(orders)
    return {
        i: str(c.get("ref") or f"C{c.get('order') if by_order else i + 1}")
        for i, c in enumerate(criteria)
    }


def _status(value: str | None) -> CriterionStatus:
    try:
        return CriterionStatus(value)
    except ValueError:
        return CriterionStatus.MISSING


def review_criteria(data: dict) -> list[ReviewCriterion]:
    """The criteria the panel scores for this snapshot (parsed JSON), in its order,
    each with the statement and the items cited for it."""
    criteria = data.get("criteria") or []
    refs = _refs(criteria)
    positions = {id(c): i for i, c in enumerate(criteria)}
    items = {item.get("ref"): item for item in data.get("evidence") or []}
    result = []
    for c in applicable_criteria(data):
        rule_result = c.get("rule_result") or {}
        result.append(
            ReviewCriterion(
                ref=refs[positions[id(c)]],
                text=c.get("text", ""),
                category_label=c.get("category_label", ""),
                requirement=c.get("requirement", ""),
                requirement_label=c.get("requirement_label", ""),
                status=_status(c.get("status")),
                statement=c.get("statement", ""),
                evidence=[
                    items[ref] for ref in c.get("evidence") or [] if ref in items
                ],
                rule_reason=rule_result.get("reason", ""),
            )
        )
    return result


def longlist_entry(application: Application, data: dict) -> LonglistEntry:
    """The application's pile, from its snapshot `data`: every applicable Essential
    criterion met, some, or none (a criterion is met when evidenced or verified).
    With no Essential criterion to meet, every one is met."""
    criteria = review_criteria(data)
    essential = [c for c in criteria if c.is_essential]
    met = sum(1 for c in essential if c.meets)
    if met == len(essential):
        pile = LonglistEntry.Pile.ALL
    elif met:
        pile = LonglistEntry.Pile.SOME
    else:
        pile = LonglistEntry.Pile.NONE
    return LonglistEntry(
        application_id=application.pk,
        vacancy_id=application.vacancy_id,
        candidate_number=application.candidate_number,
        pile=pile,
        essential_met=met,
        essential_total=len(essential),
        criteria_count=len(criteria),
    )


def reviewable(applications: QuerySet[Application]) -> QuerySet[Application]:
    """What a recruiter may see of these: every application but the drafts."""
    return applications.exclude(status=Application.Status.DRAFT)


# Snapshots read, and entries written, this many at a time: a vacancy's first
# view reads every snapshot once, and need not hold them all at once.
FILL_BATCH = 500


def fill_longlist(vacancy_ids: Iterable[int]) -> int:
    """Place every submitted application of these vacancies that has no longlist
    entry yet, from its snapshot; how many were placed.

    One query when all are placed already; one more to write each FILL_BATCH new
    ones (and one to read the next batch).
    """
    missing = (
        reviewable(Application.objects.filter(vacancy_id__in=list(vacancy_ids)))
        .filter(longlist_entry__isnull=True, snapshot__isnull=False)
        .order_by("pk")
        .values_list("pk", "vacancy_id", "candidate_number", "snapshot__content")
    )
    placed = 0
    while True:
        # Each batch is the first of those still unplaced: the last one's entries
        # took theirs out of the query.
        batch = list(missing[:FILL_BATCH])
        entries = [
            longlist_entry(
                Application(pk=pk, vacancy_id=vacancy_id, candidate_number=number),
                json.loads(content),
            )
            for pk, vacancy_id, number, content in batch
        ]
        # Another request may place the same application at the same moment.
        LonglistEntry.objects.bulk_create(entries, ignore_conflicts=True)
        placed += len(entries)
        if len(batch) < FILL_BATCH:
            return placed
