"""An application considers only the criteria that apply to its route: the
submission check, the snapshot (numbering, what rules counted, what each item
supports) and so the pack."""

import datetime
import json
import re

import pytest

from applications import pack
from applications.models import Application, Snapshot, Statement
from applications.snapshot import applicable_criteria, build_snapshot
from specifications.models import EvidenceLink
from tests.factories import make_audit, make_evidence, make_vacancy, specialties

TODAY = datetime.date(2026, 11, 25)
ACC_ONLY = "CCQ Clinical Coding Qualification (ACC status)"
PORTFOLIO_ONLY = [
    "Sustained coding accuracy (typically ≥90%)",
    "Breadth of specialty experience",
    "Strong clinical knowledge and interpretation skills",
    "Evidence of complex case handling",
    "Contribution to mentoring, audit, or service improvement",
    "Sound professional judgement in coding decisions",
]
ACCURACY = "Sustained coding accuracy of ≥90% across all specialties"

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def spec(trust_a):
    """Trust A's copy of the UHD spec, used by both of its vacancies."""
    return make_vacancy(trust_a).specification


def apply(owner, spec, route: str, text: str = "As my evidence shows.") -> Application:
    """An application by `route`, with a statement for every criterion."""
    vacancy = make_vacancy(spec.organisation, specification=spec)
    application = Application.objects.create(
        vacancy=vacancy, applicant=owner, route=route
    )
    for criterion in spec.criteria.all():
        Statement.objects.create(
            application=application, criterion=criterion, text=text
        )
    return application


def criterion_block(html: str, text: str) -> str | None:
    """The class and meta line of a criterion the pack sets out, or None when it
    is not set out (a criterion of the other route is only listed as such)."""
    match = re.search(
        rf'<div class="criterion ([^"]+)">\s*<h4 id="[^"]*">C\d+ {re.escape(text)}</h4>'
        rf'\s*<p class="meta">((?:(?!</p>).)*)</p>',
        html,
        re.S,
    )
    return f"{match[1]}: {match[2]}" if match else None


def not_applicable(html: str) -> str:
    """The pack's list of the criteria that do not apply to the route."""
    return html.split('<ul class="not-applicable">')[1].split("</ul>")[0]


def render(snapshot: dict) -> str:
    return pack.render_html(
        snapshot, snapshot_sha256="f" * 64, pack_id="CF-1-ffffffff", anonymised=False
    )


def test_each_route_submits_its_own_criteria_and_no_other_routes_not_met(alice, spec):
    """The same coder, without ACC or audits, applies by each route."""
    by_acc = apply(alice, spec, "acc")
    by_portfolio = apply(alice, spec, "portfolio")
    by_acc.submit()
    by_portfolio.submit()
    acc = Snapshot.objects.get(application=by_acc)
    portfolio = Snapshot.objects.get(application=by_portfolio)
    acc_data, portfolio_data = json.loads(acc.content), json.loads(portfolio.content)

    acc_texts = [c["text"] for c in applicable_criteria(acc_data)]
    portfolio_texts = [c["text"] for c in applicable_criteria(portfolio_data)]
    assert ACC_ONLY in acc_texts and ACC_ONLY not in portfolio_texts
    assert not set(PORTFOLIO_ONLY) & set(acc_texts)
    assert set(PORTFOLIO_ONLY) <= set(portfolio_texts)
    assert (len(acc_texts), len(portfolio_texts)) == (15, 20)

    acc_pack, portfolio_pack = render(acc_data), render(portfolio_data)
    # Her own route's ACC criterion is not met, and says so...
    assert "Not met. No ACC (NCCQ) qualification recorded" in acc_pack
    assert criterion_block(acc_pack, ACC_ONLY).startswith("statement:")
    # ... the other route's criteria are not part of her application: listed once,
    # with why, never set out with a status.
    assert criterion_block(portfolio_pack, ACC_ONLY) is None
    assert f"{pack.short_text(ACC_ONLY)}: applies to the ACC route only." in (
        not_applicable(portfolio_pack)
    )
    for text in PORTFOLIO_ONLY:
        assert criterion_block(acc_pack, text) is None
        assert f"{pack.short_text(text)}: applies to the portfolio route only." in (
            not_applicable(acc_pack)
        )
    # Rule results for the criteria that apply only, not the other route's.
    for data, html in [(acc_data, acc_pack), (portfolio_data, portfolio_pack)]:
        section = html.split("<h3>Rule results</h3>")[1].split("<h3>")[0]
        ruled = [c for c in applicable_criteria(data) if c["rule"]]
        assert len(re.findall(r'<p class="rule[ "]', section)) == len(ruled)


def test_the_snapshot_numbers_only_the_criteria_that_apply(alice, spec):
    data = build_snapshot(apply(alice, spec, "acc"), TODAY)

    refs = [c["ref"] for c in data["criteria"]]
    assert [ref for ref in refs if ref] == [f"C{n}" for n in range(1, 16)]
    others = [c for c in data["criteria"] if not c["applies"]]
    assert [c["text"] for c in others] == PORTFOLIO_ONLY
    assert {c["ref"] for c in others} == {None}
    assert {c["not_applicable_reason"] for c in others} == {
        "Applies to the portfolio route only"
    }
    # Nothing of theirs is submitted: no statement, evidence or rule result.
    assert {
        (c["statement"], tuple(c["evidence"]), tuple(c["counted"]), c["rule_result"])
        for c in others
    } == {("", (), (), None)}
    assert data["version"] == Snapshot.VERSION == 3


def test_the_snapshot_lists_the_items_a_rule_counted_and_what_each_supports(
    alice, spec
):
    make_audit(alice, title="March audit", date=datetime.date(2026, 3, 1))
    make_audit(alice, title="September audit", date=datetime.date(2026, 9, 1))
    make_audit(alice, title="Old audit", date=datetime.date(2024, 1, 1))
    query = make_evidence(alice, "clinical_query", title="MI type query")
    application = apply(alice, spec, "acc")
    resolving = spec.criteria.get(text__startswith="Proven experience resolving")
    Statement.objects.get(application=application, criterion=resolving).evidence.set(
        [query]
    )

    data = build_snapshot(application, TODAY)

    by_text = {c["text"]: c for c in data["criteria"]}
    evidence = {item["ref"]: item for item in data["evidence"]}
    titles = {item["title"]: item["ref"] for item in data["evidence"]}
    accuracy = by_text[ACCURACY]
    assert [evidence[ref]["title"] for ref in accuracy["counted"]] == [
        "March audit",
        "September audit",
    ]
    assert "Old audit" not in titles  # outside the window: neither counted nor chosen
    assert by_text[resolving.text]["evidence"] == [titles["MI type query"]]
    # The clinical query rule counted the same item: it is in the appendix once.
    assert by_text[resolving.text]["counted"] == [titles["MI type query"]]
    assert [item["ref"] for item in data["evidence"]] == ["E1", "E2", "E3"]
    assert evidence[titles["MI type query"]]["supports"] == [resolving_ref(data)]
    assert accuracy["ref"] in evidence[titles["March audit"]]["supports"]


def resolving_ref(data: dict) -> str:
    [ref] = [
        c["ref"]
        for c in data["criteria"]
        if c["text"].startswith("Proven experience resolving")
    ]
    return ref


def test_an_accuracy_rules_result_carries_its_figures_by_measure(alice, spec):
    make_audit(alice, date=datetime.date(2026, 3, 1), specialties=specialties("320"))
    make_audit(alice, date=datetime.date(2026, 9, 1), specialties=specialties("101"))

    data = build_snapshot(apply(alice, spec, "acc"), TODAY)

    [accuracy] = [c for c in data["criteria"] if c["text"] == ACCURACY]
    result = accuracy["rule_result"]
    assert result["met"]
    assert result["reason"].startswith("90.0% over 2 audits since 25 November 2025")
    assert result["window_months"] == 12
    assert result["since"] == "2025-11-25"
    assert result["audits"] == 2
    assert result["weakest_specialty"] == {"name": "Cardiology", "percent": "90.0"}
    assert result["measures"][1] == {
        "key": "secondary_diagnoses",
        "label": "Secondary diagnoses",
        "correct": 90,
        "audited": 100,
        "percent": "90.0",
        "threshold": "85",
        "met": True,
    }
    assert [m["threshold"] for m in result["measures"]] == ["90", "85", "90", "85"]


def test_evidence_chosen_only_for_the_other_routes_criteria_is_not_submitted(
    alice, spec
):
    # A kind of contribution no rule of the ACC route counts.
    case = make_evidence(
        alice,
        "contribution",
        contribution_type="validation",
        title="Only for the portfolio route",
    )
    application = apply(alice, spec, "acc")
    judgement = spec.criteria.get(text=PORTFOLIO_ONLY[-1])
    Statement.objects.get(application=application, criterion=judgement).evidence.set(
        [case]
    )

    data = build_snapshot(application, TODAY)

    assert "Only for the portfolio route" not in [i["title"] for i in data["evidence"]]


def test_applicable_criteria_reads_older_snapshots_by_their_route():
    data = {
        "route": "acc",
        "criteria": [
            {"text": "Everyone", "route": ""},
            {"text": "ACC", "route": "acc"},
            {"text": "Portfolio", "route": "portfolio"},
            {"text": "Told", "route": "portfolio", "applies": True},
            {"text": "Told not", "route": "", "applies": False},
        ],
    }

    assert [c["text"] for c in applicable_criteria(data)] == ["Everyone", "ACC", "Told"]


# --- the submission check ---------------------------------------------------------


def problems(application: Application) -> list[str]:
    return application.submission_problems(TODAY)


def blank(application: Application, *texts: str) -> None:
    Statement.objects.filter(application=application, criterion__text__in=texts).update(
        text=""
    )


def test_the_acc_route_does_not_need_the_portfolio_routes_criteria(alice, spec):
    application = apply(alice, spec, "acc")
    blank(application, *PORTFOLIO_ONLY)
    assert problems(application) == []

    blank(application, ACC_ONLY)
    assert problems(application) == [
        f"“{ACC_ONLY}” is Essential: write a statement or choose evidence."
    ]


def test_the_portfolio_route_does_not_need_the_acc_qualification(alice, spec):
    application = apply(alice, spec, "portfolio")
    blank(application, ACC_ONLY)
    assert problems(application) == []

    blank(application, PORTFOLIO_ONLY[0])
    assert problems(application) == [
        f"“{PORTFOLIO_ONLY[0]}” is Essential: write a statement or choose evidence."
    ]


def test_without_a_route_only_the_criteria_for_every_applicant_are_asked_for(
    alice, spec
):
    application = apply(alice, spec, "", text="")

    found = problems(application)

    assert found[0] == "Choose the route you are applying by."
    assert len(found) == 1 + 10  # the Essential criteria for every applicant
    assert not any(ACC_ONLY in p or PORTFOLIO_ONLY[0] in p for p in found)


def test_mapped_evidence_counts_for_a_criterion_not_saved_yet(alice, spec):
    """The draft ticks mapped evidence until the coder saves a choice."""
    application = apply(alice, spec, "acc")
    validating = spec.criteria.get(text__startswith="Ability to validate")
    Statement.objects.filter(application=application, criterion=validating).delete()
    query = make_evidence(alice, "contribution", contribution_type="validation")
    EvidenceLink.objects.create(evidence=query, criterion=validating, rationale="Yes.")

    assert problems(application) == []
    statements, chosen = application.evidence_by_criterion([validating])
    assert validating.pk not in statements
    assert [item.pk for item in chosen[validating.pk]] == [query.pk]

    # Once saved with nothing ticked, the choice is the coder's.
    Statement.objects.create(application=application, criterion=validating, text="")
    assert problems(application) == [
        f"“{validating.text}” is Essential: write a statement or choose evidence."
    ]


def test_a_criterion_its_rule_meets_needs_no_statement(alice, spec):
    """As the draft shows it: Evidenced, not Missing."""
    application = apply(alice, spec, "acc")
    resolving = spec.criteria.get(text__startswith="Proven experience resolving")
    blank(application, resolving.text)
    assert problems(application) == [
        f"“{resolving.text}” is Essential: write a statement or choose evidence."
    ]

    make_evidence(alice, "clinical_query")

    assert problems(application) == []
