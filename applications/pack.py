"""The submission pack: a PDF/A-3b built from an application's snapshot alone.

The snapshot (see applications/snapshot.py) is the frozen JSON of what was submitted.
The pack renders it with a Django template and WeasyPrint, and carries the JSON itself
as an embedded attachment, so the PDF is both the human and the machine record.

Everything here is a plain function of the snapshot text: no database, no network,
no clock. The same JSON gives the same PDF, byte for byte.
"""

import copy
import datetime
import hashlib
import json
import re
import threading
import zlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pydyf
from django.template.loader import get_template, render_to_string
from pydyf import _to_bytes  # pydyf's own serialiser; pydyf is pinned with WeasyPrint
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from applications.snapshot import canonical_json
from portfolio.charts import accuracy_trend_svg, data_uri, specialty_breadth_svg
from portfolio.formats import long_date
from portfolio.metrics import ACCURACY_THRESHOLD
from specifications.coverage import CriterionStatus

TEMPLATE = "applications/pack/pack.html"
STYLESHEET = "applications/pack/pack.css"
PLACEHOLDER = "[candidate]"
PDF_VARIANT = "pdf/a-3b"

ROUTE_MARKERS = {
    "portfolio": "Portfolio route",
    "acc": "ACC route",
}


# --- Anonymising ------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"\w+", text or "")}


def _protected_words(snapshot: dict) -> set[str]:
    """Words of the job's own titles: a name part that is one of these stays.

    A surname such as "Coder" would otherwise turn "Senior Clinical Coder" into
    "Senior Clinical [candidate]". The full name and the e-mail address are always
    scrubbed; only single name parts are spared when they are such words.
    """
    vacancy = snapshot.get("vacancy") or {}
    specification = snapshot.get("specification") or {}
    route_check = snapshot.get("route_check") or {}
    texts = [
        vacancy.get("title", ""),
        specification.get("title", ""),
        snapshot.get("route_label", ""),
        route_check.get("label", ""),
    ]
    return set().union(*(_words(text) for text in texts))


def _scrub_pattern(name: str, email: str, protected: set[str]) -> re.Pattern | None:
    alternatives: list[str] = []
    if email:
        alternatives.append(re.escape(email))
    parts = [part for part in re.split(r"\s+", name.strip()) if part]
    if parts:
        alternatives.append(r"\s+".join(re.escape(part) for part in parts))
    singles = set()
    for part in parts:
        for piece in {part, *re.split(r"[-']", part)}:
            piece = piece.strip(".,")
            if len(piece) >= 2 and piece.casefold() not in protected:
                singles.add(piece)
    alternatives.extend(re.escape(piece) for piece in singles)
    if not alternatives:
        return None
    # Longest first, so the full name wins over its parts; whole words only.
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)


def _scrub(value: Any, pattern: re.Pattern) -> Any:
    if isinstance(value, str):
        return pattern.sub(PLACEHOLDER, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _fallback_candidate_number(name: str, email: str) -> str:
    digest = hashlib.sha256(f"{name}\n{email}".encode()).hexdigest()
    return f"C{int(digest, 16) % 900000 + 100000}"


def anonymise(snapshot: dict) -> dict:
    """A copy for shortlisting: no name or e-mail; a candidate number instead.

    The candidate block becomes {"candidate_number": ...}; every string elsewhere has
    the full name, the e-mail address and each name part (whole words, any case)
    replaced by "[candidate]", except name parts that are words of the vacancy's or
    specification's titles or of the route labels (see _protected_words).
    The given dict is left unchanged.
    """
    candidate = snapshot.get("candidate") or {}
    name = str(candidate.get("name") or "")
    email = str(candidate.get("email") or "")
    number = candidate.get("candidate_number") or _fallback_candidate_number(
        name, email
    )
    rest = {key: value for key, value in snapshot.items() if key != "candidate"}
    pattern = _scrub_pattern(name, email, _protected_words(snapshot))
    result = _scrub(rest, pattern) if pattern else copy.deepcopy(rest)
    result["candidate"] = {"candidate_number": number}
    return result


def pack_id(application_id: int, snapshot_sha256: str) -> str:
    """The pack's printed identifier, e.g. "CF-000123-1a2b3c4d"."""
    return f"CF-{application_id:06d}-{snapshot_sha256[:8].lower()}"


# --- The HTML ---------------------------------------------------------------------


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _long_date(value: str | None) -> str:
    """ "2026-11-25" as "25 November 2026" (NHS style); other text as it is."""
    day = _date(value)
    if day is None:
        return value or ""
    return long_date(day)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _percent(value: Any) -> str:
    number = _decimal(value)
    return "not recorded" if number is None else f"{number}%"


def _status_label(value: str | None) -> str:
    """The label of a criterion's status as the snapshot stores it (its value)."""
    try:
        return CriterionStatus(value).label
    except ValueError:
        return str(value or "")


def _item_rows(item: dict, version: int) -> list[list[str]]:
    """An item's rows as its detail page showed them (see Evidence.display_rows)."""
    rows = list(item.get("details") or [])
    if version < 2:
        # Version 1 kept the specialties, summary and reflection apart from its rows.
        specialties = ", ".join(item.get("specialties") or [])
        rows = [["Specialties", specialties]] if specialties else []
        rows += item.get("details") or []
        rows += [
            [label, item[key]]
            for label, key in [("Summary", "summary"), ("Reflection", "reflection")]
            if item.get(key)
        ]
    return rows


def _accuracy_threshold(criteria: list[dict]) -> Decimal:
    for criterion in criteria:
        rule = criterion.get("rule") or {}
        if rule.get("kind") == "accuracy" and rule.get("threshold") is not None:
            return _decimal(rule["threshold"]) or ACCURACY_THRESHOLD
    return ACCURACY_THRESHOLD


# Charts cost tens of milliseconds each; the same data give the same SVG.
_chart_cache: dict[str, str] = {}
_CHART_CACHE_SIZE = 64


def _cached_chart(key: str, draw) -> str:
    if key not in _chart_cache:
        if len(_chart_cache) >= _CHART_CACHE_SIZE:
            _chart_cache.clear()
        _chart_cache[key] = data_uri(draw())
    return _chart_cache[key]


def trend_rows(trend: list[dict]) -> list[dict]:
    """The snapshot's trend rows as accuracy_trend_svg wants them."""
    rows = []
    for row in trend:
        day = _date(row.get("date"))
        if day is not None:
            rows.append({"date": day, "overall": _decimal(row.get("overall"))})
    return rows


def specialty_rows(specialties: list[dict]) -> list[SimpleNamespace]:
    """The snapshot's specialties as specialty_breadth_svg wants them."""
    return [
        SimpleNamespace(name=str(s.get("name", "")), items=int(s.get("items") or 0))
        for s in specialties
    ]


def _trend_chart(trend: list[dict], threshold: Decimal) -> dict | None:
    rows = trend_rows(trend)
    points = [row for row in rows if row["overall"] is not None]
    if not points:
        return None
    key = canonical_json(["trend", str(threshold), trend])
    uri = _cached_chart(key, lambda: accuracy_trend_svg(rows, threshold))
    first, last = points[0], points[-1]
    alt = (
        f"Line chart of overall coding accuracy in {len(points)} audits from "
        f"{_long_date(first['date'].isoformat())} to "
        f"{_long_date(last['date'].isoformat())}: from {first['overall']}% to "
        f"{last['overall']}%, against a {threshold}% threshold. "
        "The same figures are in the table that follows."
    )
    return {"uri": uri, "alt": alt}


def _specialty_chart(specialties: list[dict], limit: int = 15) -> dict | None:
    rows = specialty_rows(specialties)
    if not rows:
        return None
    key = canonical_json(["specialties", limit, specialties])
    uri = _cached_chart(key, lambda: specialty_breadth_svg(rows, limit))
    shown = rows[:limit]
    alt = (
        f"Bar chart of items of evidence per specialty for the {len(shown)} most "
        f"evidenced of {len(rows)} specialties, from {shown[0].name} "
        f"({shown[0].items}) to {shown[-1].name} ({shown[-1].items}). "
        "All specialties are in the table that follows."
    )
    return {"uri": uri, "alt": alt}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _context(
    snapshot: dict,
    *,
    snapshot_sha256: str,
    pack_id: str,
    anonymised: bool,
    attachment_sha256: str | None,
) -> dict:
    candidate = snapshot.get("candidate") or {}
    vacancy = snapshot.get("vacancy") or {}
    specification = snapshot.get("specification") or {}
    metrics = snapshot.get("metrics") or {}
    # "accuracy_12_months" in snapshots frozen before the window came from the spec.
    accuracy = metrics.get("accuracy") or metrics.get("accuracy_12_months") or {}
    criteria = snapshot.get("criteria") or []
    evidence = snapshot.get("evidence") or []
    titles = {item.get("ref"): item.get("title", "") for item in evidence}

    categories: dict[str, dict] = {}
    for criterion in sorted(criteria, key=lambda c: c.get("order") or 0):
        label = criterion.get("category_label") or "Other"
        category = categories.setdefault(
            label, {"label": label, "id": "criteria-" + _slug(label), "rows": []}
        )
        category["rows"].append(
            {
                **criterion,
                "number": f"C{criterion.get('order', '')}",
                "status_label": _status_label(criterion.get("status")),
                "route_marker": ROUTE_MARKERS.get(criterion.get("route") or "", ""),
                "refs": [
                    {"ref": ref, "title": titles.get(ref, "")}
                    for ref in criterion.get("evidence") or []
                ],
            }
        )

    items = []
    for item in evidence:
        start, end = _long_date(item.get("date")), _long_date(item.get("end_date"))
        items.append(
            {
                **item,
                "dates": f"{start} to {end}" if end else start,
                "verified": item.get("verification") == "verified",
                "rows": _item_rows(item, snapshot.get("version") or 1),
            }
        )

    if anonymised:
        candidate_label = f"Candidate {candidate.get('candidate_number', '')}"
    else:
        candidate_label = str(candidate.get("name") or "")
    threshold = _decimal(accuracy.get("threshold")) or _accuracy_threshold(criteria)
    vacancy_title = vacancy.get("title", "")
    return {
        "title": f"Application pack {pack_id}: {vacancy_title}, {candidate_label}",
        "anonymised": anonymised,
        "candidate": candidate,
        "candidate_label": candidate_label,
        "vacancy": {**vacancy, "closing": _long_date(vacancy.get("closing_date"))},
        "specification": specification,
        "route_label": snapshot.get("route_label", ""),
        "route_check": snapshot.get("route_check") or {},
        "submitted": _long_date(snapshot.get("submitted_on")),
        "submitted_on": snapshot.get("submitted_on") or "",
        "pack_id": pack_id,
        "snapshot_sha256": snapshot_sha256,
        "attachment_sha256": attachment_sha256,
        "rule_rows": [row for cat in categories.values() for row in cat["rows"]],
        "statuses": [status.label for status in reversed(CriterionStatus)],
        "categories": list(categories.values()),
        "evidence": items,
        "accuracy": {
            **accuracy,
            "since_label": _long_date(accuracy.get("since")),
            "percent_label": _percent(accuracy.get("percent")),
            "measures": [
                {**m, "percent_label": _percent(m.get("percent"))}
                for m in accuracy.get("measures") or []
            ],
        },
        "threshold": threshold,
        "trend": [
            {**row, "day": _long_date(row.get("date")), "pct": _percent(row["overall"])}
            for row in metrics.get("trend") or []
        ],
        "trend_chart": _trend_chart(metrics.get("trend") or [], threshold),
        "specialties": metrics.get("specialties") or [],
        "specialty_chart": _specialty_chart(metrics.get("specialties") or []),
        "years_of_experience": metrics.get("years_of_experience"),
    }


def render_html(
    snapshot: dict,
    *,
    snapshot_sha256: str,
    pack_id: str,
    anonymised: bool,
    attachment_sha256: str | None = None,
) -> str:
    """The pack as one HTML document (the stylesheet is passed to WeasyPrint apart).

    With anonymised=True the snapshot is anonymised here too if it still names the
    candidate, so no caller can print a name on an anonymised pack by mistake.
    """
    if anonymised and {"name", "email"} & set(snapshot.get("candidate") or {}):
        snapshot = anonymise(snapshot)
    context = _context(
        snapshot,
        snapshot_sha256=snapshot_sha256,
        pack_id=pack_id,
        anonymised=anonymised,
        attachment_sha256=attachment_sha256,
    )
    return render_to_string(TEMPLATE, context)


# --- The PDF ----------------------------------------------------------------------


class DataOnlyFetcher(URLFetcher):
    """Serves data: URIs and nothing else: no network, no files."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith("data:"):
            raise ValueError(f"The pack loads no external resources: {url[:80]}")
        return super().fetch(url, headers)


_local = threading.local()


def _stylesheet_text() -> str:
    return Path(get_template(STYLESHEET).origin.name).read_text(encoding="utf-8")


# zlib's default: the content streams come out about as small as at pydyf's 9.
_DEFLATE_LEVEL = 6


def _resources() -> SimpleNamespace:
    """Per thread, built once: the parsed stylesheet, fonts and a fetcher.

    No image cache across builds: WeasyPrint's cached SVG images keep the layout
    context of the build that loaded them, and with it that whole document (every
    element's computed style), so a shared cache held about 30 MB from one build to
    the next. The charts' data URIs are cached instead (see _cached_chart).
    """
    resources = getattr(_local, "resources", None)
    if resources is None:
        font_config = FontConfiguration()
        fetcher = DataOnlyFetcher()
        stylesheet = CSS(
            string=_stylesheet_text(), font_config=font_config, url_fetcher=fetcher
        )
        resources = SimpleNamespace(
            font_config=font_config, fetcher=fetcher, stylesheet=stylesheet
        )
        _local.resources = resources
    return resources


def _submitted_at(snapshot: dict) -> datetime.datetime:
    day = _date(snapshot.get("submitted_on")) or datetime.date(1970, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _dedupe_associated_files(pdf: pydyf.PDF) -> None:
    """WeasyPrint 70 lists each PDF/A-3 attachment twice in the catalog's /AF."""
    files = pdf.catalog.get("AF")
    if files:
        unique = list(dict.fromkeys(files))
        files.clear()
        files.extend(unique)


def _compress_streams_once(pdf: pydyf.PDF) -> None:
    """Deflate each stream once, here, rather than twice in pydyf.

    pydyf compresses a stream (at level 9) each time its bytes are asked for, and
    for PDF/A it asks twice: to write the file and to hash every object into the
    file identifier. The page contents are most of the PDF, so that was about a
    tenth of the build. The bytes are the same each time: still deterministic.
    """
    for pdf_object in pdf.objects:
        if (
            isinstance(pdf_object, pydyf.Stream)
            and pdf_object.compress
            and "Filter" not in pdf_object.extra
        ):
            raw = b"\n".join(_to_bytes(item) for item in pdf_object.stream)
            pdf_object.stream = [zlib.compress(raw, _DEFLATE_LEVEL)]
            pdf_object.compress = False
            pdf_object.extra["Filter"] = "/FlateDecode"


def _finish(document: Any, pdf: pydyf.PDF) -> None:
    _dedupe_associated_files(pdf)
    _compress_streams_once(pdf)


def build_pdf(
    snapshot_json: str, *, application_id: int, anonymised: bool
) -> tuple[bytes, int]:
    """The pack as PDF/A-3b bytes, and its number of pages.

    snapshot_json is the stored snapshot text; its SHA-256 is printed on the cover
    and in the pack id. The full pack embeds that exact text as snapshot.json; the
    anonymised pack embeds the anonymised snapshot as canonical JSON instead.
    """
    snapshot = json.loads(snapshot_json)
    sha256 = hashlib.sha256(snapshot_json.encode()).hexdigest()
    identifier = pack_id(application_id, sha256)
    if anonymised:
        snapshot = anonymise(snapshot)
        embedded = canonical_json(snapshot)
        description = "The submitted application (anonymised), as JSON"
    else:
        embedded = snapshot_json
        description = "The submitted application, as JSON"
    embedded_sha256 = hashlib.sha256(embedded.encode()).hexdigest()
    html_text = render_html(
        snapshot,
        snapshot_sha256=sha256,
        pack_id=identifier,
        anonymised=anonymised,
        attachment_sha256=None if embedded == snapshot_json else embedded_sha256,
    )

    resources = _resources()
    # Fixed dates (the submission day) rather than "now": the same JSON gives the
    # same bytes.
    submitted_at = _submitted_at(snapshot)
    attachment = Attachment(
        string=embedded,
        name="snapshot.json",
        description=description,
        relationship="Source",
        created=submitted_at,
        modified=submitted_at,
        url_fetcher=resources.fetcher,
    )
    options = {
        "stylesheets": [resources.stylesheet],
        "pdf_variant": PDF_VARIANT,
        "pdf_tags": True,
        "attachments": [attachment],
        "cache": {},  # this build's images only (see _resources)
    }
    html = HTML(string=html_text, url_fetcher=resources.fetcher, media_type="print")
    # The peak is while the laid-out pages are drawn: drop what is not needed then.
    del snapshot, html_text
    document = html.render(font_config=resources.font_config, **options)
    del html
    pdf = document.write_pdf(finisher=_finish, **options)
    return pdf, len(document.pages)
