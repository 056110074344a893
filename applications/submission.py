"""Submitting an application: the checks, the snapshot, the packs."""

import datetime

from django.db import transaction
from django.utils import timezone

from applications.models import Application, Snapshot, SubmissionPack
from applications.snapshot import freeze
from specifications.models import Criterion, PersonSpecification


def submission_problems(application: Application, today: datetime.date) -> list[str]:
    """Why the application cannot be submitted now; empty when it can."""
    if not application.is_draft:
        status = application.get_status_display().lower()
        return [f"This application has already been {status}."]
    problems = []
    if not application.vacancy.is_open:
        problems.append(
            f"The vacancy closed on {application.vacancy.closing_date:%-d %B %Y}."
        )
    if not application.route:
        problems.append("Choose the route you are applying by.")
    statements = {
        s.criterion_id: s for s in application.statements.prefetch_related("evidence")
    }
    for criterion in application.vacancy.specification.criteria.filter(
        requirement=Criterion.Requirement.ESSENTIAL
    ):
        if criterion.route and application.route != Application.Route.PORTFOLIO:
            continue  # the portfolio route's own requirements
        statement = statements.get(criterion.pk)
        if not statement or not (statement.text.strip() or statement.evidence.all()):
            problems.append(
                f"“{criterion.text}” is Essential: write a statement or choose "
                "evidence."
            )
    return problems


def submit(application: Application) -> Snapshot:
    """Freeze the application and queue its packs. Check `submission_problems` first."""
    from applications.tasks import build_packs

    today = timezone.localdate()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        problems = submission_problems(locked, today)
        if problems:
            raise ValueError(problems)
        locked.status = Application.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        snapshot = freeze(locked, today)
        for variant in SubmissionPack.Variant.values:
            SubmissionPack.objects.create(application=locked, variant=variant)
        PersonSpecification.objects.filter(
            pk=locked.vacancy.specification_id, locked_at__isnull=True
        ).update(locked_at=timezone.now())
        transaction.on_commit(lambda: build_packs.enqueue(locked.pk))
    return snapshot
