"""The seed person specification: University Hospitals Dorset's Senior Clinical Coder /
Clinical Coder (ACC/Non-ACC), from its job listing, with the portfolio route's
requirements and rules for the criteria the app can check."""

import json
from pathlib import Path

from django.db import migrations

# The file lives with the app that now owns specifications.
SPEC = (
    Path(__file__).resolve().parents[2]
    / "specifications"
    / "data"
    / "uhd-senior-clinical-coder.json"
)


def load(apps, schema_editor):
    load_into(
        apps.get_model("accounts", "Organisation"),
        apps.get_model("portfolio", "PersonSpecification"),
        apps.get_model("portfolio", "Criterion"),
    )


def load_into(Organisation, PersonSpecification, Criterion) -> None:
    """Create the seed spec with these models (historical or current)."""
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    trust, _ = Organisation.objects.get_or_create(
        ods_code="R0D", defaults={"name": data["organisation"]}
    )
    spec, created = PersonSpecification.objects.get_or_create(
        slug=data["slug"],
        defaults={
            "organisation": trust,
            "title": data["title"],
            "band": data["band"],
            "source": data["source"],
            "version": data["version"],
        },
    )
    if not created:
        return
    for raw in data["criteria"]:
        rule = raw["rule"] or {}
        Criterion.objects.create(
            specification=spec,
            category=raw["category"],
            requirement=raw["requirement"],
            route=raw.get("route", ""),
            text=raw["text"],
            order=raw["order"],
            rule_kind=rule.get("kind", ""),
            rule_params={k: v for k, v in rule.items() if k != "kind"},
        )


def unload(apps, schema_editor):
    PersonSpecification = apps.get_model("portfolio", "PersonSpecification")
    PersonSpecification.objects.filter(slug="uhd-senior-clinical-coder-v1").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("portfolio", "0003_person_specifications"),
    ]

    operations = [migrations.RunPython(load, unload)]
