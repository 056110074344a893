import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from tests import pages


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser(
        "admin@example.nhs.uk", "x", full_name="Admin"
    )
    client.force_login(admin)
    return client


def test_admin_lists_users_and_organisations(admin_client, alice, rachel):
    html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "alice@example.nhs.uk" in html
    assert "rachel@trust-a.nhs.uk" in html
    html = admin_client.get(
        reverse("admin:accounts_organisation_changelist")
    ).content.decode()
    assert "Trust A NHS Foundation Trust" in html


def test_admin_creates_a_recruiter_for_an_organisation(admin_client, trust_a):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.recruiter@trust-a.nhs.uk",
            "full_name": "New Recruiter",
            "role": "recruiter",
            "organisation": trust_a.pk,
            "usable_password": "true",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302, pages.html(response)[:2000]
    user = User.objects.get(email="new.recruiter@trust-a.nhs.uk")
    assert user.organisation == trust_a and user.is_recruiter


def test_admin_refuses_a_recruiter_without_an_organisation(admin_client, db):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "lonely@trust-a.nhs.uk",
            "full_name": "Lonely Recruiter",
            "role": "recruiter",
            "usable_password": "true",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 200
    assert "A recruiter must belong to an organisation." in pages.html(response)
    assert not User.objects.filter(email="lonely@trust-a.nhs.uk").exists()


def test_admin_adds_an_organisation(admin_client):
    admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Trust C NHS Trust", "ods_code": "RCC", "retention_months": "18"},
    )
    assert Organisation.objects.get(ods_code="RCC").retention_months == 18
