"""Forms for each kind of evidence, employment and attachments."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections

from portfolio import uploads
from portfolio.codes import ICD10CodesField, OPCS4CodesField, unknown_icd10
from portfolio.formats import mid_sentence
from portfolio.models import (
    AccuracyAudit,
    Attachment,
    CaseType,
    ClinicalQuery,
    ComplexCase,
    Contribution,
    CPDActivity,
    Employment,
    Evidence,
    Productivity,
    Qualification,
    Specialty,
    SpecialtyExperience,
    VerificationRequest,
)
from portfolio.pid import validate_no_identifiers
from portfolio.widgets import DateInput


class PortfolioFormMixin:
    """Names the field in "required" messages.

    Free text is checked for patient identifiers by the model fields' validator
    (portfolio.pid.validate_no_identifiers), which a ModelForm runs for its fields;
    a form field with no model field behind it lists the validator itself."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = mid_sentence(field.label or name.replace("_", " "))
            verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
            if isinstance(field, forms.FileField):
                verb = "Choose"
            field.error_messages["required"] = f"{verb} the {label}."


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """Several choices by id, where an id beyond the database's integers is an
    invalid choice. Django would pass it to the query, which fails (an
    OverflowError on SQLite): a server error for a made-up post."""

    def _check_values(self, value):
        model = self.queryset.model
        low, high = connections[self.queryset.db].ops.integer_field_range(
            model._meta.pk.get_internal_type()
        )
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: Django's own check says so
            if not low <= number <= high:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


DATE_HINT = "For example, 27 3 2026"


def date_widgets(*names: str) -> dict[str, forms.Widget]:
    return {name: DateInput() for name in names}


class EvidenceForm(PortfolioFormMixin, forms.ModelForm):
    """Fields common to every kind; each kind's form lists its own."""

    warnings: list[str]

    class Meta:
        model = Evidence
        fields = ["title", "date", "summary", "reflection"]

    def __init__(self, *args, owner=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = []
        if owner is not None:
            self.instance.owner = owner
        for name in ["date", "end_date", "expires_on"]:
            if name in self.fields:
                self.fields[name].widget = DateInput()
                own_hint = getattr(self.Meta, "help_texts", {}).get(name)
                self.fields[name].help_text = own_hint or DATE_HINT
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                field.widget.attrs.setdefault("class", "nhsuk-input--width-5")
        if "specialties" in self.fields:
            self.fields["specialties"].queryset = Specialty.objects.order_by("name")
            self.fields["specialties"].widget.attrs["size"] = 8
        for name in ["specialty"]:
            if name in self.fields:
                self.fields[name].queryset = Specialty.objects.order_by("name")

    def save(self, commit: bool = True) -> Evidence:
        item = super().save(commit=commit)
        if commit and "specialty" in self.fields and "specialties" not in self.fields:
            item.tag_own_specialty()
        return item


class AccuracyAuditForm(EvidenceForm):
    class Meta:
        model = AccuracyAudit
        fields = [
            "title",
            "date",
            "audit_type",
            "auditor",
            "episodes_audited",
            "specialties",
            "primary_diagnosis_correct",
            "primary_diagnosis_audited",
            "secondary_diagnoses_correct",
            "secondary_diagnoses_audited",
            "primary_procedure_correct",
            "primary_procedure_audited",
            "secondary_procedures_correct",
            "secondary_procedures_audited",
            "summary",
            "reflection",
        ]
        labels = {
            "date": "Date of the audit",
            "specialties": "Specialties covered",
            "summary": "Auditor's findings",
            "reflection": "What you learnt or changed",
            **{
                f"{key}_{part}": f"{label}: codes {part}"
                for key, label in AccuracyAudit.MEASURES
                for part in ["correct", "audited"]
            },
        }
        field_classes = {"specialties": ModelChoicesField}
        help_texts = {
            "specialties": "Hold Ctrl (or Cmd) to choose more than one.",
            "episodes_audited": "The number of finished consultant episodes (FCEs).",
        }


class SpecialtyExperienceForm(EvidenceForm):
    class Meta:
        model = SpecialtyExperience
        fields = [
            "title",
            "specialty",
            "setting",
            "date",
            "end_date",
            "episodes_coded",
            "summary",
            "reflection",
        ]
        labels = {
            "date": "Start date",
            "end_date": "End date",
            "summary": "What the work involved",
        }
        help_texts = {"end_date": "Leave blank if you still code this specialty."}
        widgets = {"setting": forms.RadioSelect}


class ComplexCaseForm(EvidenceForm):
    icd10_codes = ICD10CodesField(label="ICD-10 codes assigned", required=False)
    opcs4_codes = OPCS4CodesField(label="OPCS-4 codes assigned", required=False)

    class Meta:
        model = ComplexCase
        fields = [
            "title",
            "date",
            "specialty",
            "case_types",
            "icd10_codes",
            "opcs4_codes",
            "summary",
            "standards_applied",
            "reflection",
        ]
        labels = {
            "date": "Date coded",
            "summary": "Anonymised case narrative",
            "reflection": "What you learnt",
            "case_types": "Case types",
        }
        help_texts = {
            "summary": "Describe the case without anything that could identify the "
            "patient: no names, NHS or hospital numbers, dates of birth or postcodes.",
            "standards_applied": "For example, DCS.IX.2, PSCM1.",
        }
        widgets = {"case_types": forms.CheckboxSelectMultiple}
        field_classes = {"case_types": ModelChoicesField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_types"].queryset = CaseType.objects.all()
        self.fields["summary"].required = True

    def clean_icd10_codes(self) -> list[str]:
        codes = self.cleaned_data["icd10_codes"]
        unknown = unknown_icd10(codes)
        if unknown:
            self.warnings.append(
                "Check these ICD-10 codes: "
                + ", ".join(self.fields["icd10_codes"].display(c) for c in unknown)
                + ". They are well formed but not in the WHO ICD-10 reference list."
            )
        return codes


class ContributionForm(EvidenceForm):
    class Meta:
        model = Contribution
        fields = [
            "title",
            "contribution_type",
            "date",
            "end_date",
            "summary",
            "outcome",
            "reflection",
        ]
        labels = {
            "contribution_type": "Type of contribution",
            "date": "Start date",
            "end_date": "End date",
            "summary": "What you did",
        }
        widgets = {"contribution_type": forms.RadioSelect}


class CPDActivityForm(EvidenceForm):
    class Meta:
        model = CPDActivity
        fields = ["title", "cpd_type", "provider", "date", "hours", "reflection"]
        labels = {"title": "Activity", "date": "Date completed", "hours": "Hours"}
        widgets = {"cpd_type": forms.RadioSelect}


class QualificationForm(EvidenceForm):
    class Meta:
        model = Qualification
        fields = [
            "title",
            "qualification_type",
            "awarding_body",
            "date",
            "expires_on",
            "summary",
        ]
        labels = {
            "title": "Qualification",
            "date": "Date awarded",
            "expires_on": "Expiry date",
            "summary": "Notes",
        }
        widgets = {"qualification_type": forms.RadioSelect}


class ClinicalQueryForm(EvidenceForm):
    class Meta:
        model = ClinicalQuery
        fields = [
            "title",
            "date",
            "specialty",
            "query_to",
            "summary",
            "resolution",
            "outcome",
            "reflection",
        ]
        labels = {"date": "Date raised", "summary": "The query"}
        widgets = {"outcome": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].required = True


class ProductivityForm(EvidenceForm):
    class Meta:
        model = Productivity
        fields = [
            "title",
            "date",
            "end_date",
            "episodes_coded",
            "target_episodes",
            "timeliness_percent",
            "summary",
        ]
        labels = {"date": "Start of the period", "end_date": "End of the period"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True


KIND_FORMS: dict[str, type[EvidenceForm]] = {
    Evidence.Kind.AUDIT: AccuracyAuditForm,
    Evidence.Kind.SPECIALTY: SpecialtyExperienceForm,
    Evidence.Kind.COMPLEX_CASE: ComplexCaseForm,
    Evidence.Kind.CONTRIBUTION: ContributionForm,
    Evidence.Kind.CPD: CPDActivityForm,
    Evidence.Kind.QUALIFICATION: QualificationForm,
    Evidence.Kind.CLINICAL_QUERY: ClinicalQueryForm,
    Evidence.Kind.PRODUCTIVITY: ProductivityForm,
}


class EmploymentForm(PortfolioFormMixin, forms.ModelForm):
    class Meta:
        model = Employment
        fields = [
            "employer",
            "organisation_type",
            "role",
            "band",
            "start_date",
            "end_date",
            "is_coding_role",
        ]
        widgets = date_widgets("start_date", "end_date")

    def __init__(self, *args, owner=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.instance.owner = owner


class AttachmentForm(PortfolioFormMixin, forms.ModelForm):
    """Accepts PDF, PNG or JPEG, judged by the file's content, up to 10 MB."""

    class Meta:
        model = Attachment
        fields = ["name", "file"]
        labels = {"name": "Description", "file": "File"}
        help_texts = {"file": "A PDF, PNG or JPEG file, 10 MB at most."}

    def __init__(self, *args, evidence=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if evidence is not None:
            self.instance.evidence = evidence

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > Attachment.MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: it must be 10 MB "
                "or smaller."
            )
        problem = uploads.name_problem(upload.name)
        if problem:
            raise ValidationError(problem)
        upload.seek(0)
        try:
            checked = uploads.check_file(upload.read())
        except uploads.FileRefused as refusal:
            raise ValidationError(str(refusal)) from None
        # Its own name is kept (and shown, and given to the download), so the PID
        # guard reads it as it reads any free text.
        original_name = Attachment.safe_file_name(upload.name)
        try:
            validate_no_identifiers(original_name)
        except ValidationError as error:
            raise ValidationError(
                [f"The file's name: {message}" for message in error.messages]
            ) from None
        self.instance.original_name = original_name
        # What is stored is what was checked: an image encoded again, pixels only.
        self.instance.content_type = checked.content_type
        self.instance.size = len(checked.data)
        self.instance.sha256 = Attachment.digest(checked.data)
        return ContentFile(checked.data, name=upload.name)


class VerificationRequestForm(PortfolioFormMixin, forms.ModelForm):
    """Whom the coder asks to verify an item."""

    class Meta:
        model = VerificationRequest
        fields = ["name", "role", "organisation", "email"]
        help_texts = {
            "email": "The link to verify the item is sent here. It shows them this "
            "item only, and works once, for 14 days."
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, owner=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if self.owner is not None and email.lower() == self.owner.email.lower():
            raise ValidationError(
                "Enter the email address of the person who saw this work: you "
                "cannot verify your own evidence."
            )
        return email


class VerificationAnswerForm(PortfolioFormMixin, forms.Form):
    """The verifier's answer. `seen` carries the fingerprint of the item as the page
    showed it, so that an answer is never recorded on content they did not see."""

    CONFIRM = "confirm"
    DECLINE = "decline"

    answer = forms.ChoiceField(
        label="Can you confirm this item is accurate?",
        choices=[
            (CONFIRM, "Yes, I confirm it is accurate"),
            (DECLINE, "No, I cannot confirm it"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Required if you cannot confirm it: say why. The person who asked "
        "you will see it; do not include anything that could identify a patient.",
        required=False,
        max_length=VerificationRequest._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_identifiers],
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = (
            "Select whether you can confirm the item."
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("answer") == self.DECLINE and not data.get("comment", "").strip():
            self.add_error(
                "comment", "Say why you cannot confirm it, so that they can correct it."
            )
        return data

    @property
    def confirmed(self) -> bool:
        return self.cleaned_data["answer"] == self.CONFIRM
