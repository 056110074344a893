"""Delete withdrawn and unsuccessful applications, with their packs, once their
organisation's retention period has passed.

An application goes when it is withdrawn or not shortlisted, its last change (the
withdrawal or the outcome: `updated_at`) and its vacancy's closing date are both
older than the period, and the period is its organisation's `retention_months`
(`--older-than` can only make it longer: nothing an organisation keeps is removed).
Shortlisted, submitted and draft applications are never removed.

With the application go its statements, snapshot, packs (rows and files), status
history, longlist entry and scores. The recruiters' access log keeps its rows: they
point to the application by a nullable link and carry its candidate number and the
vacancy's reference as text, so they still say who looked at what, and when.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organisation
from applications.models import Application, SubmissionPack
from portfolio.formats import long_date
from portfolio.metrics import months_before

ENDED = [Application.Status.WITHDRAWN, Application.Status.NOT_SHORTLISTED]


def due_for_removal(now: datetime.datetime, at_least_months: int = 0) -> list:
    """The applications to remove at `now`, oldest change first, each with its
    vacancy and organisation, and `pack_files` (how many stored files it has).
    One query per organisation that has ended applications."""
    due = []
    organisations = Organisation.objects.filter(
        vacancies__applications__status__in=ENDED
    ).distinct()
    for organisation in organisations:
        months = max(organisation.retention_months, at_least_months)
        cutoff_day = months_before(timezone.localdate(now), months)
        cutoff = timezone.make_aware(
            datetime.datetime.combine(cutoff_day, datetime.time.min)
        )
        due.extend(
            Application.objects.filter(
                vacancy__organisation=organisation,
                status__in=ENDED,
                updated_at__lt=cutoff,
                vacancy__closing_date__lt=cutoff_day,
            )
            .select_related("vacancy__organisation")
            # A pack not built (or failed) has no file: its field holds "".
            .annotate(pack_files=Count("packs", filter=~Q(packs__file="")))
            .order_by("updated_at", "pk")
        )
    return due


class Command(BaseCommand):
    help = (
        "Delete withdrawn and not shortlisted applications, with their packs, once "
        "their organisation's retention period has passed since their last change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=0,
            metavar="MONTHS",
            help="Keep every application at least this many months, whatever its "
            "organisation's period (which still applies when it is longer).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be removed, and remove nothing.",
        )

    def handle(self, *args, older_than: int, dry_run: bool, **options) -> None:
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more months.")
        due = due_for_removal(timezone.now(), older_than)
        verb = "Would remove" if dry_run else "Removed"
        for application in due:
            vacancy = application.vacancy
            files = application.pack_files
            self.stdout.write(
                f"{verb} {application.candidate_number} "
                f"({application.get_status_display().lower()} on "
                f"{long_date(timezone.localdate(application.updated_at))}) for "
                f"{vacancy.title} ({vacancy.reference}), {vacancy.organisation}, "
                f"kept {vacancy.organisation.retention_months} months: "
                f"{files} pack file{'' if files == 1 else 's'}."
            )
        if not dry_run and due:
            _remove(due)
        files = sum(a.pack_files for a in due)
        summary = (
            f"{verb} {len(due)} application{'' if len(due) == 1 else 's'} and "
            f"{files} pack file{'' if files == 1 else 's'}."
        )
        if not due:
            summary = "No withdrawn or unsuccessful application is due for removal."
        elif dry_run:
            summary += " Nothing was removed (--dry-run)."
        self.stdout.write(summary)


def _remove(applications: list[Application]) -> None:
    """Delete the applications (their rows cascade; the access log's are kept) and,
    once that commits, their packs' files."""
    ids = [a.pk for a in applications]
    files = [
        pack.file
        for pack in SubmissionPack.objects.filter(application__in=ids).exclude(file="")
    ]
    with transaction.atomic():
        Application.objects.filter(pk__in=ids).delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
