"""`manage.py purge_applications`: withdrawn and unsuccessful applications, with
their packs, go once their organisation's retention period has passed; the access
log keeps its record of them."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from applications.models import Application, StatusChange, SubmissionPack, Vacancy
from recruitment.models import AccessLog, LonglistEntry, Score
from tests.factories import make_coder, make_vacancy
from tests.recruitment.helpers import build_packs, submit

APPLIED = datetime.datetime(2025, 1, 10, 12, 0)
CLOSED = datetime.date(2025, 2, 1)
THIRTEEN_MONTHS_ON = datetime.datetime(2026, 3, 1, 9, 0)


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_applications", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ended(
    alice, bob, rachel, trust_a, trust_a_spec, django_capture_on_commit_callbacks
):
    """On 10 January 2025: Alice withdraws, Bob is not shortlisted, Carol is
    shortlisted, Dan stays submitted and Erin keeps a draft, on a vacancy that
    closed on 1 February 2025. Rachel viewed Alice's and Bob's."""
    with time_machine.travel(APPLIED, tick=False):
        vacancy = make_vacancy(
            trust_a, specification=trust_a_spec, reference="OLD-1", closing_date=CLOSED
        )
        people = {"alice": alice, "bob": bob}
        for name in ["carol", "dan", "erin"]:
            people[name] = make_coder(email=f"{name}@example.nhs.uk")
        applications = {}
        for name in ["alice", "bob", "carol", "dan"]:
            applications[name] = submit(people[name], vacancy)
            build_packs(applications[name])
        applications["erin"], _ = Application.objects.start(vacancy, people["erin"])
        applications["alice"].withdraw()
        applications["bob"].set_outcome(
            Application.Status.NOT_SHORTLISTED, by=rachel, reason="Too few audits."
        )
        applications["carol"].set_outcome(Application.Status.SHORTLISTED, by=rachel)
        Score.objects.create(
            application=applications["bob"], member=rachel, criterion="E1", score=1
        )
        for name in ["alice", "bob"]:
            AccessLog.record(
                rachel, AccessLog.Action.APPLICATION, vacancy, applications[name]
            )
    return applications


def pack_paths(application: Application) -> list[Path]:
    return [Path(p.file.path) for p in application.packs.all()]


def test_withdrawn_and_unsuccessful_applications_go_after_the_period(
    ended, django_capture_on_commit_callbacks
):
    alice, bob = ended["alice"], ended["bob"]
    files = pack_paths(alice) + pack_paths(bob)
    assert all(path.exists() for path in files)

    with (
        time_machine.travel(THIRTEEN_MONTHS_ON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        output = purge()

    remaining = set(Application.objects.values_list("pk", flat=True))
    assert remaining == {ended[name].pk for name in ["carol", "dan", "erin"]}
    assert not any(path.exists() for path in files)
    assert not SubmissionPack.objects.filter(
        application__in=[alice.pk, bob.pk]
    ).exists()
    assert not StatusChange.objects.filter(application__in=[alice.pk, bob.pk]).exists()
    assert not Score.objects.exists()
    assert not LonglistEntry.objects.filter(pk__in=[alice.pk, bob.pk]).exists()
    # The others' packs are untouched.
    assert all(path.exists() for path in pack_paths(ended["carol"]))
    assert (
        f"Removed {alice.candidate_number} (withdrawn on 10 January 2025) for "
        "Senior Clinical Coder (OLD-1), Trust A NHS Foundation Trust, kept 12 "
        "months: 2 pack files." in output
    )
    assert f"Removed {bob.candidate_number} (not shortlisted on 10 January 2025)" in (
        output
    )
    assert output.endswith("Removed 2 applications and 4 pack files.\n")
    # No names: the output may end up in a log.
    assert "Alice" not in output
    assert "Bob" not in output


def test_the_access_log_keeps_its_record_of_a_removed_application(ended):
    alice = ended["alice"]
    with time_machine.travel(THIRTEEN_MONTHS_ON, tick=False):
        purge()
    entries = AccessLog.objects.filter(candidate_number=alice.candidate_number)
    [entry] = entries
    assert entry.application is None
    assert entry.vacancy_reference == "OLD-1"
    assert entry.user_email == "rachel@trust-a.nhs.uk"
    assert entry.action == AccessLog.Action.APPLICATION
    assert AccessLog.objects.count() == 2


def test_nothing_goes_before_the_organisations_period(ended, trust_a):
    trust_a.retention_months = 24
    trust_a.save()
    with time_machine.travel(THIRTEEN_MONTHS_ON, tick=False):
        output = purge()
    assert Application.objects.count() == 5
    assert output == "No withdrawn or unsuccessful application is due for removal.\n"
    # 24 months after the vacancy closed.
    with time_machine.travel(datetime.datetime(2027, 2, 2), tick=False):
        purge()
    assert Application.objects.count() == 3


def test_older_than_only_makes_the_period_longer(ended, trust_a):
    with time_machine.travel(THIRTEEN_MONTHS_ON, tick=False):
        purge("--older-than", "18")
        assert Application.objects.count() == 5
        trust_a.retention_months = 6
        trust_a.save()
        purge("--older-than", "1")  # the organisation's 6 months apply
    assert Application.objects.count() == 3


def test_the_period_runs_from_the_vacancys_closing_date_too(ended):
    Vacancy.objects.filter(pk=ended["alice"].vacancy_id).update(
        closing_date=datetime.date(2025, 12, 1)
    )
    with time_machine.travel(THIRTEEN_MONTHS_ON, tick=False):
        purge()
    assert Application.objects.count() == 5


def test_a_dry_run_says_what_would_go_and_removes_nothing(
    ended, django_capture_on_commit_callbacks
):
    files = pack_paths(ended["alice"])
    with (
        time_machine.travel(THIRTEEN_MONTHS_ON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        output = purge("--older-than", "12", "--dry-run")
    assert f"Would remove {ended['alice'].candidate_number} (withdrawn" in output
    assert output.endswith(
        "Would remove 2 applications and 4 pack files. Nothing was removed "
        "(--dry-run).\n"
    )
    assert Application.objects.count() == 5
    assert all(path.exists() for path in files)


def test_a_negative_period_is_refused(db):
    with pytest.raises(CommandError, match="--older-than must be 0 or more"):
        purge("--older-than", "-1")
