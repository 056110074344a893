"""Vacancies, applications, statements per criterion, frozen snapshots and PDF packs."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers
from specifications.models import Criterion, PersonSpecification


class Vacancy(models.Model):
    """A post an organisation recruits to, assessed against one of its specs."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(max_length=200, validators=[validate_no_identifiers])
    band = models.CharField(
        max_length=40, blank=True, validators=[validate_no_identifiers]
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
    VERSION = 2  # 2: evidence "details" are the kind's display rows, summary included

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
    def filename(self) -> str:
        """What the download is called: the vacancy reference and candidate number."""
        suffix = "-anonymised" if self.variant == self.Variant.ANONYMISED else ""
        app = self.application
        return f"{app.vacancy.reference}-{app.candidate_number}{suffix}.pdf"
