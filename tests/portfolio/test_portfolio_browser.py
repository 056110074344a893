"""In a real browser a coder logs an audit and a complex case; the dashboard changes."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_no_axe_violations
from tests.factories import PASSWORD, make_coder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Your portfolio - Coderfolio")


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_a_coder_logs_an_audit_and_a_complex_case(page: Page, live_server):
    make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    sign_in(page, live_server.url)
    expect(page.get_by_text("Your portfolio is empty")).to_be_visible()
    expect(page.get_by_text("No audits in the last 12 months.")).to_be_visible()
    assert_no_axe_violations(page)

    # An audit, with one mistake first: more codes correct than audited.
    page.get_by_role("button", name="Add evidence").click()
    page.get_by_role("link", name="Accuracy audit").click()
    expect(page).to_have_title("Add accuracy audit - Coderfolio")
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Internal audit, respiratory")
    fill_date(page, "Date of the audit", "2", "10", "2026")
    page.get_by_label("Audit type").select_option(label="Internal")
    page.get_by_label("Auditor", exact=True).fill("Coding team leader")
    page.get_by_label("Episodes (FCEs) audited").fill("50")
    page.get_by_label("Specialties covered").select_option(
        label=["Respiratory Medicine", "General Internal Medicine"]
    )
    page.get_by_label("Primary diagnosis: codes correct").fill("51")
    page.get_by_label("Primary diagnosis: codes audited").fill("50")
    page.get_by_label("Secondary diagnoses: codes correct").fill("130")
    page.get_by_label("Secondary diagnoses: codes audited").fill("150")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(
        "codes correct (51) cannot be more than codes audited"
    )
    expect(page).to_have_title("Error: Add accuracy audit - Coderfolio")
    assert_no_axe_violations(page)
    # Nothing typed is lost; fix the one mistake and save.
    expect(page.get_by_label("Title")).to_have_value("Internal audit, respiratory")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Primary diagnosis: codes correct")).to_be_focused()
    page.get_by_label("Primary diagnosis: codes correct").fill("47")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Accuracy audit added.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Internal audit, respiratory"
    )

    # A complex case; the PID guard stops an NHS number in the narrative.
    page.goto(f"{live_server.url}/portfolio/evidence/add/complex_case/")
    page.get_by_label("Title").fill("Sepsis with AKI, died day 5")
    fill_date(page, "Date coded", "5", "10", "2026")
    page.get_by_label("Specialty").select_option(label="General Internal Medicine")
    page.get_by_label("Mortality").check()
    page.get_by_label("ICD-10 codes assigned").fill("A41.9, N17.9")
    page.get_by_label("Anonymised case narrative").fill(
        "Patient 943 476 5919 admitted with urosepsis."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "This looks like an NHS number"
    )
    expect(page.locator(".nhsuk-error-summary")).not_to_contain_text("5919")
    assert_no_axe_violations(page)
    page.get_by_label("Anonymised case narrative").fill(
        "Older patient admitted with urosepsis and acute kidney injury."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Complex case added.")
    expect(page.get_by_text("A41.9, N17.9")).to_be_visible()

    # The list holds both; the dashboard has changed.
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_title("Evidence - Coderfolio")
    expect(page.locator("#evidence-count")).to_have_text("2 items.")
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Your portfolio"
    ).click()
    expect(page.locator("#accuracy-overall")).to_have_text("88.5%")  # 177 of 200
    expect(page.locator("#specialty-count")).to_have_text("2")
    expect(page.locator("#accuracy-trend")).to_contain_text("2 Oct 2026")
    expect(page.get_by_role("img", name="Line chart")).to_be_visible()
    expect(page.locator("#kind-counts")).to_contain_text("Complex case")
    assert_no_axe_violations(page)
