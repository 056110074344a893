"""In a real browser a coder asks for a verification; the verifier opens the e-mailed
link in a browser of their own, with no account, and confirms; the item is then
verified on the coder's page and in the submitted pack. Checked by axe."""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from applications.models import Application, Statement, SubmissionPack
from specifications.models import EvidenceLink
from tests.browser import assert_no_axe_violations
from tests.factories import (
    PASSWORD,
    make_audit,
    make_coder,
    make_evidence,
    make_organisation,
    make_vacancy,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_a_verifier_confirms_an_item_through_the_emailed_link(
    page: Page, browser: Browser, live_server
):
    trust = make_organisation(name="Trust A NHS Foundation Trust")
    vacancy = make_vacancy(trust, title="Senior Clinical Coder", reference="SCC-1")
    alice = make_coder(email="alice@example.nhs.uk", full_name="Alice Archer")
    audit = make_audit(alice, title="External audit, cardiology")
    make_evidence(alice, "cpd", title="A course she would rather keep to herself")
    criterion = vacancy.specification.criteria.first()
    EvidenceLink.objects.create(evidence=audit, criterion=criterion, rationale="Yes.")

    # The coder asks, from the item's page.
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.nhs.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{audit.get_absolute_url()}")
    page.get_by_role("link", name="Ask someone to verify this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ask someone to verify this item"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the verifier's full name."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Verifier's full name").fill("Dana Auditor")
    page.get_by_label("Their role").fill("Approved clinical coding auditor")
    page.get_by_label("Their organisation").fill("Trust A NHS Foundation Trust")
    page.get_by_label("Their work email address").fill("dana@trust-a.nhs.uk")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Dana Auditor has been sent a link"
    )
    expect(page.locator("#verification-requests")).to_contain_text(
        "Waiting for an answer"
    )
    assert_no_axe_violations(page)

    # The verifier opens the e-mailed link in a browser of their own.
    (email,) = mail.outbox
    assert email.to == ["dana@trust-a.nhs.uk"]
    link = re.search(r"https?://\S+/verify/\S+/", email.body)[0]
    verifier = browser.new_context().new_page()
    response = verifier.goto(link)
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(verifier.get_by_role("heading", level=1)).to_have_text(
        "External audit, cardiology"
    )
    expect(verifier.locator("main")).to_contain_text("Alice Archer asks you")
    expect(verifier.locator("main")).not_to_contain_text("alice@example.nhs.uk")
    expect(verifier.locator("main")).not_to_contain_text("rather keep to herself")
    assert_no_axe_violations(verifier)
    verifier.get_by_role("button", name="Send your answer").click()
    expect(verifier.locator(".nhsuk-error-summary")).to_contain_text(
        "Select whether you can confirm the item."
    )
    assert_no_axe_violations(verifier)
    verifier.get_by_label("Yes, I confirm it is accurate").check()
    verifier.get_by_label("Comment").fill("I ran this audit.")
    verifier.get_by_role("button", name="Send your answer").click()
    expect(verifier.get_by_role("alert")).to_contain_text(
        "You have confirmed “External audit, cardiology”."
    )
    assert_no_axe_violations(verifier)
    # Once used, the link is refused, and says why.
    verifier.goto(link)
    expect(verifier.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )
    assert_no_axe_violations(verifier)
    verifier.context.close()

    # The coder sees it verified.
    page.reload()
    expect(page.locator("#verification-status")).to_contain_text(
        "Verified by Dana Auditor, Approved clinical coding auditor, Trust A NHS "
        "Foundation Trust, on"
    )

    # And so does the pack of the application it goes into.
    application = Application.objects.create(
        vacancy=vacancy, applicant=alice, route=Application.Route.ACC
    )
    for each in vacancy.specification.criteria.all():
        statement = Statement.objects.create(
            application=application, criterion=each, text="As my evidence shows."
        )
        if each == criterion:
            statement.evidence.set([audit])
    application.submit()
    built = application.packs.get(variant=SubmissionPack.Variant.FULL)
    reader = PdfReader(io.BytesIO(built.file.read()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Verified by Dana Auditor, Approved clinical coding auditor" in text
