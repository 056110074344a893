"""The snapshot's figures come from the coder's facts, judged by the spec's own
accuracy rule; the pack prints the window and threshold the snapshot froze."""

import datetime
import re
from html import unescape

import pytest

from applications import pack
from applications.models import Application
from applications.snapshot import build_snapshot
from portfolio.metrics import PortfolioFacts
from specifications.models import Criterion, PersonSpecification
from tests.factories import make_audit, make_evidence, make_vacancy

TODAY = datetime.date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("frozen_today")


def application_to(owner, spec: PersonSpecification) -> Application:
    vacancy = make_vacancy(spec.organisation, specification=spec)
    return Application.objects.create(vacancy=vacancy, applicant=owner, route="acc")


def six_month_spec(organisation) -> PersonSpecification:
    spec = PersonSpecification.objects.create(
        organisation=organisation, title="Clinical Coder", slug="clinical-coder-v1"
    )
    Criterion.objects.create(
        specification=spec,
        order=1,
        category=Criterion.Category.SKILLS,
        requirement=Criterion.Requirement.ESSENTIAL,
        text="Accurate coding",
        rule_kind=Criterion.RuleKind.ACCURACY,
        rule_params={"window_months": 6, "threshold": 95},
    )
    return spec


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_snapshot_judges_accuracy_by_the_specs_window(alice, trust_a):
    make_audit(alice, date=datetime.date(2026, 3, 1))  # 8 months ago: left out
    make_audit(alice, date=datetime.date(2026, 9, 1))
    make_evidence(alice, "specialty")

    snapshot = build_snapshot(application_to(alice, six_month_spec(trust_a)), TODAY)

    accuracy = snapshot["metrics"]["accuracy"]
    assert (accuracy["window_months"], accuracy["threshold"]) == (6, "95")
    assert (accuracy["since"], accuracy["audits"]) == ("2026-05-25", 1)
    # The trend and the specialties are the facts the dashboard shows.
    facts = PortfolioFacts(alice, TODAY)
    assert [row["date"] for row in snapshot["metrics"]["trend"]] == [
        row["date"].isoformat() for row in facts.trend
    ]
    assert [s["code"] for s in snapshot["metrics"]["specialties"]] == [
        s.code for s in facts.specialties
    ]


def test_without_an_accuracy_rule_the_snapshot_uses_the_named_default(alice, trust_a):
    make_audit(alice, date=datetime.date(2026, 9, 1))
    spec = make_vacancy(trust_a).specification
    spec.criteria.filter(rule_kind=Criterion.RuleKind.ACCURACY).delete()

    snapshot = build_snapshot(application_to(alice, spec), TODAY)

    accuracy = snapshot["metrics"]["accuracy"]
    assert (accuracy["window_months"], accuracy["threshold"]) == (12, "90")
    assert accuracy["since"] == "2025-11-25"
    assert accuracy["percent"] == str(PortfolioFacts(alice, TODAY).accuracy().percent)


def test_the_pack_prints_the_window_and_threshold_of_the_snapshot(alice, trust_a):
    make_audit(alice, date=datetime.date(2026, 9, 1))
    snapshot = build_snapshot(application_to(alice, six_month_spec(trust_a)), TODAY)

    html = text(
        pack.render_html(
            snapshot, snapshot_sha256="0" * 64, pack_id="P1", anonymised=False
        )
    )

    assert "Coding accuracy over 6 months" in html
    assert "Overall accuracy of each audit (threshold 95%)" in html
    assert "12 months" not in html
