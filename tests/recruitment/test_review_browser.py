"""In a real browser a panel member scores a submission; the lead sets its outcome,
finalises the shortlist and sees the candidate's name. Axe checks every recruiter
page on the way."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_no_axe_violations
from tests.factories import (
    PASSWORD,
    make_coder,
    make_organisation,
    make_recruiter,
    make_vacancy,
)
from tests.recruitment.helpers import close, make_panel, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_panel_member_scores_and_the_lead_finalises(page: Page, live_server):
    trust = make_organisation(name="Trust A NHS Foundation Trust")
    vacancy = make_vacancy(trust, title="Senior Clinical Coder", reference="SCC-1")
    lead = make_recruiter(trust, email="lead@trust-a.nhs.uk", full_name="Rita Lead")
    member = make_recruiter(
        trust, email="member@trust-a.nhs.uk", full_name="Pat Member"
    )
    make_panel(vacancy, lead, member)
    alice = make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    application = submit(alice, vacancy)  # its packs are built as it commits
    number = application.candidate_number

    # The panel member scores the first criterion.
    sign_in(page, live_server, "member@trust-a.nhs.uk")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Recruitment"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruitment")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Senior Clinical Coder", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Longlist")
    expect(page.locator("#longlist")).not_to_contain_text("Alice")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Candidate {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Candidate {number}")
    assert_no_axe_violations(page)
    first = page.locator("#criterion-C1")
    first.get_by_label("2: met").check()
    first.get_by_label("Your note on C1").fill("Validates coded data every week.")
    first.get_by_role("button", name="Save your score for C1").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your score for C1 has been saved."
    )
    expect(page.locator("#score-table")).to_contain_text("Pat Member")
    assert_no_axe_violations(page)
    # An empty score is refused, and says so.
    page.locator("#criterion-C2").get_by_role(
        "button", name="Save your score for C2"
    ).click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select your score for C2."
    )
    assert_no_axe_violations(page)
    sign_out(page)

    # The lead sets the outcome, chooses to finalise once the vacancy has closed,
    # and sees the name.
    sign_in(page, live_server, "lead@trust-a.nhs.uk")
    page.goto(f"{live_server.url}/recruitment/vacancies/{vacancy.pk}/")
    page.get_by_role("link", name="Choose the panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("button", name="Prepare a zip of every anonymised pack").click()
    expect(page.locator("#zip-status")).to_contain_text("The zip holds 1 anonymised")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name=f"Candidate {number}").click()
    outcome = page.get_by_role("group", name="Outcome")
    outcome.get_by_label("Shortlisted", exact=True).check()
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Candidate {number}: shortlisted"
    )
    assert_no_axe_violations(page)
    page.get_by_role(
        "link", name="Who has viewed and downloaded this application"
    ).click()
    expect(page.locator("#access-log")).to_contain_text("member@trust-a.nhs.uk")
    assert_no_axe_violations(page)

    close(vacancy)
    page.goto(f"{live_server.url}/recruitment/vacancies/{vacancy.pk}/")
    page.get_by_role("button", name="Finalise the shortlist").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Candidates' names are now shown."
    )
    expect(page.locator("#longlist")).to_contain_text(f"Alice Archer ({number})")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Alice Archer ({number})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Alice Archer ({number})"
    )
    assert_no_axe_violations(page)
