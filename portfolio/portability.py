"""Data portability: the whole portfolio as versioned JSON, out and back in.

The document (format "coderfolio-portfolio", version 2; version 1 files still
import)::

    {"format": "coderfolio-portfolio", "version": 2,
     "exported_at": "2026-11-25T15:00:00+00:00",
     "owner": {"email": "...", "full_name": "..."},
     "employment": [{"employer": ..., "role": ..., "band": ..., "start_date": ...,
                     "end_date": ..., "is_coding_role": ...}],
     "evidence": [{"kind": "audit", "title": ..., "date": "2026-09-01", ...,
                   "specialties": ["100"], <the kind's own fields>,
                   "created_at": ..., "attachments": [{"name", "original_name",
                   "content_type", "sha256", "size", "data" (base64)}],
                   "verification_requests": [{"name", "role", "organisation",
                   "email", "state", "created_at", "expires_at", "decided_at",
                   "comment", "fingerprint", "voided_at", "void_reason",
                   "seal"}]}]}

Version 2 added the attachment's "original_name" (the uploaded file's own name) and
"verification_requests": every request for the item, its history. Files of version 1
still import, their attachments without a name of their own and their items without
requests. An item's own "verification" is exported for the reader but never
imported: it follows from the requests. A confirmation comes back valid only if this
server sealed it (its "seal", portfolio.verification.seal) and the imported item's
content is what was confirmed (its "fingerprint"); otherwise it comes back voided,
saying why. A pending request comes back pending, but the verifier's old link does
not answer it.

Fields come from each model's ``_meta``, so a field added to a kind travels without
changes here (but a new field changes the format: bump VERSION). Specialties travel
by treatment function code and case types by slug, never by database id. Import
reads the file with portfolio.jsonfile, checks the whole document (each value's
type here, then the model's own validation, the PID guard included) before it
writes anything, then writes it in one transaction.
"""

import base64
import binascii
import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from portfolio import verification
from portfolio.codes import normalise_icd10, normalise_opcs4
from portfolio.formats import long_date
from portfolio.jsonfile import JSONFileError, find_non_text, load_json
from portfolio.models import (
    KIND_MODELS,
    NATURAL_KEYS,
    Attachment,
    Employment,
    Evidence,
    VerificationRequest,
)
from portfolio.pid import find_identifiers, quoted
from portfolio.uploads import FileRefused, check_imported_file

FORMAT = "coderfolio-portfolio"
VERSION = 2
READABLE_VERSIONS = (1, 2)

TOP_KEYS = ["format", "version", "exported_at", "owner", "employment", "evidence"]
OWNER_KEYS = ["email", "full_name"]
ATTACHMENT_KEYS = ["name", "original_name", "content_type", "sha256", "size", "data"]
# What each readable version's attachments hold.
ATTACHMENT_KEYS_OF = {
    1: [k for k in ATTACHMENT_KEYS if k != "original_name"],
    2: ATTACHMENT_KEYS,
}
REQUEST_FIELDS = [
    "name",
    "role",
    "organisation",
    "email",
    "state",
    "created_at",
    "expires_at",
    "decided_at",
    "comment",
    "fingerprint",
    "voided_at",
    "void_reason",
]
REQUEST_KEYS = [*REQUEST_FIELDS, "seal"]
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
MAX_IMPORT_BYTES = 100 * 1024 * 1024
# A file larger than this is imported by a task, its page showing the progress
# (the design's rule for long work); a smaller one at once.
LARGE_IMPORT_BYTES = 2 * 1024 * 1024
# Evidence items, employment posts, attachments and verification requests, each,
# in one file: far more than a career holds.
MAX_ITEMS = 5_000
# Codes on one complex case.
MAX_CODES = 100
# Dates and times a portfolio can hold: every database and every time zone can
# store and show them (9999-12-31T23:59:59-14:00 is in year 10000 in UTC).
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# A portfolio nests five deep (file, evidence, item, attachments, attachment).
MAX_IMPORT_DEPTH = 10

# Reference data travels by its natural key (portfolio.models.NATURAL_KEYS), which
# is the same on every server.
# Code lists are stored normalised; anything else would break their display.
CODE_NORMALISERS = {"icd10_codes": normalise_icd10, "opcs4_codes": normalise_opcs4}

# Database bookkeeping, or written by import itself: never read from the file.
_EVIDENCE_SKIPPED = {"id", "owner", "kind", "created_at", "updated_at", "verified_by"}
_EMPLOYMENT_SKIPPED = {"id", "owner"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXAMPLE_TIME = "2026-09-01T09:30:00+00:00"
# Problems listed in one error message; the rest are counted.
MAX_PROBLEMS_SHOWN = 50
# Integer fields take what PostgreSQL's columns hold (SQLite's hold more): the
# same file imports, or is refused, on either.
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


class PortfolioImportError(Exception):
    """The file cannot be imported; the message says why, without echoing any PID."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class ImportSummary:
    evidence: int
    employment: int
    attachments: int

    def __str__(self) -> str:
        return (
            f"{_count(self.evidence, 'evidence item')}, "
            f"{_count(self.employment, 'employment post')} and "
            f"{_count(self.attachments, 'attachment')}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --- Which fields travel --------------------------------------------------------


def _common_fields() -> list[models.Field]:
    """Evidence's own fields, in declaration order, then its many-to-many fields."""
    meta = Evidence._meta
    return [
        *[f for f in meta.concrete_fields if f.name not in _EVIDENCE_SKIPPED],
        *meta.local_many_to_many,
    ]


def _kind_fields(model: type[Evidence]) -> list[models.Field]:
    """The fields a kind adds to Evidence (not its pointer to the Evidence row)."""
    meta = model._meta
    return [
        *[f for f in meta.local_concrete_fields if not f.primary_key],
        *meta.local_many_to_many,
    ]


def _evidence_fields(model: type[Evidence]) -> list[models.Field]:
    return _common_fields() + _kind_fields(model)


def _employment_fields() -> list[models.Field]:
    return [
        f for f in Employment._meta.concrete_fields if f.name not in _EMPLOYMENT_SKIPPED
    ]


def _evidence_keys(model: type[Evidence], version: int = VERSION) -> list[str]:
    return [
        "kind",
        *[f.name for f in _evidence_fields(model)],
        "created_at",
        "attachments",
        *(["verification_requests"] if version >= 2 else []),
    ]


# --- Export ---------------------------------------------------------------------


def export_portfolio(owner) -> dict:
    """The owner's whole portfolio as a JSON-ready dict (attachments included)."""
    items = (
        Evidence.objects.for_owner(owner)
        .with_details()
        .prefetch_related(
            "specialties",
            "attachments",
            "verification_requests",
            # Each kind's specialty and case types: one query per relation.
            *[
                f"{model._meta.model_name}__{f.name}"
                for model in KIND_MODELS.values()
                for f in _kind_fields(model)
                if f.is_relation
            ],
        )
        .order_by("date", "created_at", "title", "id")
    )
    posts = Employment.objects.filter(owner=owner).order_by("start_date", "id")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "owner": {"email": owner.email, "full_name": owner.full_name},
        "employment": [
            {f.name: _dump_value(f, post) for f in _employment_fields()}
            for post in posts
        ],
        "evidence": [_dump_item(item) for item in items],
    }


def _dump_item(item: Evidence) -> dict:
    details = item.details
    data: dict[str, Any] = {"kind": item.kind}
    for f in _common_fields():
        data[f.name] = _dump_value(f, item)
    for f in _kind_fields(type(details)):
        data[f.name] = _dump_value(f, details)
    data["created_at"] = item.created_at.isoformat()
    data["attachments"] = [_dump_attachment(a) for a in item.attachments.all()]
    data["verification_requests"] = [
        _dump_request(r)
        for r in sorted(item.verification_requests.all(), key=lambda r: r.pk)
    ]
    return data


def _dump_request(request: VerificationRequest) -> dict:
    fields = VerificationRequest._meta
    data = {key: _dump_value(fields.get_field(key), request) for key in REQUEST_FIELDS}
    # Only a confirmation needs proof that this server recorded it.
    data["seal"] = (
        verification.seal(request)
        if request.state == VerificationRequest.State.CONFIRMED
        else None
    )
    return data


def _dump_value(f: models.Field, obj: models.Model) -> Any:
    if f.many_to_many:
        key = NATURAL_KEYS[f.related_model]
        return sorted(getattr(related, key) for related in getattr(obj, f.name).all())
    if f.many_to_one:
        related = getattr(obj, f.name)
        return (
            None if related is None else getattr(related, NATURAL_KEYS[type(related)])
        )
    value = getattr(obj, f.attname)
    if value is None:
        return None
    if isinstance(f, models.DateField):  # DateTimeField included
        return value.isoformat()
    if isinstance(f, models.DecimalField):
        return str(value)
    if isinstance(f, models.JSONField):
        return list(value)
    return value


def _dump_attachment(attachment: Attachment) -> dict:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return {
        "name": attachment.name,
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "size": attachment.size,
        "data": base64.b64encode(content).decode("ascii"),
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


def loads(data: bytes | str | File) -> dict:
    """Read a portfolio file (an upload, or its content); anything but a JSON object
    within the size and depth limits is refused."""
    try:
        data = load_json(data, max_bytes=MAX_IMPORT_BYTES, max_depth=MAX_IMPORT_DEPTH)
    except JSONFileError as error:
        raise PortfolioImportError(str(error)) from None
    if not isinstance(data, dict):
        raise PortfolioImportError(
            "The file is not valid JSON: it must hold one JSON object, "
            "a Coderfolio portfolio."
        )
    return data


# --- Import: checking the document ------------------------------------------------


class _Invalid(Exception):
    """Something in the file is wrong; each message already says where."""

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)
        self.problems = list(problems)


@dataclass
class _PreparedItem:
    instance: Evidence
    many_to_many: dict[str, list[models.Model]]
    created_at: datetime.datetime
    attachments: list[tuple[Attachment, bytes]] = field(default_factory=list)
    requests: list[tuple[VerificationRequest, object]] = field(default_factory=list)


@dataclass
class _Plan:
    employment: list[Employment] = field(default_factory=list)
    evidence: list[_PreparedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _parse_date(where: str, key: str, raw: object) -> datetime.date:
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        raise _Invalid(f"{where}, {key}: expected a date like 2026-09-01.")
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise _Invalid(f"{where}, {key}: {quoted(raw)} is not a real date.") from None
    if not EARLIEST <= value <= LATEST:
        raise _out_of_range(where, key, raw)
    return value


def _parse_datetime(where: str, key: str, raw: object) -> datetime.datetime:
    if isinstance(raw, str) and len(raw) <= 40:
        try:
            value = datetime.datetime.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            try:
                day = value.astimezone(datetime.UTC).date()
            except OverflowError:  # beyond year 9999, or before year 1, in UTC
                raise _out_of_range(where, key, raw) from None
            if not EARLIEST <= day <= LATEST:
                raise _out_of_range(where, key, raw)
            return value
    raise _Invalid(f"{where}, {key}: expected a date and time like {_EXAMPLE_TIME}.")


def _out_of_range(where: str, key: str, raw: str) -> "_Invalid":
    return _Invalid(
        f"{where}, {key}: {quoted(raw)} is out of range: give a date from "
        f"{long_date(EARLIEST)} to {long_date(LATEST)}."
    )


def _parse_value(
    f: models.Field, raw: object, where: str, references: dict[type, dict]
) -> Any:
    """The Python value of one field, from its JSON form; _Invalid if it is wrong."""
    key = f.name
    if f.many_to_many:
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise _Invalid(f"{where}, {key}: expected a list of text values.")
        known = references[f.related_model]
        unknown = [v for v in raw if v not in known]
        if unknown:
            raise _Invalid(
                f"{where}, {key}: unknown {f.related_model._meta.verbose_name} "
                f"{NATURAL_KEYS[f.related_model]} {quoted(unknown[0])}."
            )
        if not raw and not f.blank:
            raise _Invalid(f"{where}, {key}: give at least one.")
        return [known[v] for v in dict.fromkeys(raw)]
    if raw is None:
        if f.null:
            return None
        raise _Invalid(f"{where}, {key}: a value is required.")
    if f.many_to_one:
        known = references[f.related_model]
        if not isinstance(raw, str):
            raise _Invalid(f"{where}, {key}: expected a code as text.")
        if raw not in known:
            raise _Invalid(
                f"{where}, {key}: unknown {f.related_model._meta.verbose_name} "
                f"{NATURAL_KEYS[f.related_model]} {quoted(raw)}."
            )
        return known[raw]
    if isinstance(f, models.DateTimeField):
        return _parse_datetime(where, key, raw)
    if isinstance(f, models.DateField):
        return _parse_date(where, key, raw)
    if isinstance(f, models.BooleanField):
        if not isinstance(raw, bool):
            raise _Invalid(f"{where}, {key}: expected true or false.")
        return raw
    if isinstance(f, models.IntegerField):
        low, high = _INTEGER_RANGES[f.get_internal_type()]
        if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
            raise _Invalid(
                f"{where}, {key}: expected a whole number from {low:,} to {high:,}."
            )
        return raw
    if isinstance(f, models.DecimalField):
        try:
            # Numbers as text are short: "3.5", "92.4".
            value = (
                Decimal(raw)
                if isinstance(raw, int) or (isinstance(raw, str) and len(raw) <= 40)
                else None
            )
        except InvalidOperation:
            value = None
        if value is None or isinstance(raw, bool) or not value.is_finite():
            raise _Invalid(f'{where}, {key}: expected a number as text, like "3.5".')
        return value
    if isinstance(f, models.JSONField):
        return _parse_codes(f, raw, where)
    if isinstance(f, models.CharField | models.TextField):
        if not isinstance(raw, str):
            raise _Invalid(f"{where}, {key}: expected text.")
        # Before anything reads it: the PID guard's time grows with the text.
        _check_length(where, key, raw, f.max_length)
        # Checked here, not by the model, whose message would repeat the value.
        allowed = [value for value, _ in f.flatchoices]
        if allowed and raw not in allowed and not (f.blank and raw == ""):
            raise _Invalid(
                f"{where}, {key}: {quoted(raw)} is not one of {', '.join(allowed)}."
            )
        return raw  # free text: the model's validation applies the PID guard
    raise NotImplementedError(f"No import rule for {f!r}")  # a new kind of field


def _check_length(where: str, key: str, text: str, limit: int | None) -> None:
    """A text no longer than its form takes (the model field's max_length)."""
    if limit is not None and len(text) > limit:
        raise _Invalid(
            f"{where}, {key}: {len(text):,} characters, more than the {limit:,} "
            "it can hold."
        )


def _parse_codes(f: models.Field, raw: object, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _Invalid(f"{where}, {f.name}: expected a list of codes as text.")
    if len(raw) > MAX_CODES:
        raise _Invalid(f"{where}, {f.name}: {len(raw):,} codes, more than {MAX_CODES}.")
    normalise = CODE_NORMALISERS[f.name]
    for code in raw:
        try:
            stored = normalise(code)
        except ValidationError:
            stored = None
        if stored != code:
            raise _Invalid(
                f"{where}, {f.name}: {quoted(code)} is not a code in its stored form "
                "(for example I214 or K491)."
            )
    return raw


def _check_keys(
    where: str, raw: object, expected: list[str], version: int = VERSION
) -> dict:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where}: expected an object.")
    missing = [k for k in expected if k not in raw]
    if missing:
        raise _Invalid(f"{where}: missing {', '.join(missing)}.")
    extra = [k for k in raw if k not in expected]
    if extra:
        names = ", ".join(quoted(k) for k in extra)
        raise _Invalid(
            f"{where}: unexpected {names} (not in format version {version})."
        )
    return raw


def _item_label(index: int, raw: object) -> str:
    """How messages name an item: its number, and its title if that is safe to show."""
    label = f"evidence item {index}"
    title = raw.get("title") if isinstance(raw, dict) else None
    if isinstance(title, str) and title and not find_identifiers(title):
        shown = title if len(title) <= 60 else title[:57] + "..."
        label += f' ("{shown}")'
    return label


def _check_header(data: object) -> dict:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PortfolioImportError(
            f'This is not a Coderfolio portfolio file: its "format" is not "{FORMAT}".'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PortfolioImportError(
            'This file has no valid "version" of the Coderfolio portfolio format.'
        )
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise PortfolioImportError(
            f"This file is version {version} of the Coderfolio portfolio format; "
            f"this server reads versions {readable}."
        )
    try:
        _check_keys("The file", data, TOP_KEYS, version)
        _parse_datetime("The file", "exported_at", data["exported_at"])
        _check_keys("The file's owner", data["owner"], OWNER_KEYS, version)
    except _Invalid as error:
        raise PortfolioImportError(str(error)) from None
    for key in ["employment", "evidence"]:
        if not isinstance(data[key], list):
            raise PortfolioImportError(f'The file\'s "{key}" must be a list.')
    counts = {
        "employment posts": len(data["employment"]),
        "items": len(data["evidence"]),
        # Counted over the whole file: each costs a check.
        **{
            noun: sum(
                len(item[key])
                for item in data["evidence"]
                if isinstance(item, dict) and isinstance(item.get(key), list)
            )
            for key, noun in [
                ("attachments", "attachments"),
                ("verification_requests", "verification requests"),
            ]
        },
    }
    for noun, count in counts.items():
        if count > MAX_ITEMS:
            raise PortfolioImportError(
                f"The file has {count:,} {noun}: a file can hold {MAX_ITEMS:,} at most."
            )
    found = find_non_text(data)
    if found is not None:
        path, bad = found
        raise PortfolioImportError(
            f"{_path_label(path)}: contains U+{ord(bad):04X}, which is not a "
            "character of text. Remove it."
        )
    return data


# How messages name a list's members, as _plan does: "evidence item 3".
_MEMBER_NAMES = {
    "evidence": "evidence item",
    "employment": "employment post",
    "attachments": "attachment",
    "verification_requests": "verification request",
}
_PLAIN_KEY = re.compile(r"[a-z0-9_]{1,40}")


def _path_label(path: tuple) -> str:
    """A place in the file as messages name it: ("evidence", 3, "reflection") is
    "evidence item 3, reflection"."""
    parts: list[str] = []
    rest = list(path)
    while rest:
        part = rest.pop(0)
        if part in _MEMBER_NAMES and rest and isinstance(rest[0], int):
            parts.append(f"{_MEMBER_NAMES[part]} {rest.pop(0)}")
        elif isinstance(part, int):
            parts.append(f"item {part}")
        elif part == "a key":  # find_non_text's mark of a key
            parts.append(part)
        else:
            parts.append(part if _PLAIN_KEY.fullmatch(part) else quoted(part))
    if not parts or path[0] not in _MEMBER_NAMES:
        parts.insert(0, "The file")
    return ", ".join(parts)


def _prepare_employment(raw: object, where: str, owner, references: dict) -> Employment:
    fields = _employment_fields()
    if isinstance(raw, dict):
        # Files exported before posts had an organisation type lack it.
        raw = {"organisation_type": "", **raw}
    _check_keys(where, raw, [f.name for f in fields])
    post = Employment(owner=owner)
    for f in fields:
        setattr(post, f.name, _parse_value(f, raw[f.name], where, references))
    _full_clean(post, where)
    return post


def _prepare_item(
    raw: object, where: str, owner, references: dict, version: int = VERSION
) -> _PreparedItem:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where}: expected an object.")
    if "kind" not in raw:
        raise _Invalid(f"{where}: missing kind.")
    kind = raw["kind"]
    if not isinstance(kind, str) or kind not in KIND_MODELS:
        raise _Invalid(f"{where}: unknown kind {quoted(kind)}.")
    model = KIND_MODELS[kind]
    _check_keys(where, raw, _evidence_keys(model, version), version)
    item = model(owner=owner, kind=kind)
    many_to_many = {}
    for f in _evidence_fields(model):
        value = _parse_value(f, raw[f.name], where, references)
        if f.many_to_many:
            many_to_many[f.name] = value
        else:
            setattr(item, f.name, value)
    # The item's verification follows from its requests, once they are saved.
    item.verification = Evidence.Verification.UNVERIFIED
    created_at = _parse_datetime(where, "created_at", raw["created_at"])
    prepared = _PreparedItem(item, many_to_many, created_at)
    if not isinstance(raw["attachments"], list):
        raise _Invalid(f"{where}, attachments: expected a list.")
    for number, attachment in enumerate(raw["attachments"], start=1):
        prepared.attachments.append(
            _prepare_attachment(attachment, f"{where}, attachment {number}", version)
        )
    raw_requests = raw.get("verification_requests", [])
    if not isinstance(raw_requests, list):
        raise _Invalid(f"{where}, verification_requests: expected a list.")
    for number, request in enumerate(raw_requests, start=1):
        prepared.requests.append(
            _prepare_request(request, f"{where}, verification request {number}", owner)
        )
    _full_clean(item, where)
    return prepared


def _prepare_request(
    raw: object, where: str, owner
) -> tuple[VerificationRequest, object]:
    """A request as the file has it, with the seal it carries."""
    _check_keys(where, raw, REQUEST_KEYS)
    request = VerificationRequest(owner=owner)
    for key in REQUEST_FIELDS:
        f = VerificationRequest._meta.get_field(key)
        setattr(request, key, _parse_value(f, raw[key], where, {}))
    if request.state == VerificationRequest.State.EXPIRED:
        # Expiry is worked out from expires_at; the state stays "pending".
        raise _Invalid(f'{where}, state: use "pending" with its expires_at.')
    if request.fingerprint and not _FINGERPRINT.fullmatch(request.fingerprint):
        raise _Invalid(f"{where}, fingerprint: expected 64 hexadecimal digits.")
    seal = raw["seal"]
    if seal is not None and (not isinstance(seal, str) or len(seal) > 200):
        raise _Invalid(f"{where}, seal: expected text or null.")
    _full_clean(request, where, exclude=["owner", "evidence"])
    return request, raw["seal"]


def _prepare_attachment(
    raw: object, where: str, version: int
) -> tuple[Attachment, bytes]:
    _check_keys(where, raw, ATTACHMENT_KEYS_OF[version], version)
    name, content_type, sha256, size, data = (
        raw[k] for k in ["name", "content_type", "sha256", "size", "data"]
    )
    original_name = raw.get("original_name", "")
    for key, value in [("name", name), ("original_name", original_name)]:
        if not isinstance(value, str):
            raise _Invalid(f"{where}, {key}: expected text.")
        _check_length(where, key, value, Attachment._meta.get_field(key).max_length)
    if content_type not in Attachment.CONTENT_TYPES.values():
        allowed = ", ".join(Attachment.CONTENT_TYPES.values())
        raise _Invalid(f"{where}, content_type: must be one of {allowed}.")
    if not isinstance(data, str):
        raise _Invalid(f"{where}, data: expected the file's content in base64.")
    # Measured before it is decoded: base64 holds 3 bytes in 4 characters.
    if len(data) > (Attachment.MAX_BYTES + 2) // 3 * 4:
        raise _Invalid(f"{where}: the file is larger than 10 MB.")
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid(f"{where}, data: this is not valid base64.") from None
    if not isinstance(size, int) or isinstance(size, bool) or size != len(content):
        raise _Invalid(f"{where}, size: does not match the file's content.")
    if size > Attachment.MAX_BYTES:
        raise _Invalid(f"{where}: the file is larger than 10 MB.")
    if sha256 != Attachment.digest(content):
        raise _Invalid(
            f"{where}, sha256: does not match the file's content "
            "(the file is damaged or was changed)."
        )
    # Checked as an upload is, and stored as checked (see check_imported_file).
    try:
        checked = check_imported_file(content)
    except FileRefused as refusal:
        raise _Invalid(f"{where}: {refusal}") from None
    if checked.content_type != content_type:
        raise _Invalid(f"{where}: the file's content is not {content_type}.")
    attachment = Attachment(
        name=name,
        # Made safe as an upload's name is: a file can say anything.
        original_name=Attachment.safe_file_name(original_name),
        content_type=content_type,
        size=len(checked.data),
        sha256=Attachment.digest(checked.data),
    )
    # The file and its item do not exist yet: both are checked as they are saved.
    _full_clean(attachment, where, exclude=["evidence", "file"])
    return attachment, checked.data


def _full_clean(
    obj: models.Model, where: str, exclude: list[str] | None = None
) -> None:
    """Model validation (fields, the PID guard, clean(), constraints): a message
    for each problem, naming the item and the field."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            prefix = where if name == NON_FIELD_ERRORS else f"{where}, {name}"
            problems.extend(f"{prefix}: {message}" for message in messages)
        raise _Invalid(*problems) from None


Progress = Callable[[int, int], None]


def _plan(data: object, owner, progress: Progress) -> _Plan:
    """Check the whole document and build (unsaved) everything it describes."""
    data = _check_header(data)
    # Checking is half the work, writing the other half.
    total = 2 * (len(data["employment"]) + len(data["evidence"]))
    references = {
        model: {getattr(obj, key): obj for obj in model.objects.all()}
        for model, key in NATURAL_KEYS.items()
    }
    plan = _Plan()
    for index, raw in enumerate(data["employment"], start=1):
        try:
            plan.employment.append(
                _prepare_employment(raw, f"employment post {index}", owner, references)
            )
        except _Invalid as error:
            plan.problems.extend(error.problems)
        progress(index, total)
    for index, raw in enumerate(data["evidence"], start=1):
        try:
            plan.evidence.append(
                _prepare_item(
                    raw, _item_label(index, raw), owner, references, data["version"]
                )
            )
        except _Invalid as error:
            plan.problems.extend(error.problems)
        progress(len(plan.employment) + index, total)
    return plan


def _refuse(problems: list[str]) -> PortfolioImportError:
    """The error for a file with these problems: the first MAX_PROBLEMS_SHOWN,
    then how many more (a file of 5,000 bad items must not make a 5,000-line page).
    """
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        more = len(problems) - len(shown)
        shown.append(f"... and {more:,} more problem{'' if more == 1 else 's'}.")
    lines = shown if len(problems) == 1 else ["The file cannot be imported:", *shown]
    return PortfolioImportError("\n".join(lines), problems=shown)


# --- Import: writing ----------------------------------------------------------------


def import_portfolio(
    data: dict, owner, progress: Progress | None = None
) -> ImportSummary:
    """Add everything in the document to owner's portfolio: all of it, or nothing.

    Raises PortfolioImportError, before anything is written, if any part of the
    document is wrong. `progress(done, total)` is told as the work goes on.
    """
    progress = progress or (lambda done, total: None)
    plan = _plan(data, owner, progress)
    if plan.problems:
        raise _refuse(plan.problems)
    written: list[str] = []
    total = 2 * (len(plan.employment) + len(plan.evidence))
    done = total // 2
    try:
        with transaction.atomic():
            for post in plan.employment:
                post.save()
                done += 1
                progress(done, total)
            for prepared in plan.evidence:
                _save_item(prepared, written)
                done += 1
                progress(done, total)
    except BaseException:
        # The rows are rolled back; the files they named must go too.
        for name in written:
            Attachment.file.field.storage.delete(name)
        raise
    return ImportSummary(
        evidence=len(plan.evidence),
        employment=len(plan.employment),
        attachments=sum(len(p.attachments) for p in plan.evidence),
    )


def _save_item(prepared: _PreparedItem, written: list[str]) -> None:
    item = prepared.instance
    item.save()
    for name, related in prepared.many_to_many.items():
        getattr(item, name).set(related)
    # created_at is set on insert; the original date is part of the portfolio.
    Evidence.objects.filter(pk=item.pk).update(created_at=prepared.created_at)
    for attachment, content in prepared.attachments:
        attachment.evidence = item
        attachment.file.save("attachment", ContentFile(content), save=False)
        written.append(attachment.file.name)
        attachment.save()
    _save_requests(item, prepared.requests)


def _save_requests(
    item: Evidence, requests: list[tuple[VerificationRequest, object]]
) -> None:
    """The item's requests, then its verification: a confirmation stands only if
    this server sealed it and the item is still what was confirmed."""
    for request, seal in requests:
        request.evidence = item
        request.save()  # a new nonce: no old link answers it
        confirmed = request.state == VerificationRequest.State.CONFIRMED
        if confirmed and not verification.seal_holds(request, seal):
            request.void(VerificationRequest.VoidReason.IMPORT_UNSEALED)
    verification.void_if_changed(item, VerificationRequest.VoidReason.IMPORT_CHANGED)
