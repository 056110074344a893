"""A realistic, anonymised three-year portfolio for the demo coder. Deterministic."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

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
from specifications.models import EvidenceLink, PersonSpecification

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

# Anonymised complex cases: (title, specialty, case types, ICD-10, OPCS-4, narrative).
CASES = [
    (
        "NSTEMI with type 2 diabetes and CKD",
        "320",
        ["mortality", "multi_morbidity"],
        ["I214", "E119", "N183", "I10X"],
        [],
        "Elderly patient admitted with chest pain; troponin rise confirmed NSTEMI. "
        "Known "
        "type 2 diabetes and stage 3 CKD. Died on day 12 of the spell.",
    ),
    (
        "Sepsis from urinary source",
        "300",
        ["sepsis", "mortality"],
        ["A419", "N390", "B962", "N179"],
        [],
        "Admitted confused with urinary sepsis and acute kidney injury; organism "
        "confirmed "
        "on culture. Deteriorated despite treatment and died in hospital.",
    ),
    (
        "Laparoscopic cholecystectomy converted to open",
        "100",
        ["surgical_complication"],
        ["K802", "K810"],
        ["J183", "Y714"],
        "Planned laparoscopic procedure converted to open because of adhesions; coded "
        "the "
        "conversion per the OPCS-4 standard.",
    ),
    (
        "Lung cancer with brain metastases",
        "800",
        ["oncology"],
        ["C349", "C793"],
        ["X723"],
        "Primary lung malignancy with secondary brain deposits admitted for "
        "radiotherapy "
        "planning. Morphology and staging taken from the MDT outcome.",
    ),
    (
        "Fractured neck of femur after a fall",
        "110",
        ["multi_morbidity"],
        ["S720", "W199", "F03X"],
        ["W461", "Z943"],
        "Hip fracture after a fall at home with background dementia; hemiarthroplasty "
        "performed. External cause code added.",
    ),
    (
        "Postpartum haemorrhage",
        "501",
        ["obstetrics"],
        ["O720", "O800"],
        ["R241", "R279"],
        "Spontaneous vaginal delivery followed by primary postpartum haemorrhage "
        "treated "
        "in theatre. Delivery episode coded with outcome of delivery.",
    ),
    (
        "COPD exacerbation with pneumonia",
        "340",
        ["mortality", "multi_morbidity"],
        ["J440", "J189", "J9600"],
        [],
        "Infective exacerbation of COPD with community-acquired pneumonia and type 1 "
        "respiratory failure; palliated and died on the ward.",
    ),
    (
        "Stroke with dysphagia",
        "430",
        ["multi_morbidity", "long_stay"],
        ["I634", "R13X", "I48X"],
        ["G441"],
        "Cerebral infarction with atrial fibrillation; PEG inserted for dysphagia "
        "during "
        "a long rehabilitation stay.",
    ),
    (
        "Acute appendicitis with peritonitis",
        "100",
        ["surgical_complication"],
        ["K352"],
        ["H011"],
        "Perforated appendix with generalised peritonitis; emergency appendicectomy.",
    ),
    (
        "Breast cancer, wide local excision",
        "103",
        ["oncology"],
        ["C504"],
        ["B282", "T852"],
        "Upper outer quadrant malignancy treated with wide local excision and sentinel "
        "node biopsy; histology confirmed clear margins.",
    ),
    (
        "Heart failure with AF",
        "320",
        ["mortality", "multi_morbidity"],
        ["I500", "I48X", "N184"],
        [],
        "Decompensated congestive heart failure with atrial fibrillation and stage 4 "
        "CKD; end-of-life care on the ward.",
    ),
    (
        "Neonatal jaundice",
        "420",
        ["paediatrics"],
        ["P599"],
        ["X811"],
        "Neonate readmitted with jaundice for phototherapy; coded the birth weight and "
        "gestational age as the standard requires.",
    ),
    (
        "Diabetic foot ulcer with osteomyelitis",
        "130",
        ["multi_morbidity"],
        ["E115", "M8607", "L97X"],
        ["X099"],
        "Type 2 diabetes with peripheral circulatory complications and osteomyelitis; "
        "toe amputation performed.",
    ),
    (
        "Upper GI bleed",
        "301",
        ["mortality"],
        ["K922", "K254"],
        ["G451"],
        "Haematemesis from a chronic gastric ulcer; endoscopic therapy failed and the "
        "patient died in critical care.",
    ),
    (
        "Schizophrenia with physical comorbidity",
        "300",
        ["mental_health"],
        ["F209", "E119"],
        [],
        "Inpatient with schizophrenia admitted for glycaemic control; mental health "
        "diagnosis recorded from the psychiatric liaison letter.",
    ),
    (
        "Bowel cancer resection",
        "104",
        ["oncology"],
        ["C187", "C786"],
        ["H074"],
        "Sigmoid colon malignancy with peritoneal deposits; anterior resection. "
        "Checked "
        "morphology and the sequencing of secondaries.",
    ),
    (
        "Pulmonary embolism after surgery",
        "110",
        ["surgical_complication"],
        ["I269", "T817"],
        [],
        "Post-operative pulmonary embolism after a knee replacement; coded as a "
        "complication with the chapter XIX code.",
    ),
    (
        "Ectopic pregnancy",
        "502",
        ["obstetrics"],
        ["O001"],
        ["Q221"],
        "Tubal ectopic pregnancy managed with laparoscopic salpingectomy.",
    ),
    (
        "Parkinson's disease with aspiration pneumonia",
        "430",
        ["mortality", "long_stay"],
        ["J690", "G20X"],
        [],
        "Aspiration pneumonia in advanced Parkinson's disease; prolonged stay ending "
        "in "
        "death. Underlying cause sequenced as the standard directs.",
    ),
    (
        "Rare metabolic disorder",
        "420",
        ["rare_disease", "paediatrics"],
        ["E700"],
        [],
        "Child with classical phenylketonuria admitted for dietary management; "
        "confirmed "
        "the code with the consultant.",
    ),
]

AUDIT_SCORES = [87.0, 87.5, 88.5, 89.0, 90.0, 91.0, 91.5, 92.5, 93.5, 94.0, 95.0, 96.0]


def _audit_counts(rng: random.Random, accuracy: float, episodes: int) -> dict:
    counts = {}
    sizes = {
        "primary_diagnosis": episodes,
        "secondary_diagnoses": episodes * 3,
        "primary_procedure": episodes // 2,
        "secondary_procedures": episodes // 3,
    }
    for measure, audited in sizes.items():
        spread = {"primary_diagnosis": 2, "primary_procedure": 3}.get(measure, -2)
        rate = min(0.99, (accuracy + spread + rng.uniform(-0.5, 0.5)) / 100)
        counts[f"{measure}_audited"] = audited
        counts[f"{measure}_correct"] = round(audited * rate)
    return counts


@transaction.atomic
def build_demo_portfolio(owner, today: datetime.date) -> int:
    """Replace the owner's portfolio with the demo one, ending at `today`."""
    Evidence.objects.filter(owner=owner).delete()
    Employment.objects.filter(owner=owner).delete()
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data
    specialty = {s.code: s for s in Specialty.objects.all()}
    case_type = {c.slug: c for c in CaseType.objects.all()}
    start = today - datetime.timedelta(days=3 * 365)

    Employment.objects.create(
        owner=owner,
        employer="Dorset County Hospital NHS Foundation Trust",
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=start - datetime.timedelta(days=730),
        end_date=start,
    )
    Employment.objects.create(
        owner=owner,
        employer="University Hospitals Dorset NHS Foundation Trust",
        role="Clinical Coder",
        band="Band 4",
        start_date=start + datetime.timedelta(days=1),
    )

    for i, accuracy in enumerate(AUDIT_SCORES):
        day = start + datetime.timedelta(days=60 + i * 88)
        episodes = 200 if i % 4 == 3 else 50
        audit_type = (
            "dspt" if episodes == 200 else ["internal", "peer", "external"][i % 3]
        )
        audit = AccuracyAudit.objects.create(
            owner=owner,
            title=f"{'DSPT' if audit_type == 'dspt' else 'Quarterly'} "
            f"coding audit {day:%B %Y}",
            date=day,
            auditor="Approved clinical coding auditor",
            audit_type=audit_type,
            episodes_audited=episodes,
            summary="Errors classified by the national "
            "methodology; most were secondary diagnosis omissions.",
            reflection="Reviewed the errors with my team leader and updated my notes.",
            **_audit_counts(rng, accuracy, episodes),
        )
        audit.specialties.set(
            [specialty[code] for code, _ in rng.sample(SPECIALTIES, 4)]
        )

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
            summary=f"Coded {specialty[code].name.lower()} episodes from case notes "
            "and discharge summaries.",
        )
        item.tag_own_specialty()

    for i, (title, code, types, icd, opcs, narrative) in enumerate(CASES):
        case = ComplexCase.objects.create(
            owner=owner,
            title=title,
            specialty=specialty[code],
            date=start + datetime.timedelta(days=30 + i * 52),
            icd10_codes=icd,
            opcs4_codes=opcs,
            summary=narrative,
            standards_applied="National Clinical Coding Standards ICD-10 5th Edition "
            "and OPCS-4.10 reference books.",
            reflection="Checked sequencing and comorbidities against the standards.",
        )
        case.case_types.set([case_type[t] for t in types])
        case.tag_own_specialty()

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

    cpd = [
        (
            "standards_refresher",
            "Clinical Coding Standards Refresher",
            "NHS England",
            Decimal("21"),
            400,
        ),
        (
            "specialty_workshop",
            "Cardiology coding workshop",
            "NHS England",
            Decimal("7"),
            250,
        ),
        (
            "specialty_workshop",
            "Oncology coding workshop",
            "NHS England",
            Decimal("7"),
            520,
        ),
        (
            "elearning",
            "ICD-10 5th Edition update e-learning",
            "NHS England",
            Decimal("3"),
            700,
        ),
        (
            "conference",
            "Regional clinical coding network meeting",
            "Coding network",
            Decimal("4"),
            880,
        ),
        (
            "elearning",
            "Data Security Awareness",
            "NHS e-Learning for Healthcare",
            Decimal("1.5"),
            1000,
        ),
    ]
    for cpd_type, title, provider, hours, offset in cpd:
        CPDActivity.objects.create(
            owner=owner,
            title=title,
            cpd_type=cpd_type,
            provider=provider,
            hours=hours,
            date=start + datetime.timedelta(days=offset),
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

    for i in range(6):
        begin = start + datetime.timedelta(days=i * 182)
        Productivity.objects.create(
            owner=owner,
            title=f"Productivity {begin:%b %Y}",
            date=begin,
            end_date=begin + datetime.timedelta(days=90),
            episodes_coded=1800 + i * 120,
            target_episodes=2000,
            timeliness_percent=Decimal("92.0") + i,
        )
    build_demo_links(owner)
    build_demo_verifications(owner)
    return Evidence.objects.filter(owner=owner).count()


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
        "DSPT coding audit",
        "My latest DSPT audit, verified by the approved auditor.",
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
        "DSPT coding audit",
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
