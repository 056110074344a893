"""The coder's evidence: one list of items of several kinds, plus reference data."""

import datetime
import hashlib
import json
import re
import secrets
import unicodedata
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from portfolio.codes import display_icd10, display_opcs4
from portfolio.formats import long_date
from portfolio.pid import validate_no_identifiers

END_BEFORE_START = "The end date must not be before the start date."
# The longest free text a form or an import takes, in characters: about 1,500
# words, several pages. A summary or a reflection is far shorter; without a limit,
# one field could hold megabytes for every page, check and pack to carry.
TEXT_MAX_LENGTH = 10_000
NOT_GIVEN = "Not given"
# An item's fields that are bookkeeping, not what a verifier confirms.
_NOT_CONTENT = {
    "id",
    "owner",
    "verification",
    "verified_by",
    "created_at",
    "updated_at",
}


def _shown_rows(*rows: tuple[str, object]) -> list[tuple[str, str]]:
    """(label, value) rows with each value as text, as an item's detail page shows
    it: dates in words ("29 November 2026"), "Not given" when empty."""
    shown = []
    for label, value in rows:
        if value is None or value == "":
            value = NOT_GIVEN
        elif isinstance(value, datetime.date):
            value = long_date(value)
        shown.append((label, str(value)))
    return shown


def _percent_text(value: Decimal | None) -> str:
    """92.4 -> "92.4%"; None -> ""."""
    return "" if value is None else f"{value}%"


class Specialty(models.Model):
    """An NHS treatment function code, e.g. 100 General Surgery."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class CaseType(models.Model):
    """A kind of complex case: mortality, multi-morbidity, oncology, ..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# Reference data by its natural key, the same on every server: how an export and a
# verification's fingerprint name a specialty or a case type (never by database id).
NATURAL_KEYS: dict[type[models.Model], str] = {Specialty: "code", CaseType: "slug"}


class EvidenceQuerySet(models.QuerySet):
    def for_owner(self, user) -> "EvidenceQuerySet":
        return self.filter(owner=user)

    def of_kind(self, kind: str) -> "EvidenceQuerySet":
        return self.filter(kind=kind)

    def with_details(self) -> "EvidenceQuerySet":
        """Join every kind's own table, so `item.details` costs no further query."""
        return self.select_related(
            *[model._meta.model_name for model in KIND_MODELS.values()]
        )


class Evidence(models.Model):
    """An item of evidence, owned by one coder; each kind adds its own table."""

    class Kind(models.TextChoices):
        AUDIT = "audit", "Accuracy audit"
        SPECIALTY = "specialty", "Specialty experience"
        COMPLEX_CASE = "complex_case", "Complex case"
        CONTRIBUTION = "contribution", "Contribution"
        CPD = "cpd", "CPD activity"
        QUALIFICATION = "qualification", "Qualification"
        CLINICAL_QUERY = "clinical_query", "Clinical query"
        PRODUCTIVITY = "productivity", "Productivity"

    class Verification(models.TextChoices):
        """Whether a verifier's confirmation stands on the item as it is now. Open
        and declined requests are the coder's business alone: they show on the
        item's page, never here (the snapshot and the pack print this)."""

        UNVERIFIED = "unverified", "Not verified"
        VERIFIED = "verified", "Verified"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    title = models.CharField(max_length=200, validators=[validate_no_identifiers])
    date = models.DateField(help_text="The date, or the first day of the period.")
    end_date = models.DateField(null=True, blank=True)
    summary = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_no_identifiers]
    )
    reflection = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_no_identifiers]
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="evidence")
    # `verification` and `verified_by` are written by refresh_verification() alone:
    # one summary of the item's requests, read by the criterion status, the list,
    # the matrix, the snapshot and the pack without a query of their own.
    verification = models.CharField(
        max_length=20,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
        editable=False,
    )
    verified_by = models.ForeignKey(
        "VerificationRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The confirmation that stands, the latest if several do.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "evidence"
        indexes = [
            models.Index(fields=["owner", "-date", "-id"], name="evidence_owner_date"),
            models.Index(fields=["owner", "kind", "-date"], name="evidence_owner_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="evidence_end_not_before_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.__class__ is not Evidence:
            self.kind = self.KIND
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("portfolio:evidence_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = self.validation_errors()
        if errors:
            raise ValidationError(errors)

    def validation_errors(self) -> dict[str, str]:
        """What is wrong with the item's values, by field; each kind adds its own,
        so that every problem is reported at once."""
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = "The date must be today or in the past."
        if self.end_date and self.date and self.end_date < self.date:
            errors["end_date"] = END_BEFORE_START
        return errors

    def tag_own_specialty(self) -> None:
        """Kinds with one `specialty` of their own (specialty experience, complex
        cases, clinical queries) carry it in `specialties` too, so that they show
        under it in the list's filter and the breadth chart; none when it is empty.
        """
        self.specialties.set([self.specialty_id] if self.specialty_id else [])

    @property
    def details(self) -> "Evidence":
        """The item as its own kind (no query when fetched `with_details()`)."""
        if self.__class__ is not Evidence:
            return self
        return getattr(self, KIND_MODELS[self.kind]._meta.model_name)

    def display_rows(self) -> list[tuple[str, str]]:
        """The item's own rows, (label, value) as its detail page, the snapshot and
        the pack show them; the title, dates, verification and attachments are shown
        apart. Each kind lists its own; a many-to-many row costs a query unless
        prefetched on the kind's object."""
        if self.__class__ is Evidence:
            return self.details.display_rows()
        raise NotImplementedError(f"{self.__class__.__name__} has no display rows.")

    def content_fingerprint(self) -> str:
        """A digest of everything a verifier confirms: every field of the item as
        its own kind (bookkeeping aside), its tags by natural key and its files by
        name, type and SHA-256. Equal digests, the same content: saving an
        unchanged form keeps a verification, any real change voids it.

        Read from the database, so that a value just typed ("3") and the stored
        one ("3.0") agree. Costs a few queries (the item, each many-to-many field,
        the attachments)."""
        item = Evidence.objects.with_details().get(pk=self.pk).details
        content: dict[str, object] = {}
        for f in item._meta.concrete_fields:
            parent_link = f.remote_field and f.remote_field.parent_link
            if f.name in _NOT_CONTENT or parent_link:
                continue
            value = getattr(item, f.name)
            if isinstance(value, models.Model):
                value = getattr(value, NATURAL_KEYS[type(value)])
            elif isinstance(f, models.DecimalField) and value is not None:
                value = f"{value:.{f.decimal_places}f}"
            content[f.name] = value
        for f in item._meta.many_to_many:
            key = NATURAL_KEYS[f.related_model]
            content[f.name] = sorted(getattr(item, f.name).values_list(key, flat=True))
        content["attachments"] = sorted(
            item.attachments.values_list("sha256", "name", "content_type")
        )
        text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def refresh_verification(self) -> None:
        """Set `verification` and `verified_by` from the item's requests: verified
        while a confirmation stands (the latest names the verifier). The one
        place either field is written; costs a query and an update."""
        latest = (
            self.verification_requests.filter(state=VerificationRequest.State.CONFIRMED)
            .order_by("-decided_at", "-pk")
            .first()
        )
        self.verified_by = latest
        self.verification = (
            self.Verification.VERIFIED if latest else self.Verification.UNVERIFIED
        )
        # An update, not save(): the item's content and updated_at stay as they are.
        Evidence.objects.filter(pk=self.pk).update(
            verification=self.verification, verified_by=latest
        )


# The four measures of the national clinical coding audit methodology.
AUDIT_MEASURES = [
    ("primary_diagnosis", "Primary diagnosis"),
    ("secondary_diagnoses", "Secondary diagnoses"),
    ("primary_procedure", "Primary procedure"),
    ("secondary_procedures", "Secondary procedures"),
]


class AccuracyAudit(Evidence):
    """A coding accuracy audit, scored on the four national measures."""

    KIND = Evidence.Kind.AUDIT
    MEASURES = AUDIT_MEASURES

    class AuditType(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"
        DSPT = "dspt", "Data Security and Protection Toolkit (DSPT)"
        PEER = "peer", "Peer review"

    auditor = models.CharField(
        max_length=150,
        help_text="Name or role of the auditor.",
        validators=[validate_no_identifiers],
    )
    audit_type = models.CharField(max_length=20, choices=AuditType.choices)
    episodes_audited = models.PositiveIntegerField(
        "episodes (FCEs) audited", validators=[MinValueValidator(1)]
    )
    primary_diagnosis_correct = models.PositiveIntegerField(default=0)
    primary_diagnosis_audited = models.PositiveIntegerField(default=0)
    secondary_diagnoses_correct = models.PositiveIntegerField(default=0)
    secondary_diagnoses_audited = models.PositiveIntegerField(default=0)
    primary_procedure_correct = models.PositiveIntegerField(default=0)
    primary_procedure_audited = models.PositiveIntegerField(default=0)
    secondary_procedures_correct = models.PositiveIntegerField(default=0)
    secondary_procedures_audited = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "accuracy audit"
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{m}_correct__lte": F(f"{m}_audited")}),
                    name=f"audit_{m}_correct_lte_audited",
                    violation_error_message=(
                        f"{label}: codes correct cannot be more than codes audited."
                    ),
                )
                for m, label in AUDIT_MEASURES
            ],
            models.CheckConstraint(
                condition=Q(episodes_audited__gte=1), name="audit_episodes_positive"
            ),
        ]

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        measure_errors = {}
        for measure, label in self.MEASURES:
            correct = getattr(self, f"{measure}_correct") or 0
            audited = getattr(self, f"{measure}_audited") or 0
            if correct > audited:
                measure_errors[f"{measure}_correct"] = (
                    f"{label}: codes correct ({correct}) cannot be more than "
                    f"codes audited ({audited})."
                )
        if not measure_errors and not any(
            getattr(self, f"{measure}_audited") for measure, _ in self.MEASURES
        ):
            measure_errors["primary_diagnosis_audited"] = (
                "Enter the codes audited for at least one measure."
            )
        return errors | measure_errors

    def measures(self) -> list[dict]:
        """Each measure with its counts and derived percentage (None if not audited)."""
        return [
            {
                "key": measure,
                "label": label,
                "correct": getattr(self, f"{measure}_correct"),
                "audited": getattr(self, f"{measure}_audited"),
                "percent": percent(
                    getattr(self, f"{measure}_correct"),
                    getattr(self, f"{measure}_audited"),
                ),
            }
            for measure, label in self.MEASURES
        ]

    @property
    def codes_correct(self) -> int:
        return sum(getattr(self, f"{m}_correct") for m, _ in self.MEASURES)

    @property
    def codes_audited(self) -> int:
        return sum(getattr(self, f"{m}_audited") for m, _ in self.MEASURES)

    @property
    def overall_percent(self) -> Decimal | None:
        """All codes correct over all codes audited, the four measures together."""
        return percent(self.codes_correct, self.codes_audited)

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Audit type", self.get_audit_type_display()),
            ("Auditor", self.auditor),
            ("Episodes (FCEs) audited", self.episodes_audited),
            ("Specialties covered", ", ".join(s.name for s in self.specialties.all())),
            *[
                (
                    m["label"],
                    f"{m['percent']}% ({m['correct']} of {m['audited']} codes correct)"
                    if m["audited"]
                    else "Not audited",
                )
                for m in self.measures()
            ],
            ("Overall accuracy", _percent_text(self.overall_percent)),
            ("Auditor's findings", self.summary),
            ("What was learnt or changed", self.reflection),
        )


class SpecialtyExperience(Evidence):
    KIND = Evidence.Kind.SPECIALTY

    class Setting(models.TextChoices):
        BACK_OFFICE = "back_office", "Back office"
        WARD = "ward", "Ward"
        THEATRE = "theatre", "Theatre"
        MDT = "mdt", "Multidisciplinary team (MDT) meetings"

    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+")
    episodes_coded = models.PositiveIntegerField(
        "approximate episodes coded", null=True, blank=True
    )
    setting = models.CharField(max_length=20, choices=Setting.choices)

    class Meta:
        verbose_name = "specialty experience"
        verbose_name_plural = "specialty experience"

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Specialty", self.specialty),
            ("Setting", self.get_setting_display()),
            ("Approximate episodes coded", self.episodes_coded),
            ("What the work involved", self.summary),
            ("Reflection", self.reflection),
        )


class ComplexCase(Evidence):
    """An anonymised complex case: summary is the narrative, reflection the learning."""

    KIND = Evidence.Kind.COMPLEX_CASE

    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+")
    case_types = models.ManyToManyField(CaseType, related_name="cases")
    icd10_codes = models.JSONField("ICD-10 codes", default=list, blank=True)
    opcs4_codes = models.JSONField("OPCS-4 codes", default=list, blank=True)
    standards_applied = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_no_identifiers]
    )

    class Meta:
        verbose_name = "complex case"

    @property
    def icd10_display(self) -> str:
        return ", ".join(display_icd10(code) for code in self.icd10_codes)

    @property
    def opcs4_display(self) -> str:
        return ", ".join(display_opcs4(code) for code in self.opcs4_codes)

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Specialty", self.specialty),
            ("Case types", ", ".join(t.name for t in self.case_types.all())),
            ("ICD-10 codes", self.icd10_display),
            ("OPCS-4 codes", self.opcs4_display),
            ("Anonymised narrative", self.summary),
            ("Standards applied", self.standards_applied),
            ("What was learnt", self.reflection),
        )


class Contribution(Evidence):
    KIND = Evidence.Kind.CONTRIBUTION

    class ContributionType(models.TextChoices):
        MENTORING = "mentoring", "Mentoring"
        AUDIT = "audit", "Audit"
        VALIDATION = "validation", "Validation or data quality"
        SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"
        TRAINING = "training", "Training delivered"
        CDI = "cdi", "Clinical documentation improvement"

    contribution_type = models.CharField(
        max_length=30, choices=ContributionType.choices
    )
    outcome = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[validate_no_identifiers]
    )

    class Meta:
        verbose_name = "contribution"

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Type", self.get_contribution_type_display()),
            ("What was done", self.summary),
            ("Outcome", self.outcome),
            ("Reflection", self.reflection),
        )


class CPDActivity(Evidence):
    KIND = Evidence.Kind.CPD

    class CPDType(models.TextChoices):
        STANDARDS_REFRESHER = "standards_refresher", "Standards Refresher"
        STANDARDS_COURSE = "standards_course", "Clinical Coding Standards Course"
        SPECIALTY_WORKSHOP = "specialty_workshop", "Specialty workshop"
        ELEARNING = "elearning", "E-learning"
        CONFERENCE = "conference", "Conference or network meeting"
        OTHER = "other", "Other"

    cpd_type = models.CharField("type", max_length=30, choices=CPDType.choices)
    provider = models.CharField(
        max_length=150, blank=True, validators=[validate_no_identifiers]
    )
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5")),
            MaxValueValidator(Decimal("500")),
        ],
    )

    class Meta:
        verbose_name = "CPD activity"
        verbose_name_plural = "CPD activities"
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="cpd_hours_positive"),
        ]

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Type", self.get_cpd_type_display()),
            ("Provider", self.provider),
            ("Hours", self.hours),
            ("Reflection", self.reflection),
        )


class Qualification(Evidence):
    KIND = Evidence.Kind.QUALIFICATION

    class QualificationType(models.TextChoices):
        ACC = "acc", "NCCQ: Accredited Clinical Coder (ACC)"
        AUDITOR = "auditor", "Approved Clinical Coding Auditor"
        TRAINER = "trainer", "Approved Clinical Coding Trainer"
        OTHER = "other", "Other qualification"

    qualification_type = models.CharField(
        max_length=20, choices=QualificationType.choices
    )
    awarding_body = models.CharField(
        max_length=150, blank=True, validators=[validate_no_identifiers]
    )
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "qualification"

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Qualification", self.get_qualification_type_display()),
            ("Awarding body", self.awarding_body),
            ("Expiry date", self.expires_on),
            ("Notes", self.summary),
        )

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        if self.expires_on and self.date and self.expires_on < self.date:
            errors["expires_on"] = "The expiry date must be after the award date."
        return errors


class ClinicalQuery(Evidence):
    """A documentation query: summary is the question, resolution how it ended."""

    KIND = Evidence.Kind.CLINICAL_QUERY

    class Outcome(models.TextChoices):
        CODES_CHANGED = "codes_changed", "Codes changed"
        DOCUMENTATION_IMPROVED = "documentation_improved", "Documentation improved"
        CONFIRMED = "confirmed", "Coding confirmed as it was"
        NO_RESPONSE = "no_response", "No response"

    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    query_to = models.CharField(
        "query raised with",
        max_length=150,
        help_text="A role, e.g. consultant cardiologist.",
        validators=[validate_no_identifiers],
    )
    resolution = models.TextField(
        max_length=TEXT_MAX_LENGTH, validators=[validate_no_identifiers]
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)

    class Meta:
        verbose_name = "clinical query"
        verbose_name_plural = "clinical queries"

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Specialty", self.specialty),
            ("Query raised with", self.query_to),
            ("The query", self.summary),
            ("Resolution", self.resolution),
            ("Outcome", self.get_outcome_display()),
            ("Reflection", self.reflection),
        )


class Productivity(Evidence):
    KIND = Evidence.Kind.PRODUCTIVITY

    episodes_coded = models.PositiveIntegerField()
    target_episodes = models.PositiveIntegerField(null=True, blank=True)
    timeliness_percent = models.DecimalField(
        "coded within the deadline (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "productivity record"
        verbose_name_plural = "productivity records"
        constraints = [
            models.CheckConstraint(
                condition=Q(timeliness_percent__isnull=True)
                | Q(timeliness_percent__gte=0, timeliness_percent__lte=100),
                name="productivity_timeliness_is_a_percentage",
            ),
        ]

    @property
    def percent_of_target(self) -> Decimal | None:
        return percent(self.episodes_coded, self.target_episodes)

    def display_rows(self) -> list[tuple[str, str]]:
        return _shown_rows(
            ("Episodes coded", self.episodes_coded),
            ("Target", self.target_episodes),
            ("Percentage of target", _percent_text(self.percent_of_target)),
            ("Coded within the deadline", _percent_text(self.timeliness_percent)),
            ("Notes", self.summary),
        )


KIND_MODELS: dict[str, type[Evidence]] = {
    model.KIND: model
    for model in [
        AccuracyAudit,
        SpecialtyExperience,
        ComplexCase,
        Contribution,
        CPDActivity,
        Qualification,
        ClinicalQuery,
        Productivity,
    ]
}


class Employment(models.Model):
    """A post in the employment history; coding posts count towards experience."""

    class OrganisationType(models.TextChoices):
        """The kind of organisation a post was in: a person specification may ask
        for experience "in an acute NHS environment"."""

        ACUTE = "acute", "Acute NHS trust"
        MENTAL_HEALTH_COMMUNITY = (
            "mental_health_community",
            "Mental health or community NHS trust",
        )
        OTHER_NHS = "other_nhs", "Other NHS organisation"
        INDEPENDENT = "independent", "Independent sector"
        OTHER = "other", "Other organisation"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employment"
    )
    employer = models.CharField(max_length=200, validators=[validate_no_identifiers])
    role = models.CharField(max_length=150, validators=[validate_no_identifiers])
    band = models.CharField(
        max_length=20,
        blank=True,
        help_text="For example, Band 4.",
        validators=[validate_no_identifiers],
    )
    organisation_type = models.CharField(
        "type of organisation",
        max_length=30,
        choices=OrganisationType.choices,
        blank=True,
        default="",
        help_text="Some posts ask for experience in an acute NHS trust.",
    )
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave blank if current."
    )
    is_coding_role = models.BooleanField(
        "clinical coding post",
        default=True,
        help_text="Counts towards coding experience.",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "employment"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employment_end_not_before_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:employment_list")

    def clean(self) -> None:
        super().clean()
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            raise ValidationError(
                {"start_date": "The start date must not be in the future."}
            )
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the uploader's file name: it could carry anything, including identifiers.
    return f"attachments/{instance.evidence.owner_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A PDF, PNG or JPEG on an item; served only to its owner, through a view."""

    CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    MAX_BYTES = 10 * 1024 * 1024

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(
        max_length=150,
        help_text="A description, e.g. audit report.",
        validators=[validate_no_identifiers],
    )
    # As uploaded, made safe (`safe_file_name`); blank for files attached before it
    # was kept. Shown on the item and given to the download.
    original_name = models.CharField(
        "file name", max_length=150, blank=True, validators=[validate_no_identifiers]
    )
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:attachment_download", args=[self.pk])

    @property
    def extension(self) -> str:
        return {v: k for k, v in self.CONTENT_TYPES.items()}[self.content_type].replace(
            "jpeg", "jpg"
        )

    @property
    def download_name(self) -> str:
        """The file's own name, ending as its content is (a PDF named "report.doc"
        downloads as "report.doc.pdf"); the description for files without one."""
        name = self.original_name or self.name
        suffix = name.rpartition(".")[2].lower() if "." in name else ""
        fitting = {"jpg", "jpeg"} if self.extension == "jpg" else {self.extension}
        return name if suffix in fitting else f"{name}.{self.extension}"

    @classmethod
    def safe_file_name(cls, name: str) -> str:
        """An uploaded file's name as it is kept: no folders (a browser may send a
        path), no control or invisible format characters, spaces folded, at most
        the field's length with the extension kept."""
        name = re.split(r"[\\/]", str(name))[-1]
        name = "".join(
            " " if c.isspace() else c
            for c in unicodedata.normalize("NFC", name)
            if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf")
        )
        name = " ".join(name.split()).strip(" .")
        limit = cls._meta.get_field("original_name").max_length
        if len(name) > limit:
            stem, dot, suffix = name.rpartition(".")
            if dot and 0 < len(suffix) <= 10:
                name = f"{stem[: limit - len(suffix) - 1].rstrip()}.{suffix}"
            else:
                name = name[:limit].rstrip()
        return name

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class VerificationRequestQuerySet(models.QuerySet):
    def open(self) -> "VerificationRequestQuerySet":
        """Waiting for the verifier, and their link not yet expired."""
        return self.filter(
            state=VerificationRequest.State.PENDING, expires_at__gt=timezone.now()
        )


class VerificationRequest(models.Model):
    """A coder's request that a named person confirm one item, answered once through
    a signed link (portfolio.verification); its history stays with the item.

    A confirmation records the fingerprint of the item as the verifier saw it
    (Evidence.content_fingerprint); once the item's content differs, it is voided.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        VOIDED = "voided", "No longer valid"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Never stored: a pending request past its expiry shows as this (`status`),
        # so that no job has to run at midnight.
        EXPIRED = "expired", "Expired"

    class VoidReason(models.TextChoices):
        EDITED = "edited", "you edited the item"
        ATTACHMENT_ADDED = "attachment_added", "you attached a file"
        ATTACHMENT_REMOVED = "attachment_removed", "you removed a file"
        IMPORT_CHANGED = (
            "import_changed",
            "the imported item differs from what was verified",
        )
        IMPORT_UNSEALED = (
            "import_unsealed",
            "the imported record could not be checked on this server",
        )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_requests",
    )
    # Kept when the item is deleted (evidence null): its link then says so, and
    # the request still counts towards the coder's daily limit.
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        related_name="verification_requests",
    )
    name = models.CharField(
        "verifier's full name", max_length=150, validators=[validate_no_identifiers]
    )
    role = models.CharField(
        "their role",
        max_length=150,
        help_text="For example, clinical coding manager or approved auditor.",
        validators=[validate_no_identifiers],
    )
    organisation = models.CharField(
        "their organisation", max_length=200, validators=[validate_no_identifiers]
    )
    email = models.EmailField("their work email address")
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PENDING
    )
    # Part of the link: a new one (or none) makes every earlier link useless.
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        "verifier's comment",
        blank=True,
        max_length=2000,
        validators=[validate_no_identifiers],
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="Evidence.content_fingerprint() of the item as the verifier saw "
        "it, when they answered.",
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(
        max_length=20, choices=VoidReason.choices, blank=True
    )

    objects = VerificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="verification_owner_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="verification_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=~Q(state="expired"),
                name="verification_expired_is_never_stored",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "withdrawn"])
                | Q(decided_at__isnull=False),
                name="verification_answer_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["confirmed", "voided"]) | ~Q(fingerprint=""),
                name="verification_confirmation_has_a_fingerprint",
            ),
            models.CheckConstraint(
                condition=~Q(state="voided")
                | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="verification_void_has_a_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}, {self.organisation}"

    @property
    def status(self) -> "VerificationRequest.State":
        """The state as the coder sees it: a pending request past its expiry has
        expired."""
        if self.state == self.State.PENDING and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State(self.state)

    @property
    def is_open(self) -> bool:
        return self.status == self.State.PENDING

    def decide(self, *, confirmed: bool, fingerprint: str, comment: str) -> None:
        """The verifier's answer, given on the item whose content has `fingerprint`."""
        self.state = self.State.CONFIRMED if confirmed else self.State.DECLINED
        self.decided_at = timezone.now()
        self.fingerprint = fingerprint
        self.comment = comment
        self.nonce = ""  # the link is used
        self.save(
            update_fields=["state", "decided_at", "fingerprint", "comment", "nonce"]
        )

    def void(self, reason: "VerificationRequest.VoidReason") -> None:
        """A confirmation that no longer holds: the item is not what was confirmed."""
        self.state = self.State.VOIDED
        self.voided_at = timezone.now()
        self.void_reason = reason
        self.save(update_fields=["state", "voided_at", "void_reason"])

    def withdraw(self) -> None:
        """The coder takes back an open request; its link stops working."""
        self.state = self.State.WITHDRAWN
        self.nonce = ""
        self.save(update_fields=["state", "nonce"])


def import_path(instance: "PortfolioImport", filename: str) -> str:
    return f"imports/{instance.owner_id}/{uuid.uuid4().hex}.json"


class PortfolioImport(models.Model):
    """A large portfolio file imported by a task (portfolio.tasks.run_import), with
    its progress and its result; a small file is imported at once, without one.
    The file is kept only until the task has read it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being imported"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=import_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # What was imported (DONE), or why nothing was (FAILED: the messages, capped).
    evidence = models.PositiveIntegerField(default=0)
    employment = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.size} bytes for {self.owner} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:import_status", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


@receiver(post_delete, sender=Attachment)
def _delete_the_file(sender, instance: Attachment, **kwargs) -> None:
    """An attachment's stored file goes with its row, once the deletion commits.

    A receiver rather than code in each delete path: rows also go by cascade (their
    item deleted, a portfolio reseeded, a user removed), and every cascade sends
    this signal. It keeps storage clean; no page depends on it.
    """
    stored = instance.file
    transaction.on_commit(lambda: stored.delete(save=False))


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """part/whole as a percentage to one decimal place; None when whole is 0 or None."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
