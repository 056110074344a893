"""Person specifications as JSON: the seeded UHD spec, export, import and versions."""

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import specifications
from specifications.models import Criterion, PersonSpecification
from specifications.rules import clean_rule
from specifications.specs import (
    FORMAT,
    SpecImportError,
    copy_to_new_version,
    dumps,
    import_spec,
    loads,
    spec_to_dict,
)

UHD_SLUG = "uhd-senior-clinical-coder-v1"
UHD_NAME = "University Hospitals Dorset NHS Foundation Trust"

# The listing's "Person Specification", as written in
# /work/shared/reference/job-listing-uhd-senior-clinical-coder.md.
LISTING_CRITERIA = [
    (
        "skills",
        "essential",
        "Ability to validate coded data for completeness and accuracy",
    ),
    (
        "skills",
        "essential",
        "Competent use of clinical record systems (e.g., EPR, PAS, electronic "
        "document management systems) to review records and update coding or "
        "administrative data",
    ),
    (
        "knowledge",
        "essential",
        "National Clinical Coding Standards and NHS Digital classification updates",
    ),
    (
        "knowledge",
        "essential",
        "Confidentiality, Information Governance, Data Protection, and Caldicott "
        "principles",
    ),
    (
        "knowledge",
        "desirable",
        "Understanding of Clinical Documentation Improvement (CDI) principles",
    ),
    (
        "experience",
        "essential",
        # The listing's own apostrophe and dash.
        "A minimum of 3 years’ coding experience – (used as a baseline "  # noqa: RUF001
        "indicator of "
        "sustained exposure only not a stand-alone qualifying metric).",
    ),
    (
        "experience",
        "essential",
        "Proven experience resolving clinical queries and clarifying complex or "
        "ambiguous documentation",
    ),
    (
        "experience",
        "essential",
        "Sustained coding accuracy of ≥90% across all specialties",
    ),
    (
        "experience",
        "essential",
        "Evidence of meeting productivity, timeliness, and service KPIs",
    ),
    (
        "experience",
        "essential",
        "Extensive clinical coding experience across a wide range of specialties in "
        "an acute NHS environment, with demonstrable ability to code complex case "
        "types.",
    ),
    (
        "experience",
        "desirable",
        "Experience coding mortality cases or other high-complexity, high-impact "
        "specialties.",
    ),
    (
        "experience",
        "desirable",
        "Familiarity with multi-site, cross-specialty coding rotation models.",
    ),
    ("qualifications", "essential", "CCQ Clinical Coding Qualification (ACC status)"),
    (
        "qualifications",
        "essential",
        "Evidence of equivalent competency portfolio route or Evidence of continued "
        "professional development in clinical coding",
    ),
    ("qualifications", "desirable", "Coding audit or mentorship training"),
]

# The listing's portfolio route: "Demonstrable, well-evidenced coding portfolio
# showing: ...".
PORTFOLIO_ROUTE = [
    "Sustained coding accuracy (typically ≥90%)",
    "Breadth of specialty experience",
    "Strong clinical knowledge and interpretation skills",
    "Evidence of complex case handling",
    "Contribution to mentoring, audit, or service improvement",
    "Sound professional judgement in coding decisions",
]


def export(slug: str = UHD_SLUG) -> dict:
    out = io.StringIO()
    call_command("export_spec", slug, stdout=out)
    return json.loads(out.getvalue())


def uhd_spec() -> PersonSpecification:
    return PersonSpecification.objects.get(slug=UHD_SLUG)


def criteria_of(spec: PersonSpecification) -> list[tuple]:
    """Each criterion as a coder sees it, with its rule as it is evaluated."""
    return [
        (
            c.category,
            c.requirement,
            c.route,
            c.text,
            c.order,
            c.rule_kind,
            clean_rule(c.rule_kind, c.rule_params) if c.rule_kind else None,
        )
        for c in spec.criteria.all()
    ]


def small_spec_data(organisation_name: str, **overrides) -> dict:
    data = {
        "format": FORMAT,
        "title": "Clinical Coder",
        "organisation": organisation_name,
        "band": "Band 3",
        "version": 1,
        "source": "Trust A job listing",
        "criteria": [
            {
                "category": "experience",
                "requirement": "essential",
                "text": "Two years of coding experience",
                "order": 1,
                "rule": {"kind": "experience_years", "years": 2},
            },
            {
                "category": "skills",
                "requirement": "desirable",
                "text": "Mentors new coders",
                "order": 2,
                "rule": None,
                "route": "portfolio",
            },
        ],
    }
    data.update(overrides)
    return data


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(data if isinstance(data, str) else dumps(data), encoding="utf-8")
    return path


# --- the seeded UHD spec, exported ------------------------------------------------


def test_seeded_uhd_spec_lists_the_listings_person_specification(db):
    data = export()

    listed = [
        (c["category"], c["requirement"], c["text"])
        for c in data["criteria"]
        if c.get("route") != "portfolio"
    ]
    assert listed == LISTING_CRITERIA
    assert data["organisation"] == UHD_NAME
    assert data["band"] == "Band 4"
    assert data["version"] == 1
    assert data["slug"] == UHD_SLUG
    assert data["format"] == FORMAT
    assert data["format_version"] == 2


def test_seeded_uhd_spec_gives_the_acc_qualification_to_the_acc_route_only(db):
    data = export()

    acc = [c for c in data["criteria"] if c.get("route") == "acc"]

    assert [c["text"] for c in acc] == [
        "CCQ Clinical Coding Qualification (ACC status)"
    ]
    assert acc[0]["rule"] == {"kind": "holds_acc"}


def test_seeded_uhd_spec_has_the_six_portfolio_route_requirements(db):
    data = export()

    route = [c for c in data["criteria"] if c.get("route") == "portfolio"]

    assert [c["text"] for c in route] == PORTFOLIO_ROUTE
    assert {c["requirement"] for c in route} == {"essential"}
    assert len(data["criteria"]) == 21


def test_seeded_uhd_spec_carries_the_accuracy_and_experience_rules(db):
    rules = {c["text"]: c["rule"] for c in export()["criteria"]}

    for text in [
        "Sustained coding accuracy of ≥90% across all specialties",
        "Sustained coding accuracy (typically ≥90%)",
    ]:
        assert rules[text]["kind"] == "accuracy"
        assert rules[text]["threshold"] == 90
    experience = rules[LISTING_CRITERIA[5][2]]
    assert experience == {"kind": "experience_years", "years": 3}
    assert rules["CCQ Clinical Coding Qualification (ACC status)"] == {
        "kind": "holds_acc"
    }


# --- export_spec ------------------------------------------------------------------


def test_export_spec_without_a_slug_lists_the_slugs(trust_a):
    import_spec(small_spec_data(trust_a.name, slug="trust-a-coder"))
    out = io.StringIO()

    call_command("export_spec", stdout=out)

    lines = out.getvalue().splitlines()
    assert (
        f"{UHD_SLUG}\t{UHD_NAME}: Senior Clinical Coder / Clinical Coder "
        "(ACC/Non-ACC) (version 1)"
    ) in lines
    assert (
        "trust-a-coder\tTrust A NHS Foundation Trust: Clinical Coder (version 1)"
        in (lines)
    )
    assert len(lines) == 2


def test_export_spec_with_an_unknown_slug_names_it(db):
    with pytest.raises(CommandError, match="No specification has the slug 'no-such'"):
        call_command("export_spec", "no-such", stdout=io.StringIO())


# --- import_spec command ----------------------------------------------------------


def test_import_spec_round_trips_a_file_as_a_new_version(db, tmp_path):
    data = export()
    data["version"] = 2
    out = io.StringIO()

    call_command("import_spec", str(write(tmp_path, data)), stdout=out)

    original = uhd_spec()
    imported = PersonSpecification.objects.get(title=original.title, version=2)
    assert imported.pk != original.pk
    assert imported.slug != original.slug
    assert imported.organisation == original.organisation
    assert (imported.band, imported.source) == (original.band, original.source)
    assert criteria_of(imported) == criteria_of(original)
    assert out.getvalue().strip() == (
        f"Imported {imported} for {UHD_NAME} as {imported.slug}, with 21 criteria."
    )


def test_import_spec_for_another_organisation(trust_b, tmp_path):
    path = write(tmp_path, export())

    call_command(
        "import_spec", str(path), organisation=trust_b.name, stdout=io.StringIO()
    )

    adopted = PersonSpecification.objects.get(organisation=trust_b)
    assert adopted.version == 1
    assert adopted.title == uhd_spec().title
    assert criteria_of(adopted) == criteria_of(uhd_spec())


def test_import_spec_refuses_an_unknown_organisation_override(db, tmp_path):
    path = write(tmp_path, export())
    before = PersonSpecification.objects.count()

    with pytest.raises(CommandError, match="No organisation is called 'Trust Z'"):
        call_command("import_spec", str(path), organisation="Trust Z")

    assert PersonSpecification.objects.count() == before


def test_import_spec_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json"):
        call_command("import_spec", str(tmp_path / "missing.json"))


def criterion_change(number: int, **changes) -> Callable[[dict], None]:
    """Change criterion `number` (1-based); a value of ... removes the key."""

    def change(data: dict) -> None:
        raw = data["criteria"][number - 1]
        for key, value in changes.items():
            if value is ...:
                raw.pop(key)
            else:
                raw[key] = value

    return change


def top_level(**changes) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key, value in changes.items():
            if value is ...:
                data.pop(key)
            else:
                data[key] = value

    return change


MALFORMED = {
    "not JSON": ("{not json", "The file is not valid JSON"),
    "JSON nested too deep to read": (
        "[" * 200_000 + "]" * 200_000,
        "The file is not valid JSON",
    ),
    "a list": ("[]", "The file must hold one JSON object, the specification."),
    "a wrong format": (
        top_level(format="coderfolio-portfolio"),
        "This is not a person specification file (format 'coderfolio-portfolio').",
    ),
    "no criteria": (top_level(criteria=...), "The specification lacks criteria."),
    "empty criteria": (
        top_level(criteria=[]),
        "The specification must have a non-empty list of criteria.",
    ),
    "criteria not a list": (
        top_level(criteria={"text": "x"}),
        "The specification must have a non-empty list of criteria.",
    ),
    "a version that is not a number": (
        top_level(version="2"),
        "The specification's version must be a whole number from 1 to 9,999.",
    ),
    "a blank title": (
        top_level(title="  "),
        "The specification: 'title' must be a non-empty string.",
    ),
    "an unknown organisation": (
        top_level(organisation="Trust Z"),
        'No organisation is called "Trust Z"',
    ),
    "a criterion that is not an object": (
        top_level(criteria=["Mentors new coders"]),
        "Criterion 1 must be an object.",
    ),
    "a bad category": (
        criterion_change(1, category="hobbies"),
        "Criterion 1: category 'hobbies' is not one of 'skills', 'knowledge', "
        "'experience', 'qualifications'.",
    ),
    "a bad requirement": (
        criterion_change(2, requirement="optional"),
        "Criterion 2: requirement 'optional' is not one of 'essential', 'desirable'.",
    ),
    "an ACC route in a file of format version 1": (
        criterion_change(2, route="acc"),
        "Criterion 2: route 'acc' is not one of 'portfolio'.",
    ),
    "a bad route": (
        lambda data: (
            top_level(format_version=2)(data),
            criterion_change(2, route="anywhere")(data),
        ),
        "Criterion 2: route 'anywhere' is not one of 'acc', 'portfolio'.",
    ),
    "a format version from the future": (
        top_level(format_version=3),
        "The file's format_version 3 is not one this app reads: use 1 or 2.",
    ),
    "a format version that is not a number": (
        top_level(format_version="2"),
        "The file's format_version '2' is not one this app reads: use 1 or 2.",
    ),
    "a format version of true": (
        top_level(format_version=True),
        "The file's format_version True is not one this app reads",
    ),
    "alternatives with a bad rule among them": (
        criterion_change(
            1, rule={"kind": "any_of", "rules": [{"kind": "holds_acc", "x": 1}]}
        ),
        "Criterion 1, rule: Rule 'any_of', rule 1: Rule 'holds_acc' does not take x",
    ),
    "a missing text": (criterion_change(1, text=...), "Criterion 1 lacks text."),
    "a blank text": (
        criterion_change(1, text="   "),
        "Criterion 1: 'text' must be a non-empty string.",
    ),
    "a non-integer order": (
        criterion_change(1, order="1"),
        "Criterion 1: order must be a whole number from 0 to 9,999.",
    ),
    "a fractional order": (
        criterion_change(1, order=1.5),
        "Criterion 1: order must be a whole number from 0 to 9,999.",
    ),
    "a negative order": (criterion_change(1, order=-1), "Criterion 1: order"),
    "an unknown key": (
        criterion_change(2, weight=3),
        "Criterion 2 has unknown keys: weight.",
    ),
    "a rule that is not an object": (
        criterion_change(1, rule="holds_acc"),
        'Criterion 1, rule: A rule must be null or an object with a "kind".',
    ),
    "a rule of an unknown kind": (
        criterion_change(1, rule={"kind": "sorcery"}),
        "Criterion 1, rule: Unknown rule kind 'sorcery'",
    ),
    "a rule kind that is not a name": (
        criterion_change(1, rule={"kind": ["accuracy"]}),
        "Criterion 1, rule: Unknown rule kind",
    ),
    "a rule with a bad parameter": (
        criterion_change(1, rule={"kind": "experience_years", "years": "three"}),
        "Criterion 1, rule: Rule 'experience_years': 'years' must be",
    ),
    "a rule with an unknown parameter": (
        criterion_change(1, rule={"kind": "experience_years", "years": 2, "x": 1}),
        "Criterion 1, rule: Rule 'experience_years' does not take x",
    ),
    "a rule with malformed contribution types": (
        criterion_change(
            1,
            rule={
                "kind": "item_count",
                "item_kind": "contribution",
                "contribution_types": [["cdi"]],
            },
        ),
        "Criterion 1, rule: Rule 'item_count'",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_import_spec_refuses_a_malformed_file_and_creates_nothing(
    case, trust_a, tmp_path
):
    problem, message = MALFORMED[case]
    if isinstance(problem, str):
        path = write(tmp_path, problem)
    else:
        data = small_spec_data(trust_a.name)
        problem(data)
        path = write(tmp_path, data)
    specs, criteria = PersonSpecification.objects.count(), Criterion.objects.count()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_spec", str(path), stdout=io.StringIO())

    assert str(excinfo.value).startswith("Nothing was imported. ")
    assert message in str(excinfo.value)
    assert PersonSpecification.objects.count() == specs
    assert Criterion.objects.count() == criteria


def test_import_spec_refuses_a_version_that_already_exists(db, tmp_path):
    path = write(tmp_path, export())
    specs, criteria = PersonSpecification.objects.count(), Criterion.objects.count()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_spec", str(path), stdout=io.StringIO())

    assert str(excinfo.value) == (
        f"Nothing was imported. {UHD_NAME} already has version 1 of "
        "'Senior Clinical Coder / Clinical Coder (ACC/Non-ACC)': give the file a "
        "higher version."
    )
    assert PersonSpecification.objects.count() == specs
    assert Criterion.objects.count() == criteria


def test_import_spec_accepts_a_file_without_a_format(trust_a):
    """Hand-written files, like the seed's, may leave the format out."""
    data = small_spec_data(trust_a.name)
    del data["format"]

    spec = import_spec(data)

    assert spec.criteria.count() == 2


# --- spec_to_dict, import_spec and copy_to_new_version ----------------------------


def test_spec_to_dict_and_import_spec_round_trip(trust_a):
    data = small_spec_data(trust_a.name, slug="trust-a-clinical-coder")

    spec = import_spec(loads(dumps(data)))

    # A file of format version 1 comes back as version 2, meaning the same.
    assert spec_to_dict(spec) == {
        **data,
        "format_version": 2,
        "criteria": [
            {
                **data["criteria"][0],
                "rule": {"kind": "experience_years", "years": 2.0},
            },
            data["criteria"][1],
        ],
    }


def test_a_file_of_format_version_2_carries_acc_routes_and_alternatives(trust_a):
    alternatives = {
        "kind": "any_of",
        "rules": [
            {"label": "CPD", "kind": "item_count", "item_kind": "cpd"},
            {"kind": "all_of", "rules": [{"kind": "specialty_count", "min": 10}]},
        ],
    }
    data = small_spec_data(trust_a.name, format_version=2)
    data["criteria"][1] |= {"route": "acc", "rule": alternatives}

    spec = import_spec(loads(dumps(data)))

    acc = spec.criteria.get(order=2)
    assert (acc.route, acc.rule) == ("acc", alternatives)
    assert spec_to_dict(spec)["criteria"][1] == data["criteria"][1]


def test_a_file_of_format_version_1_still_imports_with_the_same_routes(trust_a):
    """Version 1 knew the portfolio route only; no route is every applicant."""
    data = small_spec_data(trust_a.name)
    assert "format_version" not in data

    spec = import_spec(data)

    assert [c.route for c in spec.criteria.all()] == ["", "portfolio"]


def test_the_shipped_uhd_file_imports_as_it_is(trust_b):
    path = (
        Path(specifications.__file__).parent / "data" / "uhd-senior-clinical-coder.json"
    )

    spec = import_spec(loads(path.read_bytes()), organisation=trust_b)

    assert spec.criteria.count() == 21
    qualification = spec.criteria.get(order=14)
    assert qualification.rule_kind == "any_of"
    assert [r.get("label") for r in qualification.rule_params["rules"]] == [
        "CPD in clinical coding",
        "Equivalent competency (portfolio route)",
    ]


def test_import_spec_elsewhere_keeps_everything_but_slug_and_organisation(trust_b):
    """Another trust adopting the seeded spec gets the same file back, rules as they
    were written, not with their defaults spelt out."""
    original = spec_to_dict(uhd_spec())

    adopted = import_spec(copy.deepcopy(original), organisation=trust_b)

    exported = spec_to_dict(adopted)
    assert exported["organisation"] == trust_b.name
    assert exported["slug"] != original["slug"]
    assert PersonSpecification.objects.filter(slug=exported["slug"]).get() == adopted
    rules = [(c["text"], c["rule"]) for c in exported.pop("criteria")]
    assert rules == [(c["text"], c["rule"]) for c in original.pop("criteria")]
    del exported["organisation"], exported["slug"]
    del original["organisation"], original["slug"]
    assert exported == original


def test_import_spec_gives_a_free_slug_when_the_files_slug_is_taken(trust_b):
    adopted = import_spec(spec_to_dict(uhd_spec()), organisation=trust_b)

    # Made from the title and version, so it says which version it is.
    assert adopted.slug == "senior-clinical-coder-clinical-coder-accnon-acc-v1"
    data = spec_to_dict(uhd_spec()) | {"version": 2}
    assert (
        import_spec(data).slug == "senior-clinical-coder-clinical-coder-accnon-acc-v2"
    )


def test_import_spec_raises_spec_import_error_and_creates_nothing(trust_a):
    data = small_spec_data(trust_a.name)
    del data["criteria"][1]["text"]

    with pytest.raises(SpecImportError, match=r"^Criterion 2 lacks text\.$"):
        import_spec(data)

    assert not PersonSpecification.objects.filter(organisation=trust_a).exists()


def test_copy_to_new_version_copies_criteria_and_rules(trust_a):
    spec = import_spec(small_spec_data(trust_a.name))
    before = spec_to_dict(spec)

    new = copy_to_new_version(spec)

    assert new.version == 2
    assert new.slug != spec.slug
    assert new.organisation == spec.organisation
    after = spec_to_dict(new)
    assert after["criteria"] == before["criteria"]
    assert {k: v for k, v in after.items() if k not in {"slug", "version"}} == {
        k: v for k, v in before.items() if k not in {"slug", "version"}
    }
    spec.refresh_from_db()
    assert spec_to_dict(spec) == before


def test_copy_to_new_version_of_the_seeded_spec_keeps_its_rules(db):
    spec = uhd_spec()
    before = spec_to_dict(spec)

    new = copy_to_new_version(spec)

    assert (new.version, new.title) == (2, spec.title)
    assert new.slug != UHD_SLUG
    assert criteria_of(new) == criteria_of(spec)
    assert spec_to_dict(uhd_spec()) == before


def test_copy_to_new_version_numbers_after_the_latest_version(trust_a):
    first = import_spec(small_spec_data(trust_a.name))
    copy_to_new_version(first)
    copy_to_new_version(first)

    third = copy_to_new_version(first)

    assert third.version == 4
    assert sorted(
        PersonSpecification.objects.filter(title="Clinical Coder").values_list(
            "version", flat=True
        )
    ) == [1, 2, 3, 4]
