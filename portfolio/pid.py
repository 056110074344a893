"""The PID guard: spot patient-identifiable data in free text before it is stored.

A portfolio holds anonymised case narratives and audit summaries. Coders must never
paste in an NHS number, a full postcode, a date of birth, contact details or a local
hospital number. This module finds such identifiers with regular expressions and
describes them without repeating them, so that the warning is safe to show and log.

It is deliberately conservative about ordinary coding prose: ICD-10 and OPCS-4 codes,
HRG codes, percentages, episode counts and plain dates are left alone.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError

KINDS = (
    "nhs_number",
    "postcode",
    "date_of_birth",
    "email",
    "phone",
    "hospital_number",
)

LABELS = {
    "nhs_number": "an NHS number",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
    "email": "an email address",
    "phone": "a phone number",
    "hospital_number": "a hospital number",
}

# When two candidates overlap, the more specific kind (earlier here) wins.
PRIORITY = (
    "email",
    "nhs_number",
    "date_of_birth",
    "postcode",
    "phone",
    "hospital_number",
)


@dataclass(frozen=True)
class Finding:
    """One identifier in a text: its kind and where it is (``text[start:end]``)."""

    kind: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of identifier: {self.kind!r}")

    @property
    def label(self) -> str:
        return LABELS[self.kind]


# --- NHS number -------------------------------------------------------------------

# Digits joined by the separators people write between the groups: spaces (up to
# three), hyphens, dashes or slashes (with or without a space each side), or dots;
# in any grouping: 943 476 5919, 943-476-5919, 943.476.5919, 943 / 476 / 5919,
# 9434 765 919, 94 34 76 59 19. A label may be glued on ("NHSno9434765919").
_SEPARATOR = r"[^\S\r\n]{1,3}|[^\S\r\n]?[-/\u2010-\u2015][^\S\r\n]?|\."
_DIGIT_RUN = re.compile(
    rf"(?:(?<![^\W_])|(?<=nhs)|(?<=no)|(?<=number))\d++(?:(?:{_SEPARATOR})\d++)*+",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# "NHS", "NHS no.", "NHS number:", "nhs#" just before the digits.
_NHS_LABEL = re.compile(r"nhs\W{0,3}(?:number|num|no)?\W{0,3}$", re.IGNORECASE)


def is_valid_nhs_number(digits: str) -> bool:
    """True when ``digits`` (ten of them) pass the NHS Modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[tuple[int, int]]:
    """Runs of digits that hold a valid NHS number.

    A run is one number when all of it (but a last group glued to a word, the "2"
    of "2nd") is ten digits with one kind of separator; with an NHS label before
    it, its first ten digits are. Otherwise only a group of ten digits written
    together counts, so that the groups of a date range or a list of counts are
    never read as one number.
    """
    for run in _DIGIT_RUN.finditer(text):
        groups = [m.span() for m in _DIGITS.finditer(text, run.start(), run.end())]
        if run.end() < len(text) and not _is_boundary(text[run.end()]):
            groups.pop()
        labelled = _NHS_LABEL.search(text, max(0, run.start() - 20), run.start())
        span = _ten_digit_groups(text, groups, whole=not labelled)
        if span is not None:
            yield span
            continue
        for start, end in groups:
            if end - start == 10 and is_valid_nhs_number(text[start:end]):
                yield start, end


def _ten_digit_groups(
    text: str, groups: list[tuple[int, int]], whole: bool
) -> tuple[int, int] | None:
    """The span of the first groups holding ten digits (all the groups, if
    `whole`), when they are one valid NHS number with one kind of separator."""
    counted = 0
    for n, (start, end) in enumerate(groups):
        counted += end - start
        if counted > 10 or (counted == 10 and whole and n < len(groups) - 1):
            return None
        if counted == 10:
            chosen = groups[: n + 1]
            break
    else:
        return None
    separators = {
        text[before_end:after_start].strip()
        for (_, before_end), (after_start, _) in itertools.pairwise(chosen)
    }
    digits = "".join(text[start:end] for start, end in chosen)
    if len(separators) > 1 or not is_valid_nhs_number(digits):
        return None
    return chosen[0][0], chosen[-1][1]


def _is_boundary(char: str) -> bool:
    return not (char.isalnum() or char == "_")


# --- Postcode ---------------------------------------------------------------------

# Full UK postcodes, outward and inward, using the letters each position allows
# (inward letters never include C, I, K, M, O or V), so codes such as J18.9 or
# FD01A cannot match. The space between the halves is optional.
_POSTCODE = re.compile(
    r"""
    (?<![^\W_])
    (?:
        (?:
            [A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?          # A9, A99, A9A
          | [A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]? # AA9, AA99, AA9A
        )
        [ ]?
        (?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})
      | GIR[ ]?0AA
    )
    (?![^\W_])
    """,
    re.IGNORECASE | re.VERBOSE,
)

# "FY2 2nd", "ST3 1st": a lowercase ordinal reads as prose, not as an inward code.
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")


def _postcodes(text: str) -> Iterator[tuple[int, int]]:
    for m in _POSTCODE.finditer(text):
        inward = m.group("inward")
        if inward and _ORDINAL.fullmatch(inward):
            continue
        yield m.span()


# --- Date of birth ----------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_SPACE = r"[^\S\r\n]+"  # spaces on one line
_DATE = rf"""
    (?<!\d)
    (?:
        \d{{1,2}}(?P<sep>[/.-])\d{{1,2}}(?P=sep)(?:\d{{4}}|\d{{2}})  # 3/3/1950
      | \d{{4}}-\d{{1,2}}-\d{{1,2}}                                # 1950-03-03
      | \d{{1,2}}(?:st|nd|rd|th)?{_SPACE}(?:of{_SPACE})?{_MONTH}\.?,?{_SPACE}\d{{4}}
      | {_MONTH}\.?{_SPACE}\d{{1,2}}(?:st|nd|rd|th)?,?{_SPACE}\d{{4}}  # March 3, 1950
    )
    (?!\d)
"""
# A cue, then up to three words ("on", "the", "is") and punctuation, then the date.
_DATE_OF_BIRTH = re.compile(
    rf"""
    (?<![^\W_])
    (?:
        (?:
            d\.?[ ]?o\.?[ ]?b\b\.?      # DOB, D.O.B., d o b
          | date[ ]+of[ ]+birth\b
          | birth[ ]?date\b
          | born\b
        )
        (?:\W*[^\W\d_]+\b){{0,3}}?\W*?
      | b\.[^\S\r\n]*                   # "b. 3 March 1950": the date must follow
    )
    (?P<date>{_DATE})
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _dates_of_birth(text: str) -> Iterator[tuple[int, int]]:
    for m in _DATE_OF_BIRTH.finditer(text):
        yield m.span("date")


# --- Email ------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])",
)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(text):
        yield m.span()


# --- Phone ------------------------------------------------------------------------

# A UK number: 0, +44 or +44 (0), then ten digits (nine for some 01 numbers), with
# optional single spaces or hyphens, and optionally the area code in brackets.
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)
    (?:[1-9](?:\)?[ -]?\d){9}|1(?:\)?[ -]?\d){8})
    (?![^\W_])
    """,
    re.VERBOSE,
)


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE.finditer(text):
        number = m.group()
        if number.count("(") == number.count(")"):
            yield m.span()


# --- Hospital number --------------------------------------------------------------

# (a) A token after a cue: "Hospital no: 123456", "MRN 00123456", "RTD number A12345".
_HOSPITAL_CUE = re.compile(
    r"""
    (?<![^\W_])
    (?:
        (?:hospital|hosp\.?|pas|unit|case[ ]?note|(?-i:R[A-Z0-9]{2}))
        [ ]+(?:number|num\b\.?|no\b\.?)
      | mrn\b
      | patient[ ]+(?:identifier|id|number|no)\b\.?
    )
    [^\S\r\n]*[:#.]?[^\S\r\n]*
    (?P<token>[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*)
    (?![^\W_])
    """,
    re.IGNORECASE | re.VERBOSE,
)
# (b) No cue: one to three letters then six to eight digits, as one word.
# ICD-10 (A00, I10X, J18.9), OPCS-4 (K491) and HRG (FD01A) codes are far shorter.
_HOSPITAL_WORD = re.compile(r"(?<![^\W_])[A-Za-z]{1,3}\d{6,8}(?![^\W_])")


def _hospital_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _HOSPITAL_CUE.finditer(text):
        token = m.group("token")
        alnum = re.sub(r"[^A-Za-z0-9]", "", token)
        if len(alnum) >= 5 and any(c.isdigit() for c in token):
            yield m.span("token")
    for m in _HOSPITAL_WORD.finditer(text):
        yield m.span()


_FINDERS: dict[str, Callable[[str], Iterator[tuple[int, int]]]] = {
    "nhs_number": _nhs_numbers,
    "postcode": _postcodes,
    "date_of_birth": _dates_of_birth,
    "email": _emails,
    "phone": _phones,
    "hospital_number": _hospital_numbers,
}


# --- Public API -------------------------------------------------------------------


def find_identifiers(text: str) -> list[Finding]:
    """Every identifier in ``text``, sorted by position and never overlapping.

    Where candidates overlap, the more specific kind wins (an NHS number beats a
    phone number; an email address beats anything inside it).
    """
    if not text:
        return []
    kept: list[Finding] = []
    for kind in PRIORITY:
        for start, end in _FINDERS[kind](text):
            if all(end <= f.start or start >= f.end for f in kept):
                kept.append(Finding(kind, start, end))
    return sorted(kept, key=lambda f: f.start)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, character) of ``text[offset]``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def describe_findings(text: str, findings: list[Finding]) -> list[str]:
    """One sentence per finding: what it looks like and where, never the value."""
    messages = []
    for finding in findings:
        line, first = _position(text, finding.start)
        end_line, last = _position(text, finding.end - 1)
        if end_line == line:
            where = f"line {line}, characters {first} to {last}"
        else:
            where = (
                f"from line {line}, character {first}, "
                f"to line {end_line}, character {last}"
            )
        messages.append(
            f"This looks like {finding.label} ({where}). "
            "Remove it: patient-identifiable information must not be stored."
        )
    return messages


def validate_no_identifiers(value: str | None) -> None:
    """The PID guard, as a Django validator: reject text that holds an identifier.

    The one check of free text before it is stored. It sits in ``validators=[...]``
    of every free-text model field, so forms (through model validation) and both
    imports (through ``full_clean()``) apply it, and of the few free-text form
    fields that no model field backs. Each message says what was found and where,
    never the identifier itself; the form or import names the field.
    """
    if not value:
        return
    text = str(value)
    messages = describe_findings(text, find_identifiers(text))
    if messages:
        raise ValidationError([ValidationError(m, code="pid") for m in messages])


def quoted(value: object, limit: int = 40) -> str:
    """The value in quotes, for a message that repeats what was given; "the value
    given" instead when it is long or could be a patient identifier."""
    text = str(value)
    if len(text) > limit or find_identifiers(text):
        return "the value given"
    return f'"{text}"'
