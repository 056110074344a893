"""Form widgets for NHS.UK frontend components that Django does not provide.

The ``nhsuk`` crispy-forms template pack (``templates/nhsuk/``) recognises these
widgets by their ``nhsuk_component`` attribute and renders them as the matching
NHS.UK component. Outside crispy-forms they fall back to Django's own templates.
"""

import datetime
import re

from django import forms

_DAY_OR_MONTH = re.compile(r"\d{1,2}")
_YEAR = re.compile(r"\d{4}")


class DateParts(str):
    """The value a :class:`DateInput` reads from a submission.

    It is an ordinary string, ISO 8601 ("2024-02-29") when the parts make a real
    date and the raw parts joined otherwise, which ``forms.DateField`` rejects as
    "Enter a valid date.". It also remembers what was typed in each box, so that
    a form redisplayed with errors shows the user's own input back to them.
    """

    parts: tuple[str, str, str]

    def __new__(cls, value: str, parts: tuple[str, str, str]) -> "DateParts":
        instance = super().__new__(cls, value)
        instance.parts = parts
        return instance


class DateInput(forms.MultiWidget):
    """The NHS.UK date input: three text boxes for day, month and year.

    Use it with a normal ``forms.DateField``::

        date_awarded = forms.DateField(widget=DateInput())

    The boxes are named ``<name>_day``, ``<name>_month`` and ``<name>_year``. The
    day box has the field's own id (so a ``<label for>`` or an error summary link
    lands on it); the others have ``<id>_month`` and ``<id>_year``.

    ``autocomplete`` is an optional autofill prefix: ``"bday"`` gives the boxes
    ``autocomplete="bday-day"``, ``"bday-month"`` and ``"bday-year"``.
    """

    nhsuk_component = "date-input"
    use_fieldset = True
    part_names = ("day", "month", "year")
    id_suffixes = ("", "_month", "_year")

    def __init__(self, attrs=None, autocomplete=None):
        widgets = {}
        for part in self.part_names:
            part_attrs = {"inputmode": "numeric"}
            if autocomplete:
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets[part] = forms.TextInput(attrs=part_attrs)
        super().__init__(widgets, attrs)

    def id_for_label(self, id_):
        # The day box carries the field's id, so labels and links land on it.
        return id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        if id_:
            for subwidget, suffix in zip(
                context["widget"]["subwidgets"], self.id_suffixes, strict=True
            ):
                subwidget["attrs"]["id"] = f"{id_}{suffix}"
        return context

    def decompress(self, value):
        """Split a date (or a submitted value) into [day, month, year] strings."""
        if isinstance(value, DateParts):
            return list(value.parts)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [str(parsed.day), str(parsed.month), str(parsed.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (data.get(f"{name}_{part}") or "").strip() for part in self.part_names
        )
        parts = (day, month, year)
        if not any(parts):
            return ""
        if (
            _DAY_OR_MONTH.fullmatch(day)
            and _DAY_OR_MONTH.fullmatch(month)
            and _YEAR.fullmatch(year)
        ):
            try:
                value = datetime.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                pass  # Such as 31 February: let DateField call it invalid.
            else:
                return DateParts(value, parts)
        # Not a date: join the parts so that DateField reports it as invalid.
        return DateParts(f"{year}-{month}-{day}", parts)

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in self.part_names)
