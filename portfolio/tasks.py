"""Long work, run as Django tasks: importing a large portfolio file."""

import logging

from django.tasks import task
from django.utils import timezone

from portfolio.models import PortfolioImport
from portfolio.portability import PortfolioImportError, import_portfolio, loads

logger = logging.getLogger(__name__)

# Progress is written at most this often (in percent), not once an item.
PROGRESS_STEP = 5
BROKEN = (
    "The file could not be imported because of a fault on our side; nothing was "
    "imported. Try again later."
)


@task
def run_import(import_id: int) -> None:
    """Import the stored file into its owner's portfolio, all or nothing, keeping
    the progress and the result on the PortfolioImport; then delete the file."""
    job = PortfolioImport.objects.select_related("owner").get(pk=import_id)
    if not job.is_in_progress:
        return  # run already (a task may be delivered twice)
    job.state, job.progress = PortfolioImport.State.RUNNING, 0
    job.save(update_fields=["state", "progress"])

    def progress(done: int, total: int) -> None:
        percent = done * 100 // total
        if percent - job.progress >= PROGRESS_STEP and done < total:
            job.progress = percent
            PortfolioImport.objects.filter(pk=job.pk).update(progress=percent)

    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        summary = import_portfolio(loads(content), job.owner, progress)
    except PortfolioImportError as error:
        job.state, job.problems = PortfolioImport.State.FAILED, error.problems
    except Exception:
        logger.exception("Importing %s failed", job)
        job.state, job.problems = PortfolioImport.State.FAILED, [BROKEN]
    else:
        job.state, job.progress = PortfolioImport.State.DONE, 100
        job.evidence = summary.evidence
        job.employment = summary.employment
        job.attachments = summary.attachments
    job.finished_at = timezone.now()
    # The file is a copy of a portfolio: kept no longer than the work needs it.
    job.file.delete(save=False)
    job.save()
