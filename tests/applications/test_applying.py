"""Coders apply to vacancies: drafting, submitting, withdrawing, downloading packs."""

import datetime
import re

import pytest
from django.urls import reverse

from applications.models import Application, Snapshot, Statement, SubmissionPack
from applications.snapshot import build_snapshot
from specifications.models import EvidenceLink
from specifications.specs import copy_to_new_version
from tests import pages
from tests.factories import make_evidence, make_vacancy
from tests.portfolio.forms_data import spec_formset_data


@pytest.fixture
def fake_pdf(monkeypatch):
    """Pack building has its own tests; here a stand-in PDF keeps these fast."""
    built = []

    def build(snapshot_json, *, application_id, anonymised):
        built.append((application_id, anonymised))
        return b"%PDF-1.7 stand-in " + snapshot_json.encode()[:20] + b"\n%%EOF", 3

    monkeypatch.setattr("applications.tasks.build_pdf", build)
    return built


@pytest.fixture
def vacancy(trust_a):
    return make_vacancy(trust_a)


@pytest.fixture
def application(alice, vacancy):
    return Application.objects.create(vacancy=vacancy, applicant=alice)


def draft_data(application, route="acc", text="I have done this; see my evidence."):
    """A complete draft: a statement for every criterion."""
    data = {"route": route}
    for c in application.vacancy.specification.criteria.all():
        data[f"statement_{c.pk}"] = text
    return data


def test_a_coder_sees_open_vacancies_and_applies_once(client, alice, vacancy):
    closed = make_vacancy(vacancy.organisation, closing_date=datetime.date(2020, 1, 1))
    client.force_login(alice)
    html = client.get(reverse("applications:coder_home")).content.decode()
    assert vacancy.reference in html and closed.reference not in html
    response = client.post(reverse("applications:apply", args=[vacancy.pk]))
    application = Application.objects.get()
    assert response.url == reverse("applications:draft", args=[application.pk])
    assert application.is_draft and application.candidate_number.startswith("C")
    client.post(reverse("applications:apply", args=[vacancy.pk]))
    assert Application.objects.count() == 1


def test_a_closed_vacancy_cannot_be_applied_to(client, alice, trust_a):
    closed = make_vacancy(trust_a, closing_date=datetime.date(2020, 1, 1))
    client.force_login(alice)
    client.post(reverse("applications:apply", args=[closed.pk]))
    assert not Application.objects.exists()


def test_a_draft_saves_statements_and_evidence(client, alice, application):
    spec = application.vacancy.specification
    criterion = spec.criteria.get(text__startswith="Proven experience resolving")
    query = make_evidence(alice, "clinical_query", title="MI type query")
    EvidenceLink.objects.create(evidence=query, criterion=criterion, rationale="Yes.")
    client.force_login(alice)
    page = client.get(reverse("applications:draft", args=[application.pk]))
    html = page.content.decode()
    assert criterion.text in html and "MI type query" in html
    assert 'data-count-type="words"' in html
    data = draft_data(application) | {f"evidence_{criterion.pk}": [str(query.pk)]}
    response = client.post(reverse("applications:draft", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.route == "acc"
    statement = Statement.objects.get(application=application, criterion=criterion)
    assert statement.text == "I have done this; see my evidence."
    assert [e.pk for e in statement.evidence.all()] == [query.pk]


def test_a_bad_statement_keeps_everything_typed_and_saves_the_rest(
    client, alice, application
):
    criteria = list(application.vacancy.specification.criteria.all())
    data = draft_data(application)
    data[f"statement_{criteria[0].pk}"] = "word " * 251
    data[f"statement_{criteria[1].pk}"] = "Coded for patient 943 476 5919."
    client.force_login(alice)
    response = client.post(reverse("applications:draft", args=[application.pk]), data)
    assert response.status_code == 200
    html = pages.html(response)
    assert "Your statement is 251 words: keep it to 250." in html
    assert "This looks like an NHS number" in html
    assert "word word word" in html  # what was typed is shown back
    saved = Statement.objects.filter(application=application)
    assert saved.count() == len(criteria) - 2
    assert not saved.filter(criterion__in=criteria[:2]).exists()


def test_the_error_summary_links_to_the_evidence_it_refuses(client, alice, application):
    # A mapping removed in another tab: the ticked item is no longer a choice.
    spec = application.vacancy.specification
    criterion = spec.criteria.get(text__startswith="Proven experience resolving")
    kept = make_evidence(alice, "clinical_query", title="MI type query")
    EvidenceLink.objects.create(evidence=kept, criterion=criterion, rationale="Yes.")
    gone = make_evidence(alice, "clinical_query", title="Unmapped query")
    data = draft_data(application) | {f"evidence_{criterion.pk}": [str(gone.pk)]}
    client.force_login(alice)
    response = client.post(reverse("applications:draft", args=[application.pk]), data)
    assert response.status_code == 200
    html = pages.html(response)
    summary = html[html.index("nhsuk-error-summary") : html.index('id="checklist"')]
    assert "Everything else has been saved." in summary
    link = re.search(r'<a href="#([^"]*)">Select a valid choice', summary)
    assert link and link[1] == f"id_evidence_{criterion.pk}_0"
    assert f'id="id_evidence_{criterion.pk}_0"' in html


def test_the_snapshot_gives_a_complex_cases_case_types(alice, application):
    case = make_evidence(
        alice, "complex_case", title="Sepsis death", case_types=["mortality"]
    )
    criterion = application.vacancy.specification.criteria.first()
    statement = Statement.objects.create(
        application=application, criterion=criterion, text="See the case."
    )
    statement.evidence.set([case])

    snapshot = build_snapshot(application, datetime.date(2026, 11, 25))

    [item] = snapshot["evidence"]
    assert item["title"] == "Sepsis death"
    assert ["Case types", "Mortality"] in item["details"]


def test_submitting_freezes_a_snapshot_and_builds_both_packs(
    client, alice, application, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(
        reverse("applications:draft", args=[application.pk]), draft_data(application)
    )
    assert (
        "Nothing is missing"
        in client.get(
            reverse("applications:draft", args=[application.pk])
        ).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.url == reverse("applications:packs", args=[application.pk])
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at
    snapshot = Snapshot.objects.get(application=application)
    assert '"candidate_number":"' + application.candidate_number in snapshot.content
    assert sorted(fake_pdf) == [(application.pk, False), (application.pk, True)]
    packs = SubmissionPack.objects.filter(application=application)
    assert {p.state for p in packs} == {SubmissionPack.State.DONE}
    application.vacancy.specification.refresh_from_db()
    assert application.vacancy.specification.is_locked

    page = client.get(
        reverse("applications:packs", args=[application.pk])
    ).content.decode()
    full = packs.get(variant="full")
    assert f"{application.vacancy.reference}-{application.candidate_number}.pdf" in page
    download = client.get(reverse("applications:pack_download", args=[full.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert (
        f'filename="{application.vacancy.reference}-{application.candidate_number}.pdf"'
        in download["Content-Disposition"]
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_missing_essential_criterion_is_refused_with_the_reason(
    client, alice, application, fake_pdf
):
    essential = application.vacancy.specification.criteria.filter(
        requirement="essential", route=""
    ).first()
    data = draft_data(application) | {f"statement_{essential.pk}": ""}
    client.force_login(alice)
    client.post(reverse("applications:draft", args=[application.pk]), data)
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 400
    assert f"“{essential.text}” is Essential" in pages.html(response, 400)
    application.refresh_from_db()
    assert application.is_draft and not Snapshot.objects.exists()


def test_a_closed_vacancy_refuses_submission(client, alice, application, fake_pdf):
    client.force_login(alice)
    client.post(
        reverse("applications:draft", args=[application.pk]), draft_data(application)
    )
    application.vacancy.closing_date = datetime.date(2020, 1, 1)
    application.vacancy.save()
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert "The vacancy closed on 1 January 2020." in pages.html(response, 400)
    assert not Snapshot.objects.exists()


def test_a_second_submission_is_refused(
    client, alice, application, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(
        reverse("applications:draft", args=[application.pk]), draft_data(application)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:submit", args=[application.pk]))
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 400
    assert "This application has already been submitted." in pages.html(response, 400)
    assert Snapshot.objects.count() == 1


def test_another_coders_application_is_not_found(client, bob, application, fake_pdf):
    client.force_login(bob)
    for name in ["draft", "submit", "packs"]:
        assert (
            client.get(
                reverse(f"applications:{name}", args=[application.pk])
            ).status_code
            == 404
        )
    assert (
        client.post(reverse("applications:submit", args=[application.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("applications:withdraw", args=[application.pk])).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.is_draft


def test_a_coder_withdraws_a_submitted_application(
    client, alice, application, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(
        reverse("applications:draft", args=[application.pk]), draft_data(application)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:submit", args=[application.pk]))
    assert (
        client.get(reverse("applications:withdraw", args=[application.pk])).status_code
        == 405
    )
    client.post(reverse("applications:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.withdrawn_at


def test_a_submitted_application_cannot_be_edited(
    client, alice, application, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(
        reverse("applications:draft", args=[application.pk]), draft_data(application)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:submit", args=[application.pk]))
    data = draft_data(application, text="Changed after submitting.")
    response = client.post(reverse("applications:draft", args=[application.pk]), data)
    assert response.url == reverse("applications:packs", args=[application.pk])
    assert not Statement.objects.filter(text="Changed after submitting.").exists()


def test_recruiters_cannot_draft(client, rachel, application):
    client.force_login(rachel)
    assert (
        client.get(reverse("applications:draft", args=[application.pk])).status_code
        == 404
    )
    assert client.get(reverse("applications:coder_home")).status_code == 404


def test_a_recruiter_adds_and_edits_a_vacancy_for_their_organisation(
    client, rachel, trust_a
):
    spec = make_vacancy(trust_a).specification
    client.force_login(rachel)
    response = client.post(
        reverse("applications:vacancy_create"),
        {
            "title": "Clinical Coder",
            "band": "Band 3",
            "reference": "CC-2026",
            "closing_date_day": "31",
            "closing_date_month": "12",
            "closing_date_year": "2099",
            "specification": spec.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    vacancy = trust_a.vacancies.get(reference="CC-2026")
    assert vacancy.specification == spec
    assert (
        "CC-2026" in client.get(reverse("applications:recruiter_home")).content.decode()
    )


def test_a_vacancy_needs_the_recruiters_own_spec_and_a_future_closing_date(
    client, rachel, trust_b
):
    other_spec = make_vacancy(trust_b).specification
    client.force_login(rachel)
    response = client.post(
        reverse("applications:vacancy_create"),
        {
            "title": "Clinical Coder",
            "reference": "CC-2026",
            "closing_date_day": "1",
            "closing_date_month": "1",
            "closing_date_year": "2020",
            "specification": other_spec.pk,
        },
    )
    html = pages.html(response)
    assert "The closing date must be today or later." in html
    assert "Select a valid choice" in html
    assert not rachel.organisation.vacancies.exists()


def test_a_recruiter_cannot_edit_another_trusts_vacancy(client, oscar, vacancy):
    client.force_login(oscar)
    url = reverse("applications:vacancy_edit", args=[vacancy.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Hijacked"}).status_code == 404


def test_a_vacancys_spec_cannot_change_once_people_have_applied(
    client, rachel, application, trust_a
):
    vacancy = application.vacancy
    other = copy_to_new_version(vacancy.specification)  # a valid choice otherwise
    client.force_login(rachel)
    client.post(
        reverse("applications:vacancy_edit", args=[vacancy.pk]),
        {
            "title": vacancy.title,
            "band": vacancy.band,
            "reference": vacancy.reference,
            "closing_date_day": str(vacancy.closing_date.day),
            "closing_date_month": str(vacancy.closing_date.month),
            "closing_date_year": str(vacancy.closing_date.year),
            "specification": other.pk,
        },
    )
    vacancy.refresh_from_db()
    assert vacancy.specification_id == application.vacancy.specification_id


def test_removing_a_criterion_with_draft_statements_is_refused(
    client, rachel, alice, application
):
    spec = application.vacancy.specification
    criterion = spec.criteria.first()
    Statement.objects.create(application=application, criterion=criterion, text="Hi")
    client.force_login(rachel)
    data = spec_formset_data(spec) | {"criteria-0-DELETE": "on"}
    response = client.post(reverse("specs:edit", args=[spec.slug]), data)
    assert response.status_code == 200
    assert "has statements in draft applications" in pages.html(response)
    assert spec.criteria.filter(pk=criterion.pk).exists()
