"""ICD-10 and OPCS-4 code checks: forms, reference look-ups, lists, form fields."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from portfolio.codes import (
    ICD10CodesField,
    OPCS4CodesField,
    display_icd10,
    display_opcs4,
    icd10_is_known,
    normalise_icd10,
    normalise_opcs4,
    parse_icd10_list,
    parse_opcs4_list,
    unknown_icd10,
)


def messages_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return excinfo.value.messages


# --- ICD-10: one display form, one stored form --------------------------------

ICD10_FORMS = [
    # (display, stored)
    pytest.param("I10", "I10X", id="3-char-with-X-filler"),
    pytest.param("A00.0", "A000", id="4-char"),
    pytest.param("M00.05", "M0005", id="5-char"),
    pytest.param("A17.0†", "A170-D", id="4-char-dagger"),
    pytest.param("G01*", "G01X-A", id="3-char-asterisk"),
    pytest.param("M01.05*", "M0105A", id="5-char-asterisk"),
    pytest.param("A18.01†", "A1801D", id="5-char-dagger"),
]


@pytest.mark.parametrize(("display", "stored"), ICD10_FORMS)
def test_icd10_display_form_normalises_to_stored_form(display, stored):
    assert normalise_icd10(display) == stored


@pytest.mark.parametrize(("display", "stored"), ICD10_FORMS)
def test_icd10_stored_form_is_already_canonical(display, stored):
    assert normalise_icd10(stored) == stored


@pytest.mark.parametrize(("display", "stored"), ICD10_FORMS)
def test_icd10_stored_form_displays_as_written(display, stored):
    assert display_icd10(stored) == display
    assert display_icd10(display) == display


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (" a00.0 ", "A000"),
        ("i10", "I10X"),
        ("i10x", "I10X"),
        ("\tg01*\n", "G01X-A"),
        ("a170-d", "A170-D"),
        ("  j18.9", "J189"),
        ("m0005a ", "M0005A"),
    ],
)
def test_icd10_accepts_lower_case_and_surrounding_spaces(written, stored):
    assert normalise_icd10(written) == stored


def test_icd10_accepts_plus_for_a_dagger():
    assert normalise_icd10("A17.0+") == "A170-D"


@pytest.mark.parametrize(
    ("written", "stored"),
    [("A170-", "A170"), ("I10X-", "I10X")],
)
def test_icd10_placeholder_dash_without_marker_is_dropped(written, stored):
    assert normalise_icd10(written) == stored


def test_icd10_error_message_names_the_code_and_shows_the_right_form():
    with pytest.raises(ValidationError) as excinfo:
        normalise_icd10("J18,9")
    assert excinfo.value.code == "icd10_format"
    assert messages_of(excinfo) == [
        '"J18,9" is not an ICD-10 code: write it like J18.9 or J189.'
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "J18,9",
        "18.9",
        "J1",
        "JJ18",
        "A00.000",
        "J18.",
        "J18 9",
        "I10X5",  # the X filler cannot take a 5th digit
        "A170D",  # a marker needs the 5th place, "-" if nothing else
        "A17.0†*",
        "A17.0D",
        "",
    ],
)
def test_icd10_malformed_codes_are_rejected_by_name(bad):
    with pytest.raises(ValidationError) as excinfo:
        normalise_icd10(bad)
    assert excinfo.value.code == "icd10_format"
    [message] = messages_of(excinfo)
    assert message.startswith(f'"{bad.strip()}" is not an ICD-10 code')


def test_icd10_error_names_the_code_as_typed_without_spaces():
    with pytest.raises(ValidationError) as excinfo:
        normalise_icd10("  j18,9 ")
    assert messages_of(excinfo)[0].startswith('"j18,9" is not')


def test_display_icd10_rejects_a_malformed_stored_code():
    with pytest.raises(ValidationError):
        display_icd10("JJ18")


# --- ICD-10: known to the WHO 2019 reference list ------------------------------


@pytest.mark.parametrize(
    "code",
    ["I10", "I10X", "J18.9", "J189", "E11.9", "C34.1", "U07.1", "A17.0†", "G01*"],
)
def test_known_icd10_codes(code):
    assert icd10_is_known(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "J19.9",  # well formed, but there is no category J19
        "J199",
        "J18",  # J18 needs a 4th character
        "U07",  # U07 is subdivided in WHO 2019
        "E11",  # E11 is subdivided
    ],
)
def test_unknown_but_well_formed_icd10_codes(code):
    normalise_icd10(code)  # well formed: no error
    assert icd10_is_known(code) is False


@pytest.mark.parametrize("code", ["W19.0", "W190", "W01.9", "X85.4", "Y34.9", "W19"])
def test_an_external_cause_takes_a_place_of_occurrence(code):
    # W00-Y34 take a 4th character for the place (W19.0: a fall at home); the WHO
    # list keeps that table apart from its codes.
    assert icd10_is_known(code) is True


@pytest.mark.parametrize("code", ["X59.5", "Y06.5", "Y35.9", "V01.5"])
def test_a_place_of_occurrence_does_not_stretch_to_subdivided_or_other_codes(code):
    # X59 and Y06 have subdivisions of their own; Y35 and V01 lie outside W00-Y34.
    assert icd10_is_known(code) is False


def test_five_character_code_is_judged_by_its_four_character_stem():
    # The WHO list has no 5th characters; the NHS 5th Edition uses them.
    assert icd10_is_known("M00.05") is True
    assert icd10_is_known("J19.95") is False


def test_malformed_code_is_not_known():
    assert icd10_is_known("J18,9") is False


def test_unknown_icd10_keeps_the_order_given():
    assert unknown_icd10(["J199", "I10X", "J18X", "E119"]) == ["J199", "J18X"]


# --- OPCS-4 -----------------------------------------------------------------------

OPCS4_FORMS = [
    pytest.param("J04.2", "J042", id="J04.2"),
    pytest.param("K49.1", "K491", id="K49.1"),
    pytest.param("Y14.1", "Y141", id="chapter-Y"),
    pytest.param("Z94.1", "Z941", id="chapter-Z"),
    pytest.param("A01.1", "A011", id="chapter-A"),
    pytest.param("H01.1", "H011", id="chapter-H"),
]


@pytest.mark.parametrize(("display", "stored"), OPCS4_FORMS)
def test_opcs4_round_trip(display, stored):
    assert normalise_opcs4(display) == stored
    assert normalise_opcs4(stored) == stored
    assert display_opcs4(stored) == display
    assert display_opcs4(display) == display


@pytest.mark.parametrize("written", ["j04.2", " J042 ", "\nj042\t"])
def test_opcs4_accepts_lower_case_and_surrounding_spaces(written):
    assert normalise_opcs4(written) == "J042"


@pytest.mark.parametrize(
    "bad", ["J04.22", "J04", "J4.2", "JO4.2", "1042", "J04,2", "JJ04.2", ""]
)
def test_opcs4_malformed_codes_are_rejected_by_name(bad):
    with pytest.raises(ValidationError) as excinfo:
        normalise_opcs4(bad)
    assert excinfo.value.code == "opcs4_format"
    assert messages_of(excinfo) == [
        f'"{bad}" is not an OPCS-4 code: write it like J04.2 or J042.'
    ]


@pytest.mark.parametrize("bad", ["I04.2", "i042", "I04.22"])
def test_opcs4_codes_in_chapter_i_are_rejected_saying_why(bad):
    with pytest.raises(ValidationError) as excinfo:
        normalise_opcs4(bad)
    assert excinfo.value.code == "opcs4_format"
    [message] = messages_of(excinfo)
    assert message.startswith(f'"{bad}" is not an OPCS-4 code')
    assert "no chapter I" in message


# --- Lists --------------------------------------------------------------------------


def test_icd10_list_with_mixed_separators():
    text = "I21.4, e11.9;J189\nI10  A17.0†\t,; G01*\r\n"
    assert parse_icd10_list(text) == [
        "I214",
        "E119",
        "J189",
        "I10X",
        "A170-D",
        "G01X-A",
    ]


def test_icd10_list_removes_duplicates_in_either_form():
    assert parse_icd10_list("J18.9, J189 j18.9; I10 I10X, E11.9") == [
        "J189",
        "I10X",
        "E119",
    ]


def test_unknown_icd10_codes_are_kept_and_can_be_listed():
    codes = parse_icd10_list("J18.9, J19.9, J18, I10")
    assert codes == ["J189", "J199", "J18X", "I10X"]
    assert unknown_icd10(codes) == ["J199", "J18X"]


@pytest.mark.parametrize("text", ["", "   ", " ,; \n"])
def test_empty_icd10_list(text):
    assert parse_icd10_list(text) == []


def test_icd10_list_collects_every_malformed_code():
    with pytest.raises(ValidationError) as excinfo:
        parse_icd10_list("18.9, I10 J1; JJ18\nA00.000 J18.9 J1")
    assert messages_of(excinfo) == [
        '"18.9" is not an ICD-10 code: write it like J18.9 or J189.',
        '"J1" is not an ICD-10 code: write it like J18.9 or J189.',
        '"JJ18" is not an ICD-10 code: write it like J18.9 or J189.',
        '"A00.000" is not an ICD-10 code: write it like J18.9 or J189.',
    ]
    assert {error.code for error in excinfo.value.error_list} == {"icd10_format"}


def test_opcs4_list_with_mixed_separators_and_duplicates():
    text = "K49.1, y14.1;K491\nJ04.2\tY141 ,"
    assert parse_opcs4_list(text) == ["K491", "Y141", "J042"]


def test_empty_opcs4_list():
    assert parse_opcs4_list(" \n ") == []


def test_opcs4_list_collects_every_malformed_code():
    with pytest.raises(ValidationError) as excinfo:
        parse_opcs4_list("K49.1 I04.2, J04.22; K49.1")
    assert messages_of(excinfo) == [
        '"I04.2" is not an OPCS-4 code: OPCS-4 has no chapter I'
        " (write codes like J04.2 or J042).",
        '"J04.22" is not an OPCS-4 code: write it like J04.2 or J042.',
    ]


# --- Form fields --------------------------------------------------------------------


class CodingForm(forms.Form):
    diagnoses = ICD10CodesField(required=False)
    procedures = OPCS4CodesField(required=False)


class RequiredCodingForm(forms.Form):
    diagnoses = ICD10CodesField()
    procedures = OPCS4CodesField()


def test_form_cleans_codes_to_stored_lists():
    form = CodingForm(
        data={"diagnoses": "i21.4, E11.9 I21.4; J19.9", "procedures": "k49.1 Y14.1"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "diagnoses": ["I214", "E119", "J199"],
        "procedures": ["K491", "Y141"],
    }
    # Unknown codes do not stop the form: it warns with unknown_icd10.
    assert unknown_icd10(form.cleaned_data["diagnoses"]) == ["J199"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_optional_fields_clean_empty_input_to_empty_lists(blank):
    form = CodingForm(data={"diagnoses": blank, "procedures": blank})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"diagnoses": [], "procedures": []}


def test_optional_fields_clean_missing_input_to_empty_lists():
    form = CodingForm(data={})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"diagnoses": [], "procedures": []}


def test_required_fields_reject_empty_input():
    form = RequiredCodingForm(data={"diagnoses": " ", "procedures": ""})
    assert not form.is_valid()
    assert form.errors == {
        "diagnoses": ["This field is required."],
        "procedures": ["This field is required."],
    }


def test_form_shows_every_malformed_code():
    form = CodingForm(data={"diagnoses": "J18.9 18.9 JJ18", "procedures": "I04.2"})
    assert not form.is_valid()
    assert form.errors["diagnoses"] == [
        '"18.9" is not an ICD-10 code: write it like J18.9 or J189.',
        '"JJ18" is not an ICD-10 code: write it like J18.9 or J189.',
    ]
    assert form.errors["procedures"] == [
        '"I04.2" is not an OPCS-4 code: OPCS-4 has no chapter I'
        " (write codes like J04.2 or J042).",
    ]
    # The page shows back what was typed, for the user to correct.
    assert 'value="J18.9 18.9 JJ18"' in str(form["diagnoses"])


def test_prepare_value_shows_stored_lists_in_display_form():
    assert ICD10CodesField().prepare_value(["I214", "E119"]) == "I21.4, E11.9"
    assert ICD10CodesField().prepare_value(["I10X", "A170-D"]) == "I10, A17.0†"
    assert OPCS4CodesField().prepare_value(["K491", "Y141"]) == "K49.1, Y14.1"
    assert ICD10CodesField().prepare_value([]) == ""
    assert ICD10CodesField().prepare_value("i21.4 typed") == "i21.4 typed"


def test_prepare_value_shows_a_malformed_stored_code_as_it_is():
    assert ICD10CodesField().prepare_value(["I214", "bad"]) == "I21.4, bad"


def test_edit_form_shows_stored_codes_in_display_form():
    form = CodingForm(initial={"diagnoses": ["I214", "E119"], "procedures": ["K491"]})
    assert 'value="I21.4, E11.9"' in str(form["diagnoses"])
    assert 'value="K49.1"' in str(form["procedures"])


def test_fields_have_help_text_with_an_example():
    assert ICD10CodesField().help_text == (
        "Separate codes with commas or spaces, e.g. I21.4, E11.9"
    )
    assert OPCS4CodesField().help_text == (
        "Separate codes with commas or spaces, e.g. K49.1, Y14.1"
    )
    assert ICD10CodesField(help_text="Diagnoses").help_text == "Diagnoses"


def test_fields_turn_off_spellcheck():
    html = str(CodingForm()["diagnoses"])
    assert 'spellcheck="false"' in html
    assert 'autocapitalize="characters"' in html


@pytest.mark.parametrize(
    ("initial", "data", "changed"),
    [
        (["I214", "E119"], "i21.4, E11.9", False),
        (["I214", "E119"], "I21.4;E119 I21.4", False),
        (["I214", "E119"], "E11.9, I21.4", True),
        (["I214"], "I21.4, E11.9", True),
        (None, "", False),
        ([], " ", False),
        (["I214"], "JJ18", True),
    ],
)
def test_icd10_field_has_changed_compares_codes_not_text(initial, data, changed):
    assert ICD10CodesField().has_changed(initial, data) is changed
