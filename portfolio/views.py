import datetime
from collections.abc import Callable
from html import escape

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.decorators import coder_required
from accounts.security import get_or_404
from portfolio import charts, metrics, verification
from portfolio.forms import KIND_FORMS, AttachmentForm, EmploymentForm
from portfolio.models import (
    Attachment,
    Employment,
    Evidence,
    Specialty,
    VerificationRequest,
)
from portfolio.uploads import file_response
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
    owned = Evidence.objects.with_details().filter(owner=request.user)
    item = get_or_404(request, owned, pk=pk)
    return item.details


def url_for_each(viewname: str, *args: object) -> Callable[[object], str]:
    """The URL of `viewname` for any id given last, from one reverse(): for the
    rows of a table, where a reverse() per row costs more than the rest of it."""
    marker = "2147483647"  # a number, for <int:...> paths; the last one is the id
    before, after = reverse(viewname, args=[*args, marker]).rsplit(marker, 1)
    return lambda pk: f"{before}{pk}{after}"


def _day(day: datetime.date) -> str:
    """A date as the pages show it, e.g. 1 Jun 2026 (the date filter's "j M Y")."""
    return f"{day.day} {day:%b %Y}"


@coder_required
def dashboard(request: HttpRequest) -> HttpResponse:
    facts = metrics.PortfolioFacts(request.user, timezone.localdate())
    threshold = metrics.ACCURACY_THRESHOLD
    trend_chart = specialty_chart = None
    if facts.trend:
        trend_chart = {
            "uri": charts.data_uri(charts.accuracy_trend_svg(facts.trend, threshold)),
            "alt": charts.accuracy_trend_alt(facts.trend, threshold),
        }
    if facts.specialties:
        specialty_chart = {
            "uri": charts.data_uri(charts.specialty_breadth_svg(facts.specialties)),
            "alt": charts.specialty_breadth_alt(facts.specialties),
        }
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "facts": facts,
            # Dates written here: Django's date filter costs more than the row.
            "trend": [{**row, "day": _day(row["date"])} for row in facts.trend],
            "accuracy": facts.accuracy(metrics.ACCURACY_WINDOW_MONTHS),
            "window_months": metrics.ACCURACY_WINDOW_MONTHS,
            "threshold": threshold,
            "trend_chart": trend_chart,
            "specialty_chart": specialty_chart,
        },
    )


class EvidenceFilterForm(forms.Form):
    """The evidence list's filters. Drawn by `portfolio/_evidence_filter.html` in
    plain markup (the crispy pack's, without its template per field and option:
    the specialty select alone has over a hundred options)."""

    SORTS = [("newest", "Newest first"), ("oldest", "Oldest first")]

    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "All kinds"), *Evidence.Kind.choices],
        required=False,
    )
    specialty = forms.ChoiceField(label="Specialty", required=False)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every specialty of the reference table, by code: one small query, the
        # same for every coder (no look through their items).
        self.fields["specialty"].choices = [
            ("", "All specialties"),
            *Specialty.objects.order_by("name").values_list("code", "name"),
        ]

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

    @property
    def rows(self) -> list[tuple[forms.BoundField, str | None]]:
        """Each field with its select's <option>s (None for a date), the chosen
        one selected: built here, not by a template node per option."""
        return [(field, self._options(field)) for field in self]

    def _options(self, field: forms.BoundField) -> str | None:
        if not isinstance(field.field, forms.ChoiceField):
            return None
        value = field.value()
        chosen = "" if value is None else str(value)
        # The standard library's escape, as Django's own does inside, without the
        # lazy-string check per call that costs more than the option.
        return mark_safe(  # noqa: S308 - every value is escaped here
            "\n".join(
                f'<option value="{escape(str(key))}"'
                f"{' selected' if str(key) == chosen else ''}>"
                f"{escape(str(label))}</option>"
                for key, label in field.field.choices
            )
        )


@coder_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)
    form = EvidenceFilterForm(query or None)
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
        items = items.filter(specialties__code=data["specialty"])
    if data.get("date_from"):
        items = items.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        items = items.filter(date__lte=data["date_to"])
    if data.get("sort") == "oldest":
        items = items.order_by("date", "id")
    fields = ("pk", "kind", "title", "date", "end_date", "verification")
    page = Paginator(items.values(*fields), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolio/evidence_list.html",
        {
            "form": form,
            "page": page,
            "rows": _list_rows(page.object_list),
            "query": query.urlencode(),
            "filtered": bool(query),
        },
    )


def _list_rows(items: list[dict]) -> list[dict]:
    """The page's items as the table shows them: dates, kind label, detail URL and
    specialties' names worked out here, the names in one query for the page."""
    names: dict[int, list[str]] = {item["pk"]: [] for item in items}
    tagged = (
        Evidence.specialties.through.objects.filter(evidence_id__in=names)
        .order_by("specialty__name")
        .values_list("evidence_id", "specialty__name")
    )
    for evidence_id, name in tagged:
        names[evidence_id].append(name)
    labels = dict(Evidence.Kind.choices)
    url = url_for_each("portfolio:evidence_detail")
    return [
        {
            **item,
            "url": url(item["pk"]),
            "kind_label": labels[item["kind"]],
            "dates": _day(item["date"])
            + (f" to {_day(item['end_date'])}" if item["end_date"] else ""),
            "specialties": ", ".join(names[item["pk"]]) or "-",
        }
        for item in items
    ]


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
        with transaction.atomic():  # the item, its own row and its tags
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
    # Every request for the item, newest first: its history, for the coder only.
    requests = list(item.verification_requests.all())
    return render(
        request,
        "portfolio/evidence_detail.html",
        {
            "item": item,
            "attachments": item.attachments.all(),
            "verified_by": next(
                (r for r in requests if r.pk == item.verified_by_id), None
            ),
            "requests": requests,
            "open_requests": sum(r.is_open for r in requests),
        },
    )


def _tell_if_voided(
    request: HttpRequest, item: Evidence, voided: list[VerificationRequest]
) -> None:
    if voided:
        messages.warning(request, verification.void_message(item, voided))


@coder_required
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    form = KIND_FORMS[item.kind](request.POST or None, instance=item)
    if form.is_valid():
        with transaction.atomic():  # the item, its own row and its tags
            item = form.save()
            voided = verification.void_if_changed(
                item, VerificationRequest.VoidReason.EDITED
            )
        messages.success(request, "Your changes have been saved.")
        _tell_if_voided(request, item, voided)
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
        item.delete()
        messages.success(request, f"“{item.title}” has been deleted.")
        return redirect("portfolio:evidence_list")
    return render(request, "portfolio/evidence_confirm_delete.html", {"item": item})


@coder_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None, evidence=item)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            voided = verification.void_if_changed(
                item, VerificationRequest.VoidReason.ATTACHMENT_ADDED
            )
        messages.success(request, "The file has been attached.")
        _tell_if_voided(request, item, voided)
        return redirect(item)
    return render(
        request, "portfolio/attachment_form.html", {"form": form, "item": item}
    )


def get_attachment_for_user(request: HttpRequest, pk: int) -> Attachment:
    """A file attached to the signed-in coder's own evidence; 404 otherwise."""
    owned = Attachment.objects.select_related("evidence").filter(
        evidence__owner=request.user
    )
    return get_or_404(request, owned, pk=pk)


@coder_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request, pk)
    return file_response(
        attachment.file.open("rb"),
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


@coder_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request, pk)
    item = attachment.evidence
    if request.method == "POST":
        with transaction.atomic():
            attachment.delete()
            voided = verification.void_if_changed(
                item, VerificationRequest.VoidReason.ATTACHMENT_REMOVED
            )
        messages.success(request, f"“{attachment.name}” has been removed.")
        _tell_if_voided(request, item, voided)
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
    return get_or_404(request, Employment.objects.filter(owner=request.user), pk=pk)


@coder_required
def employment_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    post = get_employment_for_user(request, pk) if pk is not None else None
    form = EmploymentForm(request.POST or None, instance=post, owner=request.user)
    if form.is_valid():
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
