"""The recruiter's review of a vacancy: the dashboard, the longlist, the panel,
scoring, outcomes, finalising, downloads and the access log.

Until the lead finalises the shortlist every page and download shows candidate
numbers and the anonymised pack only; finalising reveals the names.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    F,
    FloatField,
    Sum,
)
from django.db.models.functions import Cast, NullIf
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import recruiter_required
from accounts.models import User
from accounts.security import get_or_404, log_event
from applications.models import (
    Application,
    OutcomeRefused,
    SubmissionPack,
    Vacancy,
)
from portfolio.views import url_for_each
from recruitment import exports
from recruitment.forms import OutcomeForm, PanelForm, ScoreForm
from recruitment.longlist import (
    ROUTE_LABELS,
    fill_longlist,
    longlist_entry,
    review_criteria,
    reviewable,
)
from recruitment.models import (
    AccessLog,
    LonglistEntry,
    PackZip,
    Panel,
    PanelMember,
    Score,
)
from recruitment.scoring import disagree, member_totals, panel_total
from recruitment.tasks import build_zip

PAGE_SIZE = 25
FINAL = "The shortlist is final: {} can no longer change."

# --- Finding things: each view starts with one of these (404 for anyone else) ----


def get_vacancy_for_user(request: HttpRequest, pk: int) -> Vacancy:
    """A vacancy of the signed-in recruiter's organisation, with its panel; 404 for
    any other, and for anyone not a recruiter."""
    if not request.user.is_recruiter:
        raise Http404
    own = Vacancy.objects.filter(organisation_id=request.user.organisation_id)
    return get_or_404(request, own.select_related("panel__lead"), pk=pk)


def get_vacancy_for_lead(request: HttpRequest, pk: int) -> Vacancy:
    """A vacancy whose panel the signed-in recruiter leads; 404 otherwise."""
    vacancy = get_vacancy_for_user(request, pk)
    panel = panel_of(vacancy)
    if panel is None or not panel.is_lead(request.user):
        raise Http404
    return vacancy


def get_application_for_user(request: HttpRequest, pk: int) -> Application:
    """A submitted (or withdrawn, or decided) application to a vacancy of the
    signed-in recruiter's organisation; 404 for a draft, for another organisation's
    and for anyone not a recruiter."""
    if not request.user.is_recruiter:
        raise Http404
    applications = Application.objects.select_related(
        "vacancy__panel", "snapshot", "applicant", "longlist_entry"
    )
    own = reviewable(applications).filter(
        vacancy__organisation_id=request.user.organisation_id
    )
    return get_or_404(request, own, pk=pk)


def get_application_for_lead(request: HttpRequest, pk: int) -> Application:
    """Such an application, to a vacancy whose panel the recruiter leads."""
    application = get_application_for_user(request, pk)
    panel = panel_of(application.vacancy)
    if panel is None or not panel.is_lead(request.user):
        raise Http404
    return application


def get_application_for_member(request: HttpRequest, pk: int) -> Application:
    """Such an application, to a vacancy on whose panel the recruiter sits."""
    application = get_application_for_user(request, pk)
    panel = panel_of(application.vacancy)
    if panel is None or not panel.members.filter(recruiter=request.user).exists():
        raise Http404
    return application


def get_zip_for_user(request: HttpRequest, pk: int) -> PackZip:
    """A zip of packs of a vacancy of the signed-in recruiter's organisation."""
    if not request.user.is_recruiter:
        raise Http404
    own = PackZip.objects.filter(vacancy__organisation_id=request.user.organisation_id)
    return get_or_404(request, own.select_related("vacancy__panel"), pk=pk)


def panel_of(vacancy: Vacancy) -> Panel | None:
    """The vacancy's panel, or None before anyone leads it."""
    return getattr(vacancy, "panel", None)


def is_revealed(vacancy: Vacancy) -> bool:
    """Whether the shortlist is final, and names may show."""
    panel = panel_of(vacancy)
    return panel is not None and panel.is_finalised


# --- The dashboard and the longlist ---------------------------------------------


@dataclass
class VacancyCounts:
    vacancy: Vacancy
    submitted: int = 0  # every application received, withdrawn ones included
    withdrawn: int = 0
    shortlisted: int = 0
    not_shortlisted: int = 0
    to_score: int = 0


def _still_to_score(vacancies: list[Vacancy]) -> dict[int, int]:
    """Per vacancy: applications awaiting an outcome that the panel has not fully
    scored (every member, every applicable criterion). Two queries."""
    panel_sizes = dict(
        PanelMember.objects.filter(panel__vacancy__in=vacancies)
        .values_list("panel__vacancy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting = (
        Application.objects.filter(
            vacancy__in=vacancies, status=Application.Status.SUBMITTED
        )
        .annotate(scored=Count("scores"))
        .values_list("vacancy_id", "scored", "longlist_entry__criteria_count")
    )
    counts: dict[int, int] = defaultdict(int)
    for vacancy_id, scored, criteria in waiting:
        size = panel_sizes.get(vacancy_id, 0)
        if not size or scored < (criteria or 0) * size:
            counts[vacancy_id] += 1
    return counts


@recruiter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organisation's vacancies, open and closed, with their applications
    counted."""
    vacancies = list(
        Vacancy.objects.filter(organisation=request.user.organisation)
        .select_related("panel__lead")
        .order_by("-closing_date", "title")
    )
    fill_longlist(v.pk for v in vacancies)
    by_id = {v.pk: VacancyCounts(v) for v in vacancies}
    statuses = (
        reviewable(Application.objects.filter(vacancy__in=vacancies))
        .values_list("vacancy_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for vacancy_id, status, n in statuses:
        counts = by_id[vacancy_id]
        counts.submitted += n
        if status == Application.Status.WITHDRAWN:
            counts.withdrawn += n
        elif status == Application.Status.SHORTLISTED:
            counts.shortlisted += n
        elif status == Application.Status.NOT_SHORTLISTED:
            counts.not_shortlisted += n
    for vacancy_id, n in _still_to_score(vacancies).items():
        by_id[vacancy_id].to_score = n
    rows = list(by_id.values())
    return render(
        request,
        "recruitment/dashboard.html",
        {
            "organisation": request.user.organisation,
            "open": [row for row in rows if row.vacancy.is_open],
            "closed": [row for row in rows if not row.vacancy.is_open],
        },
    )


SORTS = {
    "pile": ("Longlist pile", ["pile", "candidate_number"]),
    "route": ("Route", ["application__route", "pile", "candidate_number"]),
    "score": ("Panel total", [F("mean").desc(nulls_last=True), "candidate_number"]),
    "candidate": ("Candidate number", ["candidate_number"]),
}
PILE_KEYS = {
    "all": LonglistEntry.Pile.ALL,
    "some": LonglistEntry.Pile.SOME,
    "none": LonglistEntry.Pile.NONE,
}
# Application statuses as NHS tag colours (the one place they are chosen).
STATUS_TAGS = {
    Application.Status.SUBMITTED: "nhsuk-tag--blue",
    Application.Status.SHORTLISTED: "nhsuk-tag--green",
    Application.Status.NOT_SHORTLISTED: "nhsuk-tag--grey",
    Application.Status.WITHDRAWN: "nhsuk-tag--red",
}


def candidate_label(application: Application, revealed: bool) -> str:
    """Who an application is by, as recruiters see it: its candidate number until
    the shortlist is final, then the name too. The applicant is read only then."""
    if revealed:
        return f"{application.applicant.full_name} ({application.candidate_number})"
    return f"Candidate {application.candidate_number}"


class CountedPaginator(Paginator):
    """A paginator told its count: the longlist has counted its piles already, and
    counting again would cost another pass over every application."""

    def __init__(self, object_list, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _pile_counts(vacancy: Vacancy) -> dict[str, int]:
    """Applications under review in each pile, and those withdrawn. Two queries:
    the piles from the longlist's index alone, the withdrawn (few) apart."""
    by_pile = dict(
        LonglistEntry.objects.filter(vacancy=vacancy)
        .values_list("pile")
        # COUNT(*), not of a column: the count is then read from the index alone.
        .annotate(n=Count("*"))
        .order_by()
    )
    withdrawn = dict(
        Application.objects.filter(vacancy=vacancy, status=Application.Status.WITHDRAWN)
        .values_list("longlist_entry__pile")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {
        key: by_pile.get(pile, 0) - withdrawn.get(pile, 0)
        for key, pile in PILE_KEYS.items()
    }
    counts["withdrawn"] = sum(withdrawn.values())
    return counts


@recruiter_required
def longlist(request: HttpRequest, pk: int) -> HttpResponse:
    """A vacancy's applications under review in longlist piles, sortable, a page at
    a time; the withdrawn ones apart.

    Queries do not grow with the applications: the vacancy, the longlist filled
    (one more when new submissions arrived), the two counts, the page, its scores
    and the panel.
    """
    vacancy = get_vacancy_for_user(request, pk)
    panel = panel_of(vacancy)
    revealed = is_revealed(vacancy)
    fill_longlist([vacancy.pk])
    counts = _pile_counts(vacancy)
    under_review = sum(counts[key] for key in PILE_KEYS)

    entries = LonglistEntry.objects.filter(vacancy=vacancy)
    pile = request.GET.get("pile", "")
    if pile == "withdrawn":
        entries = entries.filter(application__status=Application.Status.WITHDRAWN)
        total = counts["withdrawn"]
    else:
        entries = entries.exclude(application__status=Application.Status.WITHDRAWN)
        if pile in PILE_KEYS:
            entries, total = entries.filter(pile=PILE_KEYS[pile]), counts[pile]
        else:
            pile, total = "", under_review
    sort = request.GET.get("sort", "pile")
    if sort not in SORTS:
        sort = "pile"
    if sort == "score":
        # The mean of the members' totals, the same figure as panel_total.
        entries = entries.annotate(
            mean=Cast(Sum("application__scores__score"), FloatField())
            / NullIf(Count("application__scores__member", distinct=True), 0)
        )
    related = ["application__applicant"] if revealed else ["application"]
    page = CountedPaginator(
        entries.select_related(*related).order_by(*SORTS[sort][1]), PAGE_SIZE, total
    ).get_page(request.GET.get("page"))
    totals = member_totals(
        Score.objects.filter(application__in=[e.application_id for e in page])
    )
    url = url_for_each("recruitment:application")
    rows = []
    for entry in page:
        application = entry.application
        scores = totals[application.pk]
        rows.append(
            {
                "entry": entry,
                "application": application,
                "url": url(application.pk),
                "label": candidate_label(application, revealed),
                "route": ROUTE_LABELS.get(application.route, ""),
                "tag": STATUS_TAGS.get(application.status, ""),
                "total": panel_total(scores.values()),
                "scorers": len(scores),
            }
        )

    members = list(panel.members.select_related("recruiter")) if panel else []
    query = "&".join(
        f"{key}={value}"
        for key, value in [("pile", pile), ("sort", sort)]
        if value and not (key == "sort" and value == "pile")
    )
    return render(
        request,
        "recruitment/longlist.html",
        {
            "vacancy": vacancy,
            "panel": panel,
            "members": members,
            "others_on_panel": ", ".join(
                m.recruiter.full_name
                for m in members
                if m.recruiter_id != panel.lead_id
            )
            if panel
            else "",
            "revealed": revealed,
            "is_lead": panel is not None and panel.is_lead(request.user),
            "pile": pile,
            "piles": [
                ("", "Every application under review", under_review),
                ("all", LonglistEntry.Pile.ALL.label, counts["all"]),
                ("some", LonglistEntry.Pile.SOME.label, counts["some"]),
                ("none", LonglistEntry.Pile.NONE.label, counts["none"]),
                ("withdrawn", "Withdrawn", counts["withdrawn"]),
            ],
            "sort": sort,
            "sorts": [(key, label) for key, (label, _) in SORTS.items()],
            "page": page,
            "rows": rows,
            "query": query,
        },
    )


# --- The panel --------------------------------------------------------------------


@recruiter_required
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Who leads and sits on the vacancy's panel; the lead chooses the members."""
    vacancy = get_vacancy_for_user(request, pk)
    panel = panel_of(vacancy)
    is_lead = panel is not None and panel.is_lead(request.user)
    if request.method == "POST" and not is_lead:
        raise Http404
    members = list(panel.members.select_related("recruiter")) if panel else []
    form = None
    if is_lead and not panel.is_finalised:
        recruiters = User.objects.filter(
            role=User.Role.RECRUITER,
            organisation=vacancy.organisation,
            is_active=True,
        ).exclude(pk=panel.lead_id)
        form = PanelForm(
            # Not `request.POST or None`: with every box cleared, the POST is empty.
            request.POST if request.method == "POST" else None,
            recruiters=recruiters,
            initial={
                "members": [m.recruiter for m in members if m.recruiter != panel.lead]
            },
        )
        if form.is_valid():
            problem = _set_members(panel, form.cleaned_data["members"])
            if problem:
                messages.error(request, problem)
            else:
                messages.success(request, "The panel has been saved.")
            return redirect("recruitment:panel", vacancy.pk)
    elif request.method == "POST":
        messages.error(
            request, "The shortlist is final: the panel can no longer change."
        )
        return redirect("recruitment:panel", vacancy.pk)
    return render(
        request,
        "recruitment/panel.html",
        {
            "vacancy": vacancy,
            "panel": panel,
            "members": members,
            "is_lead": is_lead,
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _set_members(panel: Panel, chosen) -> str:
    """Make the panel the lead and the chosen recruiters; a message if refused."""
    wanted = {user.pk for user in chosen} | {panel.lead_id}
    with transaction.atomic():
        leaving = panel.members.exclude(recruiter_id__in=wanted)
        scored = (
            leaving.filter(
                recruiter__in=panel.vacancy.applications.values("scores__member")
            )
            .select_related("recruiter")
            .first()
        )
        if scored is not None:
            return (
                f"{scored.recruiter.full_name} has scored applications, so stays on "
                "the panel: their scores are part of the record."
            )
        leaving.delete()
        have = set(panel.members.values_list("recruiter_id", flat=True))
        PanelMember.objects.bulk_create(
            PanelMember(panel=panel, recruiter_id=pk) for pk in wanted - have
        )
    return ""


@recruiter_required
@require_POST
def take_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """Lead the vacancy's shortlisting, when nobody does yet."""
    vacancy = get_vacancy_for_user(request, pk)
    if panel_of(vacancy) is not None:
        messages.error(request, "This vacancy's shortlisting already has a lead.")
        return redirect("recruitment:panel", vacancy.pk)
    try:
        with transaction.atomic():
            panel = Panel.objects.create(vacancy=vacancy, lead=request.user)
            PanelMember.objects.create(panel=panel, recruiter=request.user)
    except IntegrityError:
        # Another recruiter took the lead at the same moment.
        messages.error(request, "This vacancy's shortlisting already has a lead.")
    else:
        messages.success(request, "You lead this vacancy's shortlisting.")
    return redirect("recruitment:panel", vacancy.pk)


@recruiter_required
@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Finalise the shortlist: scores and outcomes freeze, names show (logged)."""
    vacancy = get_vacancy_for_lead(request, pk)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(vacancy=vacancy)
        problem = _finalise_problem(vacancy, panel)
        if problem:
            messages.error(request, problem)
            return redirect("recruitment:longlist", vacancy.pk)
        panel.finalised_at = timezone.now()
        panel.save(update_fields=["finalised_at"])
        AccessLog.record(request.user, AccessLog.Action.REVEAL, vacancy)
        log_event("identities_revealed", request, vacancy=vacancy.pk)
    messages.success(
        request, "The shortlist is final. Candidates' names are now shown."
    )
    return redirect("recruitment:longlist", vacancy.pk)


def _finalise_problem(vacancy: Vacancy, panel: Panel) -> str:
    """Why the shortlist cannot be finalised now; empty when it can."""
    if panel.is_finalised:
        return "The shortlist is already final."
    if vacancy.is_open:
        # Applications still arriving would skip anonymised shortlisting.
        return (
            "You can finalise the shortlist once the vacancy has closed "
            f"({vacancy.closing_date:%-d %B %Y})."
        )
    waiting = vacancy.applications.filter(status=Application.Status.SUBMITTED).count()
    if waiting:
        return (
            f"{waiting} application{'s' if waiting != 1 else ''} still "
            f"need{'s' if waiting == 1 else ''} an outcome."
        )
    return ""


# --- One application --------------------------------------------------------------


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    bound: ScoreForm | None = None,
    bound_ref: str = "",
    outcome_form: OutcomeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The application as the panel sees it: the grid of criteria, statements and
    cited evidence, with the signed-in member's score form beside each, every
    member's scores, totals and disagreements; its history and its outcome."""
    from applications.pack import anonymise  # pack.py brings WeasyPrint: load late

    vacancy = application.vacancy
    panel = panel_of(vacancy)
    revealed = is_revealed(vacancy)
    withdrawn = application.status == Application.Status.WITHDRAWN
    members = (
        [m.recruiter for m in panel.members.select_related("recruiter")]
        if panel
        else []
    )
    is_member = request.user in members
    is_lead = panel is not None and panel.is_lead(request.user)
    open_for_scores = (
        panel is not None
        and not panel.is_finalised
        and application.status in Application.UNDER_REVIEW
    )

    rows, totals, pack, entry = [], {}, None, None
    if not withdrawn:
        data = json.loads(application.snapshot.content)
        # Shown as the longlist shows it, placed or not yet (nothing is written).
        entry = getattr(application, "longlist_entry", None) or longlist_entry(
            application, data
        )
        if not revealed:
            data = anonymise(data)
        criteria = review_criteria(data)
        scores: dict[str, dict[int, object]] = defaultdict(dict)
        for score in application.scores.all():
            scores[score.criterion][score.member_id] = score
        totals = {m.pk: 0 for m in members}
        scored_by = set()
        for criterion in criteria:
            by_member = scores.get(criterion.ref, {})
            mine = by_member.get(request.user.pk)
            form = None
            if is_member and open_for_scores:
                form = (
                    bound
                    if bound is not None and bound_ref == criterion.ref
                    else ScoreForm(instance=mine, prefix=criterion.ref)
                )
            cells = []
            for member in members:
                score = by_member.get(member.pk)
                cells.append({"member": member, "score": score})
                if score is not None:
                    totals[member.pk] += score.score
                    scored_by.add(member.pk)
            rows.append(
                {
                    "criterion": criterion,
                    "form": form,
                    "mine": mine,
                    "cells": cells,
                    "disagree": disagree(s.score for s in by_member.values()),
                }
            )
        pack = next(
            (
                p
                for p in application.packs.all()
                if p.variant
                == (
                    SubmissionPack.Variant.FULL
                    if revealed
                    else SubmissionPack.Variant.ANONYMISED
                )
                and p.state == SubmissionPack.State.DONE
            ),
            None,
        )
        totals = {
            "members": [(m, totals[m.pk], m.pk in scored_by) for m in members],
            "panel": panel_total(totals[pk] for pk in scored_by),
        }
    history = list(application.status_changes.select_related("changed_by"))
    if is_lead and outcome_form is None and open_for_scores:
        outcome_form = OutcomeForm()
    return render(
        request,
        "recruitment/application.html",
        {
            "application": application,
            "vacancy": vacancy,
            "panel": panel,
            "revealed": revealed,
            "withdrawn": withdrawn,
            "members": members,
            "is_member": is_member,
            "is_lead": is_lead,
            "open_for_scores": open_for_scores,
            "rows": rows,
            "totals": totals,
            "pack": pack,
            "entry": entry,
            "history": history,
            "outcome_form": outcome_form if is_lead and open_for_scores else None,
            "bound": bound,
            "candidate": candidate_label(application, revealed),
            "route": ROUTE_LABELS.get(application.route, ""),
            "status_tag": STATUS_TAGS.get(application.status, ""),
            # Named "form" too, so that the page title starts "Error:".
            "form": bound or (outcome_form if status == 400 else None),
        },
        status=status,
    )


@recruiter_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request, pk)
    AccessLog.record(
        request.user,
        AccessLog.Action.APPLICATION,
        application.vacancy,
        application,
    )
    return _application_page(request, application)


@recruiter_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the signed-in member's score of one criterion (named in the POST)."""
    application = get_application_for_member(request, pk)
    url = reverse("recruitment:application", args=[application.pk])
    if application.status not in Application.UNDER_REVIEW:
        messages.error(request, "This application was withdrawn: it is not scored.")
        return redirect(url)
    ref = request.POST.get("criterion", "")
    refs = {c.ref for c in review_criteria(json.loads(application.snapshot.content))}
    if ref not in refs:
        return HttpResponseBadRequest("No such criterion in this application.")
    with transaction.atomic():
        # Locked: a finalise at the same moment waits, or this waits for it.
        panel = Panel.objects.select_for_update().get(vacancy=application.vacancy)
        if panel.is_finalised:
            messages.error(
                request, "The shortlist is final: scores can no longer change."
            )
            return redirect(url)
        mine = application.scores.filter(member=request.user, criterion=ref).first()
        form = ScoreForm(request.POST, instance=mine, prefix=ref)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.application, saved.member, saved.criterion = (
                application,
                request.user,
                ref,
            )
            saved.save()
    if not form.is_valid():
        return _application_page(
            request, application, bound=form, bound_ref=ref, status=400
        )
    messages.success(request, f"Your score for {ref} has been saved.")
    return redirect(f"{url}#criterion-{ref}")


@recruiter_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead shortlists the application or not; the candidate is e-mailed."""
    application = get_application_for_lead(request, pk)
    url = reverse("recruitment:application", args=[application.pk])
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _application_page(request, application, outcome_form=form, status=400)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(vacancy=application.vacancy)
        if panel.is_finalised:
            messages.error(
                request, "The shortlist is final: outcomes can no longer change."
            )
            return redirect(url)
        try:
            change = application.set_outcome(
                form.cleaned_data["outcome"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (OutcomeRefused, ValidationError) as refused:
            text = (
                " ".join(refused.messages)
                if isinstance(refused, ValidationError)
                else str(refused)
            )
            messages.error(request, text)
            return redirect(url)
        coder_url = request.build_absolute_uri(reverse("applications:coder_home"))
        transaction.on_commit(
            lambda: _tell_the_candidate(application, change, coder_url)
        )
    messages.success(
        request,
        f"Candidate {application.candidate_number}: "
        f"{application.get_status_display().lower()}. They have been e-mailed.",
    )
    return redirect(url)


def _tell_the_candidate(application: Application, change, url: str) -> None:
    vacancy = application.vacancy
    lines = [
        f"Dear {application.applicant.full_name},",
        "",
        f"{vacancy.organisation} has reviewed your application for {vacancy.title} "
        f"(reference {vacancy.reference}).",
        "",
        f"Outcome: {change.get_to_status_display()}.",
    ]
    if change.reason:
        lines.append(f"Reason: {change.reason}")
    lines += ["", f"You can see your applications at {url}", "", "Coderfolio"]
    EmailMessage(
        subject=f"Your application for {vacancy.title} ({vacancy.reference})",
        body="\n".join(lines),
        to=[application.applicant.email],
    ).send()


@recruiter_required
def pack(request: HttpRequest, pk: int) -> FileResponse:
    """The application's pack: the anonymised one until the shortlist is final."""
    application = get_application_for_user(request, pk)
    if application.status == Application.Status.WITHDRAWN:
        raise Http404
    variant = (
        SubmissionPack.Variant.FULL
        if is_revealed(application.vacancy)
        else SubmissionPack.Variant.ANONYMISED
    )
    found = get_object_or_404(
        application.packs, variant=variant, state=SubmissionPack.State.DONE
    )
    AccessLog.record(
        request.user,
        AccessLog.Action.PACK,
        application.vacancy,
        application,
        detail=found.filename,
    )
    log_event(
        "pack_downloaded",
        request,
        pack=found.pk,
        variant=found.variant,
        application=application.pk,
        vacancy=application.vacancy_id,
    )
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@recruiter_required
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has viewed and downloaded this application: for the lead."""
    application = get_application_for_lead(request, pk)
    AccessLog.record(
        request.user, AccessLog.Action.LOG, application.vacancy, application
    )
    entries = AccessLog.objects.filter(application=application)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/access_log.html",
        {
            "application": application,
            "vacancy": application.vacancy,
            "candidate": candidate_label(application, is_revealed(application.vacancy)),
            "page": page,
        },
    )


# --- Downloads of a whole vacancy -------------------------------------------------


@recruiter_required
@require_POST
def zip_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for every anonymised pack of the vacancy in one zip, built by a task."""
    vacancy = get_vacancy_for_user(request, pk)
    with transaction.atomic():
        bundle = PackZip.objects.create(vacancy=vacancy, requested_by=request.user)
        transaction.on_commit(lambda: build_zip.enqueue(bundle.pk))
    return redirect("recruitment:zip", bundle.pk)


@recruiter_required
def zip_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The zip's progress, and its download when it is ready."""
    bundle = get_zip_for_user(request, pk)
    return render(
        request,
        "recruitment/zip.html",
        {"bundle": bundle, "vacancy": bundle.vacancy},
    )


@recruiter_required
def zip_download(request: HttpRequest, pk: int) -> FileResponse:
    bundle = get_zip_for_user(request, pk)
    if bundle.state != PackZip.State.DONE:
        raise Http404
    AccessLog.record(
        request.user,
        AccessLog.Action.ZIP,
        bundle.vacancy,
        detail=f"{bundle.filename}: {bundle.packs} packs",
    )
    log_event(
        "packs_zip_downloaded",
        request,
        zip=bundle.pk,
        vacancy=bundle.vacancy_id,
        packs=bundle.packs,
    )
    response = FileResponse(
        bundle.file.open("rb"),
        as_attachment=True,
        filename=bundle.filename,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@recruiter_required
def scores_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every score: one row per application, criterion and panel member."""
    vacancy = get_vacancy_for_user(request, pk)
    filename = f"{vacancy.reference}-scores.csv"
    AccessLog.record(
        request.user, AccessLog.Action.SCORES_CSV, vacancy, detail=filename
    )
    log_event("scores_csv_downloaded", request, vacancy=vacancy.pk)
    return _csv_response(
        exports.scores_rows(vacancy, revealed=is_revealed(vacancy)), filename
    )


@recruiter_required
def summary_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """One row per application: its pile, totals, disagreements and outcome."""
    vacancy = get_vacancy_for_user(request, pk)
    fill_longlist([vacancy.pk])
    filename = f"{vacancy.reference}-summary.csv"
    AccessLog.record(
        request.user, AccessLog.Action.SUMMARY_CSV, vacancy, detail=filename
    )
    log_event("summary_csv_downloaded", request, vacancy=vacancy.pk)
    return _csv_response(
        exports.summary_rows(vacancy, revealed=is_revealed(vacancy)), filename
    )
