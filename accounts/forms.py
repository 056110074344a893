from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from accounts.models import User


class SignUpForm(BaseUserCreationForm):
    """Self-service sign-up, for clinical coders only."""

    class Meta:
        model = User
        fields = ["full_name", "email"]
        labels = {"full_name": "Full name", "email": "Email address"}
        help_texts = {
            "email": "You will use this to sign in. A work address is best.",
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    # An address that already has an account is not an error here: the page would
    # tell anyone whether a person has an account. The view e-mails the owner
    # instead, so the uniqueness checks leave the address out.
    def validate_unique(self) -> None:
        self._validate(self.instance.validate_unique)

    def validate_constraints(self) -> None:
        self._validate(self.instance.validate_constraints)

    def _validate(self, check) -> None:
        try:
            check(exclude=self._get_validation_exclusions() | {"email"})
        except forms.ValidationError as error:
            self._update_errors(error)

    def save(self, commit: bool = True) -> User:
        """A coder's account, inactive until its address is confirmed."""
        user = super().save(commit=False)
        user.role = User.Role.CODER
        user.is_active = False
        if commit:
            user.save()
        return user
