"""Forms for person specifications, their criteria, and mapping evidence to them."""

import json

from django import forms
from django.core.exceptions import ValidationError

from portfolio.forms import PortfolioFormMixin
from portfolio.models import Evidence
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.rules import clean_rule


class LinkForm(PortfolioFormMixin, forms.Form):
    rationale = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence on how this evidence meets the criterion.",
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
        f"{' (portfolio route)' if criterion.route else ''}: {criterion.text}"
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
        "refresher_within.",
    )

    class Meta:
        model = Criterion
        fields = ["category", "requirement", "route", "text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.rule:
            self.initial["rule"] = json.dumps(self.instance.rule)

    def clean_rule(self) -> dict | None:
        text = self.cleaned_data["rule"].strip()
        if not text:
            return None
        try:
            rule = json.loads(text)
        except ValueError:
            raise ValidationError("The rule must be JSON, like the example.") from None
        if not isinstance(rule, dict) or "kind" not in rule:
            raise ValidationError('The rule must be a JSON object with a "kind".')
        params = {k: v for k, v in rule.items() if k != "kind"}
        clean_rule(rule["kind"], params)
        return rule

    def save(self, commit: bool = True) -> Criterion:
        rule = self.cleaned_data.get("rule")
        self.instance.rule_kind = rule["kind"] if rule else ""
        self.instance.rule_params = (
            {k: v for k, v in rule.items() if k != "kind"} if rule else {}
        )
        return super().save(commit=commit)


CriterionFormSet = forms.inlineformset_factory(
    PersonSpecification, Criterion, form=CriterionForm, extra=2, can_delete=True
)


class SpecUploadForm(forms.Form):
    file = forms.FileField(
        label="Specification file (.json)",
        help_text="A file exported from Coderfolio, or written in the same format.",
    )
