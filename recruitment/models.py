"""The recruiter's side of a vacancy: its panel, the longlist, scores, the access
log and bulk downloads. Statuses and their history live on applications.Application.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from applications.models import Application, Vacancy
from portfolio.pid import validate_no_identifiers


class Panel(models.Model):
    """Who shortlists a vacancy: a lead recruiter and the members the lead chooses
    (the lead is one of them); and when the lead finalised the shortlist, which
    reveals the candidates' identities and freezes scores and outcomes."""

    vacancy = models.OneToOneField(
        Vacancy, on_delete=models.CASCADE, related_name="panel"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Panel for {self.vacancy}"

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    def is_lead(self, user) -> bool:
        return self.lead_id == user.pk


class PanelMember(models.Model):
    """A recruiter of the vacancy's organisation who scores its applications."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_memberships",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recruiter__full_name", "recruiter__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "recruiter"], name="one_membership_per_panel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recruiter} on {self.panel}"

    def clean(self) -> None:
        super().clean()
        recruiter, vacancy = self.recruiter, self.panel.vacancy
        if not recruiter.is_recruiter or (
            recruiter.organisation_id != vacancy.organisation_id
        ):
            raise ValidationError(
                {"recruiter": "Choose a recruiter of the vacancy's organisation."}
            )


class LonglistEntry(models.Model):
    """An application's place in the longlist, read once from its frozen snapshot
    (see recruitment.longlist): the snapshot never changes, so neither does this.

    The application's vacancy and candidate number are copied here (neither ever
    changes) so that a page of the longlist is read in its order from one index,
    however many applications the vacancy has.
    """

    class Pile(models.IntegerChoices):
        # Numbered in the order the longlist shows them.
        ALL = 1, "Meets every applicable Essential criterion"
        SOME = 2, "Meets some applicable Essential criteria"
        NONE = 3, "Meets none of the applicable Essential criteria"

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="longlist_entry",
    )
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    candidate_number = models.CharField(max_length=12)
    pile = models.PositiveSmallIntegerField(choices=Pile.choices)
    essential_met = models.PositiveSmallIntegerField()
    essential_total = models.PositiveSmallIntegerField()
    criteria_count = models.PositiveSmallIntegerField(
        help_text="Applicable criteria: what each panel member scores."
    )

    class Meta:
        verbose_name_plural = "longlist entries"
        indexes = [
            models.Index(
                fields=["vacancy", "pile", "candidate_number"], name="longlist_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(essential_met__lte=models.F("essential_total")),
                name="longlist_met_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_pile_display()}"


class Score(models.Model):
    """One panel member's score of one applicable criterion of one application."""

    class Value(models.IntegerChoices):
        NOT_MET = 0, "0: not met"
        PARTLY = 1, "1: partly met"
        MET = 2, "2: met"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.CharField(
        max_length=20, help_text="The criterion's reference in the snapshot."
    )
    score = models.PositiveSmallIntegerField(choices=Value.choices)
    note = models.TextField(blank=True, validators=[validate_no_identifiers])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "criterion", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member", "criterion"],
                name="one_score_per_member_and_criterion",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=2),
                name="score_is_0_1_or_2",
                violation_error_message="A score is 0, 1 or 2.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}, {self.criterion}: {self.score}"


class AccessLogQuerySet(models.QuerySet):
    # The log is append-only: a bulk change or deletion through the ORM is refused.
    def update(self, **kwargs):
        raise TypeError("The access log is append-only.")

    def delete(self):
        raise TypeError("The access log is append-only.")


class AccessLog(models.Model):
    """Who viewed or downloaded what of a vacancy's applications, and when.

    Append-only: rows are written by `record` and never changed or deleted by the
    app. The people and things are kept as text as well as links, so a row still
    says who and what if an account or an application is deleted later.
    """

    class Action(models.TextChoices):
        LONGLIST = "longlist", "Viewed the longlist"
        APPLICATION = "application", "Viewed the application"
        PACK = "pack", "Downloaded the pack"
        ZIP = "zip", "Downloaded the packs as a zip"
        SCORES_CSV = "scores_csv", "Downloaded the scores (CSV)"
        SUMMARY_CSV = "summary_csv", "Downloaded the summary (CSV)"
        REVEAL = "reveal", "Finalised the shortlist: identities revealed"
        LOG = "log", "Viewed the application's access log"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_email = models.CharField(max_length=254)
    action = models.CharField(max_length=20, choices=Action.choices)
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    vacancy_reference = models.CharField(max_length=40)
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_log",
    )
    candidate_number = models.CharField(max_length=12, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user_email}: {self.get_action_display()}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only.")

    @classmethod
    def record(
        cls,
        user,
        action: str,
        vacancy: Vacancy,
        application: Application | None = None,
        detail: str = "",
    ) -> "AccessLog":
        """Write one row (one query)."""
        return cls.objects.create(
            user=user,
            user_email=user.email,
            action=action,
            vacancy=vacancy,
            vacancy_reference=vacancy.reference,
            application=application,
            candidate_number=application.candidate_number if application else "",
            detail=detail[:200],
        )


def zip_path(instance: "PackZip", filename: str) -> str:
    return f"zips/{instance.vacancy_id}/{secrets.token_hex(16)}.zip"


class PackZip(models.Model):
    """All the anonymised packs of a vacancy in one zip, built by a task
    (recruitment.tasks.build_zip) with its progress kept here."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be built"
        BUILDING = "building", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, related_name="pack_zips"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    packs = models.PositiveIntegerField(default=0, help_text="Packs in the zip.")
    left_out = models.PositiveIntegerField(
        default=0, help_text="Submitted applications whose pack was not ready."
    )
    file = models.FileField(upload_to=zip_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pack zip"

    def __str__(self) -> str:
        return f"Packs of {self.vacancy} ({self.get_state_display().lower()})"

    @property
    def is_in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)

    @property
    def filename(self) -> str:
        return f"{self.vacancy.reference}-anonymised-packs.zip"
