"""Coverage of a person specification by a coder's evidence, and the route check."""

from dataclasses import dataclass, field

from portfolio.metrics import PortfolioFacts
from portfolio.models import Evidence
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.rules import RuleKind, RuleResult, evaluate

MISSING, EVIDENCED, VERIFIED = "missing", "evidenced", "verified"
STATUS_LABELS = {MISSING: "Missing", EVIDENCED: "Evidenced", VERIFIED: "Verified"}


@dataclass
class CriterionCoverage:
    criterion: Criterion
    links: list[EvidenceLink]
    rule_result: RuleResult | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Coverage:
    specification: PersonSpecification
    rows: list[CriterionCoverage]
    totals: dict[str, int] = field(default_factory=dict)
    by_category: list[dict] = field(default_factory=list)

    @property
    def gaps(self) -> list[CriterionCoverage]:
        """Essential criteria with nothing behind them yet."""
        return [
            row
            for row in self.rows
            if row.status == MISSING
            and row.criterion.requirement == Criterion.Requirement.ESSENTIAL
        ]


def coverage(spec: PersonSpecification, facts: PortfolioFacts) -> Coverage:
    """Each criterion's status for the coder: missing, evidenced (linked or rule met)
    or verified (linked evidence confirmed). Queries do not grow with the evidence."""
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
        if any(
            link.evidence.verification == Evidence.Verification.VERIFIED
            for link in links
        ):
            status = VERIFIED
        elif links or (result and result.met):
            status = EVIDENCED
        else:
            status = MISSING
        rows.append(CriterionCoverage(criterion, links, result, status))
    report = Coverage(spec, rows)
    report.totals = {status: 0 for status in STATUS_LABELS}
    for row in rows:
        report.totals[row.status] += 1
    for category, label in Criterion.Category.choices:
        in_category = [row for row in rows if row.criterion.category == category]
        report.by_category.append(
            {
                "category": category,
                "label": label,
                "rows": in_category,
                "totals": {
                    status: sum(1 for row in in_category if row.status == status)
                    for status in STATUS_LABELS
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
    """Which application route the coder qualifies by, and why."""
    acc = evaluate(RuleKind.HOLDS_ACC, {}, facts)
    if acc.met:
        return RouteCheck("acc", [acc.reason])
    route_rows = [
        row for row in report.rows if row.criterion.route == Criterion.Route.PORTFOLIO
    ] or [
        row
        for row in report.rows
        if row.criterion.requirement == Criterion.Requirement.ESSENTIAL
        and row.criterion.rule_kind != RuleKind.HOLDS_ACC
    ]
    unmet = [row for row in route_rows if row.status == MISSING]
    if route_rows and not unmet:
        return RouteCheck(
            "portfolio",
            [acc.reason]
            + [
                f"{row.criterion.text}: {row.status_label.lower()}"
                for row in route_rows
            ],
        )
    reasons = [acc.reason]
    for row in unmet:
        why = row.rule_result.reason if row.rule_result else "no evidence linked"
        reasons.append(f"{row.criterion.text}: {why}")
    return RouteCheck(None, reasons)
