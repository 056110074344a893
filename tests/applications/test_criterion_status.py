"""One criterion status: the matrix, the draft page, the snapshot and the pack agree."""

import datetime
import re

from django.urls import reverse
from pytest_django.asserts import assertContains

from applications import pack
from applications.models import Application, Statement
from applications.snapshot import build_snapshot
from specifications.coverage import CriterionStatus
from specifications.models import Criterion, EvidenceLink, PersonSpecification
from tests.factories import make_evidence, make_vacancy

# Each criterion: what the coder did, and the label the matrix (her portfolio) and
# the application (draft page, snapshot, pack) give it.
CASES = {
    "Nothing behind it": ("Missing", "Missing"),
    "Mapped and chosen": ("Evidenced", "Evidenced"),
    "Verified, mapped and chosen": ("Verified", "Verified"),
    "Rule met": ("Evidenced", "Evidenced"),
    # Where the application differs from the portfolio, it is by what it holds:
    "A statement only": ("Missing", "Statement only"),
    "Mapped, not chosen": ("Evidenced", "Missing"),
}


def tag_after(html: str, anchor: str) -> str:
    """The text of the first status tag after `anchor` in the page."""
    start = html.index(anchor)
    return re.search(r'class="nhsuk-tag[^"]*">([^<]+)</strong>', html[start:])[1]


def pack_label(html: str, text: str) -> str:
    """The status printed under a criterion's heading ("C1 text") in the pack."""
    return re.search(
        rf"<h4[^>]*>C\d+ {re.escape(text)}</h4>\s*<p class=\"meta\">[^<]*"
        r"<strong>([^<]+)</strong></p>",
        html,
    )[1]


def test_matrix_draft_snapshot_and_pack_agree_on_each_criterions_status(
    client, alice, trust_a
):
    spec = PersonSpecification.objects.create(
        organisation=trust_a, title="Clinical Coder", slug="clinical-coder"
    )
    criteria = {
        text: Criterion.objects.create(
            specification=spec,
            order=order,
            text=text,
            category=Criterion.Category.SKILLS,
            requirement=Criterion.Requirement.ESSENTIAL,
            **(
                {"rule_kind": "item_count", "rule_params": {"item_kind": "cpd"}}
                if text == "Rule met"
                else {}
            ),
        )
        for order, text in enumerate(CASES, start=1)
    }
    make_evidence(alice, "cpd", title="Standards Refresher")
    items = {
        "Mapped and chosen": make_evidence(alice, "contribution"),
        "Verified, mapped and chosen": make_evidence(
            alice, "clinical_query", verification="verified"
        ),
        "Mapped, not chosen": make_evidence(alice, "complex_case"),
    }
    for text, item in items.items():
        EvidenceLink.objects.create(
            evidence=item, criterion=criteria[text], rationale="It shows this."
        )
    application = Application.objects.create(
        vacancy=make_vacancy(trust_a, specification=spec), applicant=alice
    )
    for text, criterion in criteria.items():
        statement = Statement.objects.create(
            application=application,
            criterion=criterion,
            text="I have done this." if text == "A statement only" else "",
        )
        if text in ("Mapped and chosen", "Verified, mapped and chosen"):
            statement.evidence.set([items[text]])
    client.force_login(alice)

    matrix = client.get(reverse("specs:matrix", args=[spec.slug]))
    draft = client.get(reverse("applications:draft", args=[application.pk]))
    snapshot = build_snapshot(application, datetime.date(2026, 11, 25))
    html = pack.render_html(
        pack.anonymise(snapshot),
        snapshot_sha256="f" * 64,
        pack_id="CF-000001-ffffffff",
        anonymised=True,
    )

    assertContains(matrix, "Nothing behind it")
    assertContains(draft, "Nothing behind it")
    stored = {c["text"]: c["status"] for c in snapshot["criteria"]}
    found = {
        text: (
            tag_after(matrix.content.decode(), f'id="criterion-{criterion.pk}"'),
            tag_after(draft.content.decode(), f'id="criterion-{criterion.pk}"'),
            CriterionStatus(stored[text]).label,
            pack_label(html, text),
        )
        for text, criterion in criteria.items()
    }
    assert found == {
        text: (portfolio, application, application, application)
        for text, (portfolio, application) in CASES.items()
    }
