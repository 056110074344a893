import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.models import Application, Statement, Vacancy
from portfolio.formats import long_date
from portfolio.forms import PortfolioFormMixin
from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers
from portfolio.widgets import DateInput
from specifications.models import PersonSpecification


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


class VacancyForm(PortfolioFormMixin, forms.ModelForm):
    class Meta:
        model = Vacancy
        fields = [
            "title",
            "band",
            "salary",
            "hours",
            "reference",
            "closing_date",
            "specification",
        ]
        widgets = {"closing_date": DateInput()}
        help_texts = {"closing_date": "Applications close at the end of this day."}

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["specification"].queryset = PersonSpecification.objects.filter(
            organisation=organisation
        )
        self.fields["specification"].label = "Person specification"
        if self.instance.pk and self.instance.applications.exists():
            # Applications are written against these criteria.
            self.fields["specification"].disabled = True
            self.fields[
                "specification"
            ].help_text = (
                "People have applied, so the specification can no longer change."
            )

    def clean_closing_date(self):
        closing = self.cleaned_data["closing_date"]
        changed = "closing_date" in self.changed_data
        if closing < timezone.localdate() and (changed or not self.instance.pk):
            raise ValidationError("The closing date must be today or later.")
        return closing

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        taken = Vacancy.objects.filter(
            organisation=self.instance.organisation, reference=reference
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another vacancy already has this reference.")
        return reference


class RouteField(forms.ChoiceField):
    """The route: needed to submit, so it is not labelled optional; a draft saved
    before it is chosen keeps none."""

    def validate(self, value: str) -> None:
        if value not in self.empty_values:
            super().validate(value)


class DraftForm(forms.Form):
    """The route, and for each criterion a statement and the evidence behind it.

    The evidence offered for a criterion is what the coder has mapped to it; for a
    criterion not saved yet, all of it is ticked (see
    `Application.evidence_by_criterion`)."""

    route = RouteField(
        label="Which route are you applying by?",
        choices=Application.Route.choices,
        widget=forms.RadioSelect,
        help_text="You need to choose one to submit. The criteria that apply "
        "depend on it.",
    )

    def __init__(self, *args, application: Application, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.criteria = list(criteria)
        self.statements, chosen = application.evidence_by_criterion(self.criteria)
        mapped: dict[int, list[int]] = {c.pk: [] for c in self.criteria}
        items = {}
        for item in (
            Evidence.objects.filter(
                owner=application.applicant,
                links__criterion__in=[c.pk for c in self.criteria],
            )
            .order_by("-date")
            .values("pk", "title", "kind", "date", "links__criterion")
        ):
            mapped[item["links__criterion"]].append(item["pk"])
            items[item["pk"]] = item
        self.initial.setdefault("route", application.route)
        self.rows = []
        for c in self.criteria:
            statement = self.statements.get(c.pk)
            text_name, evidence_name = f"statement_{c.pk}", f"evidence_{c.pk}"
            self.fields[text_name] = forms.CharField(
                label="Your statement",
                required=False,
                widget=forms.Textarea,
                validators=[validate_no_identifiers],
            )
            choices = [
                (pk, f"{items[pk]['title']} ({long_date(items[pk]['date'])})")
                for pk in mapped[c.pk]
            ]
            self.fields[evidence_name] = forms.TypedMultipleChoiceField(
                label="Evidence",
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            if statement:
                self.initial.setdefault(text_name, statement.text)
            self.initial.setdefault(evidence_name, [e.pk for e in chosen[c.pk]])
            self.rows.append(
                {
                    "criterion": c,
                    "text": self[text_name],
                    "evidence": self[evidence_name],
                }
            )

    def _clean_statement(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        words = word_count(text)
        if words > Statement.WORD_LIMIT:
            raise ValidationError(
                f"Your statement is {words} words: keep it to {Statement.WORD_LIMIT}."
            )
        return text

    def clean(self) -> dict:
        data = super().clean()
        for c in self.criteria:
            name = f"statement_{c.pk}"
            if name in data:
                try:
                    data[name] = self._clean_statement(name)
                except ValidationError as error:
                    self.add_error(name, error)
        return data

    def save_valid(self) -> int:
        """Save the route and every criterion whose fields are valid, even when
        others are not, so that nothing typed is lost. Returns how many fields
        failed (the route counting as one)."""
        data = self.cleaned_data
        failed = 0
        if "route" in self.errors:
            failed += 1
        elif "route" in data:
            self.application.route = data["route"]
            self.application.save(update_fields=["route", "updated_at"])
        for c in self.criteria:
            text_name, evidence_name = f"statement_{c.pk}", f"evidence_{c.pk}"
            if text_name in self.errors or evidence_name in self.errors:
                failed += 1
                continue
            statement = self.statements.get(c.pk) or Statement(
                application=self.application, criterion=c
            )
            statement.text = data.get(text_name, "")
            statement.save()
            statement.evidence.set(data.get(evidence_name, []))
        return failed
