from django.urls import reverse

from accounts.models import User
from tests import pages


def sign_up(client, **overrides):
    data = {
        "full_name": "Carol Coder",
        "email": "carol@example.nhs.uk",
        "password1": "a-long-passphrase-for-carol",
        "password2": "a-long-passphrase-for-carol",
    }
    data.update(overrides)
    return client.post(reverse("accounts:signup"), data)


def test_it_creates_a_coder_and_signs_them_in(client, db):
    response = sign_up(client, email="Carol@Example.NHS.uk")
    assert response.status_code == 302
    assert response.url == reverse("portfolio:home")
    carol = User.objects.get()
    assert carol.email == "carol@example.nhs.uk"
    assert carol.role == User.Role.CODER
    assert carol.organisation is None
    assert carol.check_password("a-long-passphrase-for-carol")
    assert int(client.session["_auth_user_id"]) == carol.pk


def test_it_cannot_be_used_to_become_a_recruiter(client, trust_a):
    sign_up(client, role="recruiter", organisation=trust_a.pk)
    assert User.objects.get().role == User.Role.CODER
    assert User.objects.get().organisation is None


def test_an_email_already_in_use_is_refused_whatever_its_case(client, alice):
    response = sign_up(client, email="ALICE@example.nhs.uk")
    assert response.status_code == 200
    assert "An account with this email address already exists" in pages.html(response)
    assert User.objects.count() == 1


def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_stored(client, db):
    response = sign_up(client, password1="password", password2="password")
    assert "This password is too common" in pages.html(response)
    response = sign_up(client, password2="something-else-entirely")
    assert "The two password fields" in pages.html(response)
    assert not User.objects.exists()


def test_what_was_typed_is_kept_after_an_error(client, db):
    response = sign_up(client, password2="different-passphrase-here")
    content = pages.html(response)
    assert 'value="Carol Coder"' in content
    assert 'value="carol@example.nhs.uk"' in content


def test_a_signed_in_user_is_sent_home(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:signup")).url == reverse("home")
