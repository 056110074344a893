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
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Sign in, or reset your password if you have forgotten it."
            )
        return email

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = User.Role.CODER
        if commit:
            user.save()
        return user
