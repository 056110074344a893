"""A criterion's rule is set from its spec-format dict and checked on the model, so the
spec form and the spec import refuse a bad rule with the same message."""

import json

import pytest
from django.core.exceptions import ValidationError

from specifications.forms import CriterionFormSet
from specifications.models import Criterion
from specifications.specs import SpecImportError, import_spec
from tests.portfolio.forms_data import spec_formset_data

SHAPE = 'A rule must be null or an object with a "kind".'
UNKNOWN_KIND = (
    "Unknown rule kind 'vibes': use one of accuracy, experience_years, holds_acc, "
    "specialty_count, item_count, refresher_within, any_of, all_of."
)


def make_criterion(**overrides) -> Criterion:
    overrides.setdefault("category", Criterion.Category.SKILLS)
    overrides.setdefault("requirement", Criterion.Requirement.ESSENTIAL)
    overrides.setdefault("text", "Codes accurately")
    return Criterion(**overrides)


def test_setting_a_rule_splits_its_kind_from_its_parameters():
    criterion = make_criterion()
    criterion.rule = {"kind": "experience_years", "years": 3}
    assert (criterion.rule_kind, criterion.rule_params) == (
        "experience_years",
        {"years": 3},
    )
    assert criterion.rule == {"kind": "experience_years", "years": 3}


def test_setting_no_rule_clears_it():
    criterion = make_criterion(rule_kind="holds_acc")
    criterion.rule = None
    assert (criterion.rule_kind, criterion.rule_params, criterion.rule) == (
        "",
        {},
        None,
    )


@pytest.mark.parametrize("rule", ["holds_acc", ["holds_acc"], {"years": 3}])
def test_a_rule_of_the_wrong_shape_is_refused_as_it_is_set(rule):
    criterion = make_criterion()
    with pytest.raises(ValidationError) as raised:
        criterion.rule = rule
    assert raised.value.messages == [SHAPE]
    assert criterion.rule is None


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "vibes"}, UNKNOWN_KIND),
        ({"kind": None}, "Unknown rule kind None"),
        ({"kind": "", "years": 3}, "Unknown rule kind ''"),
        ({"kind": "specialty_count"}, "Rule 'specialty_count' needs the parameter"),
        ({"kind": "item_count", "item_kind": "audit", "case_type": "x"}, "case_type"),
    ],
)
def test_clean_checks_the_rule_and_reports_it_once_under_rule(db, rule, message):
    criterion = make_criterion()
    criterion.rule = rule
    with pytest.raises(ValidationError) as raised:
        criterion.full_clean(exclude=["specification"])
    errors = raised.value.message_dict
    assert list(errors) == ["rule"]
    [error] = errors["rule"]
    assert message in error


def test_a_good_rule_is_clean(db):
    criterion = make_criterion()
    criterion.rule = {"kind": "accuracy", "threshold": 95}
    criterion.full_clean(exclude=["specification"])


def test_the_spec_form_and_the_spec_import_refuse_a_bad_rule_alike(trust_a_spec):
    data = spec_formset_data(trust_a_spec)
    spec = {
        "title": "Another spec",
        "organisation": trust_a_spec.organisation.name,
        "band": "",
        "version": 1,
        "criteria": [
            {
                "category": "skills",
                "requirement": "essential",
                "text": "Codes accurately",
                "order": 1,
                "rule": None,
            }
        ],
    }
    for rule, message in [({"kind": "vibes"}, UNKNOWN_KIND), ([], SHAPE)]:
        formset = CriterionFormSet(
            data | {"criteria-0-rule": json.dumps(rule)},
            instance=trust_a_spec,
            prefix="criteria",
        )
        assert not formset.is_valid()
        assert formset.forms[0].errors["rule"] == [message]

        spec["criteria"][0]["rule"] = rule
        with pytest.raises(SpecImportError) as raised:
            import_spec(spec)
        assert str(raised.value) == f"Criterion 1, rule: {message}"
