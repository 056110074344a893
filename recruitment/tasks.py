"""Long work for the review, run as Django tasks: the zip of a vacancy's packs."""

import logging

from django.tasks import task
from django.utils import timezone

from recruitment.exports import write_zip
from recruitment.models import PackZip

logger = logging.getLogger(__name__)

# Progress is written at most this often (in percent), not once a pack.
PROGRESS_STEP = 5


@task
def build_zip(zip_id: int) -> None:
    """Build the zip of every ready anonymised pack of the vacancy."""
    bundle = PackZip.objects.select_related("vacancy").get(pk=zip_id)
    bundle.state, bundle.progress, bundle.error = PackZip.State.BUILDING, 0, ""
    bundle.save(update_fields=["state", "progress", "error"])

    def progress(done: int, total: int) -> None:
        percent = done * 100 // total
        if percent - bundle.progress >= PROGRESS_STEP and done < total:
            bundle.progress = percent
            PackZip.objects.filter(pk=bundle.pk).update(progress=percent)

    try:
        write_zip(bundle, progress)
    except Exception as error:
        logger.exception("Building %s failed", bundle)
        bundle.state, bundle.error = PackZip.State.FAILED, str(error)[:2000]
        bundle.save(update_fields=["state", "error"])
        return
    bundle.state, bundle.progress, bundle.built_at = (
        PackZip.State.DONE,
        100,
        timezone.now(),
    )
    bundle.save()
