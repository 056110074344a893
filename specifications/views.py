"""Person specifications: coders map evidence and see coverage; recruiters keep their
organisation's specs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.decorators import coder_required, recruiter_required
from accounts.security import get_or_404
from portfolio import metrics
from portfolio.views import get_evidence_for_user, url_for_each
from specifications import coverage, specs
from specifications.forms import (
    CriterionFormSet,
    LinkFromCriterionForm,
    LinkFromEvidenceForm,
    SpecificationForm,
    SpecUploadForm,
)
from specifications.models import Criterion, EvidenceLink, PersonSpecification


def specs_for_user(user) -> QuerySet[PersonSpecification]:
    """The specs a user may read: every one, for a coder (to map against); their
    organisation's own, for a recruiter."""
    specifications = PersonSpecification.objects.select_related("organisation")
    if user.is_recruiter:
        specifications = specifications.filter(organisation=user.organisation)
    return specifications


def get_spec_for_user(request: HttpRequest, slug: str) -> PersonSpecification:
    """A spec the signed-in user may read (see specs_for_user); 404 otherwise."""
    return get_or_404(request, specs_for_user(request.user), slug=slug)


def get_spec_for_recruiter(request: HttpRequest, slug: str) -> PersonSpecification:
    """A spec of the signed-in recruiter's organisation, to change; 404 for any
    other, and for anyone not a recruiter."""
    if not request.user.is_recruiter:
        raise Http404  # a coder may belong to an organisation too
    own = PersonSpecification.objects.filter(organisation=request.user.organisation)
    return get_or_404(request, own, slug=slug)


def get_criterion_for_user(request: HttpRequest, slug: str, pk: int) -> Criterion:
    """A criterion of a spec the signed-in user may read; 404 otherwise."""
    spec = get_spec_for_user(request, slug)
    # Fetched through the spec: `criterion.specification` is `spec`, no query.
    return get_or_404(request, spec.criteria, pk=pk)


def get_link_for_user(request: HttpRequest, pk: int) -> EvidenceLink:
    """A mapping of the signed-in coder's own evidence; 404 for anyone else's."""
    owned = EvidenceLink.objects.select_related("criterion__specification").filter(
        evidence__owner=request.user
    )
    return get_or_404(request, owned, pk=pk)


@login_required
def spec_list(request: HttpRequest) -> HttpResponse:
    """Coders see every spec, to map against; recruiters see their organisation's."""
    return render(
        request,
        "specifications/spec_list.html",
        {"specifications": specs_for_user(request.user)},
    )


@coder_required
def spec_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    """The coverage matrix of a spec for the signed-in coder, with gaps and route."""
    spec = get_spec_for_user(request, slug)
    facts = metrics.PortfolioFacts(request.user, timezone.localdate())
    report = coverage.coverage(spec, facts)
    # Each row's URLs, from one reverse() a kind for the whole page: a reverse()
    # per row cost more than the rest of the row.
    evidence_url = url_for_each("portfolio:evidence_detail")
    remove_url = url_for_each("specs:link_delete")
    add_url = url_for_each("specs:add_evidence", spec.slug)
    for row in report.rows:
        row.add_url = add_url(row.criterion.pk)
        for link in row.links:
            link.evidence_url = evidence_url(link.evidence_id)
            link.remove_url = remove_url(link.pk)
    return render(
        request,
        "specifications/spec_matrix.html",
        {
            "spec": spec,
            "report": report,
            "route": coverage.route_check(report, facts),
            "has_routes": any(row.criterion.route for row in report.rows),
            # For the key to the route tags.
            "acc_example": Criterion(route=Criterion.Route.ACC),
            "portfolio_example": Criterion(route=Criterion.Route.PORTFOLIO),
        },
    )


@coder_required
def map_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Map one of the coder's items to criteria of a chosen spec."""
    item = get_evidence_for_user(request, pk)
    specifications = PersonSpecification.objects.select_related("organisation")
    spec = None
    slug = request.POST.get("spec") or request.GET.get("spec")
    if slug:
        spec = get_spec_for_user(request, slug)
    elif len(specifications) == 1:
        spec = specifications[0]
    form = None
    if spec:
        form = LinkFromEvidenceForm(request.POST or None, evidence=item, spec=spec)
        if request.method == "POST" and form.is_valid():
            link = form.save()
            messages.success(request, f"Mapped to “{link.criterion.text}”.")
            return redirect(
                f"{reverse('specs:map_evidence', args=[item.pk])}?spec={spec.slug}"
            )
    links = item.links.select_related("criterion__specification")
    return render(
        request,
        "specifications/map_evidence.html",
        {
            "item": item,
            "spec": spec,
            "specifications": specifications,
            "form": form,
            "links": links,
        },
    )


@coder_required
def add_evidence_to_criterion(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    criterion = get_criterion_for_user(request, slug, pk)
    form = LinkFromCriterionForm(
        request.POST or None, criterion=criterion, owner=request.user
    )
    if form.is_valid():
        link = form.save()
        messages.success(request, f"“{link.evidence.title}” added to this criterion.")
        return redirect(
            reverse("specs:matrix", args=[slug]) + f"#criterion-{criterion.pk}"
        )
    return render(
        request,
        "specifications/add_evidence_to_criterion.html",
        {"criterion": criterion, "spec": criterion.specification, "form": form},
    )


@coder_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_user(request, pk)
    link.delete()
    messages.success(request, "The evidence is no longer mapped to that criterion.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("specs:matrix", link.criterion.specification.slug)


@recruiter_required
def spec_detail(request: HttpRequest, slug: str) -> HttpResponse:
    spec = get_spec_for_recruiter(request, slug)
    return render(
        request,
        "specifications/spec_detail.html",
        {"spec": spec, "criteria": spec.criteria.all()},
    )


@recruiter_required
def spec_create(request: HttpRequest) -> HttpResponse:
    form = SpecificationForm(
        request.POST or None, organisation=request.user.organisation
    )
    if form.is_valid():
        spec = form.save(commit=False)
        spec.slug = specs.unique_slug(f"{spec.title} v1")
        spec.save()
        messages.success(request, "Specification created. Now add its criteria.")
        return redirect("specs:edit", spec.slug)
    return render(
        request, "specifications/spec_form.html", {"form": form, "spec": None}
    )


@recruiter_required
def spec_edit(request: HttpRequest, slug: str) -> HttpResponse:
    spec = get_spec_for_recruiter(request, slug)
    if spec.is_locked:
        messages.error(
            request,
            "This version is used by a submitted application, so it cannot change. "
            "Copy it to a new version to make changes.",
        )
        return redirect("specs:detail", spec.slug)
    form = SpecificationForm(
        request.POST or None, instance=spec, organisation=request.user.organisation
    )
    formset = CriterionFormSet(request.POST or None, instance=spec, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                form.save()
                formset.save()
        except ProtectedError:
            # Nothing was saved; the page shows what was typed, and why.
            messages.error(
                request,
                "A criterion you removed has statements in draft applications: keep "
                "it, or copy the specification to a new version. Nothing was saved.",
            )
        else:
            messages.success(request, "The specification has been saved.")
            return redirect("specs:detail", spec.slug)
    return render(
        request,
        "specifications/spec_form.html",
        {"form": form, "formset": formset, "spec": spec},
    )


@recruiter_required
@require_POST
def spec_copy(request: HttpRequest, slug: str) -> HttpResponse:
    spec = get_spec_for_recruiter(request, slug)
    copy = specs.copy_to_new_version(spec)
    messages.success(
        request, f"Version {copy.version} created from version {spec.version}."
    )
    return redirect("specs:edit", copy.slug)


@login_required
def spec_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The spec as JSON: for coders, and for recruiters of its own organisation."""
    spec = get_spec_for_user(request, slug)
    response = HttpResponse(
        specs.dumps(specs.spec_to_dict(spec)), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{spec.slug}.json"'
    return response


@recruiter_required
def spec_import(request: HttpRequest) -> HttpResponse:
    form = SpecUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            spec = specs.import_spec(
                specs.loads(upload), organisation=request.user.organisation
            )
        except specs.SpecImportError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request, f"Imported “{spec}” with {spec.criteria.count()} criteria."
            )
            return redirect("specs:detail", spec.slug)
    return render(request, "specifications/spec_import.html", {"form": form})
