"""In a real browser a coder drafts, submits and downloads a pack, checked by axe."""

import pytest
from playwright.sync_api import Page, expect

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


def test_a_coder_drafts_submits_and_downloads_a_pack(page: Page, live_server, tmp_path):
    trust = make_organisation(name="Trust A NHS Foundation Trust")
    vacancy = make_vacancy(trust, title="Senior Clinical Coder", reference="SCC-1")
    alice = make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    query = make_evidence(alice, "clinical_query", title="Type 2 MI query")
    resolving = vacancy.specification.criteria.get(text__startswith="Proven experience")
    EvidenceLink.objects.create(evidence=query, criterion=resolving, rationale="Yes.")

    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Applications"
    ).click()
    page.get_by_role("button", name="Apply for Senior Clinical Coder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your application: Senior Clinical Coder"
    )
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Choose the route you are applying by.")
    assert_no_axe_violations(page)

    # Write too much in one statement: the rest is kept and saved.
    page.get_by_label("ACC route").check()
    statements = page.locator("textarea")
    for i in range(statements.count()):
        statements.nth(i).fill("I do this every day, as my evidence shows.")
    statements.first.fill("word " * 260)
    expect(page.locator(".nhsuk-character-count__status").first).to_contain_text(
        "too many"
    )
    page.get_by_role("group", name="Evidence").first.get_by_label(
        "Type 2 MI query"
    ).check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Your statement is 260 words: keep it to 250."
    )
    assert_no_axe_violations(page)
    statements.first.fill("I validate coded data against the record every week.")
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
