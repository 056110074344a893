"""Download the portfolio as JSON; upload such a file to add it to the portfolio.

A small file is imported while the coder waits; a large one (over
LARGE_IMPORT_BYTES) is stored and imported by a task (portfolio.tasks.run_import),
its page showing the progress and then the result.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import coder_required
from accounts.security import get_or_404
from portfolio.jsonfile import JSONFileError, check_size
from portfolio.models import PortfolioImport
from portfolio.portability import (
    LARGE_IMPORT_BYTES,
    MAX_IMPORT_BYTES,
    ImportSummary,
    PortfolioImportError,
    dumps,
    export_portfolio,
    import_portfolio,
    loads,
)
from portfolio.tasks import run_import


class PortfolioImportForm(forms.Form):
    file = forms.FileField(
        label="Portfolio file (.json)",
        help_text=(
            f"A file exported from Coderfolio, {MAX_IMPORT_BYTES // 1024 // 1024} MB "
            "at most."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size, MAX_IMPORT_BYTES)
        except JSONFileError as error:
            raise ValidationError(str(error)) from None
        if upload.size <= LARGE_IMPORT_BYTES:
            # Read now; a large file is read by the task.
            try:
                self.cleaned_data["document"] = loads(upload)
            except PortfolioImportError as error:
                raise ValidationError(str(error)) from None
        return upload


@coder_required
@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        dumps(export_portfolio(request.user)), content_type="application/json"
    )
    filename = f"coderfolio-portfolio-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@coder_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = PortfolioImportForm()
        return render(request, "portfolio/portfolio_import.html", {"form": form})
    # Bound even when the POST holds nothing but the file.
    form = PortfolioImportForm(request.POST, request.FILES)
    if form.is_valid():
        if "document" not in form.cleaned_data:
            return _import_later(request, form.cleaned_data["file"])
        try:
            summary = import_portfolio(form.cleaned_data["document"], request.user)
        except PortfolioImportError as error:
            form.add_error("file", error.problems)
        else:
            messages.success(request, f"Imported {summary} into your portfolio.")
            return redirect("portfolio:evidence_list")
    return render(request, "portfolio/portfolio_import.html", {"form": form})


def _import_later(request: HttpRequest, upload) -> HttpResponse:
    """Store a large file and queue its import; its page shows the progress."""
    with transaction.atomic():
        job = PortfolioImport(owner=request.user, size=upload.size)
        job.file.save("import.json", upload, save=False)
        job.save()
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return redirect(job)


def get_import_for_user(request: HttpRequest, pk: int) -> PortfolioImport:
    """An import the signed-in coder started; 404 for anyone else's."""
    own = PortfolioImport.objects.filter(owner=request.user)
    return get_or_404(request, own, pk=pk)


@coder_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A large import's progress (the page refreshes itself), then its result."""
    job = get_import_for_user(request, pk)
    summary = ImportSummary(
        evidence=job.evidence, employment=job.employment, attachments=job.attachments
    )
    return render(
        request,
        "portfolio/import_status.html",
        {"job": job, "summary": summary},
    )
