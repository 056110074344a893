"""Forms for person specifications, their criteria, and mapping evidence to them."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

from portfolio.forms import PortfolioFormMixin
from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.specs import MAX_CRITERIA, MAX_ORDER


class LinkForm(PortfolioFormMixin, forms.Form):
    rationale = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence on how this evidence meets the criterion.",
        validators=[validate_no_identifiers],
    )


class LinkFromEvidenceForm(LinkForm):
    """Map one item of evidence to a criterion of a spec, with a rationale."""

    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(), label="Criterion"
    )
    field_order = ["criterion", "rationale"]

    def __init__(self, *args, evidence: Evidence, spec: PersonSpecification, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = evidence
        self.fields["criterion"].queryset = spec.criteria.exclude(
            links__evidence=evidence
        )
        self.fields["criterion"].label_from_instance = criterion_label

    def save(self) -> EvidenceLink:
        return EvidenceLink.objects.create(
            evidence=self.evidence,
            criterion=self.cleaned_data["criterion"],
            rationale=self.cleaned_data["rationale"],
        )


class LinkFromCriterionForm(LinkForm):
    """Add an item of the coder's evidence behind one criterion, with a rationale."""

    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.none(), label="Evidence"
    )
    field_order = ["evidence", "rationale"]

    def __init__(self, *args, criterion: Criterion, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["evidence"].queryset = (
            Evidence.objects.for_owner(owner)
            .exclude(links__criterion=criterion)
            .order_by("kind", "-date")
        )
        self.fields["evidence"].label_from_instance = lambda item: (
            f"{item.get_kind_display()}: {item.title} ({item.date:%-d %b %Y})"
        )

    def save(self) -> EvidenceLink:
        return EvidenceLink.objects.create(
            evidence=self.cleaned_data["evidence"],
            criterion=self.criterion,
            rationale=self.cleaned_data["rationale"],
        )


def criterion_label(criterion: Criterion) -> str:
    return (
        f"{criterion.get_category_display()}, {criterion.get_requirement_display()}"
        f"{f' ({criterion.get_route_display()})' if criterion.route else ''}: "
        f"{criterion.text}"
    )


class SpecificationForm(PortfolioFormMixin, forms.ModelForm):
    class Meta:
        model = PersonSpecification
        fields = ["title", "band", "source"]

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        taken = PersonSpecification.objects.filter(
            organisation=self.instance.organisation,
            title=title,
            version=self.instance.version,
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                f"Your organisation already has version {self.instance.version} of a "
                "specification with this title."
            )
        return title


class CriterionForm(PortfolioFormMixin, forms.ModelForm):
    rule = forms.CharField(
        label="Rule (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='JSON, for example {"kind": "experience_years", "years": 3}. '
        "Kinds: accuracy, experience_years, holds_acc, specialty_count, item_count, "
        'refresher_within; any_of and all_of take "rules", a list of rules.',
        validators=[validate_no_identifiers],
    )

    class Meta:
        model = Criterion
        fields = ["category", "requirement", "route", "text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The same bound as the import's, so every spec can be exported and
        # imported again.
        order = self.fields["order"]
        order.max_value = MAX_ORDER
        order.validators.append(MaxValueValidator(MAX_ORDER))
        order.widget.attrs["max"] = MAX_ORDER
        if self.instance.rule:
            self.initial["rule"] = json.dumps(self.instance.rule)

    def clean_rule(self) -> dict | None:
        """The rule's JSON text as a dict, set on the criterion, whose clean()
        checks the rule itself (through the model validation that follows)."""
        text = self.cleaned_data["rule"].strip()
        try:
            rule = json.loads(text) if text else None
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            raise ValidationError("The rule must be JSON, like the example.") from None
        self.instance.rule = rule
        return rule


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "A specification can have %(num)d criteria at most. "
        "Remove some, or split it into two specifications.",
    }


# Capped at a real spec's size: a post that claims 2,000 criteria gets the
# message above after building 60 forms, not 2,000 (36 seconds of work).
CriterionFormSet = forms.inlineformset_factory(
    PersonSpecification,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_CRITERIA,
    absolute_max=MAX_CRITERIA,
    validate_max=True,
)


class SpecUploadForm(forms.Form):
    file = forms.FileField(
        label="Specification file (.json)",
        help_text="A file exported from Coderfolio, or written in the same format.",
    )
