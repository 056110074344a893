import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from portfolio import formats

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """92.4 -> "92.4%"; None -> "" (shown as "Not given")."""
    return "" if value is None else f"{value}%"


@register.filter
def period(item) -> str:
    """An item's date, or its period: "3 March 2025 to 30 June 2025"."""
    return formats.period(item.date, item.end_date)


@register.filter
def long_date(day) -> str:
    """A date as everywhere in the app: "29 November 2026" (portfolio.formats).
    A moment is shown as its local day; a snapshot's "2026-11-29" as that day."""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    elif isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day)
        except ValueError:
            return day
    return formats.long_date(day)


@register.filter
def mid_sentence(label) -> str:
    """A label inside a sentence, acronyms kept: "CPD activity" stays as it is,
    "Accuracy audit" becomes "accuracy audit" (portfolio.formats)."""
    return formats.mid_sentence(label)
