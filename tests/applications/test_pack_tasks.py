"""Each pack of a submission is built by a task of its own, so that two workers build
the full and the anonymised pack side by side."""

import pytest
from django.core.management import call_command
from django.tasks import default_task_backend
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application, Statement, SubmissionPack
from applications.tasks import build_pack
from tests.factories import make_vacancy

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def complete(alice, trust_a):
    application = Application.objects.create(
        vacancy=make_vacancy(trust_a), applicant=alice, route=Application.Route.ACC
    )
    for criterion in application.vacancy.specification.criteria.all():
        Statement.objects.create(
            application=application, criterion=criterion, text="As my evidence shows."
        )
    return application


@pytest.fixture
def stand_in_pdf(monkeypatch):
    """The PDF itself has its own tests; here a stand-in keeps these fast."""
    built = []

    def build(snapshot_json, *, application_id, anonymised):
        built.append(anonymised)
        if anonymised and getattr(build, "fail_anonymised", False):
            raise RuntimeError("no fonts")
        return b"%PDF-1.7 stand-in\n%%EOF", 2

    monkeypatch.setattr("applications.tasks.build_pdf", build)
    return build, built


def test_submit_queues_one_task_per_pack_once_the_transaction_commits(
    settings, complete, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complete.submit()
    assert default_task_backend.results == []  # nothing before the commit
    for callback in callbacks:
        callback()
    queued = default_task_backend.results
    packs = complete.packs.all()
    assert [r.task.name for r in queued] == ["build_pack", "build_pack"]
    assert sorted(r.args[0] for r in queued) == sorted(p.pk for p in packs)
    assert {p.state for p in packs} == {SubmissionPack.State.QUEUED}


def test_a_pack_task_builds_its_own_pack_only(
    complete, stand_in_pdf, django_capture_on_commit_callbacks
):
    _, built = stand_in_pdf
    with django_capture_on_commit_callbacks(execute=False):
        complete.submit()
    anonymised = complete.packs.get(variant=SubmissionPack.Variant.ANONYMISED)
    build_pack.call(anonymised.pk)
    assert built == [True]
    states = dict(complete.packs.values_list("variant", "state"))
    assert states == {"anonymised": "done", "full": "queued"}
    anonymised.refresh_from_db()
    assert anonymised.pages == 2 and anonymised.progress == 100
    assert anonymised.file.read(5) == b"%PDF-"


def test_a_failed_pack_does_not_stop_the_other(
    complete, stand_in_pdf, django_capture_on_commit_callbacks
):
    build, _ = stand_in_pdf
    build.fail_anonymised = True
    with django_capture_on_commit_callbacks(execute=True):
        complete.submit()
    packs = {p.variant: p for p in complete.packs.all()}
    assert packs["full"].state == SubmissionPack.State.DONE
    assert packs["anonymised"].state == SubmissionPack.State.FAILED
    assert packs["anonymised"].error == "no fonts"


def test_a_built_pack_is_not_built_again(
    complete, stand_in_pdf, django_capture_on_commit_callbacks
):
    _, built = stand_in_pdf
    with django_capture_on_commit_callbacks(execute=True):
        complete.submit()
    pack = complete.packs.get(variant=SubmissionPack.Variant.FULL)
    sha256 = pack.sha256
    build_pack.call(pack.pk)
    pack.refresh_from_db()
    assert built == [False, True]  # one build each, none more
    assert pack.sha256 == sha256


def test_a_task_for_a_deleted_pack_does_nothing(db, stand_in_pdf):
    _, built = stand_in_pdf
    build_pack.call(987654)
    assert built == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")  # emptied by earlier transactional tests
def test_with_a_queue_submit_answers_at_once_and_a_worker_builds_the_packs(
    client, alice, complete, settings, stand_in_pdf
):
    """As `make demo` runs it: the database backend, and db_worker beside the server."""
    _, built = stand_in_pdf
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(alice)
    packs_url = reverse("applications:packs", args=[complete.pk])

    response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.url == packs_url
    assert built == []  # nothing built in the request
    page = client.get(packs_url)
    assertContains(page, '<meta http-equiv="refresh"')
    assertContains(page, "Waiting to be built (0%)", count=2)
    queued = DBTaskResult.objects.filter(task_path="applications.tasks.build_pack")
    assert sorted(r.args_kwargs["args"][0] for r in queued) == sorted(
        complete.packs.values_list("pk", flat=True)
    )

    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
    )
    assert sorted(built) == [False, True]
    page = client.get(packs_url)
    assertNotContains(page, '<meta http-equiv="refresh"')
    assertContains(page, "Download ", count=2)
