"""Export the whole portfolio as versioned JSON and import it elsewhere without loss."""

import base64
import copy
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from portfolio import portability
from portfolio.management.commands.import_portfolio import Command as ImportCommand
from portfolio.models import KIND_MODELS, Attachment, Employment, Evidence, Specialty
from portfolio.portability import (
    ImportSummary,
    PortfolioImportError,
    dumps,
    export_portfolio,
    import_portfolio,
    loads,
)
from tests import pages
from tests.factories import (
    PDF_BYTES,
    jpeg_bytes,
    make_attachment,
    make_audit,
    make_employment,
    make_evidence,
    pdf_bytes,
    png_bytes,
    specialties,
)

NHS_NUMBER = "943 476 5919"  # passes the Modulus 11 check


def stored_files(media_root) -> set[Path]:
    return {p for p in Path(media_root).rglob("*") if p.is_file()}


@pytest.fixture
def rich_portfolio(alice):
    """Every kind of item, with specialties, codes, case types and attachments."""
    make_employment(
        alice,
        employer="Trust A NHS Foundation Trust",
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=datetime.date(2018, 4, 1),
        end_date=datetime.date(2020, 3, 31),
    )
    make_employment(alice, start_date=datetime.date(2020, 4, 1))
    make_employment(
        alice,
        employer="Trust B NHS Trust",
        role="Ward clerk",
        band="",
        start_date=datetime.date(2016, 1, 4),
        end_date=datetime.date(2018, 3, 1),
        is_coding_role=False,
    )
    audit = make_audit(
        alice,
        title="Quarterly audit",
        date=datetime.date(2026, 6, 30),
        summary="Fifty FCEs across general surgery and cardiology.",
        reflection="Secondary diagnoses need more care.",
        verification=Evidence.Verification.VERIFIED,
        audit_type="external",
        primary_procedure_correct=0,
        primary_procedure_audited=0,
        specialties=specialties("300", "100"),
    )
    make_attachment(audit, "Audit report", PDF_BYTES, "application/pdf")
    make_attachment(audit, "Auditor's letter", pdf_bytes(width=420), "application/pdf")
    make_evidence(
        alice,
        "specialty",
        title="General surgery coding",
        date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        episodes_coded=2400,
        setting="theatre",
    )
    make_evidence(
        alice,
        "complex_case",
        title="Mortality case: STEMI with diabetes",
        date=datetime.date(2026, 5, 12),
        case_types=["sepsis", "mortality"],
        icd10_codes=["I214", "E119", "A170-D", "I10X"],
        opcs4_codes=["K491", "Y141"],
        standards_applied="DCS.IX.2, PSCM1",
        reflection="Sequencing the acute event first.",
    )
    make_evidence(
        alice,
        "contribution",
        title="Mentoring a trainee",
        date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 4, 30),
        contribution_type="training",
        outcome="The trainee passed the NCCQ.",
    )
    cpd = make_evidence(
        alice,
        "cpd",
        title="Standards Refresher: café session, naïvely named",
        date=datetime.date(2026, 3, 10),
        cpd_type="standards_refresher",
        provider="NHS England",
        hours=Decimal("7.5"),
    )
    make_attachment(cpd, "Certificate", png_bytes("green"), "image/png")
    qualification = make_evidence(
        alice,
        "qualification",
        title="Accredited Clinical Coder",
        date=datetime.date(2021, 7, 1),
        awarding_body="IHRIM",
        expires_on=datetime.date(2031, 7, 1),
    )
    make_attachment(qualification, "NCCQ certificate", jpeg_bytes("red"), "image/jpeg")
    make_evidence(
        alice,
        "clinical_query",
        title="Query on heart failure type",
        date=datetime.date(2026, 3, 10),
        specialty=Specialty.objects.get(code="320"),
        outcome="documentation_improved",
    )
    make_evidence(
        alice,
        "clinical_query",
        title="Query without a specialty",
        date=datetime.date(2026, 3, 10),
        specialty=None,
        outcome="no_response",
    )
    productivity = make_evidence(
        alice,
        "productivity",
        title="September productivity",
        target_episodes=1000,
        timeliness_percent=Decimal("92.5"),
    )
    productivity.specialties.set(specialties("100"))
    return alice


def without_owner(document: dict) -> dict:
    """What must survive a round trip: all but the owner, the export time and the
    verification states (which an import never carries across)."""
    document = copy.deepcopy(document)
    del document["owner"], document["exported_at"]
    for item in document["evidence"]:
        item["verification"] = "unverified"
    return document


# --- Export ---------------------------------------------------------------------


def test_export_describes_every_kind_with_its_own_fields(rich_portfolio):
    document = export_portfolio(rich_portfolio)

    assert document["format"] == "coderfolio-portfolio"
    assert document["version"] == 2
    assert datetime.datetime.fromisoformat(document["exported_at"]).tzinfo
    assert document["owner"] == {
        "email": "alice@example.nhs.uk",
        "full_name": "Alice Archer",
    }
    assert {item["kind"] for item in document["evidence"]} == set(KIND_MODELS)
    items = {item["title"]: item for item in document["evidence"]}

    audit = items["Quarterly audit"]
    assert list(audit)[:8] == [
        "kind",
        "title",
        "date",
        "end_date",
        "summary",
        "reflection",
        "verification",
        "specialties",
    ]
    assert list(audit)[-3:] == ["created_at", "attachments", "verification_requests"]
    assert audit["date"] == "2026-06-30"
    assert audit["end_date"] is None
    assert audit["specialties"] == ["100", "300"]  # codes, sorted
    assert audit["verification"] == "verified"
    assert audit["audit_type"] == "external"
    assert audit["secondary_diagnoses_correct"] == 45
    assert [a["name"] for a in audit["attachments"]] == [
        "Audit report",
        "Auditor's letter",
    ]
    report = audit["attachments"][0]
    assert report["content_type"] == "application/pdf"
    assert report["size"] == len(PDF_BYTES)
    assert report["sha256"] == Attachment.digest(PDF_BYTES)
    assert base64.b64decode(report["data"]) == PDF_BYTES

    case = items["Mortality case: STEMI with diabetes"]
    assert case["specialty"] == "300"
    assert case["case_types"] == ["mortality", "sepsis"]
    assert case["icd10_codes"] == ["I214", "E119", "A170-D", "I10X"]
    assert case["opcs4_codes"] == ["K491", "Y141"]
    assert case["standards_applied"] == "DCS.IX.2, PSCM1"

    assert items["Standards Refresher: café session, naïvely named"]["hours"] == "7.5"
    assert items["September productivity"]["timeliness_percent"] == "92.5"
    assert items["Query on heart failure type"]["specialty"] == "320"
    assert items["Query without a specialty"]["specialty"] is None
    assert items["Accredited Clinical Coder"]["expires_on"] == "2031-07-01"

    for item in document["evidence"]:
        assert not {
            "id",
            "pk",
            "owner",
            "evidence_ptr",
            "updated_at",
            "verified_by",
        } & set(item)

    assert document["employment"][0] == {
        "employer": "Trust B NHS Trust",
        "organisation_type": "",
        "role": "Ward clerk",
        "band": "",
        "start_date": "2016-01-04",
        "end_date": "2018-03-01",
        "is_coding_role": False,
    }
    assert [post["start_date"] for post in document["employment"]] == [
        "2016-01-04",
        "2018-04-01",
        "2020-04-01",
    ]


def test_export_orders_items_by_date_then_creation_then_title(rich_portfolio):
    items = export_portfolio(rich_portfolio)["evidence"]
    keys = [(item["date"], item["created_at"], item["title"]) for item in items]
    assert keys == sorted(keys)
    same_day = [item["title"] for item in items if item["date"] == "2026-03-10"]
    # Created in this order on the same date.
    assert same_day == [
        "Standards Refresher: café session, naïvely named",
        "Query on heart failure type",
        "Query without a specialty",
    ]


def test_an_import_does_not_take_an_items_verification_from_the_file(
    rich_portfolio, bob
):
    """Anyone can edit a file: an item is verified by a confirmed request alone (see
    tests/portfolio/test_verification_portability.py), never by its own field."""
    exported = export_portfolio(rich_portfolio)
    assert "verified" in {item["verification"] for item in exported["evidence"]}
    import_portfolio(loads(dumps(exported)), bob)
    states = set(Evidence.objects.for_owner(bob).values_list("verification", flat=True))
    assert states == {Evidence.Verification.UNVERIFIED}


def test_dumps_keeps_text_readable_and_loads_reads_it_back(rich_portfolio):
    document = export_portfolio(rich_portfolio)
    text = dumps(document)
    assert "café session, naïvely named" in text  # not \u escapes
    assert text.startswith('{\n  "format": "coderfolio-portfolio",\n  "version": 2,')
    assert loads(text) == document


# --- Round trip -----------------------------------------------------------------


def test_an_export_imported_into_an_empty_account_exports_the_same(rich_portfolio, bob):
    exported = export_portfolio(rich_portfolio)

    summary = import_portfolio(loads(dumps(exported)), bob)

    assert summary == ImportSummary(evidence=9, employment=3, attachments=4)
    assert str(summary) == "9 evidence items, 3 employment posts and 4 attachments"
    again = export_portfolio(bob)
    assert again["owner"]["email"] == "bob@example.nhs.uk"
    # Everything else, created_at included, survives unchanged.
    assert without_owner(again) == without_owner(exported)
    # Alice keeps her own portfolio; Bob's is a copy, not a share.
    assert Evidence.objects.for_owner(rich_portfolio).count() == 9
    assert Evidence.objects.for_owner(bob).count() == 9
    assert Employment.objects.filter(owner=bob).count() == 3
    assert not set(Evidence.objects.for_owner(bob).values_list("pk", flat=True)) & set(
        Evidence.objects.for_owner(rich_portfolio).values_list("pk", flat=True)
    )


def test_attachments_survive_byte_for_byte(rich_portfolio, bob, media_root):
    originals = {
        a.name: a for a in Attachment.objects.filter(evidence__owner=rich_portfolio)
    }
    import_portfolio(export_portfolio(rich_portfolio), bob)

    copies = Attachment.objects.filter(evidence__owner=bob)
    assert sorted(a.name for a in copies) == sorted(originals)
    for attachment in copies:
        original = originals[attachment.name]
        with attachment.file.open("rb") as handle:
            content = handle.read()
        with original.file.open("rb") as handle:
            assert content == handle.read()
        assert Attachment.digest(content) == original.sha256 == attachment.sha256
        assert attachment.size == original.size
        assert attachment.content_type == original.content_type
        assert attachment.evidence.title == original.evidence.title
        # A new file under MEDIA_ROOT, named at random as for any upload.
        assert attachment.file.name != original.file.name
        assert attachment.file.path.startswith(str(media_root))
        assert f"attachments/{bob.pk}/" in attachment.file.name


def test_import_adds_to_a_portfolio_that_already_has_items(rich_portfolio):
    import_portfolio(export_portfolio(rich_portfolio), rich_portfolio)
    assert Evidence.objects.for_owner(rich_portfolio).count() == 18
    assert Employment.objects.filter(owner=rich_portfolio).count() == 6


# --- Refusals -------------------------------------------------------------------


@pytest.fixture
def document(alice):
    """A small valid export: a post, then a valid audit with a file, then a CPD item."""
    make_employment(alice)
    audit = make_audit(alice, title="An earlier valid audit", specialties=[])
    make_attachment(audit, "Audit report", PDF_BYTES, "application/pdf")
    make_evidence(
        alice, "cpd", title="Quarterly audit", date=datetime.date(2026, 10, 1)
    )
    return export_portfolio(alice)


def audit_item(**overrides) -> dict:
    item = {
        "kind": "audit",
        "title": "Quarterly audit",
        "date": "2026-10-01",
        "end_date": None,
        "summary": "",
        "reflection": "",
        "verification": "unverified",
        "specialties": ["100"],
        "auditor": "Coding auditor",
        "audit_type": "internal",
        "episodes_audited": 40,
        "primary_diagnosis_correct": 38,
        "primary_diagnosis_audited": 40,
        "secondary_diagnoses_correct": 30,
        "secondary_diagnoses_audited": 35,
        "primary_procedure_correct": 0,
        "primary_procedure_audited": 0,
        "secondary_procedures_correct": 0,
        "secondary_procedures_audited": 0,
        "created_at": "2026-10-02T09:30:00+00:00",
        "attachments": [],
        "verification_requests": [],
    }
    item.update(overrides)
    return item


def assert_refused(document, owner, media_root, *fragments: str) -> str:
    """The import fails with every fragment in its message, and writes nothing."""
    files_before = stored_files(media_root)
    with pytest.raises(PortfolioImportError) as raised:
        import_portfolio(document, owner)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message
    assert not Evidence.objects.for_owner(owner).exists()
    assert not Employment.objects.filter(owner=owner).exists()
    assert not Attachment.objects.filter(evidence__owner=owner).exists()
    assert stored_files(media_root) == files_before
    return message


def test_the_document_itself_imports(document, bob):
    assert import_portfolio(document, bob) == ImportSummary(
        evidence=2, employment=1, attachments=1
    )


def test_a_posts_organisation_type_travels_with_it(document, bob):
    document["employment"][0]["organisation_type"] = "acute"

    import_portfolio(document, bob)

    assert Employment.objects.get(owner=bob).organisation_type == "acute"


def test_a_file_exported_before_posts_had_an_organisation_type_imports(document, bob):
    del document["employment"][0]["organisation_type"]

    import_portfolio(document, bob)

    assert Employment.objects.get(owner=bob).organisation_type == ""


def test_an_unknown_organisation_type_is_refused(document, bob, media_root):
    document["employment"][0]["organisation_type"] = "spaceport"
    assert_refused(
        document,
        bob,
        media_root,
        'employment post 1, organisation_type: "spaceport" is not one of acute,',
    )


def test_another_version_is_refused(document, bob, media_root):
    document["version"] = 3
    message = assert_refused(document, bob, media_root)
    assert message == (
        "This file is version 3 of the Coderfolio portfolio format; "
        "this server reads versions 1 and 2."
    )


def test_a_version_1_file_still_imports(document, bob):
    """Version 1 had no verification requests and no attachment names of their own;
    its files import as they did."""
    document["version"] = 1
    for item in document["evidence"]:
        del item["verification_requests"]
        for attachment in item["attachments"]:
            del attachment["original_name"]
    assert import_portfolio(document, bob) == ImportSummary(
        evidence=2, employment=1, attachments=1
    )


def test_a_version_1_file_with_verification_requests_is_refused(
    document, bob, media_root
):
    document["version"] = 1
    assert_refused(
        document, bob, media_root, '"verification_requests" (not in format version 1)'
    )


@pytest.mark.parametrize("version", ["1", None, True, 1.0])
def test_a_version_that_is_not_a_whole_number_is_refused(
    document, bob, media_root, version
):
    document["version"] = version
    assert_refused(document, bob, media_root, 'no valid "version"')


def test_another_format_is_refused(document, bob, media_root):
    document["format"] = "someone-elses-portfolio"
    assert_refused(document, bob, media_root, "This is not a Coderfolio portfolio file")


@pytest.mark.parametrize("text", ["{not json", "", "\xff", "[1, 2]", '"a string"'])
def test_loads_refuses_anything_but_a_json_object(text):
    with pytest.raises(PortfolioImportError, match=r"^The file is not valid JSON"):
        loads(text)


def test_loads_refuses_bytes_that_are_not_utf8():
    with pytest.raises(PortfolioImportError, match=r"^The file is not valid JSON"):
        loads(b'{"format": "\xff"}')


def test_a_missing_top_level_key_is_refused(document, bob, media_root):
    del document["employment"]
    assert_refused(document, bob, media_root, "The file: missing employment.")


def test_a_missing_item_key_is_refused(document, bob, media_root):
    del document["evidence"][1]["hours"]
    assert_refused(
        document, bob, media_root, 'evidence item 2 ("Quarterly audit"): missing hours.'
    )


def test_an_unexpected_key_is_refused(document, bob, media_root):
    document["evidence"][0]["colour"] = "blue"
    assert_refused(document, bob, media_root, 'unexpected "colour"')


def test_an_unknown_kind_is_refused(document, bob, media_root):
    document["evidence"][1]["kind"] = "poetry"
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 2 ("Quarterly audit"): unknown kind "poetry".',
    )


def test_an_unknown_specialty_code_is_refused(document, bob, media_root):
    document["evidence"][1]["specialties"] = ["100", "999"]
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 2 ("Quarterly audit"), specialties: '
        'unknown specialty code "999".',
    )


@pytest.fixture
def case_item(document, alice) -> dict:
    """A complex case as the file holds it (made after `document` was exported)."""
    case = make_evidence(alice, "complex_case", title="A case")
    return next(
        i for i in export_portfolio(alice)["evidence"] if i["title"] == case.title
    )


def test_an_unknown_case_type_is_refused(document, case_item, bob, media_root):
    case_item["case_types"] = ["mortality", "haunting"]
    document["evidence"].append(case_item)
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 3 ("A case"), case_types: unknown case type slug "haunting".',
    )


def test_a_case_without_case_types_is_refused(document, case_item, bob, media_root):
    case_item["case_types"] = []
    document["evidence"].append(case_item)
    assert_refused(document, bob, media_root, "case_types: give at least one.")


def test_a_code_not_in_its_stored_form_is_refused(document, case_item, bob, media_root):
    case_item["icd10_codes"] = ["I214", "J18.9"]  # display form, not stored form
    document["evidence"].append(case_item)
    assert_refused(
        document, bob, media_root, 'icd10_codes: "J18.9" is not a code in its stored'
    )


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("date", "2026-02-30", '"2026-02-30" is not a real date.'),
        ("date", "1 March 2026", "expected a date like 2026-09-01."),
        ("hours", 3.5, 'expected a number as text, like "3.5".'),
        ("hours", "lots", 'expected a number as text, like "3.5".'),
        ("title", 42, "expected text."),
        ("specialties", "100", "expected a list of text values."),
        ("created_at", "yesterday", "expected a date and time"),
        ("attachments", None, "expected a list."),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    document, bob, media_root, key, value, fragment
):
    document["evidence"][1][key] = value
    assert_refused(document, bob, media_root, "evidence item 2", f"{key}: {fragment}")


def test_model_validation_failing_late_in_the_file_imports_nothing(
    document, bob, media_root
):
    """The earlier items, and the attachment, are valid; still nothing is kept."""
    document["evidence"].append(
        audit_item(primary_diagnosis_correct=41, primary_diagnosis_audited=40)
    )
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 3 ("Quarterly audit"), primary_diagnosis_correct: '
        "Primary diagnosis: codes correct (41) cannot be more than codes audited (40).",
    )


def test_other_model_validation_is_applied(document, bob, media_root):
    document["evidence"].append(audit_item(date="2099-01-01", auditor=""))
    document["employment"][0]["end_date"] = "2019-01-01"  # before its start
    message = assert_refused(
        document,
        bob,
        media_root,
        'evidence item 3 ("Quarterly audit"), date: The date must be today or in the '
        "past.",
        'evidence item 3 ("Quarterly audit"), auditor: This field cannot be blank.',
        "employment post 1, end_date: The end date must not be before the start date.",
    )
    assert message.startswith("The file cannot be imported:\n")


def test_a_value_that_is_not_one_of_the_choices_is_refused(document, bob, media_root):
    document["evidence"].append(audit_item(audit_type="vibes"))
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 3 ("Quarterly audit"), audit_type: "vibes" is not one of '
        "internal, external, dspt, peer.",
    )


def test_a_choice_holding_an_identifier_is_refused_without_repeating_it(
    document, bob, media_root
):
    document["evidence"].append(audit_item(audit_type=NHS_NUMBER))
    message = assert_refused(
        document, bob, media_root, "audit_type: the value given is not one of"
    )
    assert NHS_NUMBER not in message


def test_a_failure_while_writing_rolls_back_and_removes_written_files(
    document, bob, media_root, monkeypatch
):
    """If the database fails half-way, no rows stay and no attachment files either."""
    document["evidence"].append(audit_item())
    document["evidence"][2]["attachments"] = document["evidence"][0]["attachments"]
    save = Attachment.save
    calls = []

    def fail_the_second_time(self, *args, **kwargs):
        calls.append(self.file.name)
        if len(calls) == 2:
            raise IntegrityError("the disk caught fire")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", fail_the_second_time)
    files_before = stored_files(media_root)

    with pytest.raises(IntegrityError):
        import_portfolio(document, bob)

    assert len(calls) == 2  # one attachment saved, its file and a second written
    assert not Evidence.objects.for_owner(bob).exists()
    assert not Employment.objects.filter(owner=bob).exists()
    assert not Attachment.objects.filter(evidence__owner=bob).exists()
    assert stored_files(media_root) == files_before


def test_bad_base64_is_refused(document, bob, media_root):
    document["evidence"][0]["attachments"][0]["data"] = "not base64!"
    assert_refused(
        document,
        bob,
        media_root,
        'evidence item 1 ("An earlier valid audit"), attachment 1, data: '
        "this is not valid base64.",
    )


def test_a_sha256_that_does_not_match_is_refused(document, bob, media_root):
    document["evidence"][0]["attachments"][0]["sha256"] = Attachment.digest(b"other")
    assert_refused(
        document, bob, media_root, "attachment 1, sha256: does not match the file's"
    )


def test_a_size_that_does_not_match_is_refused(document, bob, media_root):
    document["evidence"][0]["attachments"][0]["size"] += 1
    assert_refused(document, bob, media_root, "attachment 1, size: does not match")


def test_a_content_type_that_is_not_allowed_is_refused(document, bob, media_root):
    document["evidence"][0]["attachments"][0]["content_type"] = "text/html"
    assert_refused(
        document,
        bob,
        media_root,
        "content_type: must be one of application/pdf, image/png, image/jpeg.",
    )


def test_content_that_is_not_what_it_claims_is_refused(document, bob, media_root):
    """Judged by content, as uploads are: a PNG labelled as a PDF is refused."""
    attachment = document["evidence"][0]["attachments"][0]
    attachment["content_type"] = "image/png"
    assert_refused(
        document, bob, media_root, "attachment 1: the file's content is not image/png."
    )


def test_an_nhs_number_in_a_summary_is_refused_without_repeating_it(
    document, bob, media_root
):
    document["evidence"][1]["summary"] = f"Patient {NHS_NUMBER} was readmitted."
    message = assert_refused(
        document,
        bob,
        media_root,
        'evidence item 2 ("Quarterly audit"), summary: This looks like an NHS number',
    )
    assert NHS_NUMBER not in message
    assert "9434765919" not in message


def test_an_identifier_in_a_title_is_not_repeated_in_the_item_name(
    document, bob, media_root
):
    document["evidence"][1]["title"] = f"Case of {NHS_NUMBER}"
    message = assert_refused(
        document, bob, media_root, "evidence item 2, title: This looks like an NHS"
    )
    assert NHS_NUMBER not in message


@pytest.mark.parametrize(
    ("where", "key"),
    [("employment", "employer"), ("attachment", "name"), ("evidence", "provider")],
)
def test_identifiers_are_refused_in_every_free_text_value(
    document, bob, media_root, where, key
):
    if where == "employment":
        document["employment"][0][key] = "Trust, ring 020 7946 0958"
    elif where == "attachment":
        document["evidence"][0]["attachments"][0][key] = "Letter to j.bloggs@nhs.net"
    else:
        document["evidence"][1][key] = "Seen at SW1A 1AA"
    message = assert_refused(document, bob, media_root, f"{key}: This looks like")
    for identifier in ["020 7946 0958", "j.bloggs@nhs.net", "SW1A 1AA"]:
        assert identifier not in message


def test_every_problem_is_listed(document, bob, media_root):
    document["evidence"][0]["kind"] = "poetry"
    document["evidence"][1]["date"] = "soon"
    with pytest.raises(PortfolioImportError) as raised:
        import_portfolio(document, bob)
    assert raised.value.problems == [
        'evidence item 1 ("An earlier valid audit"): unknown kind "poetry".',
        'evidence item 2 ("Quarterly audit"), date: expected a date like 2026-09-01.',
    ]


# --- Management commands --------------------------------------------------------


def test_export_command_writes_json_to_stdout(rich_portfolio):
    out = io.StringIO()
    call_command("export_portfolio", "Alice@Example.nhs.uk", stdout=out)
    document = json.loads(out.getvalue())
    assert document["owner"]["email"] == "alice@example.nhs.uk"
    assert len(document["evidence"]) == 9


def test_export_command_writes_to_a_file(rich_portfolio, tmp_path):
    out = io.StringIO()
    path = tmp_path / "alice.json"
    call_command("export_portfolio", rich_portfolio.email, output=path, stdout=out)
    assert len(loads(path.read_text(encoding="utf-8"))["evidence"]) == 9
    assert out.getvalue() == (
        "Exported 9 evidence items, 3 employment posts and 4 attachments for "
        f"alice@example.nhs.uk to {path}.\n"
    )


def test_export_command_refuses_an_unknown_email(db):
    with pytest.raises(
        CommandError, match=re.escape("No user has the email address x@y.z")
    ):
        call_command("export_portfolio", "x@y.z", stdout=io.StringIO())


def test_export_command_refuses_a_recruiter(rachel):
    with pytest.raises(CommandError, match="is not a coder"):
        call_command("export_portfolio", rachel.email, stdout=io.StringIO())


def test_import_command_imports_and_prints_a_summary(rich_portfolio, bob, tmp_path):
    path = tmp_path / "alice.json"
    call_command(
        "export_portfolio", rich_portfolio.email, output=path, stdout=io.StringIO()
    )
    out = io.StringIO()

    call_command("import_portfolio", str(path), owner=bob.email, stdout=out)

    assert out.getvalue() == (
        "Imported 9 evidence items, 3 employment posts and 4 attachments "
        "for bob@example.nhs.uk.\n"
    )
    assert without_owner(export_portfolio(bob)) == without_owner(
        loads(path.read_text())
    )


def test_import_command_refuses_a_bad_file_and_writes_nothing(document, bob, tmp_path):
    document["version"] = 3
    path = tmp_path / "future.json"
    path.write_text(dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="this server reads versions 1 and 2"):
        call_command("import_portfolio", str(path), owner=bob.email)
    assert not Evidence.objects.for_owner(bob).exists()


def test_import_command_exits_non_zero_from_the_command_line(
    document, bob, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes every connection when it ends, which on PostgreSQL
    # would also end this test's transaction.
    monkeypatch.setattr(
        "django.core.management.base.connections.close_all", lambda: None
    )
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    command = ImportCommand()
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(
            ["manage.py", "import_portfolio", str(path), "--owner", bob.email]
        )
    assert exited.value.code == 1
    assert "The file is not valid JSON" in capsys.readouterr().err
    assert not Evidence.objects.for_owner(bob).exists()


def test_import_command_refuses_a_missing_file_or_owner(bob, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_portfolio", str(tmp_path / "nope.json"), owner=bob.email)
    path = tmp_path / "empty.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="No user has the email address"):
        call_command("import_portfolio", str(path), owner="nobody@example.nhs.uk")


# --- Views ----------------------------------------------------------------------


def test_export_downloads_the_owners_portfolio(client, rich_portfolio):
    client.force_login(rich_portfolio)
    response = client.get(reverse("portfolio:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="coderfolio-portfolio-{today}.json"'
    )
    assert response["Cache-Control"] == "private, no-store"
    document = loads(response.content)
    assert document["owner"]["email"] == "alice@example.nhs.uk"
    assert len(document["evidence"]) == 9


def test_export_only_holds_the_signed_in_coders_items(client, rich_portfolio, bob):
    client.force_login(bob)
    document = loads(client.get(reverse("portfolio:export")).content)
    assert document["owner"]["email"] == "bob@example.nhs.uk"
    assert document["evidence"] == []
    assert document["employment"] == []


def test_export_requires_login(client, db):
    response = client.get(reverse("portfolio:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_export_is_not_for_recruiters(client, rachel):
    client.force_login(rachel)
    assert client.get(reverse("portfolio:export")).status_code == 404


def test_export_rejects_post(client, alice):
    client.force_login(alice)
    assert client.post(reverse("portfolio:export")).status_code == 405


def upload(client, content: bytes | str, name: str = "portfolio.json"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("portfolio:import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_import_page_shows_the_form(client, alice):
    client.force_login(alice)
    response = client.get(reverse("portfolio:import"))
    assert response.status_code == 200
    html = pages.html(response)
    assert "Portfolio file (.json)" in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("portfolio:evidence_list") in html  # the back link


def test_importing_a_valid_file_adds_it_and_redirects(client, rich_portfolio, bob):
    text = dumps(export_portfolio(rich_portfolio))
    client.force_login(bob)

    response = upload(client, text)

    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:evidence_list")
    assert Evidence.objects.for_owner(bob).count() == 9
    assert Attachment.objects.filter(evidence__owner=bob).count() == 4
    page = client.get(response["Location"]).content.decode()
    assert (
        "Imported 9 evidence items, 3 employment posts and 4 attachments "
        "into your portfolio."
    ) in page


def test_importing_a_bad_file_shows_why_and_imports_nothing(
    client, document, bob, media_root
):
    document["evidence"].append(
        audit_item(primary_diagnosis_correct=41, primary_diagnosis_audited=40)
    )
    files_before = stored_files(media_root)
    client.force_login(bob)

    response = upload(client, dumps(document))

    assert response.status_code == 200
    html = pages.html(response)
    assert "nhsuk-error-summary" in html
    assert "codes correct (41) cannot be more than codes audited (40)." in html
    assert not Evidence.objects.for_owner(bob).exists()
    assert not Employment.objects.filter(owner=bob).exists()
    assert stored_files(media_root) == files_before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "The file is not valid JSON"),
        ('{"format": "coderfolio-portfolio", "version": 3}', "this server reads"),
    ],
)
def test_importing_a_file_that_is_not_a_portfolio_shows_why(
    client, bob, content, message
):
    client.force_login(bob)
    response = upload(client, content)
    assert response.status_code == 200
    assert message in pages.html(response)
    assert not Evidence.objects.for_owner(bob).exists()


def test_import_requires_a_file(client, bob):
    client.force_login(bob)
    response = client.post(reverse("portfolio:import"))
    assert response.status_code == 200
    assert "nhsuk-error-summary" in pages.html(response)


def test_import_refuses_a_file_over_the_limit(client, bob, monkeypatch):
    monkeypatch.setattr(portability, "MAX_IMPORT_BYTES", 1024 * 1024)
    client.force_login(bob)
    response = upload(client, b" " * (1024 * 1024 + 1) + b"{}")
    assert response.status_code == 200
    assert "The file is 1.0 MB: it must be 1 MB or smaller." in pages.html(response)


def test_import_is_not_for_recruiters(client, rachel, document):
    client.force_login(rachel)
    assert client.get(reverse("portfolio:import")).status_code == 404
    assert upload(client, dumps(document)).status_code == 404
    assert not Evidence.objects.for_owner(rachel).exists()


def test_import_requires_login(client, db):
    response = client.get(reverse("portfolio:import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The attachment's own file name (format version 2) ---------------------------


def test_an_attachment_keeps_its_file_name_out_and_back_in(alice, bob):
    audit = make_audit(alice, title="Audit with its report")
    make_attachment(
        audit, "Audit report", PDF_BYTES, "application/pdf", "DSPT report 2026.pdf"
    )
    exported = export_portfolio(alice)
    (item,) = exported["evidence"]
    assert item["attachments"][0]["original_name"] == "DSPT report 2026.pdf"
    import_portfolio(loads(dumps(exported)), bob)
    copy = Attachment.objects.get(evidence__owner=bob)
    assert copy.original_name == "DSPT report 2026.pdf"


def test_a_version_1_file_still_imports_its_attachments_without_a_file_name(
    document, bob
):
    document["version"] = 1
    for item in document["evidence"]:
        del item["verification_requests"]
        for attachment in item["attachments"]:
            del attachment["original_name"]
    assert import_portfolio(document, bob).attachments == 1
    assert Attachment.objects.get(evidence__owner=bob).original_name == ""


def test_a_version_1_file_may_not_carry_a_file_name(document, bob, media_root):
    document["version"] = 1
    for item in document["evidence"]:
        del item["verification_requests"]
    assert_refused(
        document,
        bob,
        media_root,
        'attachment 1: unexpected "original_name" (not in format version 1).',
    )


def test_an_imported_file_name_is_made_safe(document, bob):
    attachment = document["evidence"][0]["attachments"][0]
    attachment["original_name"] = "../../etc/re\x07port\u202e.pdf"
    import_portfolio(document, bob)
    assert Attachment.objects.get(evidence__owner=bob).original_name == "report.pdf"


def test_an_imported_file_name_with_an_identifier_is_refused(document, bob, media_root):
    attachment = document["evidence"][0]["attachments"][0]
    attachment["original_name"] = f"letter {NHS_NUMBER}.pdf"
    message = assert_refused(
        document, bob, media_root, "attachment 1, original_name: This looks like"
    )
    assert NHS_NUMBER not in message
