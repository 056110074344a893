from django.urls import reverse

from tests import pages
from tests.factories import PASSWORD


def test_it_signs_a_coder_in_by_email_and_sends_them_to_their_portfolio(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@example.nhs.uk", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("portfolio:home")


def test_the_email_address_is_not_case_sensitive(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "Alice@Example.NHS.uk", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_it_sends_a_recruiter_to_recruitment(client, rachel):
    client.post(
        reverse("accounts:login"),
        {"username": "rachel@trust-a.nhs.uk", "password": PASSWORD},
    )
    assert client.get(reverse("home")).url == reverse("applications:recruiter_home")


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@example.nhs.uk", "password": "nope"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    content = pages.html(response)
    assert "nhsuk-error-summary" in content
    assert "Please enter a correct email address and password" in content
    assert "<title>Error: Sign in - Coderfolio</title>" in content


def test_it_follows_next_to_the_page_asked_for(client, alice):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    response = client.post(
        response.url,
        {
            "username": "alice@example.nhs.uk",
            "password": PASSWORD,
            "next": reverse("accounts:account"),
        },
    )
    assert response.url == reverse("accounts:account")


def test_it_does_not_follow_next_to_another_site(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "alice@example.nhs.uk",
            "password": PASSWORD,
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("home")


def test_sign_out_signs_out_and_only_by_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
