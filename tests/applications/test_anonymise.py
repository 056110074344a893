"""The anonymised snapshot names no one: every form of the candidate's name, their
e-mail address and their employers are scrubbed from every text field."""

import copy
import json
import re
from pathlib import Path

import pytest

from applications.anonymise import EMPLOYER_PLACEHOLDER, PLACEHOLDER, anonymise

SAMPLE = Path(__file__).parent / "data" / "sample_snapshot.json"
NAME = "Casey Morgan"
EMAIL = "c.morgan85@example.nhs.uk"
EMPLOYERS = [
    "Dorset County Hospital NHS Foundation Trust",
    "Royal Bournemouth Hospital",
    "Poole Hospital NHS Foundation Trust",
]

# How the candidate and their employers get written, in prose, file names, user
# names and signatures. Each must be found and removed wherever it is.
VARIANTS = [
    "Casey",
    "Morgan",
    "CASEY",
    "morgan",
    "Casey Morgan",
    "casey morgan",
    "CASEY MORGAN",
    "Casey  Morgan",
    "Casey\nMorgan",
    "Casey.Morgan",
    "casey_morgan",
    "casey-morgan",
    "CaseyMorgan",
    "caseymorgan",
    "C Morgan",
    "C. Morgan",
    "C.Morgan",
    "c_morgan",
    "c-morgan",
    "CMorgan",
    "MorganC",
    "Morgan C",
    "morgan.c",
    "MORGAN_C",
    "Morgan Casey",
    "morgan_casey",
    "Morgan, Casey",
    "Morgan, C.",
    "CaseyM",
    "Casey M.",
    EMAIL,
    EMAIL.upper(),
    "c.morgan85",
    "Dorset County Hospital NHS Foundation Trust",
    "dorset county hospital",
    "DORSET COUNTY HOSPITAL NHS FOUNDATION TRUST",
    "Royal Bournemouth Hospital",
    "royal bournemouth hospital",
    "Poole Hospital",
]


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def named(sample: dict) -> dict:
    data = copy.deepcopy(sample)
    data["candidate"] = {"name": NAME, "email": EMAIL, "candidate_number": "C123456"}
    for post, employer in zip(data["employment"], EMPLOYERS, strict=True):
        post["employer"] = employer
    return data


def with_variant(sample: dict, variant: str) -> dict:
    """The variant written in every kind of text field the snapshot has."""
    data = named(sample)
    item = data["evidence"][3]
    data["criteria"][0]["statement"] = f"Signed off by {variant} (team lead)."
    item["summary"] = f"Notes by {variant}."
    item["details"].append(["Reviewer", f"{variant}, then the auditor"])
    item["attachments"][0]["name"] = f"{variant}_certificate.pdf"
    data["evidence"][0]["title"] = f"Validation led by {variant}"
    data["metrics"]["trend"][0]["title"] = f"Audit of {variant}"
    data["employment"][1]["role"] = f"Coder ({variant})"
    data["route_check"]["reasons"].append(f"Reference from {variant}")
    return data


def found(text: str, variant: str) -> bool:
    """Whether the variant is in the text, in any case, with any spacing."""
    parts = [re.escape(part) for part in variant.split()]
    return re.search(r"\s+".join(parts), text, re.I) is not None


def test_the_corpus_has_at_least_thirty_variants():
    assert len(set(VARIANTS)) == len(VARIANTS) >= 30


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_is_found_and_removed_from_every_text_field(sample, variant):
    data = with_variant(sample, variant)
    assert found(canonical(data), variant)

    result = anonymise(data)

    assert not found(canonical(result), variant)
    # Found, not just deleted: a placeholder is where it was, the rest is kept.
    assert re.fullmatch(
        r"Signed off by (\[candidate\]|\[employer\])\.? \(team lead\)\.",
        result["criteria"][0]["statement"],
    )
    name = result["evidence"][3]["attachments"][0]["name"]
    assert re.fullmatch(r"(\[candidate\]|\[employer\])\.?_certificate\.pdf", name)
    assert result["metrics"]["trend"][0]["title"].startswith("Audit of [")


def test_the_corpus_all_at_once_leaves_nothing(sample):
    data = named(sample)
    data["evidence"][0]["summary"] = " / ".join(VARIANTS)
    text = canonical(anonymise(data))
    for variant in VARIANTS:
        assert not found(text, variant), variant


def test_words_that_only_contain_a_name_are_kept(sample):
    data = named(sample)
    data["evidence"][0]["summary"] = (
        "Morgana and Caseyville are other words; so are Morganite and CMorgans."
    )
    result = anonymise(data)
    assert result["evidence"][0]["summary"] == data["evidence"][0]["summary"]


def test_employers_are_withheld_from_the_employment_history(sample):
    result = anonymise(named(sample))
    assert [post["employer"] for post in result["employment"]] == [
        EMPLOYER_PLACEHOLDER
    ] * 3
    assert [post["role"] for post in result["employment"]] == [
        post["role"] for post in sample["employment"]
    ]
    assert result["employment"][0]["start"] == sample["employment"][0]["start"]


def test_the_vacancy_keeps_its_organisation_even_when_it_is_an_employer(sample):
    data = named(sample)
    organisation = data["vacancy"]["organisation"]
    data["employment"][0]["employer"] = organisation
    data["criteria"][0]["statement"] = f"I work at {organisation} now."
    result = anonymise(data)
    assert result["vacancy"]["organisation"] == organisation
    assert result["specification"] == data["specification"]
    assert result["criteria"][0]["statement"] == "I work at [employer] now."


def test_anonymise_leaves_the_original_unchanged(sample):
    data = with_variant(sample, "Casey Morgan")
    before = copy.deepcopy(data)
    anonymise(data)
    assert data == before


def test_only_the_candidate_number_is_left_of_the_candidate(sample):
    result = anonymise(named(sample))
    assert result["candidate"] == {"candidate_number": "C123456"}


def test_name_parts_that_are_words_of_the_job_are_spared(sample):
    """ "Coder" is the surname but also the job: "Senior Clinical Coder" stays."""
    data = copy.deepcopy(sample)
    data["criteria"][0]["statement"] = "I (Casey Coder) validated it; casey coder too."
    result = anonymise(data)
    assert result["vacancy"]["title"] == "Senior Clinical Coder"
    assert result["route_label"] == data["route_label"]
    assert result["criteria"][0]["statement"] == (
        f"I ({PLACEHOLDER}) validated it; {PLACEHOLDER} too."
    )
    assert "casey" not in canonical(result).lower()


def test_hyphenated_and_short_names_are_scrubbed_as_whole_words(sample):
    data = copy.deepcopy(sample)
    data["candidate"] = {
        "name": "Jo Smith-Jones",
        "email": "jo@example.nhs.uk",
        "candidate_number": "C100001",
    }
    data["evidence"][0]["summary"] = (
        "Smith-Jones and JO reviewed it; Smithfield and Joanne did not."
    )
    data["evidence"][1]["summary"] = "Mrs Jones agreed; mail jo@example.nhs.uk."
    data["evidence"][2]["summary"] = "Filed as smith_jones_j.pdf by J Smith-Jones."
    result = anonymise(data)
    assert result["evidence"][0]["summary"] == (
        "[candidate] and [candidate] reviewed it; Smithfield and Joanne did not."
    )
    assert result["evidence"][1]["summary"] == (
        "Mrs [candidate] agreed; mail [candidate]."
    )
    assert result["evidence"][2]["summary"] == (
        "Filed as [candidate].pdf by [candidate]."
    )


def test_without_a_candidate_number_a_stable_one_that_no_guess_reproduces(sample):
    data = named(sample)
    del data["candidate"]["candidate_number"]
    first = anonymise(data)["candidate"]["candidate_number"]
    assert re.fullmatch(r"C\d{6}", first)
    assert anonymise(data)["candidate"]["candidate_number"] == first
    # It comes from the scrubbed content alone: another name gives the same one.
    data["candidate"]["name"] = "Alex Jordan"
    data["candidate"]["email"] = "alex.jordan@example.nhs.uk"
    assert anonymise(data)["candidate"]["candidate_number"] == first


def test_a_version_2_snapshot_without_employment_still_anonymises(sample):
    data = named(sample)
    del data["employment"]
    result = anonymise(data)
    assert "employment" not in result
    assert "morgan" not in canonical(result).lower()
