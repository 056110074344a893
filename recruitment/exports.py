"""The vacancy's scores and summary as CSV files that open cleanly in Excel, and
its anonymised packs as one zip. Each is written as it is read: nothing holds a
whole vacancy in memory."""

import csv
import json
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby

from django.core.files import File
from django.utils import timezone

from applications.models import Application, StatusChange, SubmissionPack, Vacancy
from recruitment.longlist import ROUTE_LABELS, review_criteria, reviewable
from recruitment.models import PackZip, PanelMember, Score
from recruitment.scoring import DISAGREEMENT, disagree, member_totals, panel_total

# Excel reads a file as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel (and LibreOffice): a
# statement "=HYPERLINK(...)" would run. Such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_cell(value: object) -> object:
    """The value as a cell Excel shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text, line by line, with the byte order mark first and every cell
    guarded."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([excel_cell(value) for value in row])


def _who(application: Application, revealed: bool) -> list[str]:
    return [application.applicant.full_name] if revealed else []


def scores_rows(vacancy: Vacancy, *, revealed: bool) -> Iterator[str]:
    """One row per application, criterion and panel member who scored it."""
    header = ["Vacancy", "Candidate number"]
    header += ["Candidate"] if revealed else []
    header += [
        "Route",
        "Status",
        "Criterion",
        "Criterion text",
        "Requirement",
        "Panel member",
        "Score",
        "Note",
        "Scored at",
    ]
    return csv_lines(header, _score_rows(vacancy, revealed))


def _score_rows(vacancy: Vacancy, revealed: bool) -> Iterator[list]:
    related = ["application__snapshot", "member"]
    if revealed:
        related.append("application__applicant")
    scores = (
        Score.objects.filter(application__vacancy=vacancy)
        .exclude(application__status=Application.Status.DRAFT)
        .select_related(*related)
        .order_by("application__candidate_number", "application_id", "pk")
    )
    criteria: dict[int, dict] = {}
    for score in scores.iterator(chunk_size=500):
        application = score.application
        if application.pk not in criteria:
            # One snapshot at a time: the criteria of the application being written.
            criteria.clear()
            criteria[application.pk] = {
                c.ref: c
                for c in review_criteria(json.loads(application.snapshot.content))
            }
        criterion = criteria[application.pk].get(score.criterion)
        yield [
            vacancy.reference,
            application.candidate_number,
            *_who(application, revealed),
            ROUTE_LABELS.get(application.route, ""),
            application.get_status_display(),
            score.criterion,
            criterion.text if criterion else "",
            criterion.requirement_label if criterion else "",
            score.member.full_name,
            score.score,
            score.note,
            timezone.localtime(score.updated_at).isoformat(timespec="seconds"),
        ]


def summary_rows(vacancy: Vacancy, *, revealed: bool) -> Iterator[str]:
    """One row per application: pile, each member's total, the panel total,
    disagreements and the outcome with its reason."""
    members = list(
        PanelMember.objects.filter(panel__vacancy=vacancy)
        .select_related("recruiter")
        .order_by("recruiter__full_name", "recruiter_id")
    )
    header = ["Vacancy", "Candidate number"]
    header += ["Candidate"] if revealed else []
    header += [
        "Route",
        "Status",
        "Longlist pile",
        "Essential criteria met",
        *[f"Total: {m.recruiter.full_name}" for m in members],
        "Panel total",
        f"Criteria where members differ by {DISAGREEMENT}",
        "Outcome reason",
    ]
    return csv_lines(header, _summary_rows(vacancy, members, revealed))


def _summary_rows(
    vacancy: Vacancy, members: list[PanelMember], revealed: bool
) -> Iterator[list]:
    scores = Score.objects.filter(application__vacancy=vacancy).order_by()
    totals = member_totals(scores)
    disagreements: dict[int, int] = defaultdict(int)
    by_criterion = (
        scores.values_list("application_id", "criterion", "score")
        .order_by("application_id", "criterion")
        .iterator(chunk_size=2000)
    )
    for (application_id, _), group in groupby(by_criterion, key=lambda r: r[:2]):
        if disagree(row[2] for row in group):
            disagreements[application_id] += 1
    reasons = dict(
        StatusChange.objects.filter(
            application__vacancy=vacancy, to_status__in=Application.OUTCOMES
        )
        .order_by("at", "pk")
        .values_list("application_id", "reason")
    )  # the latest change wins
    related = ["longlist_entry", "applicant"] if revealed else ["longlist_entry"]
    applications = (
        reviewable(vacancy.applications.all())
        .select_related(*related)
        .order_by("candidate_number")
    )
    for application in applications.iterator(chunk_size=500):
        entry = getattr(application, "longlist_entry", None)
        mine = totals.get(application.pk, {})
        total = panel_total(mine.values())
        yield [
            vacancy.reference,
            application.candidate_number,
            *_who(application, revealed),
            ROUTE_LABELS.get(application.route, ""),
            application.get_status_display(),
            entry.get_pile_display() if entry else "",
            f"{entry.essential_met} of {entry.essential_total}" if entry else "",
            *[mine.get(m.recruiter_id, "") for m in members],
            "" if total is None else str(total),
            disagreements.get(application.pk, 0),
            reasons.get(application.pk, ""),
        ]


# --- The zip ----------------------------------------------------------------------

# Copied in pieces of this size: a pack is never held in memory whole.
CHUNK = 1024 * 1024


def write_zip(
    bundle: PackZip, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write every ready anonymised pack of the bundle's vacancy (withdrawn
    applications left out) into one zip, through a temporary file, and store it.

    Stored, not deflated: the packs' content is compressed already, so deflating
    again would cost time and save almost nothing.
    """
    packs = list(
        SubmissionPack.objects.filter(
            application__vacancy=bundle.vacancy_id,
            application__status__in=Application.UNDER_REVIEW,
            variant=SubmissionPack.Variant.ANONYMISED,
        )
        .select_related("application__vacancy")
        .order_by("application__candidate_number")
    )
    ready = [p for p in packs if p.state == SubmissionPack.State.DONE and p.file]
    under_review = bundle.vacancy.applications.filter(
        status__in=Application.UNDER_REVIEW
    ).count()
    with tempfile.TemporaryFile() as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, pack in enumerate(ready, 1):
                with (
                    pack.file.storage.open(pack.file.name, "rb") as source,
                    archive.open(pack.filename, "w") as target,
                ):
                    shutil.copyfileobj(source, target, CHUNK)
                if progress is not None:
                    progress(done, len(ready))
        bundle.size = temporary.tell()
        temporary.seek(0)
        bundle.file.save(bundle.filename, File(temporary), save=False)
    bundle.packs, bundle.left_out = len(ready), under_review - len(ready)
