"""Person specifications as JSON, so a trust can share its spec with another.

Import reads the file with portfolio.jsonfile, checks the file's shape here and
leaves the values to the models' own validation (the PID guard and the rules'
check included), before it writes anything.
"""

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils.text import slugify

from accounts.models import Organisation
from portfolio.jsonfile import JSONFileError, find_non_text, load_json
from portfolio.pid import quoted
from specifications.models import Criterion, PersonSpecification

FORMAT = "coderfolio-person-specification"
# The version of the file format, not of a spec. 2: a criterion's route may be
# "acc" as well as "portfolio", and rules may be any_of / all_of of other rules.
# Files of version 1 (no "format_version") still import: their routes mean the same.
FORMAT_VERSION = 2
ROUTES_BY_FORMAT = {
    1: ["", "portfolio"],
    2: Criterion.Route.values,
}
MAX_SPEC_BYTES = 1024 * 1024
# A spec nests nine deep (file, criteria, criterion, rule, its rules, a rule,
# its rules, a rule, a rule's list or thresholds).
MAX_SPEC_DEPTH = 10
# Paths under /specifications/ that a spec's slug must not take.
RESERVED_SLUGS = {"new", "import", "map", "links"}
# A real spec has 20 to 40 criteria (the UHD spec has 21); the edit form and the
# import both stop at this many.
MAX_CRITERIA = 60
# Versions and orders are small numbers; a bound keeps them the same on every
# database (PostgreSQL's integer stops at 2**31 - 1, SQLite's at 2**63 - 1).
MAX_VERSION = 9999
MAX_ORDER = 9999


class SpecImportError(Exception):
    """A spec file that cannot be imported; the message names the problem."""


def spec_to_dict(spec: PersonSpecification) -> dict:
    """The spec in the shareable JSON format (see the README)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": spec.title,
        "organisation": spec.organisation.name,
        "band": spec.band,
        "version": spec.version,
        "slug": spec.slug,
        "source": spec.source,
        "criteria": [
            {
                "category": c.category,
                "requirement": c.requirement,
                "text": c.text,
                "order": c.order,
                "rule": c.rule,
                **({"route": c.route} if c.route else {}),
            }
            for c in spec.criteria.all()
        ],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def loads(data: bytes | str | File) -> dict:
    """Read a spec file (an upload, or its content) within the size and depth
    limits; anything but a JSON object is refused."""
    try:
        data = load_json(data, max_bytes=MAX_SPEC_BYTES, max_depth=MAX_SPEC_DEPTH)
    except JSONFileError as error:
        raise SpecImportError(str(error)) from None
    if not isinstance(data, dict):
        raise SpecImportError("The file must hold one JSON object, the specification.")
    return data


def _text(data: dict, key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise SpecImportError(f"{where}: {key!r} must be a non-empty string.")
    return value.strip()


def _whole_number(value: Any, what: str, low: int, high: int) -> None:
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        raise SpecImportError(f"{what} must be a whole number from {low} to {high:,}.")


def _refuse_what_is_not_text(data: dict) -> None:
    """Refuse a NUL or a lone surrogate (half of a UTF-16 pair) in any key or
    text, naming where: no database stores them, and a page cannot show them."""
    found = find_non_text(data)
    if found is not None:
        path, bad = found
        raise SpecImportError(
            f"{_where(path)}: contains U+{ord(bad):04X}, which is not a character "
            "of text. Remove it."
        )


def _where(path: tuple) -> str:
    """A place in the file as the other messages name it: "Criterion 2, text"."""
    parts = [str(part) for part in path]
    if len(path) >= 2 and path[0] == "criteria":
        return ", ".join([f"Criterion {path[1]}", *parts[2:]])
    return ", ".join(["The specification", *parts])


def _full_clean(obj: models.Model, where: str, **options) -> None:
    """Model validation (fields, the PID guard, clean()), as an error naming where
    and the field."""
    try:
        obj.full_clean(**options)
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            prefix = where if name == NON_FIELD_ERRORS else f"{where}, {name}"
            problems.append(f"{prefix}: {' '.join(messages)}")
        raise SpecImportError(" ".join(problems)) from None


def _criterion(raw: Any, number: int, format_version: int) -> Criterion:
    where = f"Criterion {number}"
    if not isinstance(raw, dict):
        raise SpecImportError(f"{where} must be an object.")
    missing = {"category", "requirement", "text", "order", "rule"} - set(raw)
    if missing:
        raise SpecImportError(f"{where} lacks {', '.join(sorted(missing))}.")
    unknown = set(raw) - {"category", "requirement", "text", "order", "rule", "route"}
    if unknown:
        raise SpecImportError(
            f"{where} has unknown keys: {', '.join(sorted(unknown))}."
        )
    choices = {
        "category": Criterion.Category.values,
        "requirement": Criterion.Requirement.values,
        "route": ROUTES_BY_FORMAT[format_version],
    }
    for key, allowed in choices.items():
        if raw.get(key, "") not in allowed:
            raise SpecImportError(
                f"{where}: {key} {raw.get(key)!r} is not one of "
                f"{', '.join(repr(a) for a in allowed if a)}."
            )
    _whole_number(raw["order"], f"{where}: order", 0, MAX_ORDER)
    criterion = Criterion(
        category=raw["category"],
        requirement=raw["requirement"],
        route=raw.get("route", ""),
        text=_text(raw, "text", where),
        order=raw["order"],
    )
    try:
        criterion.rule = raw["rule"]
    except ValidationError as error:
        raise SpecImportError(f"{where}, rule: {' '.join(error.messages)}") from None
    # Its specification is not saved yet.
    _full_clean(criterion, where, exclude=["specification"])
    return criterion


def unique_slug(base: str) -> str:
    slug = slugify(base)[:110] or "specification"
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-specification"
    candidate, n = slug, 2
    while PersonSpecification.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def import_spec(
    data: dict, organisation: Organisation | None = None
) -> PersonSpecification:
    """Create a spec from the JSON format. With `organisation`, the spec becomes that
    organisation's (a trust adopting another's spec); otherwise the file names it."""
    _refuse_what_is_not_text(data)
    if data.get("format", FORMAT) != FORMAT:
        raise SpecImportError(
            f"This is not a person specification file (format {data.get('format')!r})."
        )
    format_version = data.get("format_version", 1)
    if (
        not isinstance(format_version, int)
        or isinstance(format_version, bool)
        or format_version not in ROUTES_BY_FORMAT
    ):
        raise SpecImportError(
            f"The file's format_version {format_version!r} is not one this app "
            f"reads: use {' or '.join(str(v) for v in ROUTES_BY_FORMAT)}."
        )
    missing = {"title", "organisation", "band", "version", "criteria"} - set(data)
    if missing:
        raise SpecImportError(f"The specification lacks {', '.join(sorted(missing))}.")
    title = _text(data, "title", "The specification")
    band = _text(data, "band", "The specification", required=False)
    source = _text(data, "source", "The specification", required=False)
    version = data["version"]
    _whole_number(version, "The specification's version", 1, MAX_VERSION)
    if organisation is None:
        name = _text(data, "organisation", "The specification")
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            raise SpecImportError(
                f"No organisation is called {quoted(name)}: add it in the admin "
                "first, or import the spec for another organisation."
            )
    spec = PersonSpecification(
        organisation=organisation,
        title=title,
        band=band,
        source=source,
        version=version,
    )
    # The slug is chosen below; an existing version is refused below with a message
    # that says what to do.
    _full_clean(spec, "The specification", exclude=["slug"], validate_constraints=False)
    if not isinstance(data["criteria"], list) or not data["criteria"]:
        raise SpecImportError(
            "The specification must have a non-empty list of criteria."
        )
    if len(data["criteria"]) > MAX_CRITERIA:
        raise SpecImportError(
            f"The specification has {len(data['criteria'])} criteria: it can have "
            f"{MAX_CRITERIA} at most."
        )
    criteria = [
        _criterion(raw, n, format_version)
        for n, raw in enumerate(data["criteria"], start=1)
    ]
    if PersonSpecification.objects.filter(
        organisation=organisation, title=title, version=version
    ).exists():
        raise SpecImportError(
            f"{organisation} already has version {version} of {title!r}: "
            "give the file a higher version."
        )
    wanted = data.get("slug")
    if (
        isinstance(wanted, str)
        and wanted
        and wanted not in RESERVED_SLUGS
        and slugify(wanted) == wanted
        and not PersonSpecification.objects.filter(slug=wanted).exists()
    ):
        slug = wanted
    else:
        slug = unique_slug(f"{title} v{version}")
    spec.slug = slug
    spec.save()
    for criterion in criteria:
        criterion.specification = spec
    Criterion.objects.bulk_create(criteria)
    return spec


@transaction.atomic
def copy_to_new_version(spec: PersonSpecification) -> PersonSpecification:
    """A new, editable version of a spec, criteria and rules included."""
    latest = (
        PersonSpecification.objects.filter(
            organisation=spec.organisation, title=spec.title
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    data = spec_to_dict(spec)
    data["version"] = latest + 1
    data.pop("slug")
    return import_spec(data, organisation=spec.organisation)
