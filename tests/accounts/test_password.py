import re

from django.core import mail
from django.urls import reverse

from tests import pages
from tests.factories import PASSWORD


def test_a_user_can_change_their_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_changing_the_password_needs_the_old_one(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in pages.html(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_forgotten_password_can_be_reset_through_an_emailed_link(client, alice):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "alice@example.nhs.uk"}
    )
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.nhs.uk"]
    assert mail.outbox[0].subject == "Reset your Coderfolio password"
    link = re.search(
        r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body
    )[1]

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "reset-to-this-passphrase",
            "new_password2": "reset-to-this-passphrase",
        },
    )
    assert response.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("reset-to-this-passphrase")


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, alice
):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.nhs.uk"}
    )
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_bad_reset_link_says_so(client, alice):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
        follow=True,
    )
    assert "This reset link is not valid" in pages.html(response)
