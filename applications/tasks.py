"""Long work, run as Django tasks: building the PDF packs of a submission.

One task per pack, so that two workers build the full and the anonymised pack side by
side and the coder waits for one build, not two.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

from applications.models import SubmissionPack
from applications.pack import build_pdf, pack_source

logger = logging.getLogger(__name__)


@task
def build_pack(pack_id: int) -> None:
    """Build one pack from its application's snapshot, unless it is built already."""
    pack = (
        SubmissionPack.objects.select_related(
            "application__snapshot", "application__vacancy"
        )
        .filter(pk=pack_id)
        .first()
    )
    if pack is None:
        # Its application was deleted while the task waited (seed_demo rebuilds
        # the demo application): nothing to build.
        logger.info("Pack %s no longer exists; nothing to build", pack_id)
        return
    if pack.state == SubmissionPack.State.DONE:
        return
    application = pack.application
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
        return
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
