"""Each kind of evidence can be added, seen, edited and deleted by its owner only."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from portfolio.models import KIND_MODELS, Evidence, Specialty
from tests import pages
from tests.factories import make_evidence
from tests.portfolio.forms_data import valid_data

KINDS = [kind for kind, _ in Evidence.Kind.choices]


@pytest.mark.parametrize("kind", KINDS)
def test_an_owner_adds_each_kind(client, alice, kind):
    client.force_login(alice)
    response = client.post(
        reverse("portfolio:evidence_create", args=[kind]), valid_data(kind)
    )
    assert response.status_code == 302, pages.html(response)[:3000]
    item = Evidence.objects.get()
    assert item.owner == alice
    assert item.kind == kind
    assert isinstance(item.details, KIND_MODELS[kind])
    assert response.url == item.get_absolute_url()
    page = client.get(response.url, follow=True).content.decode()
    assert f"New {kind} evidence" in page
    assert "added." in page


@pytest.mark.parametrize("kind", KINDS)
def test_an_owner_sees_the_details_of_each_kind(client, alice, kind):
    item = make_evidence(alice, kind, title="My own item")
    client.force_login(alice)
    response = client.get(item.get_absolute_url())
    assertContains(response, "My own item")
    assertContains(response, item.get_kind_display())
    for label, _ in item.display_rows():
        assertContains(
            response, f'<dt class="nhsuk-summary-list__key">{escape(label)}</dt>'
        )


@pytest.mark.parametrize("kind", KINDS)
def test_an_owner_edits_each_kind(client, alice, kind):
    item = make_evidence(alice, kind)
    client.force_login(alice)
    form = client.get(reverse("portfolio:evidence_edit", args=[item.pk]))
    assert form.status_code == 200
    data = valid_data(kind) | {"title": "Renamed item"}
    response = client.post(reverse("portfolio:evidence_edit", args=[item.pk]), data)
    assert response.status_code == 302, pages.html(response)[:3000]
    item.refresh_from_db()
    assert item.title == "Renamed item"
    assert Evidence.objects.count() == 1


def test_a_clinical_query_keeps_its_specialty_tag_in_step_with_its_specialty(
    client, alice
):
    item = make_evidence(
        alice, "clinical_query", specialty=Specialty.objects.get(code="100")
    )
    assert [s.code for s in item.specialties.all()] == ["100"]
    client.force_login(alice)
    url = reverse("portfolio:evidence_edit", args=[item.pk])

    client.post(url, valid_data("clinical_query"))  # changed to medicine
    assert [s.code for s in item.specialties.all()] == ["300"]

    client.post(url, valid_data("clinical_query") | {"specialty": ""})  # cleared
    item.refresh_from_db()
    assert item.details.specialty is None
    assert not item.specialties.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_owner_deletes_each_kind_after_confirming(client, alice, kind):
    item = make_evidence(alice, kind)
    client.force_login(alice)
    url = reverse("portfolio:evidence_delete", args=[item.pk])
    confirm = client.get(url)
    assert "Are you sure you want to delete" in confirm.content.decode()
    assert Evidence.objects.count() == 1
    response = client.post(url)
    assert response.url == reverse("portfolio:evidence_list")
    assert not Evidence.objects.exists()
    assert not KIND_MODELS[kind].objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_it_checks_ownership(client, alice, bob, kind):
    item = make_evidence(alice, kind)
    client.force_login(bob)
    for name in ["evidence_detail", "evidence_edit", "evidence_delete"]:
        assert (
            client.get(reverse(f"portfolio:{name}", args=[item.pk])).status_code == 404
        )
    edit = client.post(
        reverse("portfolio:evidence_edit", args=[item.pk]), valid_data(kind)
    )
    assert edit.status_code == 404
    delete = client.post(reverse("portfolio:evidence_delete", args=[item.pk]))
    assert delete.status_code == 404
    item.refresh_from_db()
    assert item.title != f"New {kind} evidence"


def test_recruiters_have_no_evidence_pages(client, alice, rachel):
    item = make_evidence(alice, "audit")
    client.force_login(rachel)
    assert client.get(reverse("portfolio:evidence_list")).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("portfolio:evidence_create", args=["audit"])).status_code
        == 404
    )


def test_it_requires_login(client, alice):
    item = make_evidence(alice, "cpd")
    for url in [
        reverse("portfolio:evidence_list"),
        reverse("portfolio:evidence_create", args=["cpd"]),
        item.get_absolute_url(),
        reverse("portfolio:evidence_edit", args=[item.pk]),
        reverse("portfolio:evidence_delete", args=[item.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_an_unknown_kind_is_not_found(client, alice):
    client.force_login(alice)
    assert (
        client.get(reverse("portfolio:evidence_create", args=["gossip"])).status_code
        == 404
    )


def test_the_choose_kind_page_offers_every_kind(client, alice):
    client.force_login(alice)
    html = client.get(reverse("portfolio:evidence_choose_kind")).content.decode()
    for kind in KINDS:
        assert reverse("portfolio:evidence_create", args=[kind]) in html


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("cpd", "Add CPD activity"),
        ("audit", "Add accuracy audit"),
        ("complex_case", "Add complex case"),
    ],
)
def test_the_add_page_heading_keeps_acronyms(client, alice, kind, heading):
    client.force_login(alice)
    response = client.get(reverse("portfolio:evidence_create", args=[kind]))
    assertContains(response, f"<h1>{heading}</h1>", html=True)
    assertContains(response, f"<title>{heading} - Coderfolio</title>", html=True)


def test_the_edit_and_delete_pages_keep_acronyms(client, alice):
    item = make_evidence(alice, "cpd", title="Oncology workshop")
    client.force_login(alice)
    edit = client.get(reverse("portfolio:evidence_edit", args=[item.pk]))
    assertContains(edit, "<h1>Edit CPD activity</h1>", html=True)
    delete = client.get(reverse("portfolio:evidence_delete", args=[item.pk]))
    assertContains(delete, "This CPD activity and its 0 attached files")
    assertNotContains(delete, "cpd activity")


def test_a_required_message_keeps_acronyms(client, alice):
    client.force_login(alice)
    data = valid_data("audit") | {"episodes_audited": ""}
    response = client.post(reverse("portfolio:evidence_create", args=["audit"]), data)
    assert "Enter the episodes (FCEs) audited." in pages.errors_of(response)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("specialty", "setting"),
        ("contribution", "contribution_type"),
        ("cpd", "cpd_type"),
        ("qualification", "qualification_type"),
        ("clinical_query", "outcome"),
    ],
)
def test_no_radio_is_chosen_before_the_coder_chooses(client, alice, kind, field):
    client.force_login(alice)
    response = client.get(reverse("portfolio:evidence_create", args=[kind]))
    assertContains(response, f'name="{field}"')
    assertNotContains(response, f'name="{field}" value=""')
    radios = re.search(
        r'<div class="nhsuk-radios".*?</fieldset>', pages.html(response), re.S
    )
    assert "Select an option" not in radios.group()
    assert "checked" not in radios.group()


def test_an_item_page_keeps_the_portfolio_navigation(client, alice):
    item = make_evidence(alice, "cpd", title="Oncology workshop")
    client.force_login(alice)
    response = client.get(item.get_absolute_url())
    # Evidence marks the section the page is in, and still reads as a link back.
    nav = f"""
    <nav class="nhsuk-u-margin-bottom-5" aria-label="Portfolio">
      <ul class="nhsuk-list app-inline-list">
        <li><a href="{reverse("portfolio:home")}">Dashboard</a></li>
        <li><a href="{reverse("portfolio:evidence_list")}" aria-current="true">
          Evidence</a></li>
        <li><a href="{reverse("portfolio:employment_list")}">Employment history</a></li>
      </ul>
    </nav>"""
    assertContains(response, nav, html=True)
