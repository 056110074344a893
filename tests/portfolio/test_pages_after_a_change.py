"""Pages drawn from a portfolio (dashboard, evidence list, coverage matrix) show a
change on the very next view, however the change was made: nothing is cached."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from portfolio.models import Evidence, Specialty
from specifications.models import EvidenceLink
from tests import pages
from tests.factories import make_audit, make_evidence
from tests.portfolio.forms_data import valid_data

UHD = "uhd-senior-clinical-coder-v1"
HOME = reverse("portfolio:home")
LIST = reverse("portfolio:evidence_list")
MATRIX = reverse("specs:matrix", args=[UHD])
JUDGEMENT = "Sound professional judgement in coding decisions"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0), tick=True):
        yield


def test_the_dashboard_shows_an_audit_added_through_the_form(client, alice):
    make_audit(alice, date=datetime.date(2026, 9, 1))  # 180 of 200 codes correct
    client.force_login(alice)
    assertContains(client.get(HOME), "180 of 200 codes correct over 1 audit since")

    response = client.post(
        reverse("portfolio:evidence_create", args=["audit"]), valid_data("audit")
    )
    assert response.status_code == 302, pages.html(response)[:3000]

    after = client.get(HOME)
    # 180 + 950 of 200 + 1050: the new audit counts in the figure and the trend.
    assertContains(after, "1130 of 1250 codes correct over 2 audits since")
    assertContains(after, "2 Mar 2026")  # the trend table
    assertNotContains(after, "180 of 200")


def test_the_list_shows_items_added_renamed_and_deleted(client, alice):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    client.force_login(alice)
    assertContains(client.get(LIST), "Sepsis e-learning")

    data = valid_data("cpd") | {"title": "Sepsis e-learning, part 2"}
    # Followed, so that the flash messages naming the item are shown and gone.
    client.post(reverse("portfolio:evidence_edit", args=[item.pk]), data, follow=True)
    assertContains(client.get(LIST), "Sepsis e-learning, part 2")

    client.post(reverse("portfolio:evidence_delete", args=[item.pk]), follow=True)
    page = client.get(LIST)
    assertContains(page, "0 items.")
    assertNotContains(page, "Sepsis e-learning")


def test_changes_made_straight_in_the_orm_show_at_once(client, alice, uhd):
    """Queryset update() sends no model signal: a page cache kept fresh by signal
    receivers would have served the old title."""
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    EvidenceLink.objects.create(
        evidence=item, criterion=uhd.criteria.get(text=JUDGEMENT), rationale="Why."
    )
    client.force_login(alice)
    for page in (LIST, MATRIX):
        assertContains(client.get(page), "Sepsis e-learning")

    Evidence.objects.filter(pk=item.pk).update(title="Renamed in bulk")
    Specialty.objects.get(code="100").evidence.add(item)

    for page in (LIST, MATRIX):
        assertContains(client.get(page), "Renamed in bulk")
    assertContains(client.get(LIST), "General Surgery")
    assertContains(client.get(HOME), "General Surgery (100)")


def test_the_matrix_shows_a_mapping_added_and_removed(client, alice, uhd):
    item = make_evidence(alice, "contribution", title="Mentored two trainees")
    target = uhd.criteria.get(text=JUDGEMENT)
    client.force_login(alice)
    assertNotContains(client.get(MATRIX), "Mentored two trainees")

    client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {"spec": UHD, "criterion": target.pk, "rationale": "Escalated notes."},
    )
    page = client.get(MATRIX)
    assertContains(page, "Escalated notes.")
    link = EvidenceLink.objects.get()
    # Its item, its removal and the criterion's "Add evidence" lead where they should.
    detail = reverse("portfolio:evidence_detail", args=[item.pk])
    remove = reverse("specs:link_delete", args=[link.pk])
    add = reverse("specs:add_evidence", args=[UHD, target.pk])
    assertContains(page, f'<a href="{detail}">Mentored two trainees</a>')
    assertContains(page, f'method="post" action="{remove}"')
    assertContains(page, f'<a href="{add}">')

    client.post(remove, {"next": MATRIX})
    assertNotContains(client.get(MATRIX), "Escalated notes.")


def test_the_window_moves_with_the_date(client, alice):
    make_audit(alice, date=datetime.date(2026, 1, 10))
    client.force_login(alice)
    assertContains(client.get(HOME), "over 1 audit since 25 November 2025")
    with time_machine.travel(datetime.datetime(2027, 1, 11, 12, 0), tick=False):
        client.force_login(alice)  # the session of two months ago has expired
        assertContains(client.get(HOME), "No audits in the last 12 months.")
