"""Bring a database's seeded University Hospitals Dorset spec to the shape of
specifications/data/uhd-senior-clinical-coder.json: the ACC criterion applies to the
ACC route only, the qualification criterion takes its alternatives, and the rules
test what their criteria say.

Updated in place: criteria are metadata, and what was submitted against them is
frozen in snapshots. The changes are written out here rather than read from the data
file, so that this migration means the same whatever the file says later. A
criterion whose text an admin has changed is left alone.
"""

from django.db import migrations

SLUG = "uhd-senior-clinical-coder-v1"
DSPT_STANDARDS_MET = {
    "primary_diagnosis": 90,
    "secondary_diagnoses": 85,
    "primary_procedure": 90,
    "secondary_procedures": 85,
}


def _accuracy(by_specialty: bool) -> dict:
    return {
        "kind": "accuracy",
        "window_months": 12,
        "threshold": 90,
        "min_audits": 2,
        "thresholds": DSPT_STANDARDS_MET,
        "by_specialty": by_specialty,
    }


PORTFOLIO_CONTRIBUTIONS = ["mentoring", "audit", "service_improvement"]

# order -> (text, (route, rule) before, (route, rule) after)
CHANGES = {
    8: (
        "Sustained coding accuracy of ≥90% across all specialties",
        ("", {"kind": "accuracy", "window_months": 12, "threshold": 90, "min_audits": 2}),
        ("", _accuracy(by_specialty=True)),
    ),
    9: (
        "Evidence of meeting productivity, timeliness, and service KPIs",
        ("", {"kind": "item_count", "item_kind": "productivity", "min": 1}),
        (
            "",
            {
                "kind": "item_count",
                "item_kind": "productivity",
                "min": 1,
                "met_target": True,
            },
        ),
    ),
    10: (
        "Extensive clinical coding experience across a wide range of specialties in "
        "an acute NHS environment, with demonstrable ability to code complex case "
        "types.",
        ("", {"kind": "specialty_count", "min": 10}),
        (
            "",
            {
                "kind": "all_of",
                "rules": [
                    {
                        "kind": "experience_years",
                        "years": 3,
                        "organisation_types": ["acute"],
                    },
                    {"kind": "specialty_count", "min": 10},
                    {"kind": "item_count", "item_kind": "complex_case", "min": 3},
                ],
            },
        ),
    ),
    13: (
        "CCQ Clinical Coding Qualification (ACC status)",
        ("", {"kind": "holds_acc"}),
        ("acc", {"kind": "holds_acc"}),
    ),
    14: (
        "Evidence of equivalent competency portfolio route or Evidence of continued "
        "professional development in clinical coding",
        ("", {"kind": "item_count", "item_kind": "cpd", "min": 1}),
        (
            "",
            {
                "kind": "any_of",
                "rules": [
                    {
                        "label": "CPD in clinical coding",
                        "kind": "item_count",
                        "item_kind": "cpd",
                        "min": 1,
                        "cpd_types": [
                            "standards_refresher",
                            "standards_course",
                            "specialty_workshop",
                        ],
                        "topics": ["coding", "ICD-10", "OPCS"],
                    },
                    {
                        "label": "Equivalent competency (portfolio route)",
                        "kind": "all_of",
                        "rules": [
                            _accuracy(by_specialty=False),
                            {"kind": "specialty_count", "min": 10},
                            {
                                "kind": "item_count",
                                "item_kind": "complex_case",
                                "min": 5,
                            },
                            {
                                "kind": "item_count",
                                "item_kind": "contribution",
                                "min": 1,
                                "contribution_types": PORTFOLIO_CONTRIBUTIONS,
                            },
                        ],
                    },
                ],
            },
        ),
    ),
    16: (
        "Sustained coding accuracy (typically ≥90%)",
        (
            "portfolio",
            {"kind": "accuracy", "window_months": 12, "threshold": 90, "min_audits": 2},
        ),
        ("portfolio", _accuracy(by_specialty=False)),
    ),
}


def _apply(apps, which: int) -> None:
    Criterion = apps.get_model("specifications", "Criterion")
    criteria = Criterion.objects.filter(specification__slug=SLUG)
    for order, (text, *versions) in CHANGES.items():
        route, rule = versions[which]
        criterion = criteria.filter(order=order, text=text).first()
        if criterion is None:
            continue
        criterion.route = route
        criterion.rule_kind = rule["kind"]
        criterion.rule_params = {k: v for k, v in rule.items() if k != "kind"}
        criterion.save(update_fields=["route", "rule_kind", "rule_params"])


def forwards(apps, schema_editor) -> None:
    _apply(apps, 1)


def backwards(apps, schema_editor) -> None:
    _apply(apps, 0)


class Migration(migrations.Migration):
    dependencies = [
        ("specifications", "0004_criterion_routes_and_composite_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
