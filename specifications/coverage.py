"""Coverage of a person specification by a coder's evidence, and the route check."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from portfolio.metrics import PortfolioFacts
from portfolio.models import Evidence
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.rules import RuleKind, RuleResult, evaluate


class CriterionStatus(models.TextChoices):
    """How far a criterion is met, weakest first; decided by `criterion_status`."""

    MISSING = "missing", "Missing"
    STATEMENT = "statement", "Statement only"
    EVIDENCED = "evidenced", "Evidenced"
    VERIFIED = "verified", "Verified"


# The matrix has no application, so no statement: these are the statuses it counts.
PORTFOLIO_STATUSES = [
    CriterionStatus.MISSING,
    CriterionStatus.EVIDENCED,
    CriterionStatus.VERIFIED,
]


def criterion_status(
    *,
    rule_result: RuleResult | None,
    mapped_items: Iterable[Evidence] = (),
    chosen_items: Iterable[Evidence] | None = None,
    statement_text: str = "",
) -> CriterionStatus:
    """A criterion's status, for the coverage matrix, the draft, the snapshot and
    (from the snapshot) the pack alike.

    The items behind a criterion are, in an application, the ones chosen for it
    (`chosen_items`, perhaps empty): those are all a recruiter sees, so an item that
    is mapped but not chosen counts for nothing there. Outside an application
    (`chosen_items` is None: the matrix) they are the items mapped to it. Then:

    - VERIFIED: an item behind it is verified;
    - EVIDENCED: some item is behind it, or its rule is met;
    - STATEMENT: only a statement is written;
    - MISSING: none of these.
    """
    items = list(mapped_items if chosen_items is None else chosen_items)
    if any(item.verification == Evidence.Verification.VERIFIED for item in items):
        return CriterionStatus.VERIFIED
    if items or (rule_result is not None and rule_result.met):
        return CriterionStatus.EVIDENCED
    if statement_text.strip():
        return CriterionStatus.STATEMENT
    return CriterionStatus.MISSING


@dataclass
class CriterionCoverage:
    criterion: Criterion
    links: list[EvidenceLink]
    rule_result: RuleResult | None
    status: CriterionStatus
    applies: bool = True
    not_applicable_reason: str = ""
    # "C1", "C2", ...: the criteria that apply, numbered in the spec's order;
    # None for one that does not apply.
    ref: str | None = None


@dataclass
class Coverage:
    specification: PersonSpecification
    rows: list[CriterionCoverage]
    route: str | None = None
    totals: dict[str, int] = field(default_factory=dict)
    by_category: list[dict] = field(default_factory=list)

    @property
    def applicable(self) -> list[CriterionCoverage]:
        return [row for row in self.rows if row.applies]

    @property
    def not_applicable(self) -> list[CriterionCoverage]:
        """The criteria of the other route, each with why it does not apply."""
        return [row for row in self.rows if not row.applies]

    @property
    def gaps(self) -> list[CriterionCoverage]:
        """Essential criteria that apply with nothing behind them yet."""
        return [
            row
            for row in self.applicable
            if row.status == CriterionStatus.MISSING
            and row.criterion.requirement == Criterion.Requirement.ESSENTIAL
        ]


def coverage(
    spec: PersonSpecification, facts: PortfolioFacts, route: str | None = None
) -> Coverage:
    """Each criterion's status for the coder, from the evidence mapped to it and its
    rule (see `criterion_status`), and whether it applies to `route` ("acc",
    "portfolio", "" for none chosen yet; None, as on the matrix, for every
    criterion: the coder sees both routes). Totals, categories and gaps count the
    criteria that apply. Every rule is evaluated, so that the route check can read
    the other route's criteria too. Queries do not grow with the evidence."""
    criteria = list(spec.criteria.all())
    links_by_criterion: dict[int, list[EvidenceLink]] = {c.pk: [] for c in criteria}
    for link in EvidenceLink.objects.filter(
        criterion__specification=spec, evidence__owner=facts.owner
    ).select_related("evidence"):
        links_by_criterion[link.criterion_id].append(link)
    rows = []
    for criterion in criteria:
        links = links_by_criterion[criterion.pk]
        result = (
            evaluate(criterion.rule_kind, criterion.rule_params, facts)
            if criterion.rule_kind
            else None
        )
        status = criterion_status(
            rule_result=result, mapped_items=[link.evidence for link in links]
        )
        applies = route is None or criterion.applies_to(route)
        rows.append(
            CriterionCoverage(
                criterion,
                links,
                result,
                status,
                applies=applies,
                not_applicable_reason=(
                    "" if applies else criterion.not_applicable_reason(route)
                ),
            )
        )
    for number, row in enumerate((row for row in rows if row.applies), start=1):
        row.ref = f"C{number}"
    report = Coverage(spec, rows, route)
    report.totals = {status: 0 for status in PORTFOLIO_STATUSES}
    for row in report.applicable:
        report.totals[row.status] += 1
    for category, label in Criterion.Category.choices:
        in_category = [
            row for row in report.applicable if row.criterion.category == category
        ]
        report.by_category.append(
            {
                "category": category,
                "label": label,
                "rows": in_category,
                "totals": {
                    status: sum(1 for row in in_category if row.status == status)
                    for status in PORTFOLIO_STATUSES
                },
            }
        )
    return report


@dataclass
class RouteCheck:
    route: str | None  # "acc", "portfolio" or None (not yet)
    reasons: list[str]

    @property
    def label(self) -> str:
        return {
            "acc": "ACC route",
            "portfolio": "Portfolio route",
            None: "Not yet eligible",
        }[self.route]


def route_check(report: Coverage, facts: PortfolioFacts) -> RouteCheck:
    """Which application route the coder qualifies by, and why: the ACC route by
    holding ACC; the portfolio route by the criteria that apply to it alone (or,
    in a spec without such criteria, its Essential criteria that are not the ACC
    route's). Reads every row of the report, whichever route it was made for."""
    acc = evaluate(RuleKind.HOLDS_ACC, {}, facts)
    if acc.met:
        return RouteCheck("acc", [acc.reason])
    route_rows = [
        row for row in report.rows if row.criterion.route == Criterion.Route.PORTFOLIO
    ] or [
        row
        for row in report.rows
        if row.criterion.requirement == Criterion.Requirement.ESSENTIAL
        and row.criterion.route != Criterion.Route.ACC
        and row.criterion.rule_kind != RuleKind.HOLDS_ACC
    ]
    unmet = [row for row in route_rows if row.status == CriterionStatus.MISSING]
    if route_rows and not unmet:
        return RouteCheck(
            "portfolio",
            [acc.reason]
            + [
                f"{row.criterion.text}: {row.status.label.lower()}"
                for row in route_rows
            ],
        )
    reasons = [acc.reason]
    for row in unmet:
        why = row.rule_result.reason if row.rule_result else "no evidence linked"
        reasons.append(f"{row.criterion.text}: {why}")
    return RouteCheck(None, reasons)
