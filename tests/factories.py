"""Plain factory functions for test data: defaults by setdefault, overrides by name."""

import datetime
import io
from itertools import count

from PIL import Image
from pypdf import PdfWriter

from accounts.models import Organisation, User

PASSWORD = "correct-horse-battery-staple"
_serial = count(1)


def make_organisation(**overrides) -> Organisation:
    n = next(_serial)
    overrides.setdefault("name", f"Test NHS Foundation Trust {n}")
    overrides.setdefault("ods_code", f"T{n:02d}")
    return Organisation.objects.create(**overrides)


def make_user(**overrides) -> User:
    n = next(_serial)
    overrides.setdefault("email", f"user{n}@example.nhs.uk")
    overrides.setdefault("full_name", f"Test User {n}")
    password = overrides.pop("password", PASSWORD)
    return User.objects.create_user(password=password, **overrides)


def make_coder(**overrides) -> User:
    overrides.setdefault("role", User.Role.CODER)
    return make_user(**overrides)


def make_recruiter(organisation: Organisation, **overrides) -> User:
    overrides.setdefault("role", User.Role.RECRUITER)
    return make_user(organisation=organisation, **overrides)


def make_audit(owner: User, **overrides):
    from portfolio.models import AccuracyAudit

    overrides.setdefault("title", "Quarterly internal audit")
    overrides.setdefault("date", datetime.date(2026, 9, 1))
    overrides.setdefault("auditor", "Coding auditor")
    overrides.setdefault("audit_type", AccuracyAudit.AuditType.INTERNAL)
    overrides.setdefault("episodes_audited", 50)
    for measure, _ in AccuracyAudit.MEASURES:
        overrides.setdefault(f"{measure}_correct", 45)
        overrides.setdefault(f"{measure}_audited", 50)
    specialties = overrides.pop("specialties", [])
    audit = AccuracyAudit.objects.create(owner=owner, **overrides)
    audit.specialties.set(specialties)
    return audit


def make_evidence(owner: User, kind: str, **overrides):
    """Any kind of item with sensible defaults; audits via make_audit."""
    from portfolio.models import KIND_MODELS, CaseType, Specialty

    if kind == "audit":
        return make_audit(owner, **overrides)
    defaults = {
        "specialty": {
            "specialty": Specialty.objects.get(code="100"),
            "setting": "ward",
        },
        "complex_case": {
            "specialty": Specialty.objects.get(code="300"),
            "icd10_codes": ["I214", "E119"],
            "opcs4_codes": ["K491"],
            "summary": "Anonymised narrative of a complex admission.",
        },
        "contribution": {"contribution_type": "mentoring"},
        "cpd": {"cpd_type": "elearning", "hours": 3},
        "qualification": {"qualification_type": "acc"},
        "clinical_query": {
            "query_to": "Consultant",
            "resolution": "Documentation clarified.",
            "outcome": "codes_changed",
        },
        "productivity": {"episodes_coded": 900, "end_date": datetime.date(2026, 9, 30)},
    }[kind]
    case_types = overrides.pop("case_types", [])
    for key, value in defaults.items():
        overrides.setdefault(key, value)
    overrides.setdefault("title", f"A {kind} item")
    overrides.setdefault("date", datetime.date(2026, 9, 1))
    item = KIND_MODELS[kind].objects.create(owner=owner, **overrides)
    if kind == "complex_case":
        item.case_types.set(
            CaseType.objects.filter(slug__in=case_types or ["mortality"])
        )
    if hasattr(item, "specialty_id"):
        item.tag_own_specialty()
    return item


def make_employment(owner: User, **overrides):
    from portfolio.models import Employment

    overrides.setdefault("employer", "Test NHS Foundation Trust")
    overrides.setdefault("role", "Clinical Coder")
    overrides.setdefault("band", "Band 4")
    overrides.setdefault("start_date", datetime.date(2020, 1, 1))
    return Employment.objects.create(owner=owner, **overrides)


def make_vacancy(organisation: Organisation, specification=None, **overrides):
    from applications.models import Vacancy
    from specifications.models import PersonSpecification
    from specifications.specs import import_spec, spec_to_dict

    if specification is None:
        # The organisation's own copy of the seeded UHD spec.
        uhd = PersonSpecification.objects.get(slug="uhd-senior-clinical-coder-v1")
        specification = PersonSpecification.objects.filter(
            organisation=organisation, title=uhd.title
        ).first() or import_spec(
            spec_to_dict(uhd) | {"slug": ""}, organisation=organisation
        )
    n = next(_serial)
    overrides.setdefault("title", "Senior Clinical Coder")
    overrides.setdefault("band", "Band 4")
    overrides.setdefault("reference", f"REF-{n:04d}")
    overrides.setdefault(
        "closing_date", datetime.date.today() + datetime.timedelta(days=30)
    )
    return Vacancy.objects.create(
        organisation=organisation, specification=specification, **overrides
    )


# The smallest file each upload check accepts as what it claims to be.
def pdf_bytes(width: int = 595, height: int = 842) -> bytes:
    """A plain one-page PDF, as attachments must be (pypdf reads it)."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def png_bytes(colour: str = "blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(colour: str = "blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def specialties(*codes: str) -> list:
    """The reference specialties with these treatment function codes."""
    from portfolio.models import Specialty

    return list(Specialty.objects.filter(code__in=codes))


def make_verification_request(item, **overrides):
    """A request, waiting for its verifier, that `item`'s owner sent just now."""
    from django.utils import timezone

    from portfolio.models import VerificationRequest
    from portfolio.verification import VALID_FOR

    overrides.setdefault("name", "Dana Auditor")
    overrides.setdefault("role", "Approved clinical coding auditor")
    overrides.setdefault("organisation", "Trust A NHS Foundation Trust")
    overrides.setdefault("email", "dana.auditor@trust-a.nhs.uk")
    created = overrides.setdefault("created_at", timezone.now())
    overrides.setdefault("expires_at", created + VALID_FOR)
    return VerificationRequest.objects.create(
        owner=item.owner, evidence=item, **overrides
    )


def verify(item, **overrides):
    """`item` confirmed by a verifier, through their link, as it is now."""
    from portfolio import verification

    comment = overrides.pop("comment", "")
    request = make_verification_request(item, **overrides)
    verification.answer(
        verification.make_token(request),
        confirmed=True,
        seen=item.content_fingerprint(),
        comment=comment,
    )
    request.refresh_from_db()
    return request


def make_attachment(
    item,
    name: str,
    content: bytes,
    content_type: str,
    original_name: str = "",
):
    """A stored file on an item, as an upload leaves it (bytes taken as checked)."""
    from django.core.files.base import ContentFile

    from portfolio.models import Attachment

    attachment = Attachment(
        evidence=item,
        name=name,
        original_name=original_name,
        content_type=content_type,
        size=len(content),
        sha256=Attachment.digest(content),
    )
    attachment.file.save("upload", ContentFile(content))
    return attachment
