"""In a real browser a coder attaches a file to an item: the upload is named by its
label, and the file keeps its own name."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_no_axe_violations
from tests.factories import PASSWORD, PDF_BYTES, make_coder, make_evidence

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# axe leaves this rule out of every tag set (it is "experimental"); WCAG 2.5.3 asks
# for it, so it is run on its own.
NAME_MATCHES_LABEL = ["label-content-name-mismatch"]


def test_a_coder_attaches_a_file_that_keeps_its_name(page: Page, live_server, tmp_path):
    alice = make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    item = make_evidence(alice, "cpd", title="Oncology coding workshop")
    report = tmp_path / "Workshop certificate 2026.pdf"
    report.write_bytes(PDF_BYTES)

    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    portfolio_nav = page.get_by_role("navigation", name="Portfolio")
    expect(portfolio_nav.get_by_role("link", name="Evidence")).to_have_attribute(
        "aria-current", "true"
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Attach a file").click()
    expect(page).to_have_title("Attach a file - Coderfolio")
    file_input = page.get_by_label("File", exact=True)
    expect(file_input).to_have_attribute("type", "file")
    assert_no_axe_violations(page)
    assert_no_axe_violations(page, rules=NAME_MATCHES_LABEL)

    page.get_by_label("Description").fill("Certificate of attendance")
    file_input.set_input_files(str(report))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has been attached.")
    expect(page.locator("main")).to_contain_text("(Workshop certificate 2026.pdf, PDF,")
    assert_no_axe_violations(page)

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Certificate of attendance", exact=True).click()
    assert downloaded.value.suggested_filename == "Workshop certificate 2026.pdf"
