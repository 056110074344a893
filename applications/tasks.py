"""Long work, run as Django tasks: building the PDF packs of a submission."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

from applications.models import Application, SubmissionPack
from applications.pack import build_pdf, pack_source

logger = logging.getLogger(__name__)


@task
def build_packs(application_id: int) -> None:
    """Build every pack of the application that is not built yet, from its snapshot."""
    application = Application.objects.select_related("snapshot").get(pk=application_id)
    for pack in application.packs.exclude(state=SubmissionPack.State.DONE):
        pack.state, pack.progress, pack.error = SubmissionPack.State.BUILDING, 10, ""
        pack.save(update_fields=["state", "progress", "error"])
        try:
            pdf, pages = build_pdf(
                application.snapshot.content,
                application_id=application.pk,
                anonymised=pack.variant == SubmissionPack.Variant.ANONYMISED,
            )
        except Exception as error:
            logger.exception("Building %s failed", pack)
            pack.state, pack.error = SubmissionPack.State.FAILED, str(error)[:2000]
            pack.save(update_fields=["state", "error"])
            continue
        pack.file.save(pack.filename, ContentFile(pdf), save=False)
        pack.sha256 = hashlib.sha256(pdf).hexdigest()
        pack.pack_id = pack_source(
            application.snapshot.content,
            application_id=application.pk,
            anonymised=pack.variant == SubmissionPack.Variant.ANONYMISED,
        ).pack_id
        pack.size, pack.pages, pack.built_at = len(pdf), pages, timezone.now()
        pack.state, pack.progress = SubmissionPack.State.DONE, 100
        pack.save()
