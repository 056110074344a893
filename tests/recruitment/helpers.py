"""Submitted applications and panels for the review's tests."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, Statement, SubmissionPack, Vacancy
from tests.factories import make_evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(
    coder,
    vacancy: Vacancy,
    *,
    route: str = Application.Route.ACC,
    cite: str | set[int] = "all",
    statement: str = "I do this every week, as the evidence shows.",
) -> Application:
    """The coder's application to the vacancy, submitted for real (snapshot frozen,
    packs queued): a statement on every criterion, and one item of evidence cited
    on the criteria whose order is in `cite` ("all" or "none" for every or none).

    A criterion with evidence cited is evidenced; with a statement only, it is not:
    so "all", a set and "none" give the three longlist piles."""
    application, _ = Application.objects.start(vacancy, coder)
    application.route = route
    application.save()
    # No evidence at all for "none": an item in the portfolio can meet a rule.
    item = (
        None
        if cite == "none"
        else make_evidence(coder, "clinical_query", title=f"Query by {coder.full_name}")
    )
    for criterion in vacancy.specification.criteria.all():
        text = Statement.objects.create(
            application=application, criterion=criterion, text=statement
        )
        if item and (cite == "all" or criterion.order in cite):
            text.evidence.add(item)
    application.submit()
    application.refresh_from_db()
    return application


def build_packs(application: Application, content: bytes = PDF) -> None:
    """Mark the application's packs built, each with a small PDF file (the real
    build is tested in tests/applications)."""
    for pack in application.packs.all():
        pack.file.save(
            pack.filename,
            ContentFile(content.replace(b"%%EOF", pack.variant.encode() + b"\n%%EOF")),
            save=False,
        )
        pack.state, pack.pages, pack.size = SubmissionPack.State.DONE, 1, len(content)
        pack.built_at = timezone.now()
        pack.save()


def make_panel(vacancy: Vacancy, lead, *members):
    from recruitment.models import Panel, PanelMember

    panel = Panel.objects.create(vacancy=vacancy, lead=lead)
    for recruiter in [lead, *members]:
        PanelMember.objects.create(panel=panel, recruiter=recruiter)
    return panel


def close(vacancy: Vacancy) -> None:
    """Close the vacancy (yesterday), as time would."""
    vacancy.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    vacancy.save(update_fields=["closing_date"])
