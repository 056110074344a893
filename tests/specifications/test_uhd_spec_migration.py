"""A database seeded before routes gets the shipped UHD spec's routes and rules."""

import json
from importlib import import_module
from pathlib import Path

from django.apps import apps

import specifications

MIGRATION = import_module("specifications.migrations.0005_uhd_spec_routes_and_rules")
SHIPPED = (
    Path(specifications.__file__).parent / "data" / "uhd-senior-clinical-coder.json"
)


def shape(spec) -> list[tuple]:
    return [(c.order, c.text, c.route, c.rule) for c in spec.criteria.all()]


def shipped_shape() -> list[tuple]:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return [
        (c["order"], c["text"], c.get("route", ""), c["rule"])
        for c in sorted(data["criteria"], key=lambda c: c["order"])
    ]


def test_a_new_database_has_the_shipped_spec(uhd):
    assert shape(uhd) == shipped_shape()


def test_the_migration_brings_an_old_seeded_spec_to_the_shipped_shape(uhd):
    MIGRATION.backwards(apps, None)
    old = {c.order: c for c in uhd.criteria.all()}
    assert old[13].route == ""
    assert old[14].rule == {"kind": "item_count", "item_kind": "cpd", "min": 1}

    MIGRATION.forwards(apps, None)

    assert shape(uhd) == shipped_shape()


def test_a_criterion_an_admin_has_reworded_is_left_alone(uhd):
    MIGRATION.backwards(apps, None)
    uhd.criteria.filter(order=13).update(text="NCCQ (ACC)")

    MIGRATION.forwards(apps, None)

    reworded = uhd.criteria.get(order=13)
    assert (reworded.route, reworded.rule) == ("", {"kind": "holds_acc"})
    assert uhd.criteria.get(order=14).rule["kind"] == "any_of"
