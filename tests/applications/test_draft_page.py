"""The draft: mapped evidence ticked, the route asked for, the other route's criteria
folded away, each criterion folded with its status, and what rules counted."""

import datetime
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application, Statement
from specifications.models import EvidenceLink
from tests import pages
from tests.factories import make_audit, make_evidence, make_vacancy

PORTFOLIO_ONLY = "Breadth of specialty experience"
ACC_ONLY = "CCQ Clinical Coding Qualification (ACC status)"

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def application(alice, trust_a):
    return Application.objects.create(vacancy=make_vacancy(trust_a), applicant=alice)


def draft(client, application, **data):
    url = reverse("applications:draft", args=[application.pk])
    return client.post(url, data) if data else client.get(url)


def details_of(html: str, criterion) -> str:
    """The criterion's folded section, from its <details> to its </details>."""
    start = html.index(f'id="criterion-{criterion.pk}"')
    start = html.rindex("<details", 0, start)
    return html[start : html.index("</details>", start)]


def test_mapped_evidence_is_ticked_until_the_coder_saves_a_choice(
    client, alice, application
):
    criterion = application.vacancy.specification.criteria.get(
        text__startswith="Proven experience resolving"
    )
    query = make_evidence(
        alice, "clinical_query", title="MI type query", date=datetime.date(2026, 9, 1)
    )
    EvidenceLink.objects.create(evidence=query, criterion=criterion, rationale="Yes.")
    client.force_login(alice)

    section = details_of(pages.html(draft(client, application)), criterion)

    assert re.search(rf'value="{query.pk}"[^>]*checked', section)
    assert "MI type query (1 September 2026)" in section
    assert "Evidenced</strong>" in section

    # Saved with the item unticked: the coder's choice stands.
    response = draft(client, application, route="acc", save="")
    assert response.status_code == 302
    section = details_of(pages.html(draft(client, application)), criterion)
    assert re.search(rf'value="{query.pk}"', section)
    assert not re.search(rf'value="{query.pk}"[^>]*checked', section)
    statement = Statement.objects.get(application=application, criterion=criterion)
    assert list(statement.evidence.all()) == []


def test_the_route_question_is_asked_without_calling_it_optional(
    client, alice, application
):
    client.force_login(alice)

    response = draft(client, application)

    legend = re.search(
        r"<legend[^>]*>\s*(Which route are you applying by\?[^<]*)</legend>",
        pages.html(response),
    )
    assert legend and legend[1].strip() == "Which route are you applying by?"
    assertContains(response, "You need to choose one to submit.")


def test_saving_without_a_route_keeps_the_draft_without_one(client, alice, application):
    client.force_login(alice)

    response = draft(client, application, route="", save="")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.route == ""


def test_a_route_that_is_not_one_is_refused(client, alice, application):
    client.force_login(alice)

    response = draft(client, application, route="fast-track", save="")

    assert "Select a valid choice" in pages.errors_of(response)


def test_the_other_routes_criteria_are_folded_away(client, alice, application):
    application.route = "acc"
    application.save()
    spec = application.vacancy.specification
    client.force_login(alice)

    html = pages.html(draft(client, application))

    folded = html[html.index('id="not-applicable"') :]
    assert "Does not apply to the ACC route (6 criteria)" in folded
    portfolio = spec.criteria.get(text=PORTFOLIO_ONLY)
    assert html.index(f'id="criterion-{portfolio.pk}"') > html.index(
        'id="not-applicable"'
    )
    assert "Applies to the portfolio route only." in details_of(html, portfolio)
    acc = spec.criteria.get(text=ACC_ONLY)
    assert html.index(f'id="criterion-{acc.pk}"') < html.index('id="not-applicable"')
    assert '<h2 id="criteria">Criteria for the ACC route</h2>' in html


def test_before_a_route_is_chosen_both_routes_criteria_are_folded_away(
    client, alice, application
):
    client.force_login(alice)

    response = draft(client, application)

    assertContains(response, "Criteria for one route only (7 criteria)")
    assertContains(response, "Choose your route above and save")


def test_each_criterion_is_folded_with_its_number_and_status_in_its_summary(
    client, alice, application
):
    application.route = "portfolio"
    application.save()
    first = application.vacancy.specification.criteria.first()
    client.force_login(alice)

    html = pages.html(draft(client, application))

    section = details_of(html, first)
    assert section.startswith(
        f'<details class="nhsuk-details app-criterion" id="criterion-{first.pk}">'
    )
    summary = section[: section.index("</summary>")]
    assert f"C1: {first.text}" in summary
    assert "Essential" in summary and "Missing</strong>" in summary
    assert html.count('class="nhsuk-details app-criterion"') == 21


def test_a_criterion_with_an_error_is_open(client, alice, application):
    first = application.vacancy.specification.criteria.first()
    client.force_login(alice)

    response = draft(
        client, application, route="acc", **{f"statement_{first.pk}": "word " * 251}
    )

    section = details_of(pages.html(response), first)
    assert section.startswith(
        f'<details class="nhsuk-details app-criterion" id="criterion-{first.pk}" open>'
    )


def test_an_error_in_the_other_routes_criteria_opens_them(client, alice, application):
    portfolio = application.vacancy.specification.criteria.get(text=PORTFOLIO_ONLY)
    client.force_login(alice)

    response = draft(
        client,
        application,
        route="acc",
        **{f"statement_{portfolio.pk}": "word " * 251},
    )

    assertContains(response, '<details class="nhsuk-details" id="not-applicable" open>')


def test_a_criterion_met_by_its_rule_lists_the_items_it_counted(
    client, alice, application
):
    march = make_audit(alice, title="March audit", date=datetime.date(2026, 3, 1))
    make_audit(alice, title="September audit", date=datetime.date(2026, 9, 1))
    make_audit(alice, title="An audit of 2023", date=datetime.date(2023, 1, 1))
    application.route = "acc"
    application.save()
    accuracy = application.vacancy.specification.criteria.get(
        text="Sustained coding accuracy of ≥90% across all specialties"
    )
    client.force_login(alice)

    section = details_of(pages.html(draft(client, application)), accuracy)

    assert (
        "Checked from your portfolio: 90.0% over 2 audits since 25 November 2025"
        in (section)
    )
    assert "Counted, and in your pack:" in section
    march_url = reverse("portfolio:evidence_detail", args=[march.pk])
    assert f'<a href="{march_url}">March audit</a> (1 March 2026)' in section
    assert "September audit" in section
    assert "An audit of 2023" not in section


def test_the_draft_links_to_the_vacancy(client, alice, application):
    client.force_login(alice)

    response = draft(client, application)

    assertContains(
        response, reverse("applications:vacancy", args=[application.vacancy.pk])
    )
    assertNotContains(response, "Your statement (optional)")
