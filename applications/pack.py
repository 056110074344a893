"""The submission pack: a PDF/A-3b built from an application's snapshot alone.

The snapshot (see applications/snapshot.py) is the frozen JSON of what was submitted.
The pack renders it with a Django template and WeasyPrint, and carries the JSON itself
as an embedded attachment, so the PDF is both the human and the machine record.

Everything here is a plain function of the snapshot text: no database, no network,
no clock. The same JSON gives the same PDF, byte for byte.
"""

import datetime
import hashlib
import json
import re
import threading
import zlib
from dataclasses import dataclass
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

from applications.anonymise import anonymise
from applications.snapshot import applicable_criteria, canonical_json
from portfolio.charts import (
    accuracy_trend_alt,
    accuracy_trend_svg,
    data_uri,
    specialty_breadth_alt,
    specialty_breadth_svg,
)
from portfolio.formats import long_date
from portfolio.metrics import ACCURACY_THRESHOLD
from portfolio.models import AUDIT_MEASURES
from specifications.coverage import CriterionStatus

TEMPLATE = "applications/pack/pack.html"
STYLESHEET = "applications/pack/pack.css"
PDF_VARIANT = "pdf/a-3b"


# --- Identity ----------------------------------------------------------------------


def pack_id(application_id: int, snapshot_sha256: str) -> str:
    """The full pack's printed identifier, e.g. "CF-000123-1a2b3c4d"."""
    return f"CF-{application_id:06d}-{snapshot_sha256[:8].lower()}"


def anonymised_pack_id(candidate_number: str, anonymised_sha256: str) -> str:
    """The anonymised pack's identifier, e.g. "CF-C199788-5e6f7a8b": from its own
    snapshot (the anonymised copy) alone, so nothing links it to the full pack's."""
    return f"CF-{candidate_number}-{anonymised_sha256[:8].lower()}"


@dataclass(frozen=True)
class PackSource:
    """What a pack is built from: the snapshot it prints and embeds, and its id."""

    snapshot: dict
    embedded: str  # the text attached as snapshot.json
    sha256: str  # of `embedded`: the hash the pack prints
    pack_id: str


def pack_source(
    snapshot_json: str, *, application_id: int, anonymised: bool
) -> PackSource:
    """The full pack carries the stored snapshot text, its hash and an id from the
    application; the anonymised pack an anonymised copy (canonical JSON), that
    copy's own hash and an id from it and the candidate number: a name guessed
    back into its JSON reproduces no value printed on it, and nothing on it can be
    matched to the full pack's id or hash."""
    snapshot = json.loads(snapshot_json)
    if not anonymised:
        sha256 = hashlib.sha256(snapshot_json.encode()).hexdigest()
        identifier = pack_id(application_id, sha256)
        return PackSource(snapshot, snapshot_json, sha256, identifier)
    snapshot = anonymise(snapshot)
    embedded = canonical_json(snapshot)
    sha256 = hashlib.sha256(embedded.encode()).hexdigest()
    number = snapshot["candidate"]["candidate_number"]
    return PackSource(snapshot, embedded, sha256, anonymised_pack_id(number, sha256))


# --- The HTML ---------------------------------------------------------------------

ROUTE_ONLY = {
    "acc": "Applies to the ACC route only",
    "portfolio": "Applies to the portfolio route only",
}
ROUTE_GROUPS = {"acc": "ACC route", "portfolio": "Portfolio route"}
# The measures of an audit, as its display rows label them, printed as a table.
MEASURE_LABELS = {label for _, label in AUDIT_MEASURES} | {"Overall accuracy"}
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
# Items to a line in the grid's evidence column: three "E123 p. 123" fit its width.
GRID_ITEMS_A_LINE = 3
# A rule that counted more items than this lists their refs only, not their titles.
COUNTED_WITH_TITLES = 12


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


def _dated(text: str) -> str:
    """A rule's reason with its dates written one way: older snapshots say
    "since 2025-11-25", the pack "since 25 November 2025"."""
    return _ISO_DATE.sub(lambda match: _long_date(match[1]), text or "")


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


def short_text(text: str, limit: int = 120) -> str:
    """A criterion as the grid names it: without its asides (after a dash, in
    brackets), cut at a word if still long. The full text is in the matrix."""
    short = re.split(r"\s+[\u2013\u2014]\s+", text.strip())[0]
    short = re.sub(r"\s*\([^)]*\)", "", short).strip().rstrip(".,;:")
    if len(short) > limit:
        short = short[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "…"
    return short or text[:limit]


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


def _split_measures(kind: str, rows: list[list[str]]) -> tuple[list, list, list]:
    """An audit's rows before its measures, the measures (for a small table) and
    the rows after them; other kinds' rows all come first."""
    if kind != "audit":
        return rows, [], []
    before, measures, after = [], [], []
    for label, value in rows:
        if label in MEASURE_LABELS:
            measures.append((label, value))
        else:
            (after if measures else before).append([label, value])
    return before, measures, after


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
    if not any(row["overall"] is not None for row in rows):
        return None
    key = canonical_json(["trend", str(threshold), trend])
    uri = _cached_chart(key, lambda: accuracy_trend_svg(rows, threshold))
    return {"uri": uri, "alt": accuracy_trend_alt(rows, threshold)}


def _specialty_chart(specialties: list[dict]) -> dict | None:
    rows = specialty_rows(specialties)
    if not rows:
        return None
    key = canonical_json(["specialties", specialties])
    uri = _cached_chart(key, lambda: specialty_breadth_svg(rows))
    return {"uri": uri, "alt": specialty_breadth_alt(rows)}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _lines_of(refs: list[str], size: int) -> list[list[str]]:
    return [refs[start : start + size] for start in range(0, len(refs), size)]


def criteria_rows(snapshot: dict) -> list[dict]:
    """Every criterion in spec order with its ref, whether it applies and why not,
    and what its rule counted: as version 3 stores them, or, for an older snapshot,
    worked out the same way (the applicable criteria numbered C1, C2, ... by their
    route; nothing counted)."""
    applicable = {id(c) for c in applicable_criteria(snapshot)}
    rows, number = [], 0
    for criterion in sorted(
        snapshot.get("criteria") or [], key=lambda c: c.get("order") or 0
    ):
        applies = id(criterion) in applicable
        number += applies
        route = criterion.get("route") or ""
        rows.append(
            {
                **criterion,
                "applies": applies,
                "ref": criterion.get("ref") or (f"C{number}" if applies else None),
                "not_applicable_reason": (
                    ""
                    if applies
                    else criterion.get("not_applicable_reason")
                    or ROUTE_ONLY.get(route, "Does not apply to this route")
                ),
                "counted": list(criterion.get("counted") or []) if applies else [],
            }
        )
    return rows


def _supports(evidence: list[dict], rows: list[dict]) -> dict[str, list[str]]:
    """Each item's criteria: as version 3 stores them, or from the criteria."""
    if all("supports" in item for item in evidence):
        return {item.get("ref"): list(item["supports"]) for item in evidence}
    found: dict[str, list[str]] = {}
    for row in rows:
        if row["applies"]:
            refs = [*(row.get("evidence") or []), *row["counted"]]
            for ref in dict.fromkeys(refs):
                found.setdefault(ref, []).append(row["ref"])
    return found


def _rule(result: dict | None, rule: dict | None) -> dict | None:
    """A rule's result for printing: its reason dated one way; for an accuracy
    rule, its measures against their thresholds, window and weakest specialty."""
    if not result:
        return None
    measures = [
        {
            **m,
            "percent_label": _percent(m.get("percent")),
            "threshold_label": f"{m.get('threshold')}%",
        }
        for m in result.get("measures") or []
    ]
    weakest = result.get("weakest_specialty") or None
    return {
        **result,
        "reason": _dated(result.get("reason", "")),
        "measures": measures,
        "since_label": _long_date(result.get("since")),
        "min_audits": (rule or {}).get("min_audits"),
        "weakest": (
            {**weakest, "percent_label": _percent(weakest.get("percent"))}
            if weakest
            else None
        ),
    }


def _employment(snapshot: dict, anonymised: bool) -> list[dict] | None:
    posts = snapshot.get("employment")
    if posts is None:
        return None
    return [
        {
            **post,
            "period": (
                f"{_long_date(post.get('start'))} to "
                f"{_long_date(post.get('end')) if post.get('end') else 'now'}"
            ),
            "employer": "" if anonymised else post.get("employer", ""),
        }
        for post in posts
    ]


def _context(
    snapshot: dict,
    *,
    snapshot_sha256: str,
    pack_id: str,
    anonymised: bool,
) -> dict:
    candidate = snapshot.get("candidate") or {}
    vacancy = snapshot.get("vacancy") or {}
    specification = snapshot.get("specification") or {}
    metrics = snapshot.get("metrics") or {}
    # "accuracy_12_months" in snapshots frozen before the window came from the spec.
    accuracy = metrics.get("accuracy") or metrics.get("accuracy_12_months") or {}
    evidence = snapshot.get("evidence") or []
    titles = {item.get("ref"): item.get("title", "") for item in evidence}
    version = snapshot.get("version") or 1

    rows = criteria_rows(snapshot)
    applicable, not_applicable = [], []
    groups: list[dict] = []
    for row in rows:
        if not row["applies"]:
            why = row["not_applicable_reason"].rstrip(".")
            not_applicable.append(
                f"{short_text(row.get('text', ''))}: {why[:1].lower()}{why[1:]}."
            )
            continue
        route = row.get("route") or ""
        label = ROUTE_GROUPS.get(route) or row.get("category_label") or "Other"
        criterion = {
            **row,
            "anchor": f"criterion-{row['ref']}",
            "short": short_text(row.get("text", "")),
            "status_label": _status_label(row.get("status")),
            "route_marker": ROUTE_GROUPS.get(route, ""),
            "rule": _rule(row.get("rule_result"), row.get("rule")),
            "refs": [
                {"ref": ref, "title": titles.get(ref, "")}
                for ref in row.get("evidence") or []
            ],
            # The grid's lines of items: a fixed number to a line (see pack.css).
            "ref_lines": _lines_of(row.get("evidence") or [], GRID_ITEMS_A_LINE),
            "counted_refs": [
                {"ref": ref, "title": titles.get(ref, "")} for ref in row["counted"]
            ],
        }
        applicable.append(criterion)
        if not groups or groups[-1]["label"] != label:
            groups.append(
                {
                    "label": label,
                    "id": f"criteria-{len(groups) + 1}-{_slug(label)}",
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(criterion)

    supports = _supports(evidence, rows)
    items = []
    for item in evidence:
        start, end = _long_date(item.get("date")), _long_date(item.get("end_date"))
        rows_before, measures, rows_after = _split_measures(
            item.get("kind", ""), _item_rows(item, version)
        )
        items.append(
            {
                **item,
                "dates": f"{start} to {end}" if end else start,
                "verified": item.get("verification") == "verified",
                "rows": rows_before,
                "measures": measures,
                "rows_after": rows_after,
                "supports": supports.get(item.get("ref"), []),
            }
        )

    if anonymised:
        candidate_label = f"Candidate {candidate.get('candidate_number', '')}"
    else:
        candidate_label = str(candidate.get("name") or "")
    criteria = snapshot.get("criteria") or []
    threshold = _decimal(accuracy.get("threshold")) or _accuracy_threshold(criteria)
    vacancy_title = vacancy.get("title", "")
    route_check = snapshot.get("route_check") or {}
    return {
        "title": f"Application pack {pack_id}: {vacancy_title}, {candidate_label}",
        "anonymised": anonymised,
        "candidate": candidate,
        "candidate_label": candidate_label,
        "vacancy": {**vacancy, "closing": _long_date(vacancy.get("closing_date"))},
        "specification": specification,
        "route_label": snapshot.get("route_label", ""),
        "route_check": {
            **route_check,
            "reasons": [_dated(reason) for reason in route_check.get("reasons") or []],
        },
        "submitted": _long_date(snapshot.get("submitted_on")),
        "submitted_on": snapshot.get("submitted_on") or "",
        "pack_id": pack_id,
        "snapshot_sha256": snapshot_sha256,
        "criteria": applicable,
        "not_applicable": not_applicable,
        "statuses": [status.label for status in reversed(CriterionStatus)],
        "counted_with_titles": COUNTED_WITH_TITLES,
        "groups": groups,
        "evidence": items,
        "employment": _employment(snapshot, anonymised),
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


def _cached_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's PDF.page_references, built once per number of pages.

    pydyf builds the tuple of every page's reference each time it is asked, and
    WeasyPrint asks once for each tagged box and link: with a hundred pages and
    a grid of links that was a tenth of the build. Pages are only ever appended
    to Kids, so its length says when the tuple is stale; the bytes are the same.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_coderfolio_page_references")
    if cached is None or cached[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (len(kids), references)
        pdf.__dict__["_coderfolio_page_references"] = cached
    return cached[1]


# pydyf is pinned with WeasyPrint (requirements.lock); test_pack checks that this
# gives what pydyf's own property gives.
PYDYF_PAGE_REFERENCES = pydyf.PDF.page_references
pydyf.PDF.page_references = property(_cached_page_references)


def _finish(document: Any, pdf: pydyf.PDF) -> None:
    _dedupe_associated_files(pdf)
    _compress_streams_once(pdf)


def build_pdf(
    snapshot_json: str, *, application_id: int, anonymised: bool
) -> tuple[bytes, int]:
    """The pack as PDF/A-3b bytes, and its number of pages.

    snapshot_json is the stored snapshot text. The full pack embeds that exact text
    as snapshot.json and prints its SHA-256; the anonymised pack embeds an
    anonymised copy as canonical JSON and prints that copy's SHA-256 and its own id
    (see pack_source).
    """
    source = pack_source(
        snapshot_json, application_id=application_id, anonymised=anonymised
    )
    snapshot = source.snapshot
    html_text = render_html(
        snapshot,
        snapshot_sha256=source.sha256,
        pack_id=source.pack_id,
        anonymised=anonymised,
    )
    description = (
        "The submitted application, anonymised for shortlisting, as JSON"
        if anonymised
        else "The submitted application, as JSON"
    )

    resources = _resources()
    # Fixed dates (the submission day) rather than "now": the same JSON gives the
    # same bytes.
    submitted_at = _submitted_at(snapshot)
    attachment = Attachment(
        string=source.embedded,
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
    del snapshot, source, html_text
    document = html.render(font_config=resources.font_config, **options)
    del html
    pdf = document.write_pdf(finisher=_finish, **options)
    return pdf, len(document.pages)
