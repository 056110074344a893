"""Valid form submissions for each kind of evidence, as a browser would send them."""

import datetime
import json

from portfolio.models import CaseType, Specialty
from specifications.models import PersonSpecification


def date_parts(name: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def valid_data(kind: str) -> dict:
    surgery = str(Specialty.objects.get(code="100").pk)
    medicine = str(Specialty.objects.get(code="300").pk)
    common = {
        "title": f"New {kind} evidence",
        **date_parts("date", datetime.date(2026, 3, 2)),
    }
    per_kind = {
        "audit": {
            "audit_type": "external",
            "auditor": "External auditor",
            "episodes_audited": "200",
            "specialties": [surgery, medicine],
            "primary_diagnosis_correct": "185",
            "primary_diagnosis_audited": "200",
            "secondary_diagnoses_correct": "540",
            "secondary_diagnoses_audited": "600",
            "primary_procedure_correct": "95",
            "primary_procedure_audited": "100",
            "secondary_procedures_correct": "130",
            "secondary_procedures_audited": "150",
            "summary": "Two PD4 errors on sepsis.",
            "reflection": "Reviewed the sepsis standard.",
        },
        "specialty": {
            "specialty": surgery,
            "setting": "theatre",
            **date_parts("end_date", datetime.date(2026, 6, 30)),
            "episodes_coded": "1200",
            "summary": "Real-time coding in theatres.",
        },
        "complex_case": {
            "specialty": medicine,
            "case_types": [str(CaseType.objects.get(slug="mortality").pk)],
            "icd10_codes": "I21.4, E11.9 N18.3",
            "opcs4_codes": "K49.1",
            "summary": "Elderly patient admitted with NSTEMI, died on day 12.",
            "standards_applied": "DCS.IX.2",
            "reflection": "Comorbidities matter for SHMI.",
        },
        "contribution": {
            "contribution_type": "mentoring",
            **date_parts("end_date", datetime.date(2026, 5, 1)),
            "summary": "Mentored two trainee coders.",
            "outcome": "Both passed their first audit above 90%.",
        },
        "cpd": {
            "cpd_type": "standards_refresher",
            "provider": "NHS England",
            "hours": "14",
        },
        "qualification": {"qualification_type": "acc", "awarding_body": "IHRIM"},
        "clinical_query": {
            "specialty": medicine,
            "query_to": "Consultant cardiologist",
            "summary": "Type 1 or type 2 myocardial infarction?",
            "resolution": "Type 2, secondary to sepsis.",
            "outcome": "codes_changed",
        },
        "productivity": {
            **date_parts("end_date", datetime.date(2026, 3, 31)),
            "episodes_coded": "1100",
            "target_episodes": "1000",
            "timeliness_percent": "97.5",
        },
    }[kind]
    return {**common, **per_kind}


def spec_formset_data(spec: PersonSpecification, **changes) -> dict:
    """The spec edit page's POST: the spec's fields and every criterion, as shown."""
    criteria = list(spec.criteria.all())
    data = {
        "title": spec.title,
        "band": spec.band,
        "source": spec.source,
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, c in enumerate(criteria):
        data |= {
            f"criteria-{i}-id": str(c.pk),
            f"criteria-{i}-category": c.category,
            f"criteria-{i}-requirement": c.requirement,
            f"criteria-{i}-route": c.route,
            f"criteria-{i}-text": c.text,
            f"criteria-{i}-order": str(c.order),
            f"criteria-{i}-rule": json.dumps(c.rule) if c.rule else "",
        }
    return data | changes
