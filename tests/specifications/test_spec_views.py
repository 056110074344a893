"""Person specification pages: coders map evidence and see coverage; recruiters keep
their own organisation's specs, and nobody else's."""

import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.management.demo import build_demo_portfolio
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from specifications.specs import import_spec, spec_to_dict
from tests import pages
from tests.factories import make_evidence
from tests.portfolio.forms_data import spec_formset_data

UHD = "uhd-senior-clinical-coder-v1"


def criterion(spec: PersonSpecification, text: str) -> Criterion:
    return spec.criteria.get(text=text)


# --- The coder's side ---------------------------------------------------------


def test_a_coder_sees_every_spec(client, alice, trust_a_spec):
    client.force_login(alice)
    html = client.get(reverse("specs:list")).content.decode()
    assert reverse("specs:matrix", args=[UHD]) in html
    assert reverse("specs:matrix", args=[trust_a_spec.slug]) in html


def test_with_an_empty_portfolio_every_essential_criterion_is_a_gap(client, alice, uhd):
    client.force_login(alice)
    response = client.get(reverse("specs:matrix", args=[UHD]))
    gaps = response.context["report"].gaps
    essential = uhd.criteria.filter(requirement="essential")
    assert {row.criterion.pk for row in gaps} == set(
        essential.values_list("pk", flat=True)
    )
    html = pages.html(response)
    assert "Application route: Not yet eligible" in html
    assert "No ACC (NCCQ) qualification recorded: not met" in html


def test_with_the_demo_portfolio_the_accuracy_rule_is_met_and_says_why(client, alice):
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0), tick=False):
        build_demo_portfolio(alice, timezone.localdate())
        client.force_login(alice)
        html = client.get(reverse("specs:matrix", args=[UHD])).content.decode()
    assert "over 4 audits since 25 November 2025: met (needs 90% over 2" in html
    assert "Application route: ACC route" in html
    assert "ACC held since" in html


def test_the_matrix_needs_a_coder(client, rachel):
    assert client.get(reverse("specs:matrix", args=[UHD])).status_code == 302
    client.force_login(rachel)
    assert client.get(reverse("specs:matrix", args=[UHD])).status_code == 404


@pytest.mark.parametrize("items", [3, 30])
def test_the_matrix_queries_do_not_grow_with_the_portfolio(
    client, alice, uhd, django_assert_num_queries, items
):
    client.force_login(alice)
    for n in range(items):
        item = make_evidence(alice, ["audit", "complex_case", "cpd"][n % 3])
        if n % 2:
            EvidenceLink.objects.create(
                evidence=item,
                criterion=uhd.criteria.all()[n % 15],
                rationale="Because.",
            )
    # 1 session, 2 user, 3 spec, 4 criteria, 5 links with their evidence,
    # 6 summary of the evidence (kinds, contribution types, refresher, ACC),
    # 7 distinct specialties, 8 complex cases per case type, 9 years of
    # experience, 10 audit sums for the window.
    with django_assert_num_queries(10):
        response = client.get(reverse("specs:matrix", args=[UHD]))
    assert response.status_code == 200


def test_a_coder_maps_an_item_to_criteria_with_a_rationale(client, alice, uhd):
    item = make_evidence(alice, "contribution", title="Mentored two trainees")
    target = criterion(uhd, "Sound professional judgement in coding decisions")
    client.force_login(alice)
    page = client.get(reverse("specs:map_evidence", args=[item.pk]))
    assert UHD in page.content.decode()  # only one spec: chosen for the coder
    response = client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {
            "spec": UHD,
            "criterion": target.pk,
            "rationale": "Escalated ambiguous notes.",
        },
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get()
    assert (link.evidence.pk, link.criterion, link.rationale) == (
        item.pk,
        target,
        "Escalated ambiguous notes.",
    )
    # One item maps to many criteria; the same criterion is not offered twice.
    other = criterion(uhd, "Contribution to mentoring, audit, or service improvement")
    client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {"spec": UHD, "criterion": other.pk, "rationale": "Mentoring."},
    )
    assert item.links.count() == 2
    again = client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {"spec": UHD, "criterion": target.pk, "rationale": "Twice."},
    )
    assert "Select a valid choice" in again.content.decode()
    assert item.links.count() == 2

    matrix = client.get(reverse("specs:matrix", args=[UHD]))
    row = next(r for r in matrix.context["report"].rows if r.criterion == target)
    assert row.status == "evidenced"
    assert "Escalated ambiguous notes." in matrix.content.decode()


def test_a_rationale_goes_through_the_pid_guard(client, alice, uhd):
    item = make_evidence(alice, "cpd")
    client.force_login(alice)
    response = client.post(
        reverse("specs:map_evidence", args=[item.pk]),
        {
            "spec": UHD,
            "criterion": uhd.criteria.first().pk,
            "rationale": "As for patient 943 476 5919",
        },
    )
    assert "This looks like an NHS number" in pages.html(response)
    assert not EvidenceLink.objects.exists()


def test_a_coder_cannot_map_another_coders_evidence(client, alice, bob, uhd):
    item = make_evidence(alice, "cpd")
    client.force_login(bob)
    url = reverse("specs:map_evidence", args=[item.pk])
    assert client.get(url).status_code == 404
    data = {"spec": UHD, "criterion": uhd.criteria.first().pk, "rationale": "Mine now."}
    assert client.post(url, data).status_code == 404
    # Nor through a criterion's "add evidence" page.
    add = reverse("specs:add_evidence", args=[UHD, uhd.criteria.first().pk])
    response = client.post(add, {"evidence": item.pk, "rationale": "Mine now."})
    assert response.status_code == 200
    assert "Select a valid choice" in pages.html(response)
    assert not EvidenceLink.objects.exists()


def test_a_coder_adds_evidence_from_a_criterion(client, alice, uhd):
    item = make_evidence(alice, "clinical_query", title="Type 2 MI query")
    target = criterion(
        uhd,
        "Proven experience resolving clinical queries and clarifying complex or "
        "ambiguous documentation",
    )
    client.force_login(alice)
    url = reverse("specs:add_evidence", args=[UHD, target.pk])
    assert "Type 2 MI query" in client.get(url).content.decode()
    response = client.post(url, {"evidence": item.pk, "rationale": "Resolved it."})
    assert (
        response.url == reverse("specs:matrix", args=[UHD]) + f"#criterion-{target.pk}"
    )
    assert EvidenceLink.objects.get().criterion == target


def test_removing_a_link_is_post_only_and_owner_only(client, alice, bob, uhd):
    item = make_evidence(alice, "cpd")
    link = EvidenceLink.objects.create(
        evidence=item, criterion=uhd.criteria.first(), rationale="Because."
    )
    url = reverse("specs:link_delete", args=[link.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "/\\evil.example.com/"})
    assert response.url == reverse("specs:matrix", args=[UHD])  # not elsewhere
    assert not EvidenceLink.objects.exists()


# --- The recruiter's side -------------------------------------------------------


def test_a_recruiter_sees_only_their_organisations_specs(client, rachel, trust_a_spec):
    client.force_login(rachel)
    html = client.get(reverse("specs:list")).content.decode()
    assert reverse("specs:detail", args=[trust_a_spec.slug]) in html
    assert UHD not in html


def test_a_recruiter_cannot_see_or_edit_another_trusts_spec(
    client, oscar, trust_a_spec
):
    client.force_login(oscar)
    slug = trust_a_spec.slug
    for name in ["detail", "edit", "export"]:
        assert client.get(reverse(f"specs:{name}", args=[slug])).status_code == 404
    assert client.post(reverse("specs:copy", args=[slug])).status_code == 404
    assert (
        client.post(
            reverse("specs:edit", args=[slug]), {"title": "Hijacked"}
        ).status_code
        == 404
    )
    trust_a_spec.refresh_from_db()
    assert trust_a_spec.title == "Clinical Coder"
    assert (
        PersonSpecification.objects.filter(
            organisation=trust_a_spec.organisation
        ).count()
        == 1
    )


def test_coders_cannot_manage_specs(client, alice, trust_a_spec):
    client.force_login(alice)
    assert client.get(reverse("specs:create")).status_code == 404
    assert (
        client.get(reverse("specs:edit", args=[trust_a_spec.slug])).status_code == 404
    )
    assert client.get(reverse("specs:import")).status_code == 404


def test_a_recruiter_creates_a_spec_and_adds_criteria_with_rules(
    client, rachel, trust_a
):
    client.force_login(rachel)
    response = client.post(
        reverse("specs:create"),
        {"title": "Coding Auditor", "band": "Band 6", "source": ""},
    )
    spec = PersonSpecification.objects.get(title="Coding Auditor")
    assert spec.organisation == trust_a and spec.version == 1
    assert response.url == reverse("specs:edit", args=[spec.slug])
    data = spec_formset_data(spec) | {
        "criteria-TOTAL_FORMS": "1",
        "criteria-0-category": "qualifications",
        "criteria-0-requirement": "essential",
        "criteria-0-text": "ACC held for at least 3 years",
        "criteria-0-order": "1",
        "criteria-0-rule": '{"kind": "experience_years", "years": 3}',
    }
    response = client.post(reverse("specs:edit", args=[spec.slug]), data)
    assert response.status_code == 302, pages.html(response)[:3000]
    added = spec.criteria.get()
    assert added.rule == {"kind": "experience_years", "years": 3.0}


def test_a_bad_rule_is_refused_with_a_message(client, rachel, trust_a_spec):
    client.force_login(rachel)
    data = spec_formset_data(trust_a_spec, **{"criteria-0-rule": '{"kind": "vibes"}'})
    response = client.post(reverse("specs:edit", args=[trust_a_spec.slug]), data)
    assert response.status_code == 200
    assert "Unknown rule kind &#x27;vibes&#x27;" in pages.html(response)
    assert trust_a_spec.criteria.first().rule_kind == ""


def test_a_spec_in_use_cannot_change_but_can_be_copied(client, rachel, trust_a_spec):
    trust_a_spec.locked_at = timezone.now()
    trust_a_spec.save()
    client.force_login(rachel)
    edit = reverse("specs:edit", args=[trust_a_spec.slug])
    response = client.post(
        edit, spec_formset_data(trust_a_spec, title="Changed"), follow=True
    )
    assert "cannot change" in pages.html(response)
    trust_a_spec.refresh_from_db()
    assert trust_a_spec.title == "Clinical Coder"

    response = client.post(reverse("specs:copy", args=[trust_a_spec.slug]))
    copy = PersonSpecification.objects.get(title="Clinical Coder", version=2)
    assert response.url == reverse("specs:edit", args=[copy.slug])
    assert copy.criteria.count() == trust_a_spec.criteria.count()
    assert not copy.is_locked


def test_a_recruiter_exports_and_imports_a_spec(client, rachel, trust_a_spec):
    client.force_login(rachel)
    response = client.get(reverse("specs:export", args=[trust_a_spec.slug]))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["title"] == "Clinical Coder"
    data["version"] = 5
    upload = SimpleUploadedFile("spec.json", json.dumps(data).encode())
    response = client.post(reverse("specs:import"), {"file": upload})
    imported = PersonSpecification.objects.get(title="Clinical Coder", version=5)
    assert response.url == reverse("specs:detail", args=[imported.slug])
    assert imported.organisation == rachel.organisation


def test_an_imported_spec_goes_through_the_pid_guard(client, rachel, uhd):
    data = spec_to_dict(uhd) | {"slug": ""}
    data["criteria"][0]["text"] = "As shown for patient 943 476 5919"
    client.force_login(rachel)
    upload = SimpleUploadedFile("spec.json", json.dumps(data).encode())
    response = client.post(reverse("specs:import"), {"file": upload})
    assert "Criterion 1, text: This looks like an NHS number" in pages.html(response)
    assert not PersonSpecification.objects.filter(organisation=rachel.organisation)


def test_a_malformed_spec_file_is_refused_with_a_message(client, rachel):
    client.force_login(rachel)
    upload = SimpleUploadedFile("spec.json", b'{"title": "No criteria"}')
    response = client.post(reverse("specs:import"), {"file": upload})
    assert "The specification lacks band, criteria, organisation, version" in (
        pages.html(response)
    )
    assert not PersonSpecification.objects.filter(title="No criteria").exists()


def test_a_duplicate_title_is_refused_with_a_message(client, rachel, trust_a_spec):
    client.force_login(rachel)
    response = client.post(
        reverse("specs:create"), {"title": "Clinical Coder", "band": "", "source": ""}
    )
    assert response.status_code == 200
    assert "already has version 1 of a specification with this title" in (
        pages.html(response)
    )


def test_an_imported_spec_cannot_take_a_reserved_slug(rachel, uhd):
    spec = import_spec(
        spec_to_dict(uhd) | {"slug": "import", "version": 3},
        organisation=rachel.organisation,
    )
    assert spec.slug != "import"


def test_coders_are_not_told_which_specs_are_in_use(client, alice, uhd):
    uhd.locked_at = timezone.now()
    uhd.save()
    client.force_login(alice)
    assert "In use" not in client.get(reverse("specs:list")).content.decode()
