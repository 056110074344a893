import pytest
from django.db import IntegrityError

from accounts.models import User
from tests.factories import make_coder, make_organisation


def test_emails_are_stored_in_lower_case(db):
    user = User.objects.create_user("Dana@Example.NHS.uk", "x", full_name="Dana")
    assert user.email == "dana@example.nhs.uk"
    assert str(user) == "dana@example.nhs.uk"


def test_two_accounts_cannot_share_an_email_in_any_case(db):
    make_coder(email="erin@example.nhs.uk")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="ERIN@example.nhs.uk", full_name="Erin")])


def test_a_recruiter_must_belong_to_an_organisation(db):
    with pytest.raises(IntegrityError):
        User.objects.bulk_create(
            [User(email="rec@example.nhs.uk", full_name="R", role=User.Role.RECRUITER)]
        )


def test_roles(db):
    trust = make_organisation()
    coder = make_coder()
    recruiter = User.objects.create_user(
        "r@example.nhs.uk", "x", full_name="R", role="recruiter", organisation=trust
    )
    assert coder.is_coder and not coder.is_recruiter
    assert recruiter.is_recruiter and not recruiter.is_coder


def test_a_superuser_is_staff(db):
    admin = User.objects.create_superuser(
        "admin@example.nhs.uk", "x", full_name="Admin"
    )
    assert admin.is_staff and admin.is_superuser
