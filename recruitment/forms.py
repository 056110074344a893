from django import forms

from accounts.models import User
from applications.models import Application, StatusChange
from portfolio.forms import ModelChoicesField, PortfolioFormMixin
from recruitment.models import Score


class ScoreForm(PortfolioFormMixin, forms.ModelForm):
    """One panel member's score of one criterion, with a note."""

    class Meta:
        model = Score
        fields = ["score", "note"]
        widgets = {
            "score": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"score": "Your score", "note": "Note"}
        help_texts = {
            "note": "Why this score: what the statement and evidence show or lack."
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A model field with choices and no default offers an empty choice.
        self.fields["score"].choices = Score.Value.choices
        if self.prefix:
            # One form per criterion on the page, prefixed with its reference:
            # each label says which criterion it is for.
            self.fields["score"].label = f"Your score for {self.prefix}"
            self.fields["note"].label = f"Your note on {self.prefix}"
            self.fields["score"].error_messages["required"] = (
                f"Select your score for {self.prefix}."
            )


class OutcomeForm(PortfolioFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (Application.Status.SHORTLISTED, "Shortlisted"),
            (Application.Status.NOT_SHORTLISTED, "Not shortlisted"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The candidate is told this reason. Needed if not shortlisted.",
        # The model field's validators, PID guard included.
        validators=StatusChange._meta.get_field("reason").validators,
    )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("outcome") == Application.Status.NOT_SHORTLISTED
            and not data.get("reason", "").strip()
        ):
            self.add_error(
                "reason", "Give the reason the candidate is not shortlisted."
            )
        return data


class PanelForm(forms.Form):
    # An id beyond the database's integers is an invalid choice, not a server error.
    members = ModelChoicesField(
        label="Panel members",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Recruiters of your organisation who score the applications "
        "with you. You lead the panel and score too.",
    )

    def __init__(self, *args, recruiters, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        field.queryset = recruiters
        field.label_from_instance = lambda user: f"{user.full_name} ({user.email})"
