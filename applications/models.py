"""Vacancies, applications, statements per criterion, frozen snapshots and PDF packs."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from portfolio.formats import long_date
from portfolio.metrics import PortfolioFacts
from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers
from specifications.coverage import CriterionStatus, criterion_status
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.rules import evaluate


class Vacancy(models.Model):
    """A post an organisation recruits to, assessed against one of its specs."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(max_length=200, validators=[validate_no_identifiers])
    band = models.CharField(
        max_length=40, blank=True, validators=[validate_no_identifiers]
    )
    salary = models.CharField(
        max_length=200,
        blank=True,
        help_text="As the advert gives it, for example £28,392 - £39,043 Dependent "
        "on experience/qualifications (ACC/Non-ACC).",
        validators=[validate_no_identifiers],
    )
    hours = models.CharField(
        max_length=100,
        blank=True,
        help_text="For example, 37.5 hours per week.",
        validators=[validate_no_identifiers],
    )
    reference = models.CharField(
        max_length=40,
        help_text="Your reference, for example 123-HIMS-4567.",
        validators=[validate_no_identifiers],
    )
    closing_date = models.DateField(
        help_text="Applications close at the end of this day."
    )
    specification = models.ForeignKey(
        PersonSpecification, on_delete=models.PROTECT, related_name="vacancies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closing_date", "title"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="vacancy_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("applications:vacancy", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if (
            self.specification_id
            and self.organisation_id
            and self.specification.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"specification": "Choose one of your organisation's specifications."}
            )

    @property
    def is_open(self) -> bool:
        return self.closing_date >= timezone.localdate()


def new_candidate_number() -> str:
    return f"C{secrets.randbelow(900000) + 100000}"


class VacancyClosed(Exception):
    """The vacancy has closed: it takes no new applications."""


class SubmissionRefused(Exception):
    """The application cannot be submitted now; `problems` says why, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class WithdrawalRefused(Exception):
    """Only a submitted application can be withdrawn."""


class OutcomeRefused(Exception):
    """The application's outcome cannot be set now; the message says why."""


class ApplicationQuerySet(models.QuerySet):
    # Candidate numbers are random, one of 900,000 per vacancy: a clash is rare, five
    # clashes in a row are not going to happen.
    CANDIDATE_NUMBER_TRIES = 5

    def start(self, vacancy: Vacancy, applicant) -> tuple["Application", bool]:
        """The applicant's application to the vacancy, and whether it is new: theirs
        if they have one, else a new draft with a free candidate number.

        Raises VacancyClosed for a new application to a closed vacancy.
        """
        for _ in range(self.CANDIDATE_NUMBER_TRIES):
            existing = self.filter(vacancy=vacancy, applicant=applicant).first()
            if existing is not None:
                return existing, False
            if not vacancy.is_open:
                raise VacancyClosed
            try:
                with transaction.atomic():
                    return self.create(vacancy=vacancy, applicant=applicant), True
            except IntegrityError:
                # The candidate number was taken, or the same coder's other request
                # (a double click) created the application first: look again.
                continue
        raise RuntimeError("Could not choose a free candidate number.")


class Application(models.Model):
    class Route(models.TextChoices):
        ACC = "acc", "ACC route: I hold the NCCQ (Accredited Clinical Coder)"
        PORTFOLIO = "portfolio", "Portfolio route: a well-evidenced coding portfolio"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SHORTLISTED = "shortlisted", "Shortlisted"
        NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"

    # The statuses a recruiter's decision moves between: the decision can change
    # until the shortlist is final (which the recruitment app decides).
    OUTCOMES = (Status.SHORTLISTED, Status.NOT_SHORTLISTED)
    UNDER_REVIEW = (Status.SUBMITTED, *OUTCOMES)

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    candidate_number = models.CharField(max_length=12, default=new_candidate_number)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "applicant"], name="one_application_per_vacancy"
            ),
            models.UniqueConstraint(
                fields=["vacancy", "candidate_number"], name="candidate_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["vacancy", "status"], name="application_status")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_number} for {self.vacancy}"

    def get_absolute_url(self) -> str:
        return reverse("applications:draft", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def evidence_by_criterion(
        self, criteria: list[Criterion]
    ) -> tuple[dict[int, "Statement"], dict[int, list[Evidence]]]:
        """The statements by criterion, and the evidence behind each criterion:
        the items chosen in its statement; for a criterion the coder has not
        saved yet, the items they have mapped to it, as the draft ticks them
        for them. Only the applicant's own items. Two queries: the statements
        with their evidence, the mapped items."""
        statements = {
            s.criterion_id: s
            for s in self.statements.prefetch_related("evidence").order_by("pk")
        }
        chosen: dict[int, list[Evidence]] = {
            pk: [e for e in s.evidence.all() if e.owner_id == self.applicant_id]
            for pk, s in statements.items()
        }
        unsaved = [c.pk for c in criteria if c.pk not in statements]
        if unsaved:
            for criterion in unsaved:
                chosen[criterion] = []
            for link in EvidenceLink.objects.filter(
                criterion__in=unsaved, evidence__owner=self.applicant_id
            ).select_related("evidence"):
                chosen[link.criterion_id].append(link.evidence)
        return statements, chosen

    def submission_problems(self, today: datetime.date) -> list[str]:
        """Why the application cannot be submitted now; empty when it can.

        Every Essential criterion that applies to the chosen route (with no route
        chosen, those for every applicant) must not be Missing: a statement,
        evidence chosen, or its rule met (`criterion_status`, as the draft shows
        it). Costs the criteria, the statements with their evidence, the mapped
        items, and the coder's figures that the rules read.
        """
        if not self.is_draft:
            status = self.get_status_display().lower()
            return [f"This application has already been {status}."]
        problems = []
        if today > self.vacancy.closing_date:
            problems.append(
                f"The vacancy closed on {long_date(self.vacancy.closing_date)}."
            )
        if not self.route:
            problems.append("Choose the route you are applying by.")
        essential = [
            criterion
            for criterion in self.vacancy.specification.criteria.filter(
                requirement=Criterion.Requirement.ESSENTIAL
            )
            if criterion.applies_to(self.route)
        ]
        statements, evidence = self.evidence_by_criterion(essential)
        facts = PortfolioFacts(self.applicant, today)
        for criterion in essential:
            statement = statements.get(criterion.pk)
            status = criterion_status(
                rule_result=(
                    evaluate(criterion.rule_kind, criterion.rule_params, facts)
                    if criterion.rule_kind
                    else None
                ),
                chosen_items=evidence[criterion.pk],
                statement_text=statement.text if statement else "",
            )
            if status == CriterionStatus.MISSING:
                problems.append(
                    f"“{criterion.text}” is Essential: write a statement or choose "
                    "evidence."
                )
        return problems

    def submit(self) -> "Snapshot":
        """Freeze the application as a snapshot, lock its spec's version and queue
        its packs, or raise SubmissionRefused with the problems."""
        # Both import this module: imported here, not at the top.
        from applications.snapshot import freeze
        from applications.tasks import build_pack

        today = timezone.localdate()
        with transaction.atomic():
            # Locked and read again: of two submits at once, the second waits here
            # and then finds the application submitted.
            self.refresh_from_db(from_queryset=Application.objects.select_for_update())
            problems = self.submission_problems(today)
            if problems:
                raise SubmissionRefused(problems)
            now = timezone.now()
            self.status, self.submitted_at = self.Status.SUBMITTED, now
            self.save(update_fields=["status", "submitted_at", "updated_at"])
            StatusChange.objects.create(
                application=self,
                changed_by_id=self.applicant_id,
                at=now,
                from_status=self.Status.DRAFT,
                to_status=self.Status.SUBMITTED,
            )
            snapshot = freeze(self, today)
            packs = SubmissionPack.objects.bulk_create(
                SubmissionPack(application=self, variant=variant)
                for variant in SubmissionPack.Variant.values
            )
            PersonSpecification.objects.filter(
                pk=self.vacancy.specification_id, locked_at__isnull=True
            ).update(locked_at=now)
            # One task per pack: two workers build them side by side.
            for pack in packs:
                transaction.on_commit(lambda pk=pack.pk: build_pack.enqueue(pk))
        return snapshot

    def withdraw(self) -> None:
        """Take a submitted application out of the running; WithdrawalRefused if it
        is not submitted."""
        now = timezone.now()
        with transaction.atomic():
            # Conditional, so that a withdrawal racing a recruiter's decision cannot
            # overwrite it.
            withdrawn = Application.objects.filter(
                pk=self.pk, status=self.Status.SUBMITTED
            ).update(status=self.Status.WITHDRAWN, withdrawn_at=now, updated_at=now)
            if not withdrawn:
                raise WithdrawalRefused(
                    "Only a submitted application can be withdrawn."
                )
            StatusChange.objects.create(
                application=self,
                changed_by_id=self.applicant_id,
                at=now,
                from_status=self.Status.SUBMITTED,
                to_status=self.Status.WITHDRAWN,
            )
        self.status = self.Status.WITHDRAWN
        self.withdrawn_at = self.updated_at = now

    def set_outcome(self, status: str, *, by, reason: str = "") -> "StatusChange":
        """Shortlist the application or not, as `by` decides, and keep the change.

        Not shortlisting needs a reason (the candidate is told it). Raises
        OutcomeRefused unless the application is submitted or already decided
        (a draft or a withdrawn one has no outcome); ValidationError for a reason
        with patient identifiers in it. Costs three queries in a transaction.
        """
        if status not in self.OUTCOMES:
            raise ValueError(f"Not an outcome: {status!r}")
        reason = reason.strip()
        if status == self.Status.NOT_SHORTLISTED and not reason:
            raise OutcomeRefused("Give the reason the candidate is not shortlisted.")
        with transaction.atomic():
            # Locked and read again: a withdrawal at the same moment waits, then
            # finds the decision made (and is refused).
            self.refresh_from_db(from_queryset=Application.objects.select_for_update())
            if self.status not in self.UNDER_REVIEW:
                raise OutcomeRefused(
                    f"This application is {self.get_status_display().lower()}: "
                    "it has no outcome."
                )
            change = StatusChange(
                application=self,
                changed_by=by,
                at=timezone.now(),
                from_status=self.status,
                to_status=status,
                reason=reason,
            )
            change.full_clean(exclude=["application", "changed_by"])
            self.status = status
            self.save(update_fields=["status", "updated_at"])
            change.save()
        return change


class StatusChange(models.Model):
    """One change of an application's status: who made it, when, from and to what,
    and why. Written by the lifecycle methods above, never edited."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    reason = models.TextField(blank=True, validators=[validate_no_identifiers])

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.application}: {self.get_from_status_display()} to "
            f"{self.get_to_status_display()}"
        )


class Statement(models.Model):
    """The applicant's statement against one criterion, and the evidence behind it."""

    WORD_LIMIT = 250

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="statements"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True, validators=[validate_no_identifiers])
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="statements")

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_statement_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"Statement on {self.criterion}"


class Snapshot(models.Model):
    """Everything the pack shows, frozen as canonical JSON at submission."""

    FORMAT = "coderfolio-submission"
    # 2: evidence "details" are the kind's display rows, summary included.
    # 3: criteria say whether they apply to the route, with their "ref" and what
    # their rules counted; evidence items say which criteria they support and who
    # verified them; the coder's employment history.
    VERSION = 3

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="snapshot"
    )
    content = models.TextField(help_text="Canonical JSON; never changes once written.")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Snapshot of {self.application}"


def pack_path(instance: "SubmissionPack", filename: str) -> str:
    return f"packs/{instance.application_id}/{secrets.token_hex(16)}.pdf"


class SubmissionPack(models.Model):
    """A PDF built from the snapshot alone: the full pack, or the anonymised one."""

    class Variant(models.TextChoices):
        FULL = "full", "Full pack"
        ANONYMISED = "anonymised", "Anonymised pack (for shortlisting)"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be built"
        BUILDING = "building", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="packs"
    )
    variant = models.CharField(max_length=20, choices=Variant.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=pack_path, blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    # Printed on the pack; the anonymised pack's is its own (applications.pack).
    pack_id = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "variant"], name="one_pack_per_variant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} of {self.application}"

    @property
    def is_in_progress(self) -> bool:
        """Waiting to be built, or being built: the packs page refreshes itself."""
        return self.state in (self.State.QUEUED, self.State.BUILDING)

    @property
    def filename(self) -> str:
        """What the download is called: the vacancy reference and candidate number."""
        suffix = "-anonymised" if self.variant == self.Variant.ANONYMISED else ""
        app = self.application
        return f"{app.vacancy.reference}-{app.candidate_number}{suffix}.pdf"
