"""How labels read inside a sentence: lower-cased, acronyms kept."""

import pytest

from portfolio.formats import mid_sentence
from portfolio.models import Evidence


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("CPD activity", "CPD activity"),
        ("Accuracy audit", "accuracy audit"),
        ("Episodes (FCEs) audited", "episodes (FCEs) audited"),
        ("ICD-10 codes assigned", "ICD-10 codes assigned"),
        ("OPCS-4 codes assigned", "OPCS-4 codes assigned"),
        (
            "Multidisciplinary team (MDT) meetings",
            "multidisciplinary team (MDT) meetings",
        ),
        ("E-learning", "e-learning"),
        ("", ""),
    ],
)
def test_mid_sentence_lowers_words_and_keeps_acronyms(label, expected):
    assert mid_sentence(label) == expected


def test_every_kind_reads_well_inside_a_sentence():
    assert [mid_sentence(label) for _, label in Evidence.Kind.choices] == [
        "accuracy audit",
        "specialty experience",
        "complex case",
        "contribution",
        "CPD activity",
        "qualification",
        "clinical query",
        "productivity",
    ]
