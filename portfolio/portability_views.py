"""Download the portfolio as JSON; upload such a file to add it to the portfolio."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import coder_required
from portfolio.portability import (
    MAX_IMPORT_BYTES,
    PortfolioImportError,
    dumps,
    export_portfolio,
    import_portfolio,
    loads,
)


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
        try:
            summary = import_portfolio(form.cleaned_data["document"], request.user)
        except PortfolioImportError as error:
            form.add_error("file", error.problems)
        else:
            messages.success(request, f"Imported {summary} into your portfolio.")
            return redirect("portfolio:evidence_list")
    return render(request, "portfolio/portfolio_import.html", {"form": form})
