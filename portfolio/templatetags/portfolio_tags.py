from decimal import Decimal

from django import template
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """92.4 -> "92.4%"; None -> "" (shown as "Not given")."""
    return "" if value is None else f"{value}%"


@register.filter
def period(item) -> str:
    """An item's date, or its period: "3 March 2025 to 30 June 2025"."""
    start = format_date(item.date, "j F Y")
    if item.end_date:
        return f"{start} to {format_date(item.end_date, 'j F Y')}"
    return start
