"""How dates are written, everywhere: pages, rule reasons, the snapshot's texts and the
pack. NHS style, "29 November 2026", with English month names whatever the server's
locale (the pack's bytes must not depend on it). And how a label reads inside a
sentence, acronyms kept."""

import datetime
import re

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


def _keep_or_lower(word: re.Match) -> str:
    text = word.group()
    # Two capitals or more make an acronym: CPD, FCEs, ICD-10, OPCS-4, (DSPT).
    return text if sum(c.isupper() for c in text) >= 2 else text.lower()


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Add CPD activity", "Enter the episodes
    (FCEs) audited"; each word lower-cased, acronyms kept as they are."""
    return re.sub(r"\S+", _keep_or_lower, str(label))
