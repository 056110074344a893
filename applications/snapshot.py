"""The frozen record of a submitted application: everything its pack shows, as JSON.

Built once, at submission, from the live portfolio; the pack is built from it alone,
so nothing the coder does afterwards changes what was submitted.
"""

import datetime
import hashlib
import json
from decimal import Decimal

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
    """Everything the pack shows, from the live data, as plain JSON values."""
    user = application.applicant
    vacancy = application.vacancy
    spec = vacancy.specification
    facts = metrics.PortfolioFacts(user, today)
    report = coverage.coverage(spec, facts)
    route = coverage.route_check(report, facts)
    statements = {
        s.criterion_id: s
        for s in application.statements.prefetch_related("evidence").order_by("pk")
    }

    refs: dict[int, str] = {}
    for row in report.rows:
        statement = statements.get(row.criterion.pk)
        if statement:
            for item in sorted(statement.evidence.all(), key=lambda e: (e.date, e.pk)):
                if item.owner_id == user.pk:
                    refs.setdefault(item.pk, f"E{len(refs) + 1}")
    # The items as fetched, each kind's specialty joined. What is prefetched on an
    # item belongs to that object, not to `item.details`: the kinds' own rows
    # (display_rows) need theirs prefetched on the kind's object.
    items = {
        item.pk: item
        for item in Evidence.objects.filter(pk__in=refs, owner=user)
        .with_details()
        .select_related(
            "specialtyexperience__specialty",
            "complexcase__specialty",
            "clinicalquery__specialty",
        )
        .prefetch_related(
            "specialties",
            "attachments",
            "accuracyaudit__specialties",
            "complexcase__case_types",
        )
    }

    criteria = []
    for row in report.rows:
        c = row.criterion
        statement = statements.get(c.pk)
        chosen = (
            [refs[e.pk] for e in statement.evidence.all() if e.pk in refs]
            if (statement)
            else []
        )
        chosen.sort(key=lambda ref: int(ref[1:]))
        status = coverage.criterion_status(
            rule_result=row.rule_result,
            mapped_items=[link.evidence for link in row.links],
            chosen_items=[items[pk] for pk, ref in refs.items() if ref in chosen],
            statement_text=statement.text if statement else "",
        )
        criteria.append(
            {
                "order": c.order,
                "category": c.category,
                "category_label": c.get_category_display(),
                "requirement": c.requirement,
                "requirement_label": c.get_requirement_display(),
                "route": c.route,
                "text": c.text,
                "statement": statement.text if statement else "",
                "evidence": chosen,
                "rule": c.rule,
                "rule_result": (
                    {"met": row.rule_result.met, "reason": row.rule_result.reason}
                    if row.rule_result
                    else None
                ),
                "status": status.value,
            }
        )

    evidence = []
    for pk, ref in sorted(refs.items(), key=lambda pair: int(pair[1][1:])):
        item = items[pk]
        evidence.append(
            {
                "ref": ref,
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
