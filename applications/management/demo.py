"""The demo's coders: realistic, anonymised portfolios a senior coder would not fault.
Deterministic for a given day.

Every complex case passes the app's own code checks (well formed, and known to the
reference list), its procedures fit its diagnoses, and its standards name the OPCS-4
version in force on its date. Audits vary in size and in accuracy, which moves up and
down as it rises; the whole-service DSPT audit is shown as the coder's own sample
within it. The statements of the demo application (`demo_statement`) say what the
employment history and the evidence show.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portfolio.formats import mid_sentence
from portfolio.models import (
    AccuracyAudit,
    CaseType,
    ClinicalQuery,
    ComplexCase,
    Contribution,
    CPDActivity,
    Employment,
    Evidence,
    Productivity,
    Qualification,
    Specialty,
    SpecialtyExperience,
    VerificationRequest,
)
from portfolio.verification import VALID_FOR
from specifications.models import Criterion, EvidenceLink, PersonSpecification

# OPCS-4 versions by the day they came into use (NHS England): OPCS-4.11 from 1 April
# 2026 (../shared/reference/clinical-coding-facts.md).
OPCS4_VERSIONS = [
    (datetime.date(2020, 4, 1), "OPCS-4.9"),
    (datetime.date(2023, 4, 1), "OPCS-4.10"),
    (datetime.date(2026, 4, 1), "OPCS-4.11"),
]


def opcs4_version(day: datetime.date) -> str:
    """The OPCS-4 version in use on `day`."""
    return [name for start, name in OPCS4_VERSIONS if start <= day][-1]


def standards_applied(day: datetime.date, procedures: bool) -> str:
    """The classifications a case coded on `day` was coded with."""
    if procedures:
        return (
            f"National Clinical Coding Standards, ICD-10 5th Edition and "
            f"{opcs4_version(day)}."
        )
    return "National Clinical Coding Standards, ICD-10 5th Edition."


# --- The demo coder: five years' coding, the last three at an acute trust ----------

EMPLOYERS = {
    "trainee": "Dorset County Hospital NHS Foundation Trust",
    "current": "Salisbury NHS Foundation Trust",
}

# (treatment function code, setting) for the specialty experience items.
SPECIALTIES = [
    ("100", "back_office"),
    ("101", "back_office"),
    ("110", "theatre"),
    ("120", "back_office"),
    ("130", "back_office"),
    ("300", "ward"),
    ("301", "back_office"),
    ("320", "ward"),
    ("330", "back_office"),
    ("340", "ward"),
    ("400", "back_office"),
    ("430", "ward"),
    ("501", "ward"),
    ("502", "back_office"),
    ("800", "mdt"),
    ("370", "mdt"),
    ("420", "back_office"),
]


@dataclass(frozen=True)
class Case:
    """An anonymised complex case: codes in stored form, primary first."""

    title: str
    specialty: str
    case_types: tuple[str, ...]
    icd10: tuple[str, ...]
    opcs4: tuple[str, ...]
    narrative: str
    learnt: str


CASES = [
    Case(
        "NSTEMI with type 2 diabetes and CKD",
        "320",
        ("mortality", "multi_morbidity"),
        ("I214", "E119", "N183"),
        (),
        "Older patient admitted with chest pain; a troponin rise confirmed a non-ST "
        "elevation myocardial infarction, managed medically. Known type 2 diabetes "
        "with no complication documented, and stage 3 chronic kidney disease the "
        "clinicians did not attribute to it. Died on day 12 of the spell.",
        "Coded the diabetes and the kidney disease separately: the record did not "
        "link them, so I did not assume a diabetic complication.",
    ),
    Case(
        "E. coli sepsis from a urinary source",
        "300",
        ("sepsis", "mortality"),
        ("A415", "N390", "B962", "N179"),
        (),
        "Admitted confused and hypotensive with sepsis from a urinary source and "
        "acute kidney injury; Escherichia coli grew from blood and urine cultures. "
        "Deteriorated despite treatment and died in hospital.",
        "Coded the sepsis to its organism rather than as unspecified, with the "
        "urinary infection and its organism as secondary codes.",
    ),
    Case(
        "Wound infection after appendicectomy",
        "100",
        ("surgical_complication",),
        ("T814", "B956", "Y836"),
        (),
        "Readmitted five days after an open appendicectomy with a superficial wound "
        "infection; Staphylococcus aureus grew from a wound swab. Treated with "
        "intravenous antibiotics; no return to theatre.",
        "Coded the infection as a complication of care, with the organism and the "
        "external cause code for the operation that led to it.",
    ),
    Case(
        "Lung cancer with brain metastases",
        "800",
        ("oncology",),
        ("C793", "C341"),
        (),
        "Known right upper lobe lung cancer; admitted with headaches and confusion, "
        "and imaging showed brain metastases. Treatment in the spell, steroids and "
        "planning of palliative radiotherapy, was aimed at the brain deposits.",
        "Sequenced the secondary neoplasm first, as the treatment in the spell was "
        "directed at it, followed by the primary site.",
    ),
    Case(
        "Fractured neck of femur after a fall at home",
        "110",
        ("multi_morbidity",),
        ("S720", "W190", "F03X"),
        ("W461", "Z943"),
        "Fell at home; displaced intracapsular fracture of the left femoral neck, "
        "treated with a cemented hemiarthroplasty. Background of dementia.",
        "Added the external cause with its place of occurrence, and the laterality "
        "code the hip operation needs.",
    ),
    Case(
        "Emergency caesarean section and postpartum haemorrhage",
        "501",
        ("obstetrics",),
        ("O680", "O721", "O821", "Z370"),
        ("R182",),
        "Labour complicated by an abnormal fetal heart rate; emergency lower segment "
        "caesarean section, followed by a postpartum haemorrhage from uterine atony "
        "managed with uterotonic drugs. Single live birth.",
        "Sequenced the reason for the caesarean first, then the haemorrhage, the "
        "method of delivery and the outcome of delivery.",
    ),
    Case(
        "COPD exacerbation with pneumonia",
        "340",
        ("mortality", "multi_morbidity"),
        ("J440", "J189", "J9600"),
        (),
        "Infective exacerbation of COPD with community-acquired pneumonia on the "
        "chest X-ray and type 1 respiratory failure; died on the ward despite "
        "treatment.",
        "Coded the COPD with a lower respiratory infection, the pneumonia itself "
        "and the type of respiratory failure documented.",
    ),
    Case(
        "Stroke with dysphagia and atrial fibrillation",
        "430",
        ("multi_morbidity", "long_stay"),
        ("I634", "R13X", "I480"),
        (),
        "Embolic cerebral infarction with paroxysmal atrial fibrillation found on "
        "the cardiology review; dysphagia on the swallow assessment, managed by the "
        "speech and language therapists through a long rehabilitation stay.",
        "Coded the atrial fibrillation to the type the cardiology review "
        "documented, not as unspecified.",
    ),
    Case(
        "Perforated appendicitis in a child",
        "100",
        ("paediatrics",),
        ("K352",),
        ("H011",),
        "Eleven-year-old with a perforated appendix and generalised peritonitis; "
        "emergency open appendicectomy with peritoneal washout and a drain.",
        "Chose the emergency appendicectomy code that includes the drainage, for an "
        "abnormal appendix.",
    ),
    Case(
        "Heart failure with atrial fibrillation",
        "320",
        ("mortality", "multi_morbidity"),
        ("I500", "I489", "N184", "Z515"),
        (),
        "Decompensated congestive heart failure with atrial fibrillation of "
        "undocumented type and stage 4 chronic kidney disease; seen by the "
        "specialist palliative care team and died on the ward.",
        "Coded the atrial fibrillation as unspecified, as no type was documented, "
        "and fed that back to the cardiology team; added the palliative care code.",
    ),
    Case(
        "Neonatal jaundice from breast milk",
        "420",
        ("paediatrics",),
        ("P593",),
        (),
        "Term baby readmitted on day five with jaundice; the paediatrician "
        "documented breast milk jaundice and the baby was treated on the "
        "paediatric ward.",
        "Coded the cause the paediatrician documented rather than unspecified "
        "neonatal jaundice.",
    ),
    Case(
        "Diabetic ketoacidosis at diagnosis of type 1 diabetes",
        "420",
        ("paediatrics",),
        ("E101",),
        (),
        "Teenager presenting in diabetic ketoacidosis; type 1 diabetes was "
        "diagnosed in this admission.",
        "One code holds both the type 1 diabetes and the ketoacidosis: the "
        "acidosis is not coded again.",
    ),
    Case(
        "Upper GI bleed from a gastric ulcer",
        "301",
        ("mortality",),
        ("K254", "D62X"),
        (),
        "Haematemesis from a chronic gastric ulcer with acute blood loss anaemia; "
        "resuscitated and treated medically, too unwell for endoscopy, and died "
        "in critical care.",
        "Coded the ulcer with haemorrhage, not the unspecified gastrointestinal "
        "haemorrhage code as well.",
    ),
    Case(
        "Schizophrenia with community-acquired pneumonia",
        "300",
        ("mental_health",),
        ("J189", "F200"),
        (),
        "Patient with paranoid schizophrenia, on a depot antipsychotic, admitted "
        "with community-acquired pneumonia.",
        "Sequenced the pneumonia first, as the reason for admission, and coded the "
        "schizophrenia to the type in the liaison psychiatry letter.",
    ),
    Case(
        "Hyperemesis gravidarum with dehydration",
        "502",
        ("obstetrics",),
        ("O211",),
        (),
        "Admitted at ten weeks of pregnancy with hyperemesis, dehydration and a low "
        "potassium; intravenous fluids and antiemetics.",
        "The hyperemesis code includes the dehydration and the electrolyte "
        "imbalance, so they were not coded separately.",
    ),
    Case(
        "Pulmonary embolism after knee replacement",
        "110",
        ("surgical_complication",),
        ("T817", "I269", "Y831"),
        (),
        "Readmitted ten days after a total knee replacement with a pulmonary "
        "embolism, documented by the consultant as a complication of the operation.",
        "Coded the embolism as a complication of care, with the external cause "
        "code for the implant operation.",
    ),
    Case(
        "Caecal cancer: right hemicolectomy",
        "104",
        ("oncology",),
        ("C180", "C772"),
        ("H072", "Y751"),
        "Adenocarcinoma of the caecum; laparoscopically assisted right "
        "hemicolectomy with a side-to-side anastomosis of ileum to transverse "
        "colon. Histology showed one involved regional lymph node.",
        "Coded the lymph node involvement from the histology as a secondary "
        "neoplasm, and the laparoscopically assisted approach.",
    ),
    Case(
        "Parkinson's disease with aspiration pneumonia",
        "430",
        ("mortality", "long_stay"),
        ("J690", "G20X"),
        (),
        "Aspiration pneumonia in advanced Parkinson's disease; a prolonged stay "
        "ending in death.",
        "Coded the aspiration pneumonia, not a pneumonia of unspecified cause, with "
        "the Parkinson's disease behind it.",
    ),
    Case(
        "Breast cancer, wide local excision",
        "103",
        ("oncology",),
        ("C504",),
        ("B282", "Z943"),
        "Invasive carcinoma of the upper outer quadrant of the left breast, treated "
        "with a wide local excision; the sentinel nodes had been sampled at an "
        "earlier admission.",
        "Coded the quadrant from the histology, the partial excision and the "
        "laterality.",
    ),
    Case(
        "Phenylketonuria: dietary admission",
        "420",
        ("rare_disease", "paediatrics"),
        ("E700",),
        (),
        "Child with classical phenylketonuria admitted for dietary management; "
        "confirmed the code with the consultant.",
        "Checked the rare disease's code and its documentation with the consultant "
        "before coding.",
    ),
]


@dataclass(frozen=True)
class Audit:
    """One audit: its type, the episodes in it, and the overall accuracy it found."""

    audit_type: str
    episodes: int
    accuracy: float  # overall, percent; the four measures sit around it


# Quarterly-ish over three years: sizes vary, accuracy rises with dips on the way. The
# DSPT rows are the coder's own episodes within the trust's 200-episode audit.
AUDITS = [
    Audit("internal", 30, 86.9),
    Audit("peer", 40, 88.1),
    Audit("external", 25, 87.3),
    Audit("dspt", 18, 89.6),
    Audit("internal", 45, 91.2),
    Audit("peer", 35, 90.1),
    Audit("internal", 50, 92.6),
    Audit("dspt", 22, 91.4),
    Audit("external", 30, 93.9),
    Audit("internal", 40, 92.7),
    Audit("peer", 35, 95.2),
    Audit("dspt", 24, 94.4),
]
DSPT_SAMPLE = 200
AUDITORS = {
    "internal": "Clinical coding team leader",
    "peer": "Senior clinical coder (peer review)",
    "external": "External approved clinical coding auditor",
    "dspt": "Approved clinical coding auditor (trust DSPT audit)",
}
# Codes per episode, and each measure's accuracy against the audit's overall figure:
# secondary diagnoses are where most coders lose marks.
MEASURE_SHAPE = {
    "primary_diagnosis": (1.0, 2.5),
    "secondary_diagnoses": (3.1, -2.0),
    "primary_procedure": (0.55, 3.0),
    "secondary_procedures": (0.5, -0.5),
}


def _financial_year(day: datetime.date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def audit_counts(audit: Audit, index: int) -> dict[str, int]:
    """Codes audited and correct per measure, deterministic for the audit."""
    counts = {}
    for measure, (per_episode, offset) in MEASURE_SHAPE.items():
        # A little spread between audits in how many codes an episode carries.
        spread = 1 + ((index * 7 + len(measure)) % 5 - 2) / 20
        audited = max(1, round(audit.episodes * per_episode * spread))
        rate = min(99.5, audit.accuracy + offset) / 100
        counts[f"{measure}_audited"] = audited
        counts[f"{measure}_correct"] = round(audited * rate)
    return counts


def _make_audits(owner, audits: list[Audit], first: datetime.date, step: int, rng):
    specialty = {s.code: s for s in Specialty.objects.all()}
    for i, audit in enumerate(audits):
        day = first + datetime.timedelta(days=i * step)
        if audit.audit_type == "dspt":
            title = (
                f"DSPT audit {_financial_year(day)}: my {audit.episodes} episodes "
                f"of the trust's {DSPT_SAMPLE}"
            )
            summary = (
                f"The trust's annual Data Security and Protection Toolkit audit "
                f"samples {DSPT_SAMPLE} episodes across the whole coding team; these "
                f"are the auditor's results for the {audit.episodes} I coded."
            )
        else:
            kind = {
                "internal": "Internal",
                "peer": "Peer review",
                "external": "External",
            }
            title = f"{kind[audit.audit_type]} audit, {day:%B %Y}"
            summary = (
                f"{audit.episodes} of my episodes, errors classified by the national "
                "methodology; most were secondary diagnosis omissions."
            )
        item = AccuracyAudit.objects.create(
            owner=owner,
            title=title,
            date=day,
            auditor=AUDITORS[audit.audit_type],
            audit_type=audit.audit_type,
            episodes_audited=audit.episodes,
            summary=summary,
            reflection="Went through each error with my team leader and changed how "
            "I check comorbidities before finishing an episode.",
            **audit_counts(audit, i),
        )
        sample = 6 if audit.audit_type == "dspt" else rng.choice([3, 4, 5])
        item.specialties.set(
            [specialty[code] for code, _ in rng.sample(SPECIALTIES, sample)]
        )


def _make_cases(owner, cases: list[Case], first: datetime.date, step: int) -> None:
    specialty = {s.code: s for s in Specialty.objects.all()}
    case_type = {c.slug: c for c in CaseType.objects.all()}
    for i, case in enumerate(cases):
        day = first + datetime.timedelta(days=i * step)
        item = ComplexCase.objects.create(
            owner=owner,
            title=case.title,
            specialty=specialty[case.specialty],
            date=day,
            icd10_codes=list(case.icd10),
            opcs4_codes=list(case.opcs4),
            summary=case.narrative,
            standards_applied=standards_applied(day, bool(case.opcs4)),
            reflection=case.learnt,
        )
        item.case_types.set([case_type[t] for t in case.case_types])
        item.tag_own_specialty()


@transaction.atomic
def build_demo_portfolio(owner, today: datetime.date) -> int:
    """Replace the owner's portfolio with the demo coder's, ending at `today`."""
    Evidence.objects.filter(owner=owner).delete()
    Employment.objects.filter(owner=owner).delete()
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data
    specialty = {s.code: s for s in Specialty.objects.all()}
    start = today - datetime.timedelta(days=3 * 365)

    Employment.objects.create(
        owner=owner,
        organisation_type=Employment.OrganisationType.ACUTE,
        employer=EMPLOYERS["trainee"],
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=start - datetime.timedelta(days=730),
        end_date=start,
    )
    Employment.objects.create(
        owner=owner,
        organisation_type=Employment.OrganisationType.ACUTE,
        employer=EMPLOYERS["current"],
        role="Clinical Coder",
        band="Band 4",
        start_date=start + datetime.timedelta(days=1),
    )

    _make_audits(owner, AUDITS, start + datetime.timedelta(days=60), 88, rng)

    for i, (code, setting) in enumerate(SPECIALTIES):
        begin = start + datetime.timedelta(days=i * 40)
        item = SpecialtyExperience.objects.create(
            owner=owner,
            title=f"{specialty[code].name} coding",
            specialty=specialty[code],
            setting=setting,
            date=begin,
            end_date=None if i % 3 else begin + datetime.timedelta(days=300),
            episodes_coded=rng.randrange(300, 2500, 50),
            summary=f"Coded {mid_sentence(specialty[code].name)} episodes from case "
            "notes and discharge summaries.",
        )
        item.tag_own_specialty()

    _make_cases(owner, CASES, start + datetime.timedelta(days=30), 52)

    contributions = [
        (
            "mentoring",
            "Mentored two trainee coders",
            "Both reached 90% in their first internal audit.",
        ),
        (
            "mentoring",
            "Buddy for a new starter",
            "New starter signed off for independent coding after six months.",
        ),
        (
            "audit",
            "Peer audit of the orthopaedic team",
            "Shared findings at the team meeting; two recurring errors fixed.",
        ),
        (
            "validation",
            "Comorbidity validation for SHMI",
            "Captured missing comorbidities before the monthly submission.",
        ),
        (
            "service_improvement",
            "Real-time coding pilot on the respiratory ward",
            "Coding completed within 24 hours of discharge for the pilot ward.",
        ),
        (
            "training",
            "Taught the sepsis standard to the team",
            "Session feedback rated good or excellent by all attendees.",
        ),
        (
            "cdi",
            "Discharge summary template with the stroke team",
            "Documentation of dysphagia and AF improved on audit.",
        ),
    ]
    for i, (kind, title, outcome) in enumerate(contributions):
        begin = start + datetime.timedelta(days=200 + i * 130)
        Contribution.objects.create(
            owner=owner,
            title=title,
            contribution_type=kind,
            date=begin,
            end_date=begin + datetime.timedelta(days=60),
            outcome=outcome,
            summary="Planned and delivered alongside my usual coding work.",
        )

    for cpd_type, title, provider, hours, day in _cpd(start, today):
        CPDActivity.objects.create(
            owner=owner,
            title=title,
            cpd_type=cpd_type,
            provider=provider,
            hours=hours,
            date=day,
            reflection="Applied what I learnt in my next batch of coding.",
        )

    Qualification.objects.create(
        owner=owner,
        title="National Clinical Coding Qualification",
        qualification_type="acc",
        awarding_body="IHRIM",
        date=start + datetime.timedelta(days=150),
        summary="Passed both papers; Accredited Clinical Coder.",
    )

    queries = [
        (
            "Type of myocardial infarction",
            "320",
            "Consultant cardiologist",
            "codes_changed",
        ),
        ("Sepsis or bacteraemia", "300", "Microbiology consultant", "confirmed"),
        (
            "Histology not yet reported",
            "800",
            "Oncology registrar",
            "documentation_improved",
        ),
        (
            "Laterality missing from the operation note",
            "110",
            "Orthopaedic surgeon",
            "documentation_improved",
        ),
    ]
    for i, (title, code, to, outcome) in enumerate(queries):
        query = ClinicalQuery.objects.create(
            owner=owner,
            title=title,
            specialty=specialty[code],
            query_to=to,
            date=start + datetime.timedelta(days=120 + i * 230),
            summary="The documentation was ambiguous about the diagnosis.",
            resolution="The clinician clarified the record and I updated the coding.",
            outcome=outcome,
        )
        query.tag_own_specialty()

    # A quarter's figures every six months; the target met in the last two.
    productivity = [
        (1850, "91.5"),
        (1960, "92.0"),
        (2050, "93.5"),
        (1990, "92.5"),
        (2140, "94.0"),
        (2210, "95.0"),
    ]
    for i, (episodes, timeliness) in enumerate(productivity):
        begin = start + datetime.timedelta(days=i * 182)
        Productivity.objects.create(
            owner=owner,
            title=f"Productivity, quarter from {begin:%B %Y}",
            date=begin,
            end_date=begin + datetime.timedelta(days=90),
            episodes_coded=episodes,
            target_episodes=2000,
            timeliness_percent=Decimal(timeliness),
        )
    build_demo_links(owner)
    build_demo_verifications(owner)
    return Evidence.objects.filter(owner=owner).count()


def _cpd(start: datetime.date, today: datetime.date) -> list[tuple]:
    """The demo coder's CPD: (type, title, provider, hours, date)."""
    # The latest OPCS-4 version's changes, learnt a few weeks before it came in.
    in_use = [d for d, _ in OPCS4_VERSIONS if d <= today][-1]
    update_day = min(
        max(in_use - datetime.timedelta(days=21), start + datetime.timedelta(days=30)),
        today - datetime.timedelta(days=14),
    )
    return [
        (
            "standards_refresher",
            "Clinical Coding Standards Refresher",
            "NHS England",
            Decimal("21"),
            start + datetime.timedelta(days=400),
        ),
        (
            "specialty_workshop",
            "Cardiology coding workshop",
            "NHS England",
            Decimal("7"),
            start + datetime.timedelta(days=250),
        ),
        (
            "specialty_workshop",
            "Oncology coding workshop",
            "NHS England",
            Decimal("7"),
            start + datetime.timedelta(days=520),
        ),
        (
            "elearning",
            f"{opcs4_version(in_use)} changes e-learning",
            "NHS England",
            Decimal("3"),
            update_day,
        ),
        (
            "conference",
            "Regional clinical coding network meeting",
            "Coding network",
            Decimal("4"),
            start + datetime.timedelta(days=880),
        ),
        (
            "elearning",
            "Data Security Awareness",
            "NHS e-Learning for Healthcare",
            Decimal("1.5"),
            start + datetime.timedelta(days=1000),
        ),
    ]


# Criterion text of the seeded UHD spec -> (evidence title, rationale).
DEMO_LINKS = {
    "Ability to validate coded data for completeness and accuracy": (
        "Comorbidity validation for SHMI",
        "Validated coded comorbidities against the record before each submission.",
    ),
    "Competent use of clinical record systems (e.g., EPR, PAS, electronic document "
    "management systems) to review records and update coding or administrative data": (
        "Real-time coding pilot on the respiratory ward",
        "Coded from the EPR and document management system in real time on the ward.",
    ),
    "Confidentiality, Information Governance, Data Protection, and Caldicott "
    "principles": (
        "Data Security Awareness",
        "Completed the annual data security and Caldicott training.",
    ),
    "Coding audit or mentorship training": (
        "Peer audit of the orthopaedic team",
        "Carried out a peer audit under the national methodology.",
    ),
    "Strong clinical knowledge and interpretation skills": (
        "Stroke with dysphagia",
        "Interpreted the clinical picture to capture dysphagia and AF correctly.",
    ),
    "Sound professional judgement in coding decisions": (
        "Type of myocardial infarction",
        "Queried an ambiguous diagnosis rather than assuming the type of MI.",
    ),
    "Sustained coding accuracy (typically ≥90%)": (
        "DSPT audit",
        "My own episodes in the trust's latest DSPT audit, verified by the auditor.",
    ),  # The criterion every applicant meets by the same audit: so the verified audit
    # stands behind it in the demo application (ACC route) too.
    "Sustained coding accuracy of ≥90% across all specialties": (
        "DSPT audit",
        "My own episodes in the trust's latest DSPT audit, verified by the auditor.",
    ),
}


def build_demo_links(owner) -> None:
    """Map some of the demo evidence to the seeded UHD spec, when it is there."""
    spec = PersonSpecification.objects.filter(
        slug="uhd-senior-clinical-coder-v1"
    ).first()
    if spec is None:
        return
    criteria = {c.text: c for c in spec.criteria.all()}
    items = Evidence.objects.filter(owner=owner).order_by("-date")
    for text, (title, rationale) in DEMO_LINKS.items():
        item = items.filter(title__startswith=title).first()
        if item and text in criteria:
            EvidenceLink.objects.get_or_create(
                evidence=item,
                criterion=criteria[text],
                defaults={"rationale": rationale},
            )


def build_demo_verifications(owner) -> VerificationRequest:
    """One verified item (the latest DSPT audit, mapped to the accuracy criterion),
    one declined request and one still waiting, which is returned for its link.
    Recorded as verifiers would leave them, through the models' own lifecycle."""
    # Requests outlive deleted items; the rebuilt portfolio starts without any.
    VerificationRequest.objects.filter(owner=owner).delete()
    items = Evidence.objects.filter(owner=owner).order_by("-date")
    now = timezone.now()

    def ask(title: str, days_ago: int, **verifier: str) -> VerificationRequest:
        sent = now - datetime.timedelta(days=days_ago)
        return VerificationRequest.objects.create(
            owner=owner,
            evidence=items.filter(title__startswith=title).first(),
            created_at=sent,
            expires_at=sent + VALID_FOR,
            **verifier,
        )

    audit = ask(
        "DSPT audit",
        6,
        name="Morgan Ellis",
        role="Approved clinical coding auditor",
        organisation="Dorset Clinical Coding Audit Service",
        email="morgan.ellis@audit.demo.coderfolio.test",
    )
    audit.decide(
        confirmed=True,
        fingerprint=audit.evidence.content_fingerprint(),
        comment="I carried out this audit; the figures are those of my report.",
    )
    audit.evidence.refresh_verification()

    declined = ask(
        "Buddy for a new starter",
        4,
        name="Sam Patel",
        role="Clinical Coding Team Leader",
        organisation="University Hospitals Dorset NHS Foundation Trust",
        email="sam.patel@demo.coderfolio.test",
    )
    declined.decide(
        confirmed=False,
        fingerprint=declined.evidence.content_fingerprint(),
        comment="The new starter was signed off after eight months, not six: "
        "please correct the outcome and ask me again.",
    )

    return ask(
        "National Clinical Coding Qualification",
        1,
        name="Alex Rowe",
        role="Clinical Coding Manager",
        organisation="University Hospitals Dorset NHS Foundation Trust",
        email="alex.rowe@demo.coderfolio.test",
    )


# --- Other applicants to the demo vacancy, so a recruiter meets a real longlist ---

# (email, full name, route, strength): strong cites evidence on every criterion,
# partial on some, weak on none (statements only, and a thin portfolio).
DEMO_APPLICANTS = [
    ("priya.shah@demo.coderfolio.test", "Priya Shah", "portfolio", "strong"),
    ("tom.baker@demo.coderfolio.test", "Tom Baker", "acc", "strong"),
    ("aisha.khan@demo.coderfolio.test", "Aisha Khan", "portfolio", "partial"),
    ("ben.carter@demo.coderfolio.test", "Ben Carter", "acc", "partial"),
    ("lucy.evans@demo.coderfolio.test", "Lucy Evans", "acc", "weak"),
]

# The kind of evidence an applicant cites for a criterion: by its rule, else by its
# category.
_RULE_KINDS = {
    "accuracy": "audit",
    "experience_years": "productivity",
    "holds_acc": "qualification",
    "specialty_count": "specialty",
    "refresher_within": "cpd",
}
_CATEGORY_KINDS = {
    "skills": "clinical_query",
    "knowledge": "cpd",
    "experience": "complex_case",
    "qualifications": "cpd",
}
_APPLICANT_STATEMENTS = {
    "strong": "I do this in my current post every week; the evidence cited shows "
    "when, and what came of it.",
    "partial": "I have some experience of this and am building more.",
    "weak": "I am keen to develop this.",
}


def _small_portfolio(owner, today: datetime.date, strength: str, route: str) -> dict:
    """A few items of each kind the criteria ask for, by kind; none when weak."""
    Evidence.objects.filter(owner=owner).delete()
    Employment.objects.filter(owner=owner).delete()
    specialty = {s.code: s for s in Specialty.objects.filter(code__in=["100", "300"])}
    recent = today - datetime.timedelta(days=90)
    items: dict[str, Evidence] = {}
    if strength == "weak":
        return items  # nothing logged yet: even an item can meet a rule
    items["cpd"] = CPDActivity.objects.create(
        owner=owner,
        title="Standards Refresher",
        cpd_type="standards_refresher",
        provider="NHS England",
        hours=Decimal("14"),
        date=recent,
    )
    Employment.objects.create(
        owner=owner,
        organisation_type=Employment.OrganisationType.ACUTE,
        employer="Example NHS Foundation Trust",
        role="Clinical Coder",
        band="Band 4",
        # Five years' coding when strong; two (short of the spec's three) when not.
        start_date=today
        - datetime.timedelta(days=(5 if strength == "strong" else 2) * 365),
    )
    items["audit"] = AccuracyAudit.objects.create(
        owner=owner,
        title=f"Internal coding audit {recent:%B %Y}",
        date=recent,
        auditor="Approved clinical coding auditor",
        audit_type="internal",
        episodes_audited=50,
        **{
            f"{measure}_{part}": value
            for measure, _ in AccuracyAudit.MEASURES
            for part, value in [
                ("audited", 50),
                ("correct", 47 if strength == "strong" else 44),
            ]
        },
    )
    items["specialty"] = SpecialtyExperience.objects.create(
        owner=owner,
        title=f"{specialty['100'].name} coding",
        specialty=specialty["100"],
        setting="back_office",
        date=today - datetime.timedelta(days=700),
        episodes_coded=1200,
    )
    items["clinical_query"] = ClinicalQuery.objects.create(
        owner=owner,
        title="Query on the type of infarction",
        specialty=specialty["300"],
        query_to="Consultant cardiologist",
        date=recent,
        summary="The record was ambiguous about the diagnosis.",
        resolution="The clinician clarified it and the coding was corrected.",
        outcome="codes_changed",
    )
    items["complex_case"] = ComplexCase.objects.create(
        owner=owner,
        title="Sepsis with acute kidney injury",
        specialty=specialty["300"],
        date=recent,
        icd10_codes=["A419", "N179"],
        opcs4_codes=[],
        summary="Anonymised: urinary sepsis with acute kidney injury.",
    )
    items["complex_case"].case_types.set(CaseType.objects.filter(slug="mortality"))
    items["contribution"] = Contribution.objects.create(
        owner=owner,
        title="Mentoring a trainee coder",
        contribution_type="mentoring",
        date=today - datetime.timedelta(days=200),
        outcome="The trainee passed their first audit.",
    )
    items["productivity"] = Productivity.objects.create(
        owner=owner,
        title="Productivity last quarter",
        date=today - datetime.timedelta(days=120),
        end_date=today - datetime.timedelta(days=30),
        episodes_coded=1900,
        target_episodes=2000,
        timeliness_percent=Decimal("95.0"),
    )
    if route == "acc":
        items["qualification"] = Qualification.objects.create(
            owner=owner,
            title="National Clinical Coding Qualification",
            qualification_type="acc",
            awarding_body="IHRIM",
            date=today - datetime.timedelta(days=1000),
        )
    for item in items.values():
        if hasattr(item, "specialty_id"):
            item.tag_own_specialty()
    return items


def _cited_kind(criterion) -> str:
    rule = criterion.rule or {}
    if rule.get("kind") == "item_count":
        return rule.get("item_kind", "")
    return _RULE_KINDS.get(rule.get("kind"), _CATEGORY_KINDS[criterion.category])


def build_demo_applicants(vacancy, today: datetime.date) -> list:
    """Submit an application to the vacancy from each of DEMO_APPLICANTS (their
    accounts already made), replacing any they had: strong, partial and weak
    applications on both routes. Their packs are built when the caller's
    transaction commits."""
    from accounts.models import User
    from applications.models import Application, Statement, SubmissionPack

    applications = []
    criteria = list(vacancy.specification.criteria.all())
    for email, _, route, strength in DEMO_APPLICANTS:
        owner = User.objects.get(email=email)
        for pack in SubmissionPack.objects.filter(application__applicant=owner):
            pack.file.delete(save=False)
        Application.objects.filter(applicant=owner).delete()
        items = _small_portfolio(owner, today, strength, route)
        application = Application.objects.create(
            vacancy=vacancy, applicant=owner, route=route
        )
        for i, criterion in enumerate(criteria):
            statement = Statement.objects.create(
                application=application,
                criterion=criterion,
                text=_APPLICANT_STATEMENTS[strength],
            )
            cites = strength == "strong" or (strength == "partial" and i % 2 == 0)
            item = items.get(_cited_kind(criterion)) or items.get("cpd")
            if cites and item is not None:
                statement.evidence.add(item)
        application.submit()
        applications.append(application)
    return applications


# --- The demo application's statements, one for each criterion ---------------------

# Criterion text of the seeded UHD spec -> the demo coder's statement. Each says what
# the employment history and the evidence show, and no more.
DEMO_STATEMENTS = {
    "Ability to validate coded data for completeness and accuracy": (
        "At Salisbury I run the monthly comorbidity validation before the SHMI "
        "submission: I check the coded comorbidities against the record and "
        "correct omissions before the data go. Each quarter I also check my own "
        "coding against the errors my audits found."
    ),
    "Competent use of clinical record systems (e.g., EPR, PAS, electronic document "
    "management systems) to review records and update coding or administrative "
    "data": (
        "I code from the electronic patient record and the document management "
        "system every day and correct spell details in PAS when they are wrong. In "
        "the respiratory ward pilot I coded in real time from the EPR, within 24 "
        "hours of discharge."
    ),
    "National Clinical Coding Standards and NHS Digital classification updates": (
        "I passed the NCCQ, completed the Clinical Coding Standards Refresher, and "
        "take the e-learning on each classification change before it comes in, "
        "most recently the latest OPCS-4 version. My complex cases name the "
        "standards I applied."
    ),
    "Confidentiality, Information Governance, Data Protection, and Caldicott "
    "principles": (
        "I complete the Data Security Awareness training every year and apply the "
        "Caldicott principles: I open only the records an episode needs, never copy "
        "patient details out of the EPR, and everything in this portfolio is "
        "anonymised."
    ),
    "Understanding of Clinical Documentation Improvement (CDI) principles": (
        "With the stroke team I designed a discharge summary template that records "
        "dysphagia and atrial fibrillation; the next audit found both documented "
        "more often. My clinical queries feed documentation gaps back to the teams."
    ),
    # The listing's own apostrophe and dash, as the spec has them.
    "A minimum of 3 years\u2019 coding experience \u2013 (used as a baseline "
    "indicator of "
    "sustained exposure only not a stand-alone qualifying metric).": (
        "I have coded for five years, all in acute trusts: two as a Trainee "
        "Clinical Coder at Dorset County Hospital and three as a Clinical Coder at "
        "Salisbury. My employment history gives the dates."
    ),
    "Proven experience resolving clinical queries and clarifying complex or "
    "ambiguous documentation": (
        "When the documentation is ambiguous or incomplete I query rather than "
        "assume: the type of myocardial infarction, sepsis or bacteraemia, missing "
        "laterality in an operation note. Four resolved queries are in my "
        "portfolio, each with what changed."
    ),
    "Sustained coding accuracy of ≥90% across all specialties": (
        "My audits over the last year, internal, peer, external and my own "
        "episodes in the trust's DSPT audit, are above 90% overall and meet the "
        "DSPT levels on each measure, across the specialties sampled. Three years "
        "ago my audits were between 86% and 89%."
    ),
    "Evidence of meeting productivity, timeliness, and service KPIs": (
        "I record a quarter's productivity every six months: my last two quarters "
        "were above the 2,000-episode target, with at least 94% of episodes coded "
        "on time. The earlier figures show the climb."
    ),
    "Extensive clinical coding experience across a wide range of specialties in "
    "an acute NHS environment, with demonstrable ability to code complex case "
    "types.": (
        "I have coded over fifteen specialties in two acute trusts, from general "
        "surgery and trauma and orthopaedics to obstetrics, paediatrics and "
        "oncology, on wards, in theatre, at MDTs and in the back office. My twenty "
        "complex cases cover mortality, sepsis, oncology and obstetric episodes."
    ),
    "Experience coding mortality cases or other high-complexity, high-impact "
    "specialties.": (
        "I code our mortality cases, where a missed comorbidity changes the SHMI: "
        "six are in my portfolio, each checked for every comorbidity documented."
    ),
    "Familiarity with multi-site, cross-specialty coding rotation models.": (
        "As a trainee at Dorset County Hospital I rotated between specialty teams "
        "every three months. I have not yet worked across sites; the rotation "
        "between your hospitals is one of the reasons I am applying."
    ),
    "CCQ Clinical Coding Qualification (ACC status)": (
        "I passed both papers of the NCCQ and hold Accredited Clinical Coder "
        "status; the certificate is in my portfolio, and I have asked my manager "
        "to verify it."
    ),
    "Evidence of equivalent competency portfolio route or Evidence of continued "
    "professional development in clinical coding": (
        "I keep up my coding CPD: the Standards Refresher, cardiology and oncology "
        "coding workshops, the classification change e-learning and the regional "
        "coding network, each recorded with what I changed afterwards."
    ),
    "Coding audit or mentorship training": (
        "I have not yet taken the auditor course, which needs three years as an "
        "ACC. I carried out a peer audit of the orthopaedic team under the "
        "national methodology, and have mentored two trainees and a new starter."
    ),
    "Sustained coding accuracy (typically ≥90%)": (
        "Over the last twelve months my audits are above 90%; the earlier ones, "
        "around when I qualified, were between 86% and 89%, and each dip was "
        "followed by the change recorded with that audit."
    ),
    "Breadth of specialty experience": (
        "Over fifteen specialties in three years, from general surgery and trauma "
        "and orthopaedics to obstetrics, paediatrics and clinical oncology."
    ),
    "Strong clinical knowledge and interpretation skills": (
        "I read the clinical picture, not only the headings: an embolic stroke "
        "coded with the atrial fibrillation found on the cardiology review and the "
        "dysphagia the speech and language therapists recorded."
    ),
    "Evidence of complex case handling": (
        "Twenty anonymised complex cases, each with the codes I assigned and what "
        "I applied: secondary neoplasms sequenced, sepsis coded to its organism, "
        "complications of care, obstetric delivery episodes."
    ),
    "Contribution to mentoring, audit, or service improvement": (
        "I mentored two trainees to 90% in their first audit, was buddy to a new "
        "starter, carried out a peer audit and ran the respiratory real-time "
        "coding pilot."
    ),
    "Sound professional judgement in coding decisions": (
        "I code only what is documented and query rather than assume: the type of "
        "myocardial infarction, sepsis or bacteraemia, histology not yet reported. "
        "I hold an episode back until the answer is in the record."
    ),
}

# For a criterion added to the spec after these statements were written.
CATEGORY_STATEMENTS = {
    "skills": "In my current post I apply this every day; the evidence chosen shows "
    "when and with what result.",
    "knowledge": "I keep this knowledge current through the national courses and "
    "apply it in my coding; see the evidence.",
    "experience": "Over five years at two acute trusts I have built this experience, "
    "as the evidence chosen here shows.",
    "qualifications": "I hold the qualification and keep up my CPD, as the "
    "evidence chosen here shows.",
}


def demo_statement(criterion: Criterion) -> str:
    """The demo coder's statement against a criterion of the UHD spec."""
    return DEMO_STATEMENTS.get(criterion.text, CATEGORY_STATEMENTS[criterion.category])


# --- The second coder: four years, no NCCQ (the portfolio route) --------------------

SECOND_CASES = [
    Case(
        "Pneumonia with delirium",
        "430",
        ("multi_morbidity",),
        ("J189", "F050"),
        (),
        "Older patient admitted with community-acquired pneumonia and an acute "
        "confusional state documented as delirium, with no dementia.",
        "Coded the delirium as not superimposed on dementia, as documented.",
    ),
    Case(
        "Acute kidney injury on chronic kidney disease",
        "300",
        ("multi_morbidity",),
        ("N179", "N183", "E875"),
        (),
        "Acute kidney injury on stage 3 chronic kidney disease with hyperkalaemia, "
        "treated with fluids and a review of medicines.",
        "Coded both the acute injury and the chronic disease, and the hyperkalaemia "
        "that was treated.",
    ),
    Case(
        "Metastatic pancreatic cancer, end of life",
        "800",
        ("oncology", "mortality"),
        ("C250", "C787", "Z515"),
        (),
        "Carcinoma of the head of the pancreas with liver metastases; admitted for "
        "symptom control, seen by the palliative care team, and died in hospital.",
        "Sequenced the primary first, as the care was for the disease as a whole, "
        "and added the palliative care code.",
    ),
]
SECOND_AUDITS = [
    Audit("internal", 35, 87.9),
    Audit("peer", 25, 90.6),
    Audit("dspt", 15, 89.8),
    Audit("internal", 40, 92.1),
]


@transaction.atomic
def build_second_portfolio(owner, today: datetime.date) -> int:
    """Replace the owner's portfolio with the second coder's: a smaller one, four
    years' coding and no NCCQ, for the portfolio route."""
    Evidence.objects.filter(owner=owner).delete()
    Employment.objects.filter(owner=owner).delete()
    rng = random.Random(2027)  # noqa: S311 - repeatable demo data
    specialty = {s.code: s for s in Specialty.objects.all()}
    start = today - datetime.timedelta(days=4 * 365)
    moved = start + datetime.timedelta(days=548)
    Employment.objects.create(
        owner=owner,
        organisation_type=Employment.OrganisationType.ACUTE,
        employer="Torbay and South Devon NHS Foundation Trust",
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=start,
        end_date=moved,
    )
    Employment.objects.create(
        owner=owner,
        organisation_type=Employment.OrganisationType.ACUTE,
        employer="Royal Devon University Healthcare NHS Foundation Trust",
        role="Clinical Coder",
        band="Band 4",
        start_date=moved + datetime.timedelta(days=1),
    )
    _make_audits(owner, SECOND_AUDITS, today - datetime.timedelta(days=400), 120, rng)
    for i, (code, setting) in enumerate(SPECIALTIES[::3]):
        item = SpecialtyExperience.objects.create(
            owner=owner,
            title=f"{specialty[code].name} coding",
            specialty=specialty[code],
            setting=setting,
            date=moved + datetime.timedelta(days=30 + i * 60),
            episodes_coded=rng.randrange(300, 1500, 50),
            summary=f"Coded {mid_sentence(specialty[code].name)} episodes.",
        )
        item.tag_own_specialty()
    _make_cases(owner, SECOND_CASES, today - datetime.timedelta(days=300), 90)
    CPDActivity.objects.create(
        owner=owner,
        title="Clinical Coding Standards Refresher",
        cpd_type="standards_refresher",
        provider="NHS England",
        hours=Decimal("21"),
        date=today - datetime.timedelta(days=200),
        reflection="Refreshed the standards I use least, obstetrics above all.",
    )
    Contribution.objects.create(
        owner=owner,
        title="Buddy for a trainee coder",
        contribution_type="mentoring",
        date=today - datetime.timedelta(days=250),
        end_date=today - datetime.timedelta(days=100),
        outcome="The trainee now codes general medicine independently.",
        summary="Weekly checks of the trainee's coding and the reasons behind it.",
    )
    quarter = today - datetime.timedelta(days=120)
    Productivity.objects.create(
        owner=owner,
        title=f"Productivity, quarter from {quarter:%B %Y}",
        date=quarter,
        end_date=today - datetime.timedelta(days=30),
        episodes_coded=2080,
        target_episodes=2000,
        timeliness_percent=Decimal("93.0"),
    )
    return Evidence.objects.filter(owner=owner).count()
