"""The project's data as rows: a snapshot to show that a request wrote nothing."""

from django.apps import apps

PROJECT_APPS = [
    "accounts",
    "portfolio",
    "specifications",
    "applications",
    "recruitment",
]
# Append-only records of who read what, written by reads as well as writes: not the
# data that a refused request must leave alone.
NOT_DATA = {"recruitment.AccessLog"}


def project_rows() -> dict[str, list[tuple]]:
    """Every row of every table of the project's apps, many-to-many tables too."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.label not in NOT_DATA
    }
