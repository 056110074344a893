"""Signing in through a real browser (Debian's Chromium), checked with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser import assert_no_axe_violations
from tests.factories import PASSWORD, make_coder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_a_coder_signs_in_and_out_with_the_keyboard(
    page: Page, live_server, console_errors
):
    make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    page.goto(f"{live_server.url}/")
    # NHS.UK frontend's module ran under the CSP: the page knows it has JavaScript.
    expect(page.locator("body")).to_have_class("js-enabled nhsuk-frontend-supported")
    # The first Tab lands on the skip link, which takes focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Then through the header, by keyboard, to the sign-in link.
    page.get_by_role("link", name="Sign in", exact=True).first.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_title("Sign in - Coderfolio")
    # The email box has the focus, ready to type.
    expect(page.get_by_label("Email address")).to_be_focused()
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    expect(page).to_have_title("Your portfolio - Coderfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Your portfolio")).to_have_attribute(
        "aria-current", "page"
    )
    expect(menu.get_by_role("link", name="Recruitment")).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Evidence your clinical coding career - Coderfolio")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert console_errors == []


def test_a_failed_sign_in_shows_an_accessible_error_summary(
    page: Page, live_server, console_errors
):
    make_coder(email="alice@example.nhs.uk")
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in - Coderfolio")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Please enter a correct email address and password")
    assert_no_axe_violations(page)
    assert console_errors == []


def test_a_visitor_creates_an_account_and_confirms_their_address(
    page: Page, live_server, console_errors
):
    page.goto(f"{live_server.url}/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Create an account").first.click()
    expect(page).to_have_title("Create an account - Coderfolio")
    assert_no_axe_violations(page)
    page.get_by_label("Full name").fill("Carol Coder")
    page.get_by_label("Email address").fill("carol@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase-for-carol")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-for-carol")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title("Check your email - Coderfolio")
    assert_no_axe_violations(page)

    [message] = mail.outbox
    link = re.search(r"(http://\S+/account/confirm/\S+/)", message.body)[1]
    page.goto(link)
    expect(page).to_have_title("Confirm your email address - Coderfolio")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm my email address").click()

    expect(page).to_have_title("Sign in - Coderfolio")
    expect(page.get_by_role("alert")).to_contain_text("Your email address is confirmed")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("carol@example.nhs.uk")
    page.get_by_label("Password").fill("a-long-passphrase-for-carol")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Your portfolio - Coderfolio")
    assert console_errors == []


def test_a_locked_out_visitor_is_told_when_to_try_again(
    page: Page, live_server, console_errors
):
    make_coder(email="alice@example.nhs.uk")
    page.goto(f"{live_server.url}/account/sign-in/")
    for _ in range(5):
        page.get_by_label("Email address").fill("alice@example.nhs.uk")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("You cannot sign in at the moment - Coderfolio")
    expect(page.locator("main")).to_contain_text("Try again after")
    assert_no_axe_violations(page)
    # The browser reports the page's status (429, Too Many Requests) as an error.
    assert [e for e in console_errors if "429" not in e] == []
