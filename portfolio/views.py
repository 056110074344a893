from functools import cached_property

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.decorators import coder_required
from portfolio import charts, metrics
from portfolio.forms import KIND_FORMS, AttachmentForm, EmploymentForm
from portfolio.models import Attachment, Employment, Evidence, Specialty
from portfolio.signals import portfolio_change
from portfolio.widgets import DateInput

PAGE_SIZE = 20

KIND_DESCRIPTIONS = {
    Evidence.Kind.AUDIT: "An audit of your coding on the four national measures.",
    Evidence.Kind.SPECIALTY: "A specialty you have coded, over a period.",
    Evidence.Kind.COMPLEX_CASE: "An anonymised complex or mortality case you coded.",
    Evidence.Kind.CONTRIBUTION: "Mentoring, audit, data quality, service improvement, "
    "training or documentation improvement work.",
    Evidence.Kind.CPD: "Training and continuing professional development, such as the "
    "Standards Refresher.",
    Evidence.Kind.QUALIFICATION: "NCCQ (ACC) and other qualifications.",
    Evidence.Kind.CLINICAL_QUERY: "A query you raised about unclear documentation, and "
    "how it was resolved.",
    Evidence.Kind.PRODUCTIVITY: "Episodes coded against target over a period.",
}


def get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """The item, as its own kind, if the signed-in coder owns it; 404 otherwise."""
    item = get_object_or_404(Evidence.objects.with_details(), pk=pk, owner=request.user)
    return item.details


class DashboardFigures:
    """The dashboard's figures, each worked out when the template first asks for
    it: a page served from the cache asks for none."""

    def __init__(self, user, today) -> None:
        self.user = user
        self.today = today

    @cached_property
    def audits(self) -> list[dict]:
        return metrics.audit_rows(self.user)

    @cached_property
    def accuracy(self) -> metrics.Accuracy:
        # From the rows the trend reads too: one query for both.
        return metrics.accuracy_of(
            self.audits, since=metrics.months_before(self.today, 12)
        )

    @cached_property
    def trend(self) -> list[dict]:
        return metrics.trend_of(self.audits)

    @cached_property
    def trend_chart(self) -> str | None:
        if not self.trend:
            return None
        return charts.data_uri(charts.accuracy_trend_svg(self.trend))

    @cached_property
    def specialties(self) -> list[Specialty]:
        return metrics.specialties_covered(self.user)

    @cached_property
    def specialty_chart(self) -> str | None:
        if not self.specialties:
            return None
        return charts.data_uri(charts.specialty_breadth_svg(self.specialties))

    @cached_property
    def years(self):
        return metrics.years_of_experience(self.user, self.today)

    @cached_property
    def counts(self) -> list[dict]:
        return metrics.counts_by_kind(self.user)

    @cached_property
    def total_items(self) -> int:
        return sum(row["count"] for row in self.counts)

    @cached_property
    def last_refresher(self):
        return metrics.last_standards_refresher(self.user)

    @cached_property
    def refresher_warning(self) -> str | None:
        return metrics.refresher_warning(self.last_refresher, self.today)


@coder_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "figures": DashboardFigures(request.user, today),
            "today": today,
            "cache_seconds": settings.CACHE_FRAGMENT_SECONDS,
        },
    )


class EvidenceFilterForm(forms.Form):
    SORTS = [("newest", "Newest first"), ("oldest", "Oldest first")]

    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "All kinds"), *Evidence.Kind.choices],
        required=False,
    )
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.none(),
        required=False,
        empty_label="All specialties",
        to_field_name="code",
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the specialties the coder has evidence in: a handful, not 180.
        self.fields["specialty"].queryset = (
            Specialty.objects.filter(evidence__owner=owner).distinct().order_by("name")
        )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("date_from")
            and data.get("date_to")
            and data["date_to"] < data["date_from"]
        ):
            self.add_error(
                "date_to", "The end of the range must not be before its start."
            )
        return data


@coder_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)
    form = EvidenceFilterForm(query or None, owner=request.user)
    items = Evidence.objects.for_owner(request.user)
    data = {}
    if form.is_bound:
        form.is_valid()
        # Valid filters apply even when another has an error: cleaned_data keeps
        # the fields that passed.
        data = form.cleaned_data
    if data.get("kind"):
        items = items.of_kind(data["kind"])
    if data.get("specialty"):
        items = items.filter(specialties=data["specialty"])
    if data.get("date_from"):
        items = items.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        items = items.filter(date__lte=data["date_to"])
    if data.get("sort") == "oldest":
        items = items.order_by("date", "id")
    paginator = Paginator(items.prefetch_related("specialties"), PAGE_SIZE)
    return render(
        request,
        "portfolio/evidence_list.html",
        {
            "form": form,
            # Counted and read only when the page is not served from the cache.
            "page": SimpleLazyObject(
                lambda: paginator.get_page(request.GET.get("page"))
            ),
            "query": query.urlencode(),
            "filtered": bool(query),
            "cache_seconds": settings.CACHE_FRAGMENT_SECONDS,
        },
    )


@coder_required
def evidence_choose_kind(request: HttpRequest) -> HttpResponse:
    kinds = [
        {"value": value, "label": label, "description": KIND_DESCRIPTIONS[value]}
        for value, label in Evidence.Kind.choices
    ]
    return render(request, "portfolio/evidence_choose_kind.html", {"kinds": kinds})


@coder_required
def evidence_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KIND_FORMS:
        raise Http404
    form = KIND_FORMS[kind](request.POST or None, owner=request.user)
    if form.is_valid():
        with portfolio_change():
            item = form.save()
        messages.success(request, f"{item.get_kind_display()} added.")
        for warning in form.warnings:
            messages.warning(request, warning)
        return redirect(item)
    return render(
        request,
        "portfolio/evidence_form.html",
        {"form": form, "kind_label": Evidence.Kind(kind).label, "item": None},
    )


@coder_required
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    return render(
        request,
        "portfolio/evidence_detail.html",
        {
            "item": item,
            "attachments": item.attachments.all(),
        },
    )


@coder_required
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    form = KIND_FORMS[item.kind](request.POST or None, instance=item)
    if form.is_valid():
        with portfolio_change():
            item = form.save()
        messages.success(request, "Your changes have been saved.")
        for warning in form.warnings:
            messages.warning(request, warning)
        return redirect(item)
    return render(
        request,
        "portfolio/evidence_form.html",
        {"form": form, "kind_label": item.get_kind_display(), "item": item},
    )


@coder_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    if request.method == "POST":
        with portfolio_change():
            item.delete()
        messages.success(request, f"“{item.title}” has been deleted.")
        return redirect("portfolio:evidence_list")
    return render(request, "portfolio/evidence_confirm_delete.html", {"item": item})


@coder_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None, evidence=item)
    if form.is_valid():
        with portfolio_change():
            form.save()
        messages.success(request, "The file has been attached.")
        return redirect(item)
    return render(
        request, "portfolio/attachment_form.html", {"form": form, "item": item}
    )


def get_attachment_for_user(request: HttpRequest, pk: int) -> Attachment:
    """A file attached to the signed-in coder's own evidence; 404 otherwise."""
    return get_object_or_404(
        Attachment.objects.select_related("evidence"),
        pk=pk,
        evidence__owner=request.user,
    )


@coder_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{attachment.name}.{attachment.extension}",
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@coder_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request, pk)
    item = attachment.evidence
    if request.method == "POST":
        with portfolio_change():
            attachment.delete()
        messages.success(request, f"“{attachment.name}” has been removed.")
        return redirect(item)
    return render(
        request,
        "portfolio/attachment_confirm_delete.html",
        {"attachment": attachment, "item": item},
    )


@coder_required
def employment_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "portfolio/employment_list.html",
        {
            "posts": Employment.objects.filter(owner=request.user),
            "years": metrics.years_of_experience(request.user, today),
        },
    )


def get_employment_for_user(request: HttpRequest, pk: int) -> Employment:
    """A post in the signed-in coder's own employment history; 404 otherwise."""
    return get_object_or_404(Employment, pk=pk, owner=request.user)


@coder_required
def employment_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    post = get_employment_for_user(request, pk) if pk is not None else None
    form = EmploymentForm(request.POST or None, instance=post, owner=request.user)
    if form.is_valid():
        with portfolio_change():
            form.save()
        messages.success(request, "Your employment history has been saved.")
        return redirect("portfolio:employment_list")
    return render(
        request, "portfolio/employment_form.html", {"form": form, "post": post}
    )


@coder_required
def employment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_employment_for_user(request, pk)
    if request.method == "POST":
        post.delete()
        messages.success(request, f"“{post}” has been removed.")
        return redirect("portfolio:employment_list")
    return render(request, "portfolio/employment_confirm_delete.html", {"post": post})
