from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import coder_required, recruiter_required
from accounts.security import get_or_404, log_event
from applications.forms import DraftForm, VacancyForm
from applications.models import (
    Application,
    Statement,
    SubmissionPack,
    SubmissionRefused,
    Vacancy,
    VacancyClosed,
    WithdrawalRefused,
)
from portfolio import metrics
from portfolio.models import Evidence
from portfolio.uploads import file_response
from portfolio.views import url_for_each
from specifications import coverage
from specifications.models import ROUTE_NAMES, Criterion

# --- Coders -------------------------------------------------------------------


def get_application_for_user(request: HttpRequest, pk: int) -> Application:
    """The signed-in coder's own application; 404 for anyone else's."""
    own = Application.objects.select_related(
        "vacancy__specification", "vacancy__organisation"
    ).filter(applicant=request.user)
    return get_or_404(request, own, pk=pk)


def get_pack_for_user(request: HttpRequest, pk: int) -> SubmissionPack:
    """A pack of the signed-in coder's own application; 404 for anyone else's."""
    own = SubmissionPack.objects.select_related("application__vacancy").filter(
        application__applicant=request.user
    )
    return get_or_404(request, own, pk=pk)


def get_vacancy_for_user(request: HttpRequest, pk: int) -> Vacancy:
    """A vacancy the signed-in user may see: any, for a coder (to apply to); their
    organisation's own, for a recruiter. 404 otherwise."""
    vacancies = Vacancy.objects.select_related("organisation", "specification")
    if request.user.is_recruiter:
        vacancies = vacancies.filter(organisation=request.user.organisation)
    return get_or_404(request, vacancies, pk=pk)


@coder_required
def coder_home(request: HttpRequest) -> HttpResponse:
    """The coder's applications, and the vacancies open to apply to."""
    applications = Application.objects.filter(applicant=request.user).select_related(
        "vacancy__organisation"
    )
    applied = {a.vacancy_id for a in applications}
    vacancies = Vacancy.objects.filter(
        closing_date__gte=timezone.localdate()
    ).select_related("organisation")
    return render(
        request,
        "applications/coder_home.html",
        {"applications": applications, "vacancies": vacancies, "applied": applied},
    )


@login_required
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A vacancy as its advert gives it, with its person specification: what a
    coder reads before applying (and a recruiter of its organisation, to see what
    coders see)."""
    vacancy = get_vacancy_for_user(request, pk)
    criteria = list(vacancy.specification.criteria.all())
    categories = [
        {
            "label": label,
            "rows": [c for c in criteria if c.category == category],
        }
        for category, label in Criterion.Category.choices
    ]
    application = None
    if request.user.is_coder:
        application = Application.objects.filter(
            vacancy=vacancy, applicant=request.user
        ).first()
    return render(
        request,
        "applications/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "categories": [c for c in categories if c["rows"]],
            "routes": Criterion.Route,
            "has_routes": any(c.route for c in criteria),
            "application": application,
        },
    )


@coder_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_vacancy_for_user(request, pk)
    try:
        application, created = Application.objects.start(vacancy, request.user)
    except VacancyClosed:
        messages.error(request, "This vacancy has closed.")
        return redirect("applications:coder_home")
    if created:
        messages.success(request, "Your draft application has been started.")
    return redirect(application)


@coder_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request, pk)
    if not application.is_draft:
        return redirect("applications:packs", application.pk)
    spec = application.vacancy.specification
    criteria = list(spec.criteria.all())
    form = DraftForm(
        request.POST if request.method == "POST" else None,
        application=application,
        criteria=criteria,
    )
    if request.method == "POST":
        form.is_valid()
        failed = form.save_valid()
        if not failed:
            messages.success(request, "Your draft has been saved.")
            if "check" in request.POST:
                return redirect("applications:submit", application.pk)
            return redirect("applications:draft", application.pk)
    facts = metrics.PortfolioFacts(request.user, timezone.localdate())
    report = coverage.coverage(spec, facts, application.route)
    by_criterion = {row.criterion.pk: row for row in report.rows}
    # As saved (after a POST, perhaps in part): what the statuses are of.
    statements, chosen = application.evidence_by_criterion(criteria)
    counted = {
        item["pk"]: item
        for item in Evidence.objects.filter(
            owner=request.user,
            pk__in={
                pk
                for row in report.rows
                if row.rule_result
                for pk in row.rule_result.counted
            },
        ).values("pk", "title", "date")
    }
    evidence_url = url_for_each("portfolio:evidence_detail")
    for row in form.rows:
        portfolio = by_criterion[row["criterion"].pk]
        statement = statements.get(portfolio.criterion.pk)
        row["coverage"] = portfolio
        row["status"] = coverage.criterion_status(
            rule_result=portfolio.rule_result,
            mapped_items=[link.evidence for link in portfolio.links],
            chosen_items=chosen[portfolio.criterion.pk],
            statement_text=statement.text if statement else "",
        )
        row["counted"] = [
            counted[pk] | {"url": evidence_url(pk)}
            for pk in (portfolio.rule_result.counted if portfolio.rule_result else ())
            if pk in counted
        ]
        row["open"] = bool(row["text"].errors or row["evidence"].errors)
    not_applicable = [row for row in form.rows if not row["coverage"].applies]
    return render(
        request,
        "applications/draft.html",
        {
            "application": application,
            "form": form,
            "applicable": [row for row in form.rows if row["coverage"].applies],
            "not_applicable": not_applicable,
            "not_applicable_open": any(row["open"] for row in not_applicable),
            "route_name": ROUTE_NAMES.get(application.route, ""),
            "report": report,
            "route": coverage.route_check(report, facts),
            "problems": application.submission_problems(timezone.localdate()),
            "word_limit": Statement.WORD_LIMIT,
        },
    )


@coder_required
def submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request, pk)
    if request.method == "POST":
        try:
            application.submit()
        except SubmissionRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                "Your application has been submitted. It can no longer change.",
            )
            return redirect("applications:packs", application.pk)
    else:
        problems = application.submission_problems(timezone.localdate())
    return render(
        request,
        "applications/submit.html",
        {"application": application, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@coder_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request, pk)
    try:
        application.withdraw()
    except WithdrawalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Your application has been withdrawn.")
    return redirect("applications:packs", application.pk)


@coder_required
def packs(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted application: its packs' progress and downloads."""
    application = get_application_for_user(request, pk)
    if application.is_draft:
        return redirect(application)
    all_packs = list(application.packs.all())
    return render(
        request,
        "applications/packs.html",
        {
            "application": application,
            "packs": all_packs,
            "building": any(pack.is_in_progress for pack in all_packs),
            "snapshot": getattr(application, "snapshot", None),
        },
    )


@coder_required
def pack_download(request: HttpRequest, pk: int) -> FileResponse:
    pack = get_pack_for_user(request, pk)
    if pack.state != SubmissionPack.State.DONE:
        raise Http404
    log_event(
        "pack_downloaded",
        request,
        pack=pack.pk,
        variant=pack.variant,
        application=pack.application_id,
        vacancy=pack.application.vacancy_id,
    )
    return file_response(
        pack.file.open("rb"), filename=pack.filename, content_type="application/pdf"
    )


# --- Recruiters ----------------------------------------------------------------


def get_vacancy_for_recruiter(request: HttpRequest, pk: int) -> Vacancy:
    """A vacancy of the signed-in recruiter's organisation, to change; 404 for any
    other, and for anyone not a recruiter."""
    if not request.user.is_recruiter:
        raise Http404  # a coder may belong to an organisation too
    own = Vacancy.objects.filter(organisation=request.user.organisation)
    return get_or_404(request, own, pk=pk)


@recruiter_required
def recruiter_home(request: HttpRequest) -> HttpResponse:
    """A recruiter's home page: their organisation's vacancies."""
    vacancies = Vacancy.objects.filter(
        organisation=request.user.organisation
    ).select_related("specification")
    return render(
        request,
        "applications/recruiter_home.html",
        {"organisation": request.user.organisation, "vacancies": vacancies},
    )


@recruiter_required
def vacancy_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    vacancy = get_vacancy_for_recruiter(request, pk) if pk is not None else None
    form = VacancyForm(
        request.POST or None, instance=vacancy, organisation=request.user.organisation
    )
    if form.is_valid():
        form.save()
        messages.success(request, "The vacancy has been saved.")
        return redirect("applications:recruiter_home")
    return render(
        request, "applications/vacancy_form.html", {"form": form, "vacancy": vacancy}
    )
