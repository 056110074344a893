"""Panel totals and disagreements: the one place the page, the list and the CSV
files take them from."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum

from recruitment.models import Score

# Members disagree on a criterion when their scores are this far apart (0 and 2).
DISAGREEMENT = 2


def panel_total(member_totals: Iterable[int]) -> Decimal | None:
    """An application's total: the mean of the totals of the members who scored it
    (so that a member who has not scored yet does not pull it down), to one
    decimal place; None before anyone has scored."""
    totals = list(member_totals)
    if not totals:
        return None
    mean = Decimal(sum(totals)) / len(totals)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def disagree(scores: Iterable[int]) -> bool:
    """Whether members' scores of one criterion are DISAGREEMENT or more apart."""
    values = list(scores)
    return bool(values) and max(values) - min(values) >= DISAGREEMENT


def member_totals(scores: QuerySet[Score]) -> dict[int, dict[int, int]]:
    """Each application's total per panel member who scored it, of these scores
    (one query)."""
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        scores.values_list("application_id", "member_id")
        .annotate(total=Sum("score"))
        .order_by()
    )
    for application_id, member_id, total in rows:
        totals[application_id][member_id] = total
    return totals
