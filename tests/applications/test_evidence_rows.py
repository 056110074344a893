"""Each kind of evidence describes itself once: its detail page and the pack agree."""

import datetime
import html
import re

from django.urls import reverse
from pytest_django.asserts import assertContains

from applications import pack
from applications.models import Application, Statement
from applications.snapshot import build_snapshot
from portfolio.models import CaseType, Specialty
from tests.factories import make_audit, make_evidence, make_vacancy

# Shown in their own places on both, not as the kind's rows.
APART = {"Date", "Period", "Verification"}


def detail_rows(page: str) -> list[tuple[str, str]]:
    rows = re.findall(
        r'<dt class="nhsuk-summary-list__key">(.*?)</dt>\s*'
        r'<dd class="nhsuk-summary-list__value">(.*?)</dd>',
        page,
        re.S,
    )
    return [
        (html.unescape(key.strip()), html.unescape(value.strip()))
        for key, value in rows
        if key.strip() not in APART
    ]


def pack_rows(document: str, ref: str) -> list[tuple[str, str]]:
    """An item's rows in the pack: its detail paragraphs, and an audit's measures
    from their small table, in order."""
    start = document.index(f'id="evidence-{ref}"')
    end = document.find("<h3", start)
    section = document[start : end if end > 0 else None]
    rows = re.findall(
        r'<p class="detail">(.*?): (.*?)</p>|<tr><th scope="row"[^>]*>(.*?)</th>'
        r"<td>(.*?)</td></tr>",
        section,
        re.S,
    )
    return [
        (html.unescape(key or measure), html.unescape(value or figures))
        for key, value, measure, figures in rows
    ]


def test_the_detail_page_and_the_pack_print_the_same_rows(client, alice, trust_a):
    audit = make_audit(
        alice,
        title="Internal audit",
        specialties=Specialty.objects.filter(code__in=["100", "300"]),
        secondary_procedures_correct=0,
        secondary_procedures_audited=0,
    )
    case = make_evidence(
        alice,
        "complex_case",
        title="Sepsis death",
        case_types=["mortality", "multi-morbidity"],
        standards_applied="DCS.IX.2",
    )
    cpd = make_evidence(alice, "cpd", title="Standards Refresher", provider="NHS E")
    vacancy = make_vacancy(trust_a)
    application = Application.objects.create(vacancy=vacancy, applicant=alice)
    statement = Statement.objects.create(
        application=application,
        criterion=vacancy.specification.criteria.first(),
        text="See my evidence.",
    )
    statement.evidence.set([audit, case, cpd])
    snapshot = build_snapshot(application, datetime.date(2026, 11, 25))
    document = pack.render_html(
        snapshot, snapshot_sha256="f" * 64, pack_id="CF-1-ffffffff", anonymised=False
    )
    refs = {item["title"]: item["ref"] for item in snapshot["evidence"]}
    client.force_login(alice)

    rows = {}
    for item in (audit, case, cpd):
        page = client.get(reverse("portfolio:evidence_detail", args=[item.pk]))
        assertContains(page, item.get_kind_display())
        rows[item.title] = detail_rows(page.content.decode())
        assert pack_rows(document, refs[item.title]) == rows[item.title]
        assert f"{item.get_kind_display()} · " in document

    assert rows["Internal audit"] == [
        ("Audit type", "Internal"),
        ("Auditor", "Coding auditor"),
        ("Episodes (FCEs) audited", "50"),
        ("Specialties covered", "General Internal Medicine, General Surgery"),
        ("Primary diagnosis", "90.0% (45 of 50 codes correct)"),
        ("Secondary diagnoses", "90.0% (45 of 50 codes correct)"),
        ("Primary procedure", "90.0% (45 of 50 codes correct)"),
        ("Secondary procedures", "Not audited"),
        ("Overall accuracy", "90.0%"),
        ("Auditor's findings", "Not given"),
        ("What was learnt or changed", "Not given"),
    ]
    case_types = ", ".join(
        CaseType.objects.filter(slug__in=["mortality", "multi-morbidity"]).values_list(
            "name", flat=True
        )
    )
    assert rows["Sepsis death"] == [
        ("Specialty", "General Internal Medicine"),
        ("Case types", case_types),
        ("ICD-10 codes", "I21.4, E11.9"),
        ("OPCS-4 codes", "K49.1"),
        ("Anonymised narrative", "Anonymised narrative of a complex admission."),
        ("Standards applied", "DCS.IX.2"),
        ("What was learnt", "Not given"),
    ]
    assert ("Provider", "NHS E") in rows["Standards Refresher"]
