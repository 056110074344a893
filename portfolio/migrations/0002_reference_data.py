"""Reference data: NHS treatment function codes and complex-case types."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "treatment-function-codes.csv"

CASE_TYPES = [
    ("mortality", "Mortality"),
    ("multi_morbidity", "Multi-morbidity"),
    ("oncology", "Oncology"),
    ("obstetrics", "Obstetrics"),
    ("paediatrics", "Paediatrics"),
    ("surgical_complication", "Surgical complication"),
    ("sepsis", "Sepsis"),
    ("mental_health", "Mental health"),
    ("long_stay", "Long or complex stay"),
    ("rare_disease", "Rare disease"),
]


def specialty_name(official: str) -> str:
    """The Data Dictionary names end in ' Service'; people do not say it."""
    return official.removesuffix(" Service").strip()


def load(apps, schema_editor):
    Specialty = apps.get_model("portfolio", "Specialty")
    CaseType = apps.get_model("portfolio", "CaseType")
    with CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Specialty.objects.update_or_create(
                code=row["code"].strip(), defaults={"name": specialty_name(row["name"])}
            )
    for order, (slug, name) in enumerate(CASE_TYPES):
        CaseType.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def unload(apps, schema_editor):
    apps.get_model("portfolio", "Specialty").objects.all().delete()
    apps.get_model("portfolio", "CaseType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
