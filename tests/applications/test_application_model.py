"""An application's lifecycle lives on the model: start, submit, withdraw."""

import datetime

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import (
    Application,
    ApplicationQuerySet,
    Snapshot,
    Statement,
    SubmissionPack,
    SubmissionRefused,
    VacancyClosed,
    WithdrawalRefused,
)
from tests.factories import make_vacancy

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def vacancy(trust_a):
    return make_vacancy(trust_a)


@pytest.fixture
def application(alice, vacancy):
    return Application.objects.create(vacancy=vacancy, applicant=alice)


@pytest.fixture
def complete(application):
    """A draft with a route and a statement for every criterion."""
    application.route = Application.Route.ACC
    application.save()
    for criterion in application.vacancy.specification.criteria.all():
        Statement.objects.create(
            application=application, criterion=criterion, text="As my evidence shows."
        )
    return application


@pytest.fixture
def submitted(complete):
    complete.submit()  # the packs' build waits for a commit that never comes
    return complete


def candidate_numbers(monkeypatch, *numbers: int) -> None:
    """New applications draw these candidate numbers (less 100000), in turn."""
    draws = iter(numbers)
    monkeypatch.setattr(
        "applications.models.secrets.randbelow", lambda below: next(draws)
    )


# --- start ------------------------------------------------------------------------


def test_start_makes_a_draft_with_a_candidate_number(alice, vacancy):
    application, created = Application.objects.start(vacancy, alice)
    assert created
    assert application.is_draft and application.applicant == alice
    assert application.candidate_number.startswith("C")


def test_a_second_start_returns_the_same_application(alice, vacancy):
    first, _ = Application.objects.start(vacancy, alice)
    second, created = Application.objects.start(vacancy, alice)
    assert second == first and not created
    assert Application.objects.count() == 1


def test_a_taken_candidate_number_is_drawn_again(monkeypatch, alice, bob, vacancy):
    candidate_numbers(monkeypatch, 1, 1, 2)
    Application.objects.start(vacancy, bob)
    application, created = Application.objects.start(vacancy, alice)
    assert created and application.candidate_number == "C100002"


def test_start_returns_the_application_a_simultaneous_request_made(
    monkeypatch, alice, vacancy
):
    # A double click: the other request creates the application after this one
    # looked for it and before this one creates its own.
    other_request = Application.objects.create(vacancy=vacancy, applicant=alice)
    looks = []

    def first_misses_it(queryset):
        looks.append(queryset)
        return None if len(looks) == 1 else QuerySet.first(queryset)

    monkeypatch.setattr(ApplicationQuerySet, "first", first_misses_it, raising=False)
    application, created = Application.objects.start(vacancy, alice)
    assert application == other_request and not created
    assert Application.objects.count() == 1


def test_a_closed_vacancy_takes_no_new_application(alice, bob, trust_a):
    closed = make_vacancy(trust_a, closing_date=datetime.date(2020, 1, 1))
    existing = Application.objects.create(vacancy=closed, applicant=bob)
    with pytest.raises(VacancyClosed):
        Application.objects.start(closed, alice)
    assert Application.objects.start(closed, bob) == (existing, False)


# --- submit -----------------------------------------------------------------------


def test_submit_refuses_an_incomplete_draft_with_its_problems(application):
    essential = application.vacancy.specification.criteria.filter(
        requirement="essential", route=""
    ).first()
    with pytest.raises(SubmissionRefused) as refused:
        application.submit()
    assert "Choose the route you are applying by." in refused.value.problems
    assert (
        f"“{essential.text}” is Essential: write a statement or choose evidence."
        in refused.value.problems
    )
    application.refresh_from_db()
    assert application.is_draft and application.submitted_at is None
    assert not Snapshot.objects.exists() and not SubmissionPack.objects.exists()


def test_submit_refuses_after_the_closing_date(complete, time_machine):
    closing = complete.vacancy.closing_date
    time_machine.move_to(closing + datetime.timedelta(days=1))
    with pytest.raises(SubmissionRefused) as refused:
        complete.submit()
    assert refused.value.problems == [f"The vacancy closed on {closing:%-d %B %Y}."]


def test_submit_freezes_a_snapshot_queues_both_packs_and_locks_the_spec(complete):
    snapshot = complete.submit()
    complete.refresh_from_db()
    assert complete.status == Application.Status.SUBMITTED and complete.submitted_at
    assert snapshot == Snapshot.objects.get(application=complete)
    assert sorted(p.variant for p in complete.packs.all()) == ["anonymised", "full"]
    assert {p.state for p in complete.packs.all()} == {SubmissionPack.State.QUEUED}
    complete.vacancy.specification.refresh_from_db()
    assert complete.vacancy.specification.is_locked


def test_submit_builds_the_packs_when_the_transaction_commits(
    monkeypatch, complete, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        "applications.tasks.build_pdf",
        lambda snapshot_json, **kwargs: (b"%PDF-1.7 stand-in\n%%EOF", 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        complete.submit()
    assert {p.state for p in complete.packs.all()} == {SubmissionPack.State.DONE}


def test_a_second_submit_is_refused(submitted):
    with pytest.raises(SubmissionRefused) as refused:
        submitted.submit()
    assert refused.value.problems == ["This application has already been submitted."]
    assert Snapshot.objects.count() == 1


def test_submission_problems_are_empty_for_a_complete_draft(complete):
    assert complete.submission_problems(complete.vacancy.closing_date) == []


# --- withdraw ---------------------------------------------------------------------


def test_withdraw_takes_a_submitted_application_out(submitted):
    submitted.withdraw()
    assert submitted.status == Application.Status.WITHDRAWN
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.WITHDRAWN and submitted.withdrawn_at


@pytest.mark.parametrize(
    "status",
    [Application.Status.DRAFT, Application.Status.WITHDRAWN, "shortlisted"],
)
def test_only_a_submitted_application_can_be_withdrawn(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    with pytest.raises(WithdrawalRefused):
        application.withdraw()
    application.refresh_from_db()
    assert application.status == status and application.withdrawn_at is None


# --- pack states ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "in_progress"),
    [
        (SubmissionPack.State.QUEUED, True),
        (SubmissionPack.State.BUILDING, True),
        (SubmissionPack.State.DONE, False),
        (SubmissionPack.State.FAILED, False),
    ],
)
def test_a_pack_is_in_progress_until_built_or_failed(state, in_progress):
    assert SubmissionPack(state=state).is_in_progress is in_progress


def test_the_packs_page_refreshes_itself_while_a_pack_is_being_built(
    client, alice, submitted
):
    client.force_login(alice)
    url = reverse("applications:packs", args=[submitted.pk])
    refresh = '<meta http-equiv="refresh"'
    assertContains(client.get(url), refresh)
    assertContains(client.get(url), "Waiting to be built (0%)")

    submitted.packs.update(state=SubmissionPack.State.FAILED)
    response = client.get(url)
    assertNotContains(response, refresh)
    assertContains(response, "It could not be built.", count=2)
