"""In a real browser a coder maps evidence to a criterion and sees the matrix change."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_no_axe_violations
from tests.factories import PASSWORD, make_coder, make_evidence

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

JUDGEMENT = "Sound professional judgement in coding decisions"


def test_a_coder_maps_evidence_and_the_matrix_changes(page: Page, live_server):
    alice = make_coder(email="alice@example.nhs.uk")
    make_evidence(alice, "clinical_query", title="Type 2 MI query")
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Person specifications").click()
    page.get_by_role("link", name="Senior Clinical Coder / Clinical Coder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Senior Clinical Coder / Clinical Coder (ACC/Non-ACC)"
    )
    card = page.locator(".nhsuk-card", has=page.get_by_role("heading", name=JUDGEMENT))
    expect(card).to_contain_text("Missing")
    gaps = page.locator("#gap-list")
    expect(gaps).to_contain_text(JUDGEMENT)
    evidenced_before = page.locator("#coverage-totals tr").last.locator("td").nth(1)
    expect(evidenced_before).to_have_text("1")  # clinical queries: a rule met
    assert_no_axe_violations(page)

    card.get_by_role("link", name="Add evidence").click()
    expect(page).to_have_title("Add evidence to a criterion - Coderfolio")
    assert_no_axe_violations(page)
    page.get_by_label("Evidence").select_option(
        label="Clinical query: Type 2 MI query (1 Sep 2026)"
    )
    page.get_by_label("Rationale").fill(
        "Challenged an ambiguous diagnosis before coding it."
    )
    page.get_by_role("button", name="Add evidence").click()

    expect(page.get_by_role("alert")).to_contain_text("“Type 2 MI query” added")
    card = page.locator(".nhsuk-card", has=page.get_by_role("heading", name=JUDGEMENT))
    expect(card).to_contain_text("Evidenced")
    expect(card).to_contain_text("Challenged an ambiguous diagnosis")
    expect(page.locator("#gap-list")).not_to_contain_text(JUDGEMENT)
    expect(page.locator("#coverage-totals tr").last.locator("td").nth(1)).to_have_text(
        "2"
    )
    assert_no_axe_violations(page)

    # And back out again, with the keyboard.
    card.get_by_role("button", name="Remove").focus()
    page.keyboard.press("Enter")
    card = page.locator(".nhsuk-card", has=page.get_by_role("heading", name=JUDGEMENT))
    expect(card).to_contain_text("Missing")
