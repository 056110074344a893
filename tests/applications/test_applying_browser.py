"""In a real browser a coder reads a vacancy, applies by each route, drafts with the
keyboard, submits and downloads a pack, checked by axe."""

import json

import pytest
from playwright.sync_api import Page, expect

from applications.snapshot import applicable_criteria
from specifications.models import EvidenceLink
from tests.browser import assert_no_axe_violations
from tests.factories import (
    PASSWORD,
    make_coder,
    make_evidence,
    make_organisation,
    make_vacancy,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in_and_open_the_vacancy(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Applications"
    ).click()
    page.get_by_role("link", name="Senior Clinical Coder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior Clinical Coder")
    expect(page.locator("#vacancy-details")).to_contain_text("37.5 hours per week")
    expect(page.get_by_role("table", name="Qualifications")).to_contain_text(
        "ACC route only"
    )
    assert_no_axe_violations(page)


def fill_every_statement(page: Page, text: str) -> None:
    """Open each criterion that applies with the keyboard and write its statement."""
    criteria = page.locator("form > details.app-criterion")
    for i in range(criteria.count()):
        criterion = criteria.nth(i)
        if criterion.get_attribute("open") is None:
            criterion.locator("summary").focus()
            page.keyboard.press("Enter")
        criterion.get_by_role("textbox").fill(text)


@pytest.mark.parametrize(
    ("route", "folded", "applicable"),
    [
        ("ACC route", "Does not apply to the ACC route (6 criteria)", 15),
        ("Portfolio route", "Does not apply to the portfolio route (1 criterion)", 20),
    ],
)
def test_a_coder_applies_by_each_route(
    page: Page, live_server, monkeypatch, route, folded, applicable
):
    # The packs have their own tests: a stand-in PDF keeps this one quick.
    monkeypatch.setattr(
        "applications.tasks.build_pdf",
        lambda snapshot_json, **options: (b"%PDF-1.7 stand-in\n%%EOF", 1),
    )
    trust = make_organisation(name="Trust A NHS Foundation Trust")
    vacancy = make_vacancy(
        trust,
        title="Senior Clinical Coder",
        reference="SCC-1",
        hours="37.5 hours per week",
    )
    make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")

    sign_in_and_open_the_vacancy(page, live_server)
    page.get_by_role("button", name="Apply for Senior Clinical Coder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your application: Senior Clinical Coder"
    )
    # Every criterion folded: the page is short.
    assert page.evaluate("document.body.scrollHeight") < 5000
    assert_no_axe_violations(page)

    page.get_by_role("radio", name=route).check()
    page.get_by_role("button", name="Save draft").click()
    not_applicable = page.locator("#not-applicable")
    expect(not_applicable.locator("> summary")).to_have_text(folded)
    expect(not_applicable).not_to_have_attribute("open", "")
    fill_every_statement(page, "I do this every day, as my evidence shows.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save and check before submitting").click()

    expect(page).to_have_title("Submit your application - Coderfolio")
    expect(page.locator("main")).to_contain_text(route)
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("alert")).to_contain_text("has been submitted")
    expect(page.locator("#pack-list")).to_contain_text("SCC-1-")
    snapshot = json.loads(vacancy.applications.get().snapshot.content)
    assert len(applicable_criteria(snapshot)) == applicable


def test_a_coder_drafts_submits_and_downloads_a_pack(page: Page, live_server, tmp_path):
    trust = make_organisation(name="Trust A NHS Foundation Trust")
    vacancy = make_vacancy(
        trust,
        title="Senior Clinical Coder",
        reference="SCC-1",
        hours="37.5 hours per week",
    )
    alice = make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    query = make_evidence(alice, "clinical_query", title="Type 2 MI query")
    resolving = vacancy.specification.criteria.get(text__startswith="Proven experience")
    EvidenceLink.objects.create(evidence=query, criterion=resolving, rationale="Yes.")

    sign_in_and_open_the_vacancy(page, live_server)
    page.get_by_role("button", name="Apply for Senior Clinical Coder").click()
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Choose the route you are applying by.")

    # The mapped query is ticked for her already.
    resolving_section = page.locator(f"#criterion-{resolving.pk}")
    expect(resolving_section.locator("summary")).to_contain_text("Evidenced")
    resolving_section.locator("summary").click()
    expect(resolving_section.get_by_label("Type 2 MI query")).to_be_checked()

    # Write too much in one statement: the rest is kept and saved.
    page.get_by_role("radio", name="ACC route").check()
    page.get_by_role("button", name="Save draft").click()
    fill_every_statement(page, "I do this every day, as my evidence shows.")
    first = page.locator("form > details.app-criterion").first
    first.get_by_role("textbox").fill("word " * 260)
    expect(first.locator(".nhsuk-character-count__status")).to_contain_text("too many")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Your statement is 260 words: keep it to 250."
    )
    # The criterion with the error is open, so the summary's link reaches it.
    expect(page.locator("form > details.app-criterion").first).to_have_attribute(
        "open", ""
    )
    assert_no_axe_violations(page)
    page.locator("form > details.app-criterion").first.get_by_role("textbox").fill(
        "I validate coded data against the record every week."
    )
    page.get_by_role("button", name="Save and check before submitting").click()

    expect(page).to_have_title("Submit your application - Coderfolio")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("alert")).to_contain_text("has been submitted")
    expect(page.locator("#pack-list")).to_contain_text("SCC-1-")
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download SCC-1-").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("SCC-1-C")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
