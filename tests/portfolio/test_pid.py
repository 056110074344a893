"""The PID guard: finds patient-identifiable data, and leaves coding prose alone."""

import itertools
import random
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portfolio.pid import (
    KINDS,
    Finding,
    describe_findings,
    find_identifiers,
    is_valid_nhs_number,
    quoted,
    validate_no_identifiers,
)


def found(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every finding, in order."""
    return [(f.kind, text[f.start : f.end]) for f in find_identifiers(text)]


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_identifiers(text)]


def assert_single(text: str, kind: str, identifier: str) -> None:
    """``text`` holds exactly one finding, of ``kind``, at ``identifier``."""
    start = text.index(identifier)
    assert find_identifiers(text) == [Finding(kind, start, start + len(identifier))]


def with_check_digit(prefix: str) -> str | None:
    """The NHS number for a 9-digit prefix, or None when no check digit works."""
    total = sum(int(d) * w for d, w in zip(prefix, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else prefix + str(check)


# --- Finding ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("nhs_number", "an NHS number"),
        ("postcode", "a postcode"),
        ("date_of_birth", "a date of birth"),
        ("email", "an email address"),
        ("phone", "a phone number"),
        ("hospital_number", "a hospital number"),
    ],
)
def test_finding_label(kind, label):
    assert Finding(kind, 0, 1).label == label


def test_kinds_are_the_six_documented_ones():
    assert KINDS == (
        "nhs_number",
        "postcode",
        "date_of_birth",
        "email",
        "phone",
        "hospital_number",
    )


def test_finding_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown kind"):
        Finding("name", 0, 4)


def test_finding_is_immutable():
    finding = Finding("email", 0, 4)
    with pytest.raises(AttributeError):
        finding.start = 2  # type: ignore[misc]


def test_empty_text_has_no_findings():
    assert find_identifiers("") == []


# --- NHS number -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("9434765918", False),
        ("4010232137", True),
        ("4010232138", False),
        ("0000000000", True),  # check digit 11 counts as 0
        ("123456789", False),  # too short
        ("94347659x9", False),
    ],
)
def test_modulus_11_check(digits, valid):
    assert is_valid_nhs_number(digits) is valid


def test_check_digit_of_10_is_never_valid():
    # 000000006: the weighted sum is 2 * 6 = 12, 12 % 11 = 1, so the check is 10.
    assert with_check_digit("000000006") is None
    assert not any(is_valid_nhs_number(f"000000006{d}") for d in range(10))


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("9434765919", "9434765919"),
        ("NHS number 943 476 5919 recorded", "943 476 5919"),
        ("NHS no. 943-476-5919.", "943-476-5919"),
        ("(9434765919)", "9434765919"),
        ("nhs:9434765919,", "9434765919"),
        ("Ref 401 023 2137 on the letter", "401 023 2137"),
        ("line one\n943 476 5919\nline three", "943 476 5919"),
        # Whatever separator, and however grouped.
        ("943  476  5919", "943  476  5919"),
        ("943.476.5919", "943.476.5919"),
        ("943/476/5919", "943/476/5919"),
        ("943 - 476 - 5919", "943 - 476 - 5919"),
        ("943\u2013476\u20135919", "943\u2013476\u20135919"),  # en dashes
        ("9434 765 919", "9434 765 919"),
        ("94 34 76 59 19", "94 34 76 59 19"),
        # A label glued on, or other numbers after a labelled one.
        ("NHSno9434765919", "9434765919"),
        ("NHS no:943.476.5919", "943.476.5919"),
        ("NHS number 943 476 5919 12 letters", "943 476 5919"),
        ("Seen on the 9434765919 2nd time", "9434765919"),
        ("Letter 12 9434765919", "9434765919"),
    ],
)
def test_nhs_number_found(text, identifier):
    assert_single(text, "nhs_number", identifier)


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5918",  # check digit fails
        "9434765918",
        "943-476-5918",
        "94347659190",  # part of a longer run of digits
        "19434765919",
        "A9434765919",  # glued to a letter
        "9434765919B",
        "943 476-5919",  # mixed separators: not how anyone writes one number
        "943 476\n5919",  # across lines
        "943    476    5919",  # four spaces: a table's columns
        "12 943 476 5919",  # eleven digits: a run of counts, not one number
        "01/04/2026-02",  # a date then a count, whose digits pass the check
    ],
)
def test_not_an_nhs_number(text):
    assert "nhs_number" not in kinds(text)


def test_invalid_check_digit_is_not_flagged_at_all():
    assert find_identifiers("NHS number 943 476 5918 was mistyped") == []


def test_ten_digits_failing_the_check_can_still_be_a_phone_number():
    # 0123456780 fails the Modulus 11 check (its check digit would be 9).
    assert found("Call 0123456780 today") == [("phone", "0123456780")]


def test_nhs_number_beats_phone_number():
    # 0123456789 passes the Modulus 11 check and also looks like an 01 number.
    assert is_valid_nhs_number("0123456789")
    assert found("0123456789") == [("nhs_number", "0123456789")]
    assert found("012-345-6789") == [("nhs_number", "012-345-6789")]


def test_every_generated_nhs_number_is_found_in_prose():
    rng = random.Random(20260401)  # noqa: S311 (test data)
    formats = ["{}{}{}", "{} {} {}", "{}-{}-{}"]
    checked = 0
    while checked < 200:
        number = with_check_digit(f"{rng.randrange(10**9):09d}")
        if number is None:
            continue
        written = rng.choice(formats).format(number[:3], number[3:6], number[6:])
        text = f"The discharge letter quoted {written} in its header, so it was cut."
        assert_single(text, "nhs_number", written)
        checked += 1


def test_the_generated_numbers_with_a_wrong_check_digit_are_not_nhs_numbers():
    rng = random.Random(7)  # noqa: S311 (test data)
    for _ in range(200):
        number = with_check_digit(f"{rng.randrange(10**9):09d}")
        if number is None:
            continue
        wrong = number[:9] + str((int(number[9]) + 1) % 10)
        text = f"Reference {wrong[:3]} {wrong[3:6]} {wrong[6:]} in the letter."
        assert "nhs_number" not in kinds(text)


GROUPINGS = [(3, 3, 4), (10,), (4, 3, 3), (3, 4, 3), (2, 2, 2, 2, 2), (5, 5)]
SEPARATORS = [" ", "  ", "-", " - ", ".", "/", " / ", "\u2013"]
LABELS = ["", "NHS ", "NHS no: ", "NHS No. ", "NHS number ", "NHS Number: ", "nhs:"]


def written_as(number: str, grouping: tuple[int, ...], separator: str) -> str:
    groups, start = [], 0
    for size in grouping:
        groups.append(number[start : start + size])
        start += size
    return separator.join(groups)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.integers(0, 10**9 - 1),
    grouping=st.sampled_from(GROUPINGS),
    separator=st.sampled_from(SEPARATORS),
    label=st.sampled_from(LABELS),
    before=st.sampled_from(["", "The letter quoted ", "(", "Ref: "]),
    after=st.sampled_from(["", ".", ")", " in its header.", " 2nd copy"]),
)
def test_a_valid_nhs_number_is_found_however_it_is_written(
    prefix, grouping, separator, label, before, after
):
    number = with_check_digit(f"{prefix:09d}")
    assume(number is not None)
    written = written_as(number, grouping, separator)
    text = f"{before}{label}{written}{after}"
    assert_single(text, "nhs_number", written)
    # The same digits with a wrong check digit are no NHS number, written any way.
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    assert "nhs_number" not in kinds(
        f"{before}{label}{written_as(wrong, grouping, separator)}{after}"
    )


# --- Postcode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",
        "BH7 7DW",
        "bh77dw",
        "BH77DW",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
        "ec1a 1bb",
        "Ls1 4Ap",
        "GIR 0AA",
    ],
)
def test_postcode_found(postcode):
    assert_single(f"Lives at {postcode}, near the hospital.", "postcode", postcode)


@pytest.mark.parametrize(
    "text",
    [
        "BH7",  # outward code alone
        "Patients from BH7 and BH8",
        "SW1A",
        "J18.9 I10X N39.0",
        "C34.1",
        "K57.3 J04.2",
        "M54.5",
        "S72.0 W19",
        "I10X",
        "A000 I10X J189",
        "FD01A",  # HRG
        "HRG FZ91A and EB03H",
        "OPCS-4.11",
        "ICD-10",
        "Stage T2 N1 M0",
        "FY2 2nd rotation",
        "ST3 1st on call",
        "Q1 1AA",  # Q never starts a postcode
        "BH7 7CI",  # C and I never appear in the inward code
        "XBH7 7DW",  # not word-bounded
        "BH7 7DWX",
    ],
)
def test_not_a_postcode(text):
    assert "postcode" not in kinds(text)


# --- Date of birth ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 03/03/1950", "03/03/1950"),
        ("DOB: 3/3/1950", "3/3/1950"),
        ("dob:03-03-50", "03-03-50"),
        ("D.O.B. 03.03.1950", "03.03.1950"),
        ("Date of birth: 3 March 1950", "3 March 1950"),
        ("date of birth was 3rd Mar 1950", "3rd Mar 1950"),
        ("DOB 1950-03-03", "1950-03-03"),
        ("born 3 March 1950", "3 March 1950"),
        ("Born on 3rd March 1950 in Leeds", "3rd March 1950"),
        ("born on the 3rd of March 1950", "3rd of March 1950"),
        ("b. 3 Mar. 1950", "3 Mar. 1950"),
        ("(b. 03/03/1950)", "03/03/1950"),
        ("Birth date: March 3, 1950", "March 3, 1950"),
        ("DOB\n03/03/1950", "03/03/1950"),
        ("Patient (DOB 12-11-1938) admitted", "12-11-1938"),
    ],
)
def test_date_of_birth_found(text, date):
    assert_single(text, "date_of_birth", date)


@pytest.mark.parametrize(
    "text",
    [
        "Audit on 12/03/2025",
        "admitted 3 March 2024",
        "episode ending 2025-01-31",
        "the patient, aged 87, died on day 12",
        "aged 87",
        "born in 1950",  # a year alone is not a date
        "DOB withheld",
        "born prematurely at 32 weeks, delivered 3 March 2024",  # digits in between
        "Appendix b. Audit 12/03/2025",  # "b." must be right before the date
        "Date of birth was not recorded on the audit of 12/03/2025 across wards",
    ],
)
def test_not_a_date_of_birth(text):
    assert "date_of_birth" not in kinds(text)


def test_plain_dates_are_not_flagged_at_all():
    text = "Audit on 12/03/2025; admitted 3 March 2024; episode ending 2025-01-31."
    assert find_identifiers(text) == []


# --- Email ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe@nhs.net",
        "j.smith+clinic@example.co.uk",
        "patient_99@gmail.com",
        "A.N.Other@uhd.nhs.uk",
    ],
)
def test_email_found(email):
    assert_single(f"Contact: {email}.", "email", email)


@pytest.mark.parametrize(
    "text",
    ["user@localhost", "@nhs.net", "name at nhs dot net", "a@b", "x@y.1"],
)
def test_not_an_email(text):
    assert "email" not in kinds(text)


def test_email_wins_over_a_hospital_number_inside_it():
    assert found("Write to h1234567@nhs.net") == [("email", "h1234567@nhs.net")]


# --- Phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900123",
        "01202 123456",
        "(01202) 123456",
        "(01202)123456",
        "020 7946 0018",
        "(020) 7946 0018",
        "0161 496 0000",
        "0300 123 4567",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)1202 123456",
        "+44 20 7946 0018",
        "01687 12345",  # a ten-digit 01 number
    ],
)
def test_phone_found(phone):
    assert_single(f"Tel {phone} (mobile)", "phone", phone)


@pytest.mark.parametrize(
    "text",
    [
        "200 episodes",
        "92.4%",
        "1 April 2026",
        "2019-2024",
        "from 2019 to 2024",
        "J18.9 I10X N39.0",
        "K49.1 Y14.1 Z94.2",
        "(185/200)",
        "01/04/2026",
        "0.5 WTE",
        "0 to 10 pain score",
        "077009001234",  # twelve digits
        "1234 567890",
        "7700 900123",  # no leading 0
        "(01202 123456",  # unbalanced bracket
        "x07700900123",
    ],
)
def test_not_a_phone_number(text):
    assert "phone" not in kinds(text)


# --- Hospital number --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("Hospital number: 1234567", "1234567"),
        ("hospital no 123456X", "123456X"),
        ("Hospital No. A123456", "A123456"),
        ("hosp no. AB12345", "AB12345"),
        ("MRN 00123456", "00123456"),
        ("mrn:00123456", "00123456"),
        ("MRN# 99887", "99887"),
        ("PAS number: P123456", "P123456"),
        ("PAS no 55555", "55555"),
        ("Patient ID #RX12345", "RX12345"),
        ("patient identifier 12345", "12345"),
        ("Unit number 123-456", "123-456"),
        ("Unit No: 12345", "12345"),
        ("RTD number 1234567", "1234567"),
        ("RBD no. 98765", "98765"),
        ("case note number 4455667", "4455667"),
    ],
)
def test_hospital_number_after_a_cue(text, token):
    assert_single(text, "hospital_number", token)


@pytest.mark.parametrize("token", ["RBD1234567", "H1234567", "K0123456", "ab123456"])
def test_hospital_number_without_a_cue(token):
    assert_single(f"Seen under {token} last year.", "hospital_number", token)


@pytest.mark.parametrize(
    "text",
    [
        "MRN",
        "MRN 1234",  # too short
        "hospital number unknown",  # no digit
        "patient ID checks were done",
        "unit number 12 on the ward",
        "run number 12345",  # not a trust code
        "I10X",
        "J189",
        "K491",  # OPCS-4 stored form
        "A00.0",
        "E11.9",
        "FD01A",  # HRG
        "NCCQ",
        "DSPT",
        "ICD-10",
        "OPCS-4.11",
        "PSCM1",
        "DCS.IX.2",
        "PD4",
        "ABCD1234567",  # four letters
        "H12345",  # five digits
        "H123456789",  # nine digits
        "H1234567X",
    ],
)
def test_not_a_hospital_number(text):
    assert "hospital_number" not in kinds(text)


def test_cued_phone_number_is_reported_whole_as_a_phone_number():
    # The cue alone would take only "01202"; the phone pattern covers the lot.
    assert found("Hospital number: 01202 123456") == [("phone", "01202 123456")]


def test_cued_nhs_number_is_reported_as_an_nhs_number():
    assert found("Patient ID 943 476 5919") == [("nhs_number", "943 476 5919")]


# --- Mixed text and coding prose --------------------------------------------------


def test_several_identifiers_in_order():
    text = (
        "Mr X, DOB 03/03/1950, NHS 943 476 5919, of BH7 7DW, "
        "tel 07700 900123, email x.y@example.com, MRN 00123456, RBD1234567."
    )
    assert found(text) == [
        ("date_of_birth", "03/03/1950"),
        ("nhs_number", "943 476 5919"),
        ("postcode", "BH7 7DW"),
        ("phone", "07700 900123"),
        ("email", "x.y@example.com"),
        ("hospital_number", "00123456"),
        ("hospital_number", "RBD1234567"),
    ]


def test_findings_are_sorted_and_never_overlap():
    text = "07700900123 9434765919 h1234567@nhs.net DOB 1950-03-03 SW1A1AA"
    findings = find_identifiers(text)
    assert findings == sorted(findings, key=lambda f: f.start)
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start
    assert [f.kind for f in findings] == [
        "phone",
        "nhs_number",
        "email",
        "date_of_birth",
        "postcode",
    ]


CODING_PROSE = """\
Complex case (anonymised): an 87-year-old admitted via ED with an NSTEMI, coded
I21.4, with acute on chronic heart failure I50.0, type 2 diabetes E11.9, CKD stage 3
N18.3 and diverticular disease K57.3. Procedures: OPCS-4 K49.1 Y14.1 Z94.2, coded per
DCS.IX.2 and PSCM1 of the National Clinical Coding Standards. The patient, aged 87,
died on day 12 of the spell (mortality case), so every Charlson comorbidity mattered
for SHMI. The 2nd episode (FCE 2 of 3) moved to treatment function 300 General
Internal Medicine; HRG changed from EB10A to EB03H. Previous codes J18.9 I10X N39.0
and C34.1, M54.5, S72.0 W19 were checked against the case notes.

Audit summary: audit of 200 FCEs on 12/03/2025 across 6 specialties: primary diagnosis
92.4% (185/200), secondary diagnoses 88% (1,012/1,150), primary procedure 95.1%,
secondary procedures 90.2%. Errors: PD4 x3, SD3 x7. DSPT Standards Met (90%/85%).
Audits ran 2019-2024 at Level 2 (IG Toolkit 8-505); the next is due 01/04/2026.
OPCS-4.10 is used until 31 March 2026 and 4.11 from 1 April 2026, ICD-10 5th Edition
since 1 April 2016. I hold the NCCQ (ACC since 2018), attend the Standards Refresher
every 3 years and work 0.5 WTE as a Band 5 coder; FY2 2nd rotation queries answered
within 48 hours, 15 of 20 queries (75%) closed in 2 days. Contact the coding manager
through the department, not by phone.
"""


def test_coding_prose_raises_no_false_alarm():
    assert find_identifiers(CODING_PROSE) == []
    validate_no_identifiers(CODING_PROSE)


# --- describe_findings ------------------------------------------------------------


def test_describe_gives_the_documented_sentence():
    text = "First line\nNHS number: 943 476 5919"
    assert describe_findings(text, find_identifiers(text)) == [
        "This looks like an NHS number (line 2, characters 13 to 24). "
        "Remove it: patient-identifiable information must not be stored."
    ]


def test_describe_positions_across_lines_and_never_echoes_the_identifier():
    text = (
        "Case summary for audit.\n"
        "Seen at SW1A 1AA by the team.\n"
        "\n"
        "Mobile 07700 900123, DOB 3 March 1950, mail a.b@nhs.net\n"
        "MRN: X98765 and NHS 9434765919"
    )
    findings = find_identifiers(text)
    messages = describe_findings(text, findings)
    assert [f.kind for f in findings] == [
        "postcode",
        "phone",
        "date_of_birth",
        "email",
        "hospital_number",
        "nhs_number",
    ]
    positions = [re.search(r"\((line .*?)\)", m).group(1) for m in messages]
    assert positions == [
        "line 2, characters 9 to 16",
        "line 4, characters 8 to 19",
        "line 4, characters 26 to 37",
        "line 4, characters 45 to 55",
        "line 5, characters 6 to 11",
        "line 5, characters 21 to 30",
    ]
    for finding, message in zip(findings, messages, strict=True):
        identifier = text[finding.start : finding.end]
        assert identifier not in message
        assert identifier.replace(" ", "") not in message
        assert finding.label in message
        # The only numbers in a message are short line and character positions.
        assert not re.search(r"\d{3,}", message)
        assert "@" not in message
        # Each position, read back, points at the identifier.
        line, first, last = map(int, re.findall(r"\d+", message))
        row = text.split("\n")[line - 1]
        assert row[first - 1 : last] == identifier


def test_describe_a_finding_that_spans_lines():
    text = "ab\ncd"
    assert describe_findings(text, [Finding("email", 1, 4)]) == [
        "This looks like an email address (from line 1, character 2, to line 2, "
        "character 1). Remove it: patient-identifiable information must not be "
        "stored."
    ]


def test_describe_nothing():
    assert describe_findings("clean", []) == []


# --- validate_no_identifiers ------------------------------------------------------


@pytest.mark.parametrize("value", ["", None, "Coded I21.4 and K49.1 on 12/03/2025."])
def test_validator_passes_clean_values(value):
    assert validate_no_identifiers(value) is None


def test_validator_raises_one_message_per_finding():
    text = "NHS 943 476 5919\nDOB 03/03/1950 at BH7 7DW"
    with pytest.raises(ValidationError) as excinfo:
        validate_no_identifiers(text)
    errors = excinfo.value.error_list
    assert [e.code for e in errors] == ["pid", "pid", "pid"]
    assert [e.message for e in errors] == describe_findings(
        text, find_identifiers(text)
    )
    assert excinfo.value.messages[0].startswith("This looks like an NHS number")
    assert not any("5919" in m or "BH7" in m for m in excinfo.value.messages)


def test_validator_ignores_an_invalid_nhs_number():
    validate_no_identifiers("NHS 943 476 5918")


# --- quoted -------------------------------------------------------------------------


def test_quoted_repeats_a_short_harmless_value():
    assert quoted("poetry") == '"poetry"'


@pytest.mark.parametrize("value", ["943 476 5919", "j.bloggs@nhs.net", "x" * 41])
def test_quoted_never_repeats_a_long_value_or_an_identifier(value):
    assert quoted(value) == "the value given"
