"""The review's own fields: free text goes through the PID guard; a score is 0, 1
or 2, one per member and criterion; a panel member is a recruiter of the vacancy's
organisation."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from portfolio.pid import validate_no_identifiers
from recruitment.models import PanelMember, Score

# Written by the app, never typed by a person.
NOT_FREE_TEXT = {
    "recruitment.LonglistEntry": {"candidate_number"},
    "recruitment.Score": {"criterion"},
    "recruitment.AccessLog": {
        "user_email",
        "vacancy_reference",
        "candidate_number",
        "detail",
    },
    "recruitment.PackZip": {"error"},
}


def test_every_free_text_field_carries_the_pid_guard():
    fields = [
        (model._meta.label, f)
        for model in apps.get_app_config("recruitment").get_models()
        for f in model._meta.local_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_FREE_TEXT.get(model._meta.label, set())
    ]
    assert [(label, f.name) for label, f in fields] == [("recruitment.Score", "note")]
    assert all(validate_no_identifiers in f.validators for _, f in fields)


def test_a_score_is_0_1_or_2(submitted, petra):
    with pytest.raises(IntegrityError):
        Score.objects.create(
            application=submitted, member=petra, criterion="C1", score=3
        )


def test_a_member_scores_a_criterion_once(submitted, petra):
    Score.objects.create(application=submitted, member=petra, criterion="C1", score=1)
    with pytest.raises(IntegrityError):
        Score.objects.create(
            application=submitted, member=petra, criterion="C1", score=2
        )


def test_a_panel_member_is_a_recruiter_of_the_vacancys_organisation(
    panel, oscar, alice
):
    for outsider in (oscar, alice):
        with pytest.raises(ValidationError, match="vacancy's organisation"):
            PanelMember(panel=panel, recruiter=outsider).full_clean()
