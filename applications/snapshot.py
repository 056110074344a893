"""The frozen record of a submitted application: everything its pack shows, as JSON.

Built once, at submission, from the live portfolio; the pack is built from it alone,
so nothing the coder does afterwards changes what was submitted.
"""

import datetime
import hashlib
import json
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from applications.models import Application, Snapshot
from portfolio import metrics
from portfolio.models import Evidence
from specifications import coverage, rules


def canonical_json(data: object) -> str:
    """One text for one content: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def applicable_criteria(data: dict) -> list[dict]:
    """The snapshot's criteria that apply to its route, in spec order.

    Version 3 says so per criterion ("applies"); before it, a criterion applied when
    it had no route or the application's.
    """
    route = data.get("route") or ""
    return [
        criterion
        for criterion in data.get("criteria") or []
        if criterion.get("applies", (criterion.get("route") or "") in ("", route))
    ]


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _verified_by(item: Evidence) -> dict | None:
    """Who confirmed the item, as the pack prints it; None when no one has."""
    confirmation = item.verified_by
    if confirmation is None:
        return None
    return {
        "name": confirmation.name,
        "role": confirmation.role,
        "organisation": confirmation.organisation,
        "on": timezone.localdate(confirmation.decided_at).isoformat(),
    }


def _rule_result(result: rules.RuleResult) -> dict:
    """A rule's result as the snapshot keeps it; an accuracy rule's with the
    figures it judged."""
    data = {"met": result.met, "reason": result.reason}
    figures = result.accuracy
    if figures is not None:
        weakest = figures.weakest_specialty
        data |= {
            "measures": [
                {
                    "key": m.key,
                    "label": m.label,
                    "correct": m.correct,
                    "audited": m.audited,
                    "percent": _decimal(m.percent),
                    "threshold": _decimal(m.threshold),
                    "met": m.met,
                }
                for m in figures.measures
            ],
            "window_months": figures.window_months,
            "since": figures.since.isoformat(),
            "audits": figures.audits,
            "weakest_specialty": (
                {"name": weakest[0], "percent": _decimal(weakest[1])}
                if weakest
                else None
            ),
        }
    return data


def _ref_number(ref: str) -> int:
    return int(ref[1:])


def employment_history(user: User) -> list[dict]:
    """The coder's posts, newest first, so a panel can check the years of experience
    (one query)."""
    return [
        {
            "employer": post.employer,
            "role": post.role,
            "band": post.band,
            "start": post.start_date.isoformat(),
            "end": post.end_date.isoformat() if post.end_date else None,
            "coding": post.is_coding_role,
        }
        for post in user.employment.order_by("-start_date", "-id")
    ]


def build_snapshot(application: Application, today: datetime.date) -> dict:
    """Everything the pack shows, from the live data, as plain JSON values.

    Only the criteria that apply to the application's route are numbered and
    carry a statement, evidence and a rule result; the others say why they do not
    apply. The evidence appendix holds every item chosen for, or counted by the
    rule of, a criterion that applies, each once, numbered E1, E2, ... in the
    order of the criteria."""
    user = application.applicant
    vacancy = application.vacancy
    spec = vacancy.specification
    facts = metrics.PortfolioFacts(user, today)
    report = coverage.coverage(spec, facts, application.route)
    route = coverage.route_check(report, facts)
    statements, chosen = application.evidence_by_criterion(
        [row.criterion for row in report.applicable]
    )

    # Each item's number: for each criterion that applies, the items chosen for
    # it, then those its rule counted, each by date.
    wanted: dict[int, None] = {}  # an ordered set
    for row in report.applicable:
        for item in sorted(chosen[row.criterion.pk], key=lambda e: (e.date, e.pk)):
            wanted[item.pk] = None
        if row.rule_result:
            # The rules give their items oldest first.
            wanted.update(dict.fromkeys(row.rule_result.counted))
    # The items as fetched, each kind's specialty joined. What is prefetched on an
    # item belongs to that object, not to `item.details`: the kinds' own rows
    # (display_rows) need theirs prefetched on the kind's object.
    items = {
        item.pk: item
        for item in Evidence.objects.filter(pk__in=wanted, owner=user)
        .with_details()
        .select_related(
            "specialtyexperience__specialty",
            "complexcase__specialty",
            "clinicalquery__specialty",
            "verified_by",
        )
        .prefetch_related(
            "specialties",
            "attachments",
            "accuracyaudit__specialties",
            "complexcase__case_types",
        )
    }
    # Numbered once fetched: an item deleted since the facts were read has none.
    refs = {
        pk: f"E{number}"
        for number, pk in enumerate((pk for pk in wanted if pk in items), start=1)
    }

    criteria = []
    supports: dict[int, list[str]] = {pk: [] for pk in refs}
    for row in report.rows:
        c = row.criterion
        entry = {
            "ref": row.ref,
            "applies": row.applies,
            "not_applicable_reason": row.not_applicable_reason,
            "order": c.order,
            "category": c.category,
            "category_label": c.get_category_display(),
            "requirement": c.requirement,
            "requirement_label": c.get_requirement_display(),
            "route": c.route,
            "text": c.text,
            "rule": c.rule,
        }
        if not row.applies:
            criteria.append(
                entry
                | {
                    "statement": "",
                    "evidence": [],
                    "counted": [],
                    "rule_result": None,
                    "status": coverage.CriterionStatus.MISSING.value,
                }
            )
            continue
        statement = statements.get(c.pk)
        chosen_items = [items[e.pk] for e in chosen[c.pk] if e.pk in refs]
        chosen_refs = sorted({refs[e.pk] for e in chosen_items}, key=_ref_number)
        counted = (
            [pk for pk in row.rule_result.counted if pk in refs]
            if (row.rule_result)
            else []
        )
        counted_refs = sorted({refs[pk] for pk in counted}, key=_ref_number)
        for pk in {e.pk for e in chosen_items} | set(counted):
            supports[pk].append(row.ref)
        status = coverage.criterion_status(
            rule_result=row.rule_result,
            mapped_items=[link.evidence for link in row.links],
            chosen_items=chosen_items,
            statement_text=statement.text if statement else "",
        )
        criteria.append(
            entry
            | {
                "statement": statement.text if statement else "",
                "evidence": chosen_refs,
                "counted": counted_refs,
                "rule_result": (
                    _rule_result(row.rule_result) if row.rule_result else None
                ),
                "status": status.value,
            }
        )

    evidence = []
    for pk, ref in sorted(refs.items(), key=lambda pair: _ref_number(pair[1])):
        item = items[pk]
        evidence.append(
            {
                "ref": ref,
                "supports": sorted(set(supports[pk]), key=_ref_number),
                "kind": item.kind,
                "kind_label": item.get_kind_display(),
                "title": item.title,
                "date": item.date.isoformat(),
                "end_date": item.end_date.isoformat() if item.end_date else None,
                "summary": item.summary,
                "reflection": item.reflection,
                "specialties": sorted(s.name for s in item.specialties.all()),
                "verification": item.verification,
                "verification_label": item.get_verification_display(),
                "verified_by": _verified_by(item),
                "details": [list(row) for row in item.display_rows()],
                "attachments": [
                    {"name": a.name, "content_type": a.content_type, "sha256": a.sha256}
                    for a in item.attachments.all()
                ],
            }
        )

    window_months, threshold = rules.accuracy_standard(spec)
    accuracy = facts.accuracy(window_months)
    return {
        "format": Snapshot.FORMAT,
        "version": Snapshot.VERSION,
        "submitted_on": today.isoformat(),
        "candidate": {
            "name": user.full_name,
            "email": user.email,
            "candidate_number": application.candidate_number,
        },
        "vacancy": {
            "title": vacancy.title,
            "reference": vacancy.reference,
            "band": vacancy.band,
            "closing_date": vacancy.closing_date.isoformat(),
            "organisation": vacancy.organisation.name,
        },
        "specification": {
            "title": spec.title,
            "version": spec.version,
            "slug": spec.slug,
            "organisation": spec.organisation.name,
        },
        "route": application.route,
        "route_label": application.get_route_display(),
        "route_check": {
            "route": route.route,
            "label": route.label,
            "reasons": route.reasons,
        },
        "criteria": criteria,
        "evidence": evidence,
        "employment": employment_history(user),
        "metrics": {
            "accuracy": {
                "window_months": window_months,
                "threshold": _decimal(threshold),
                "since": accuracy.since.isoformat() if accuracy.since else None,
                "audits": accuracy.audits,
                "correct": accuracy.correct,
                "audited": accuracy.audited,
                "percent": _decimal(accuracy.percent),
                "measures": [
                    {
                        "label": m["label"],
                        "correct": m["correct"],
                        "audited": m["audited"],
                        "percent": _decimal(m["percent"]),
                    }
                    for m in accuracy.measures
                ],
            },
            "trend": [
                {
                    "date": row["date"].isoformat(),
                    "title": row["title"],
                    "overall": _decimal(row["overall"]),
                }
                for row in facts.trend
            ],
            "specialties": [
                {"code": s.code, "name": s.name, "items": s.items}
                for s in facts.specialties
            ],
            "years_of_experience": str(facts.years),
        },
    }


def freeze(application: Application, today: datetime.date) -> Snapshot:
    """Write the application's snapshot, once."""
    content = canonical_json(build_snapshot(application, today))
    return Snapshot.objects.create(
        application=application,
        content=content,
        sha256=hashlib.sha256(content.encode()).hexdigest(),
    )
