"""Cached pages (dashboard, evidence list, coverage matrix) are never stale, and
never someone else's: each test views a page, changes the portfolio the way a user
would, and views it again."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from accounts.models import User
from portfolio import signals
from portfolio.models import CaseType, Specialty
from portfolio.portability import dumps, export_portfolio
from portfolio.signals import one_bump_per_coder
from specifications.models import Criterion, EvidenceLink
from tests.factories import PASSWORD, make_audit, make_employment, make_evidence
from tests.portfolio.forms_data import date_parts, spec_formset_data, valid_data

UHD = "uhd-senior-clinical-coder-v1"
HOME = reverse("portfolio:home")
LIST = reverse("portfolio:evidence_list")
MATRIX = reverse("specs:matrix", args=[UHD])
JUDGEMENT = "Sound professional judgement in coding decisions"


@pytest.fixture(autouse=True)
def clock():
    """Today is 25 November 2026; the clock ticks, so timestamps still move."""
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0), tick=True):
        yield


def text(response) -> str:
    """The page as plain text, on one line."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def sign_in(client: Client, user: User) -> None:
    """Sign in, then open a page that sets the CSRF cookie: without one the matrix
    is not cached, and a test of its cache would prove nothing."""
    client.force_login(user)
    client.get(reverse("accounts:account"))
    assert "csrftoken" in client.cookies


def version(user: User) -> int:
    return User.objects.get(pk=user.pk).portfolio_version


def surgery() -> Specialty:
    return Specialty.objects.get(code="100")


def medicine() -> Specialty:
    return Specialty.objects.get(code="300")


def years_shown(response) -> str:
    html = response.content.decode()
    return re.search(r'id="experience-years">([^<]*)<', html).group(1)


def evidence_count(response) -> str:
    html = response.content.decode()
    found = re.search(r'<p id="evidence-count">(.*?)</p>', html, re.S).group(1)
    return re.sub(r"\s+", " ", found).strip()


def list_titles(response) -> list[str]:
    html = response.content.decode()
    found = re.search(r'<table[^>]*id="evidence-table".*?</table>', html, re.S)
    if not found:
        return []
    return [unescape(t) for t in re.findall(r'<a href="/[^"]*">([^<]*)</a>', found[0])]


def remove_forms(response) -> list[dict]:
    """Each "Remove" form on the matrix: its action and its fields."""
    html = response.content.decode()
    forms = []
    for action, body in re.findall(
        r'<form[^>]*method="post" action="([^"]*)">(.*?)</form>', html, re.S
    ):
        fields = dict(
            re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', body)
        )
        if "/links/" in action:  # not the sign-out form
            forms.append({"action": unescape(action), "fields": fields})
    return forms


def link_to(item, criterion: Criterion, rationale: str = "Because.") -> EvidenceLink:
    return EvidenceLink.objects.create(
        evidence=item, criterion=criterion, rationale=rationale
    )


# --- Dashboard ------------------------------------------------------------------


def test_the_dashboard_shows_an_audit_added_through_the_form(client, alice):
    make_audit(alice, date=datetime.date(2026, 9, 1))  # 180 of 200 codes correct
    client.force_login(alice)
    before = text(client.get(HOME))
    assert "90.0%" in before
    assert "180 of 200 codes correct over 1 audit since" in before
    assert "Accuracy audit 1" in before
    assert "2 Mar 2026" not in before

    response = client.post(
        reverse("portfolio:evidence_create", args=["audit"]), valid_data("audit")
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    after = text(client.get(HOME))
    # 180 + 950 of 200 + 1050: the new audit counts in the figure and the trend.
    assert "1130 of 1250 codes correct over 2 audits since" in after
    assert "90.4%" in after
    assert "2 Mar 2026" in after  # the trend table
    assert "Accuracy audit 2" in after
    assert "180 of 200" not in after


def test_the_dashboard_shows_an_item_edited_through_the_form(client, alice):
    audit = make_audit(alice, date=datetime.date(2026, 9, 1))
    client.force_login(alice)
    assert "180 of 200 codes correct over 1 audit" in text(client.get(HOME))

    response = client.post(
        reverse("portfolio:evidence_edit", args=[audit.pk]), valid_data("audit")
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    after = text(client.get(HOME))
    assert "950 of 1050 codes correct over 1 audit" in after
    assert "180 of 200" not in after
    assert "2 Mar 2026" in after and "1 Sep 2026" not in after


def test_the_dashboard_shows_an_item_deleted_through_the_form(client, alice):
    audit = make_audit(alice, date=datetime.date(2026, 9, 1))
    make_evidence(alice, "cpd")
    client.force_login(alice)
    before = text(client.get(HOME))
    assert "Accuracy audit 1" in before
    assert "CPD activity 1" in before

    response = client.post(reverse("portfolio:evidence_delete", args=[audit.pk]))
    assert response.status_code == 302

    after = text(client.get(HOME))
    assert "Accuracy audit 0" in after
    assert "CPD activity 1" in after
    assert "No audits in the last 12 months." in after
    assert "No audits recorded yet." in after


def employment_data(**changes) -> dict:
    return {
        "employer": "Leeds Teaching Hospitals NHS Trust",
        "role": "Senior Clinical Coder",
        "band": "Band 5",
        **date_parts("start_date", datetime.date(2021, 4, 1)),
        **date_parts("end_date", datetime.date(2024, 3, 31)),
        "is_coding_role": "on",
    } | changes


def test_the_dashboard_shows_employment_added_and_edited(client, alice):
    client.force_login(alice)
    before = years_shown(client.get(HOME))

    response = client.post(reverse("portfolio:employment_add"), employment_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    added = years_shown(client.get(HOME))
    assert added != before
    assert added == "3.0 years"

    post = alice.employment.get()
    response = client.post(
        reverse("portfolio:employment_edit", args=[post.pk]),
        employment_data(**date_parts("end_date", datetime.date(2025, 3, 31))),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert years_shown(client.get(HOME)) == "4.0 years"

    response = client.post(reverse("portfolio:employment_delete", args=[post.pk]))
    assert response.status_code == 302
    assert years_shown(client.get(HOME)) == before


def test_the_dashboards_12_month_window_moves_with_the_date(client, alice):
    # Exactly 12 months before 25 November 2026: in the window that day only.
    make_audit(alice, date=datetime.date(2025, 11, 25), primary_diagnosis_correct=10)
    make_audit(alice, date=datetime.date(2026, 9, 1))  # 180 of 200
    client.force_login(alice)
    # Two minutes apart, either side of midnight: well inside the cache's lifetime.
    with time_machine.travel(datetime.datetime(2026, 11, 25, 23, 59), tick=False):
        day_one = text(client.get(HOME))
        assert "325 of 400 codes correct over 2 audits since 25 November 2025" in (
            day_one
        )
        assert "325 of 400" in text(client.get(HOME))  # served again, same day
    version_before = version(alice)
    with time_machine.travel(datetime.datetime(2026, 11, 26, 0, 1), tick=False):
        day_two = text(client.get(HOME))
    assert version(alice) == version_before  # nothing changed but the date
    assert "180 of 200 codes correct over 1 audit since 26 November 2025" in day_two
    assert "325 of 400" not in day_two


def test_the_matrixs_12_month_window_moves_with_the_date(client, alice, uhd):
    make_audit(alice, date=datetime.date(2025, 11, 25))
    make_audit(alice, date=datetime.date(2026, 9, 1))
    sign_in(client, alice)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 23, 59), tick=False):
        assert "over 2 audits since 2025-11-25: met" in text(client.get(MATRIX))
        assert "over 2 audits since 2025-11-25: met" in text(client.get(MATRIX))
    with time_machine.travel(datetime.datetime(2026, 11, 26, 0, 1), tick=False):
        page = text(client.get(MATRIX))
    assert "over 1 audit since 2025-11-26: not met (needs 90% over 2)" in page


def test_the_dashboards_refresher_warning_moves_with_the_date(client, alice):
    make_evidence(
        alice, "cpd", cpd_type="standards_refresher", date=datetime.date(2023, 11, 25)
    )
    client.force_login(alice)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 23, 59), tick=False):
        assert "Standards Refresher was on" not in text(client.get(HOME))
    with time_machine.travel(datetime.datetime(2026, 11, 26, 0, 1), tick=False):
        assert "Your last Standards Refresher was on 25 November 2023" in text(
            client.get(HOME)
        )


# --- Specialties and case types -------------------------------------------------


def test_specialties_changed_from_the_items_side_show(client, alice):
    item = make_evidence(alice, "cpd")
    client.force_login(alice)
    assert "Specialties covered 0" in text(client.get(HOME))

    v = version(alice)
    item.specialties.add(surgery())
    assert version(alice) > v
    page = text(client.get(HOME))
    assert "Specialties covered 1" in page
    assert "General Surgery (100) 1" in page

    v = version(alice)
    item.specialties.set([medicine()])
    assert version(alice) > v
    page = text(client.get(HOME))
    assert "General Internal Medicine (300) 1" in page
    assert "General Surgery (100)" not in page

    v = version(alice)
    item.specialties.remove(medicine())
    assert version(alice) > v
    page = text(client.get(HOME))
    assert "Specialties covered 0" in page
    assert "General Internal Medicine (300)" not in page

    item.specialties.add(surgery(), medicine())
    assert "Specialties covered 2" in text(client.get(HOME))
    v = version(alice)
    item.specialties.clear()
    assert version(alice) > v
    assert "Specialties covered 0" in text(client.get(HOME))


def test_specialties_changed_from_the_specialtys_side_show(client, alice, bob):
    item = make_evidence(alice, "cpd")
    bobs = make_evidence(bob, "cpd", title="Bob's course")
    client.force_login(alice)
    assert "Specialties covered 0" in text(client.get(HOME))

    v = version(alice)
    surgery().evidence.add(item)
    assert version(alice) > v
    page = text(client.get(HOME))
    assert "Specialties covered 1" in page
    assert "General Surgery (100) 1" in page

    v = version(alice)
    surgery().evidence.remove(item)
    assert version(alice) > v
    assert "Specialties covered 0" in text(client.get(HOME))

    medicine().evidence.add(item, bobs)
    assert "General Internal Medicine (300) 1" in text(client.get(HOME))
    client.force_login(bob)
    assert "General Internal Medicine (300) 1" in text(client.get(HOME))

    # A clear from the specialty's side bumps every owner it touched.
    alice_v, bob_v = version(alice), version(bob)
    medicine().evidence.clear()
    assert version(alice) > alice_v
    assert version(bob) > bob_v
    assert "Specialties covered 0" in text(client.get(HOME))
    client.force_login(alice)
    assert "Specialties covered 0" in text(client.get(HOME))

    v = version(alice)
    surgery().evidence.set([item])
    assert version(alice) > v
    assert "General Surgery (100) 1" in text(client.get(HOME))


def test_specialties_changed_show_in_the_evidence_list(client, alice):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    client.force_login(alice)
    assert "General Surgery" not in text(client.get(LIST))
    surgery().evidence.add(item)
    assert "General Surgery" in text(client.get(LIST))
    item.specialties.clear()
    assert "General Surgery" not in text(client.get(LIST))


MORTALITY_NONE = "0 mortality complex cases: not met"
MORTALITY_ONE = "1 mortality complex case: met"


def test_case_types_changed_from_either_side_show_on_the_matrix(client, alice, uhd):
    mortality = CaseType.objects.get(slug="mortality")
    case = make_evidence(alice, "complex_case", case_types=["sepsis"])
    sign_in(client, alice)
    assert MORTALITY_NONE in text(client.get(MATRIX))

    v = version(alice)
    case.case_types.add(mortality)
    assert version(alice) > v
    assert MORTALITY_ONE in text(client.get(MATRIX))

    v = version(alice)
    case.case_types.remove(mortality)
    assert version(alice) > v
    assert MORTALITY_NONE in text(client.get(MATRIX))

    v = version(alice)
    mortality.cases.add(case)
    assert version(alice) > v
    assert MORTALITY_ONE in text(client.get(MATRIX))

    v = version(alice)
    mortality.cases.clear()
    assert version(alice) > v
    assert MORTALITY_NONE in text(client.get(MATRIX))

    v = version(alice)
    case.case_types.set([mortality])
    assert version(alice) > v
    assert MORTALITY_ONE in text(client.get(MATRIX))

    v = version(alice)
    mortality.cases.remove(case)
    assert version(alice) > v
    assert MORTALITY_NONE in text(client.get(MATRIX))


# --- Evidence list --------------------------------------------------------------


def test_the_evidence_list_shows_an_item_added_and_deleted(client, alice):
    first = make_evidence(alice, "cpd", title="Sepsis e-learning")
    sign_in(client, alice)
    before = client.get(LIST)
    assert evidence_count(before) == "1 item."
    assert list_titles(before) == ["Sepsis e-learning"]

    response = client.post(
        reverse("portfolio:evidence_create", args=["qualification"]),
        valid_data("qualification"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = client.get(LIST)
    assert evidence_count(added) == "2 items."
    assert sorted(list_titles(added)) == [
        "New qualification evidence",
        "Sepsis e-learning",
    ]

    response = client.post(reverse("portfolio:evidence_delete", args=[first.pk]))
    assert response.status_code == 302
    deleted = client.get(LIST)
    assert evidence_count(deleted) == "1 item."
    assert list_titles(deleted) == ["New qualification evidence"]


def test_the_evidence_list_shows_an_item_renamed(client, alice):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    sign_in(client, alice)
    assert list_titles(client.get(LIST)) == ["Sepsis e-learning"]
    data = valid_data("cpd") | {"title": "Sepsis e-learning, part 2"}
    response = client.post(reverse("portfolio:evidence_edit", args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list_titles(client.get(LIST)) == ["Sepsis e-learning, part 2"]


def test_the_evidence_list_is_cached_per_query_string(client, alice):
    make_evidence(alice, "cpd", title="Sepsis e-learning")
    make_evidence(alice, "qualification", title="ACC")
    sign_in(client, alice)
    everything = client.get(LIST)
    cpd = client.get(LIST, {"kind": "cpd"})
    qualifications = client.get(LIST, {"kind": "qualification"})
    assert sorted(list_titles(everything)) == ["ACC", "Sepsis e-learning"]
    assert list_titles(cpd) == ["Sepsis e-learning"]
    assert list_titles(qualifications) == ["ACC"]
    assert evidence_count(cpd) == "1 item matches your filters."
    # Served again, from the cache: each query string keeps its own results.
    assert list_titles(client.get(LIST, {"kind": "qualification"})) == ["ACC"]
    assert list_titles(client.get(LIST, {"kind": "cpd"})) == ["Sepsis e-learning"]
    assert len(list_titles(client.get(LIST))) == 2

    # A change shows under every query string.
    make_evidence(alice, "cpd", title="Standards refresher")
    assert sorted(list_titles(client.get(LIST, {"kind": "cpd"}))) == [
        "Sepsis e-learning",
        "Standards refresher",
    ]
    assert list_titles(client.get(LIST, {"kind": "qualification"})) == ["ACC"]
    assert evidence_count(client.get(LIST)) == "3 items."


def test_the_evidence_lists_pages_are_cached_apart(client, alice):
    from portfolio.views import PAGE_SIZE

    for n in range(PAGE_SIZE + 1):
        make_evidence(
            alice,
            "cpd",
            title=f"Item {n:02d}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
    sign_in(client, alice)
    first = list_titles(client.get(LIST))
    second = list_titles(client.get(LIST, {"page": "2"}))
    assert len(first) == PAGE_SIZE
    assert second == ["Item 00"]
    assert list_titles(client.get(LIST, {"page": "2"})) == ["Item 00"]
    assert list_titles(client.get(LIST)) == first


# --- Coverage matrix ------------------------------------------------------------


def test_the_matrix_shows_a_mapping_added_and_removed_through_the_views(
    client, alice, uhd
):
    item = make_evidence(alice, "contribution", title="Mentored two trainees")
    target = uhd.criteria.get(text=JUDGEMENT)
    sign_in(client, alice)
    assert "Mentored two trainees" not in text(client.get(MATRIX))

    response = client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {"spec": UHD, "criterion": target.pk, "rationale": "Escalated notes."},
    )
    assert response.status_code == 302
    page = text(client.get(MATRIX))
    assert "Mentored two trainees" in page
    assert "Escalated notes." in page

    link = EvidenceLink.objects.get()
    response = client.post(
        reverse("specs:link_delete", args=[link.pk]), {"next": MATRIX}
    )
    assert response.status_code == 302
    page = text(client.get(MATRIX))
    assert "Mentored two trainees" not in page
    assert "Escalated notes." not in page


def test_the_matrix_shows_a_mapping_added_from_a_criterion(client, alice, uhd):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    target = uhd.criteria.get(text=JUDGEMENT)
    sign_in(client, alice)
    assert "Sepsis e-learning" not in text(client.get(MATRIX))
    response = client.post(
        reverse("specs:add_evidence", args=[UHD, target.pk]),
        {"evidence": item.pk, "rationale": "Applied the standard."},
    )
    assert response.status_code == 302
    assert "Applied the standard." in text(client.get(MATRIX))


def test_the_matrix_shows_an_item_renamed_and_deleted(client, alice, uhd):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    link_to(item, uhd.criteria.get(text=JUDGEMENT))
    sign_in(client, alice)
    assert "Sepsis e-learning" in text(client.get(MATRIX))
    data = valid_data("cpd") | {"title": "Renamed course"}
    # Followed, so that the flash message naming the item is not on the matrix.
    edit = reverse("portfolio:evidence_edit", args=[item.pk])
    assert client.post(edit, data, follow=True).status_code == 200
    page = text(client.get(MATRIX))
    assert "Renamed course" in page and "Sepsis e-learning" not in page
    delete = reverse("portfolio:evidence_delete", args=[item.pk])
    assert client.post(delete, follow=True).status_code == 200
    assert "Renamed course" not in text(client.get(MATRIX))


def test_the_matrix_shows_a_criterion_reworded_by_the_recruiter(
    client, alice, rachel, trust_a_spec
):
    matrix = reverse("specs:matrix", args=[trust_a_spec.slug])
    alices = Client()
    sign_in(alices, alice)
    assert JUDGEMENT in text(alices.get(matrix))
    assert JUDGEMENT in text(alices.get(matrix))  # cached now

    index = list(trust_a_spec.criteria.all()).index(
        trust_a_spec.criteria.get(text=JUDGEMENT)
    )
    client.force_login(rachel)
    response = client.post(
        reverse("specs:edit", args=[trust_a_spec.slug]),
        spec_formset_data(
            trust_a_spec, **{f"criteria-{index}-text": "Sound judgement, reworded"}
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    page = text(alices.get(matrix))
    assert "Sound judgement, reworded" in page
    assert JUDGEMENT not in page


def test_the_matrix_shows_a_criterion_saved_through_the_orm(client, alice, uhd):
    sign_in(client, alice)
    assert JUDGEMENT in text(client.get(MATRIX))
    criterion = uhd.criteria.get(text=JUDGEMENT)
    criterion.text = "Reworded through the ORM"
    criterion.save()
    page = text(client.get(MATRIX))
    assert "Reworded through the ORM" in page
    assert JUDGEMENT not in page
    criterion.delete()
    assert "Reworded through the ORM" not in text(client.get(MATRIX))


def test_the_matrix_shows_a_spec_retitled_by_the_recruiter(
    client, alice, rachel, trust_a_spec
):
    matrix = reverse("specs:matrix", args=[trust_a_spec.slug])
    alices = Client()
    sign_in(alices, alice)
    assert "Clinical Coder" in text(alices.get(matrix))
    client.force_login(rachel)
    response = client.post(
        reverse("specs:edit", args=[trust_a_spec.slug]),
        spec_formset_data(trust_a_spec, title="Coding Auditor"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Coding Auditor" in text(alices.get(matrix))


def test_the_matrix_shows_evidence_that_meets_a_rule(client, alice, uhd):
    sign_in(client, alice)
    assert "0 clinical queries: not met" in text(client.get(MATRIX))
    client.post(
        reverse("portfolio:evidence_create", args=["clinical_query"]),
        valid_data("clinical_query"),
    )
    assert "1 clinical query: met" in text(client.get(MATRIX))


# --- Nobody sees another coder's page -------------------------------------------


def test_one_coders_cached_pages_are_never_shown_to_another(client, alice, bob, uhd):
    make_audit(alice, title="Alice's audit", date=datetime.date(2026, 9, 1))
    alices = make_evidence(alice, "cpd", title="Alice's course")
    link_to(alices, uhd.criteria.get(text=JUDGEMENT), "Alice's rationale")
    make_evidence(bob, "qualification", title="Bob's qualification")

    sign_in(client, alice)
    dashboard = text(client.get(HOME))
    assert "180 of 200 codes correct" in dashboard
    assert "Accuracy audit 1" in dashboard
    assert "Alice's course" in text(client.get(LIST))
    assert "Alice's rationale" in text(client.get(MATRIX))
    # Again, from the cache.
    assert "Alice's course" in text(client.get(LIST, {"kind": "cpd"}))
    assert "Alice's rationale" in text(client.get(MATRIX))

    client.logout()
    client.force_login(bob)
    dashboard = text(client.get(HOME))
    assert "No audits in the last 12 months." in dashboard
    assert "Accuracy audit 0" in dashboard
    assert "Qualification 1" in dashboard
    assert "180 of 200" not in dashboard
    evidence = client.get(LIST)
    assert list_titles(evidence) == ["Bob's qualification"]
    assert evidence_count(evidence) == "1 item."
    assert list_titles(client.get(LIST, {"kind": "cpd"})) == []
    matrix = text(client.get(MATRIX))
    assert "Alice's rationale" not in matrix
    assert "Alice's course" not in matrix


def test_two_coders_with_the_same_portfolio_version_see_their_own(alice, bob):
    """Versions are per coder and start alike: the key must name the coder too."""
    make_evidence(alice, "cpd", title="Alice's course")
    make_evidence(bob, "cpd", title="Bob's course")
    assert version(alice) == version(bob)
    alices, bobs = Client(), Client()
    alices.force_login(alice)
    bobs.force_login(bob)
    # The same CSRF cookie on both, as on a shared computer.
    alices.get(MATRIX)
    bobs.cookies["csrftoken"] = alices.cookies["csrftoken"].value
    for _ in range(2):
        assert list_titles(alices.get(LIST)) == ["Alice's course"]
        assert list_titles(bobs.get(LIST)) == ["Bob's course"]
        assert "Alice's course" not in text(bobs.get(MATRIX))


# --- CSRF -----------------------------------------------------------------------


def sign_in_with_the_form(client: Client, user: User) -> None:
    """Sign in as a browser does, which gives a new CSRF secret."""
    login = reverse("accounts:login")
    page = client.get(login)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)
    response = client.post(
        login,
        {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def sign_out(client: Client) -> None:
    page = client.get(HOME)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def remove(client: Client, page) -> object:
    [form] = remove_forms(page)
    return client.post(form["action"], form["fields"])


def test_a_cached_matrix_carries_a_token_that_works_after_signing_in_again(alice, uhd):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    link_to(item, uhd.criteria.get(text=JUDGEMENT))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(MATRIX)  # sets the CSRF cookie
    first = browser.get(MATRIX)
    second = browser.get(MATRIX)  # served from the cache
    assert "Sepsis e-learning" in text(second)
    old_cookie = browser.cookies["csrftoken"].value

    sign_out(browser)
    sign_in_with_the_form(browser, alice)
    assert browser.cookies["csrftoken"].value != old_cookie  # a new secret

    page = browser.get(MATRIX)
    assert remove_forms(page) != remove_forms(first)
    response = remove(browser, page)
    assert response.status_code == 302
    assert not EvidenceLink.objects.exists()
    assert "Sepsis e-learning" not in text(browser.get(MATRIX))


def test_a_cached_matrix_carries_a_token_that_works_after_force_login_again(alice, uhd):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    link_to(item, uhd.criteria.get(text=JUDGEMENT))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(MATRIX)
    browser.get(MATRIX)  # served from the cache
    # The test client's logout() drops every cookie, the CSRF cookie with them:
    # the next matrix is drawn afresh and sets a new secret.
    browser.logout()
    browser.force_login(alice)

    page = browser.get(MATRIX)
    response = remove(browser, page)
    assert response.status_code == 302
    assert not EvidenceLink.objects.exists()
    assert "Sepsis e-learning" not in text(browser.get(MATRIX))


def test_a_matrix_seen_without_a_csrf_cookie_carries_a_token_that_works(alice, uhd):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    link_to(item, uhd.criteria.get(text=JUDGEMENT))
    # Another browser of the same coder fills the cache first.
    other = Client(enforce_csrf_checks=True)
    other.force_login(alice)
    other.get(MATRIX)
    other.get(MATRIX)

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert "csrftoken" not in browser.cookies
    page = browser.get(MATRIX)
    assert "csrftoken" in browser.cookies  # set by this response
    response = remove(browser, page)
    assert response.status_code == 302
    assert not EvidenceLink.objects.exists()


def test_two_browsers_of_one_coder_each_get_a_working_token(alice, uhd):
    criterion = uhd.criteria.get(text=JUDGEMENT)
    link_to(make_evidence(alice, "cpd", title="One"), criterion)
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(alice)
        browser.get(MATRIX)
        browser.get(MATRIX)
    for browser in browsers:
        link_to(make_evidence(alice, "cpd", title="Two"), criterion)
        page = browser.get(MATRIX)
        forms = remove_forms(page)
        response = browser.post(forms[0]["action"], forms[0]["fields"])
        assert response.status_code == 302


def test_a_refused_csrf_cookie_does_not_serve_a_token_for_another_secret(alice, uhd):
    """A CSRF cookie Django refuses (here, the wrong length) gets a new secret on
    every request that sends it, as two tabs opened at once both do. The page's
    tokens must be for the secret that its own response sets: a copy cached under
    the refused cookie's value carries the first request's secret instead, and its
    Remove button fails with 403."""
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")
    link_to(item, uhd.criteria.get(text=JUDGEMENT))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.cookies["csrftoken"] = "not-a-valid-csrf-secret"
    browser.get(MATRIX)  # the first tab
    browser.cookies["csrftoken"] = "not-a-valid-csrf-secret"
    page = browser.get(MATRIX)  # the second, sent with the same cookie
    secret = page.cookies["csrftoken"].value  # the new secret this response sets
    [form] = remove_forms(page)
    assert _unmask_cipher_token(form["fields"]["csrfmiddlewaretoken"]) == secret
    response = remove(browser, page)
    assert response.status_code == 302
    assert not EvidenceLink.objects.exists()


# --- Import ---------------------------------------------------------------------


def test_importing_a_portfolio_file_shows_on_the_cached_pages(client, alice, bob):
    make_audit(bob, title="Imported audit", date=datetime.date(2026, 9, 1))
    make_evidence(bob, "specialty", title="Imported surgery", specialty=surgery())
    make_employment(
        bob, start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31)
    )
    document = dumps(export_portfolio(bob))

    client.force_login(alice)
    before = text(client.get(HOME))
    assert "Your portfolio is empty" in before
    assert evidence_count(client.get(LIST)) == "0 items."

    v = version(alice)
    response = client.post(
        reverse("portfolio:import"),
        {"file": SimpleUploadedFile("portfolio.json", document.encode())},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # Three rows and their specialties, one bump: the import collects them.
    assert version(alice) == v + 1

    after = text(client.get(HOME))
    assert "Your portfolio is empty" not in after
    assert "180 of 200 codes correct over 1 audit" in after
    assert "Accuracy audit 1" in after
    assert "Specialty experience 1" in after
    assert "General Surgery (100)" in after
    assert "3.0 years" in after
    assert sorted(list_titles(client.get(LIST))) == [
        "Imported audit",
        "Imported surgery",
    ]


def test_changes_collected_for_one_bump_are_dropped_with_their_transaction(alice):
    v = version(alice)
    with pytest.raises(RuntimeError), transaction.atomic(), one_bump_per_coder():
        make_evidence(alice, "cpd")
        make_employment(alice)
        raise RuntimeError("the import fails half way")

    assert version(alice) == v
    assert not alice.evidence.exists()

    with transaction.atomic(), one_bump_per_coder():
        make_evidence(alice, "cpd")
        make_evidence(alice, "audit")
    assert version(alice) == v + 1


# --- The version only goes up ----------------------------------------------------


def test_a_password_change_does_not_put_back_an_older_version(client, alice):
    # The password change view loads the user before, and saves it after, a change
    # made meanwhile in another tab: the version must not go back to what it was.
    sign_in(client, alice)
    make_evidence(alice, "cpd", title="First")
    assert list_titles(client.get(LIST)) == ["First"]
    loaded_before = User.objects.get(pk=alice.pk)
    make_evidence(alice, "cpd", title="Second")
    assert sorted(list_titles(client.get(LIST))) == ["First", "Second"]

    v = version(alice)
    loaded_before.set_password("a-new-long-password-9")
    loaded_before.save()
    assert version(alice) == v
    make_evidence(alice, "cpd", title="Third")
    alice.refresh_from_db()
    sign_in(client, alice)  # the new password signed the old session out

    assert sorted(list_titles(client.get(LIST))) == ["First", "Second", "Third"]
    assert User.objects.get(pk=alice.pk).check_password("a-new-long-password-9")


def test_an_item_is_not_saved_without_its_version_bump(client, alice, monkeypatch):
    def fail(*owner_ids):
        raise RuntimeError("database is locked")

    sign_in(client, alice)
    client.get(HOME)
    monkeypatch.setattr(signals, "portfolio_changed", fail)

    with pytest.raises(RuntimeError):
        client.post(
            reverse("portfolio:evidence_create", args=["cpd"]), valid_data("cpd")
        )

    # The item went with the bump: the cached dashboard is still the truth.
    assert not alice.evidence.exists()


def test_deleting_a_specialty_bumps_the_coders_who_used_it(client, alice, bob):
    rare = Specialty.objects.create(code="999", name="Bench Specialty")
    make_evidence(alice, "cpd", title="Tagged").specialties.add(rare)
    sign_in(client, alice)
    assert "Bench Specialty" in text(client.get(HOME))
    v_alice, v_bob = version(alice), version(bob)

    rare.delete()

    assert version(alice) == v_alice + 1
    assert version(bob) == v_bob
    assert "Bench Specialty" not in text(client.get(HOME))


def test_session_clean_up_keeps_djangos_fast_delete():
    # The receivers are connected model by model: one for every model would make
    # every bulk delete load its rows and signal each one.
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    assert Collector("default").can_fast_delete(Session.objects.all())


def test_a_change_through_the_views_bumps_the_version_once(client, alice):
    # An audit with its specialties is one row per table and an m2m change, each
    # of which would bump; the view's portfolio_change collects them.
    sign_in(client, alice)
    v = version(alice)
    response = client.post(
        reverse("portfolio:evidence_create", args=["audit"]), valid_data("audit")
    )
    assert response.status_code == 302
    assert version(alice) == v + 1
