"""The dashboard: accuracy, trend, specialties, experience, counts, refresher."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from portfolio import metrics
from portfolio.models import Specialty
from tests import pages
from tests.factories import make_audit, make_employment, make_evidence
from tests.pages import text

TODAY = datetime.date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("frozen_today")


def test_it_shows_weighted_accuracy_over_the_last_12_months(client, alice):
    # Older than 12 months: left out of the figure, but still on the trend.
    make_audit(alice, date=datetime.date(2025, 11, 1), primary_diagnosis_correct=10)
    make_audit(alice, date=datetime.date(2026, 3, 1))  # 180 of 200 codes correct
    make_audit(
        alice,
        date=datetime.date(2026, 9, 1),
        primary_diagnosis_correct=95,
        primary_diagnosis_audited=100,
        secondary_diagnoses_correct=0,
        secondary_diagnoses_audited=0,
        primary_procedure_correct=0,
        primary_procedure_audited=0,
        secondary_procedures_correct=0,
        secondary_procedures_audited=0,
    )
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    # (180 + 95) / (200 + 100) = 91.7%: weighted by codes, not an average of audits.
    assert "91.7%" in page
    assert "275 of 300 codes correct over 2 audits since 25 November 2025" in page
    assert "Primary diagnosis 140 150 93.3%" in page
    assert "Secondary diagnoses 45 50 90.0%" in page


def test_its_window_and_threshold_are_the_named_defaults(client, alice, monkeypatch):
    monkeypatch.setattr(metrics, "ACCURACY_WINDOW_MONTHS", 6)
    monkeypatch.setattr(metrics, "ACCURACY_THRESHOLD", Decimal(95))
    make_audit(alice, date=datetime.date(2026, 3, 1))  # 8 months ago
    make_audit(alice, date=datetime.date(2026, 9, 1))
    client.force_login(alice)

    response = client.get(reverse("portfolio:home"))

    assertContains(response, "Accuracy, last 6 months")
    assertContains(response, "over 1 audit since 25 May 2026")
    assertContains(response, "against the 95% threshold")
    assertNotContains(response, "12 months")


def test_it_charts_every_audit_with_a_data_table(client, alice):
    make_audit(alice, date=datetime.date(2024, 1, 10), primary_diagnosis_correct=40)
    make_audit(alice, date=datetime.date(2026, 6, 1))
    client.force_login(alice)
    response = client.get(reverse("portfolio:home"))
    html = pages.html(response)
    assert html.count('src="data:image/svg+xml;base64,') == 1  # no specialties yet
    chart = r'<img class="app-chart" src="data:image/svg\+xml;base64,[^"]+" alt="Line'
    assert re.search(chart, html)
    table = re.search(
        r'<table class="nhsuk-table" id="accuracy-trend">.*?</table>', html, re.S
    )[0]
    assert table.index("10 Jan 2024") < table.index("1 Jun 2026")
    assert "87.5%" in table and "90.0%" in table


def test_it_lists_specialties_covered_across_kinds(client, alice):
    surgery = Specialty.objects.get(code="100")
    medicine = Specialty.objects.get(code="300")
    make_audit(alice, specialties=[surgery, medicine])
    make_evidence(alice, "specialty", specialty=surgery)
    make_evidence(alice, "complex_case", specialty=medicine)
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "Specialties covered 2" in page
    assert "General Surgery (100) 2" in page
    assert "General Internal Medicine (300) 2" in page


def test_it_shows_years_of_experience_and_counts_per_kind(client, alice):
    make_employment(
        alice,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    make_employment(
        alice,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    make_evidence(alice, "cpd")
    make_evidence(alice, "cpd")
    make_evidence(alice, "qualification")
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "4.0 years" in page
    assert "CPD activity 2" in page
    assert "Qualification 1" in page
    assert "Accuracy audit 0" in page


def test_it_warns_when_the_standards_refresher_is_missing(client, alice):
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "No Standards Refresher is recorded" in page


def test_it_warns_when_the_standards_refresher_is_over_3_years_old(client, alice):
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2023, 11, 24)
    )
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "Your last Standards Refresher was on 24 November 2023" in page


def test_no_warning_when_the_refresher_is_in_date(client, alice):
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2024, 5, 1)
    )
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "Standards Refresher was on" not in page
    assert "No Standards Refresher" not in page


def test_it_shows_only_the_owners_figures(client, alice, bob):
    make_audit(bob, date=datetime.date(2026, 9, 1), primary_diagnosis_correct=1)
    make_evidence(bob, "specialty")
    client.force_login(alice)
    page = text(client.get(reverse("portfolio:home")))
    assert "No audits in the last 12 months." in page
    assert "Specialties covered 0" in page
    assert "Your portfolio is empty" in page


def build_portfolio(owner, n: int) -> None:
    specialties = list(Specialty.objects.order_by("code")[:20])
    kinds = ["audit", "specialty", "complex_case", "cpd", "contribution"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 600)
        if kind == "audit":
            make_audit(owner, date=day, specialties=specialties[i % 20 : i % 20 + 2])
        elif kind in ("specialty", "complex_case"):
            make_evidence(owner, kind, date=day, specialty=specialties[i % 20])
        else:
            make_evidence(owner, kind, date=day)
    make_employment(owner)


@pytest.mark.parametrize("items", [5, 60])
def test_the_number_of_queries_does_not_grow_with_the_portfolio(
    client, alice, django_assert_num_queries, items
):
    build_portfolio(alice, items)
    client.force_login(alice)
    # 1 session, 2 user, 3 the summary (items per kind, the latest Standards
    # Refresher), 4 audits (for the trend and the window's accuracy),
    # 5 specialties covered, 6 years of experience.
    with django_assert_num_queries(6):
        response = client.get(reverse("portfolio:home"))
    assert response.status_code == 200


def test_it_requires_a_coder(client, rachel):
    assert client.get(reverse("portfolio:home")).status_code == 302
    client.force_login(rachel)
    assert client.get(reverse("portfolio:home")).status_code == 404


def test_add_evidence_comes_before_the_figures(client, alice):
    make_audit(alice, date=datetime.date(2026, 3, 1))
    client.force_login(alice)
    page = pages.html(client.get(reverse("portfolio:home")))
    add = page.index(">Add evidence</a>")
    assert add < page.index("<h2") and add < page.index('id="accuracy-overall"')
    assert page.count(">Add evidence</a>") == 1
