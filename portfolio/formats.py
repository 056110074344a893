"""How dates are written, everywhere: pages, rule reasons, the snapshot's texts and the
pack. NHS style, "29 November 2026", with English month names whatever the server's
locale (the pack's bytes must not depend on it)."""

import datetime

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(day: datetime.date | None) -> str:
    """29 November 2026; "" for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period(start: datetime.date, end: datetime.date | None) -> str:
    """3 March 2025 to 30 June 2025; the start alone when there is no end."""
    return f"{long_date(start)} to {long_date(end)}" if end else long_date(start)
