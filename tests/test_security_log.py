"""The security log: denied access, failed sign-ins, pack and other downloads and
identity reveals are structured records on the "security" logger, written as one
JSON line each."""

import json
import logging

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Application, SubmissionPack
from config.jsonlog import JSONFormatter
from recruitment.models import PackZip
from tests.factories import PASSWORD, PDF_BYTES, make_evidence, make_vacancy
from tests.recruitment.helpers import build_packs, close, make_panel, submit


def security_records(caplog) -> list[dict]:
    return [r.security for r in caplog.records if r.name == "security"]


def events(caplog) -> list[str]:
    return [record["event"] for record in security_records(caplog)]


# --- The JSON lines ---------------------------------------------------------------


def test_a_record_is_one_line_of_json_with_its_fields():
    record = logging.LogRecord(
        "security", logging.WARNING, __file__, 1, "sign_in_failed", None, None
    )
    record.security = {"event": "sign_in_failed", "username": 'eve\n{"forged": 1}'}
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "security"
    assert entry["event"] == "sign_in_failed"
    assert entry["username"] == 'eve\n{"forged": 1}'
    assert entry["time"].endswith("+00:00")


def test_the_settings_write_every_record_as_json():
    handlers = logging.getLogger().handlers
    assert any(isinstance(h.formatter, JSONFormatter) for h in handlers)
    # Security records are kept whatever DJANGO_LOG_LEVEL says.
    assert logging.getLogger("security").getEffectiveLevel() == logging.INFO


# --- Denied access ----------------------------------------------------------------


def test_asking_for_someone_elses_item_is_logged(client, alice, bob, caplog):
    item = make_evidence(alice, "cpd")
    client.force_login(bob)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.get(reverse("portfolio:evidence_detail", args=[item.pk]))
    assert response.status_code == 404
    [record] = security_records(caplog)
    assert record["event"] == "access_denied"
    assert record["model"] == "portfolio.Evidence"
    assert record["lookup"] == {"pk": str(item.pk)}
    assert record["user_id"] == bob.pk
    assert record["path"] == f"/portfolio/evidence/{item.pk}/"
    assert record["ip"] == "127.0.0.1"


def test_asking_for_something_that_does_not_exist_is_not_a_denial(
    client, alice, caplog
):
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.get(reverse("portfolio:evidence_detail", args=[10**30]))
        client.get(reverse("specs:matrix", args=["no-such-spec"]))
    assert response.status_code == 404
    assert events(caplog) == []


def test_another_trusts_spec_is_a_logged_denial(client, oscar, trust_a_spec, caplog):
    client.force_login(oscar)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.get(reverse("specs:detail", args=[trust_a_spec.slug]))
    assert response.status_code == 404
    [record] = security_records(caplog)
    assert record["model"] == "specifications.PersonSpecification"
    assert record["lookup"] == {"slug": trust_a_spec.slug}


def test_the_owner_is_not_logged(client, alice, caplog):
    item = make_evidence(alice, "cpd")
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="security"):
        client.get(reverse("portfolio:evidence_detail", args=[item.pk]))
    assert events(caplog) == []


# --- Sign-in and downloads --------------------------------------------------------


def test_a_failed_sign_in_is_logged_with_the_address_tried(client, alice, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        client.post(
            reverse("accounts:login"),
            {"username": " Alice@Example.NHS.uk", "password": "wrong"},
        )
        client.post(
            reverse("accounts:login"),
            {"username": "alice@example.nhs.uk", "password": PASSWORD},
        )
    [record] = security_records(caplog)
    assert record["event"] == "sign_in_failed"
    assert record["username"] == "alice@example.nhs.uk"
    assert record["user_id"] is None
    # The password is never logged, not even masked.
    assert "wrong" not in json.dumps(record)


@pytest.fixture
def pack(alice, trust_a, trust_a_spec):
    vacancy = make_vacancy(trust_a, specification=trust_a_spec)
    application = Application.objects.create(vacancy=vacancy, applicant=alice)
    return SubmissionPack.objects.create(
        application=application,
        variant=SubmissionPack.Variant.ANONYMISED,
        state=SubmissionPack.State.DONE,
        file=ContentFile(PDF_BYTES, name="pack.pdf"),
    )


def test_a_pack_download_is_logged(client, alice, pack, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.get(reverse("applications:pack_download", args=[pack.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    [record] = security_records(caplog)
    assert record["event"] == "pack_downloaded"
    assert record["pack"] == pack.pk
    assert record["variant"] == "anonymised"
    assert record["application"] == pack.application_id
    assert record["vacancy"] == pack.application.vacancy_id
    assert record["user_id"] == alice.pk


# --- The recruiters' downloads and the reveal --------------------------------------


@pytest.fixture
def review(alice, rachel, trust_a, trust_a_spec):
    """A vacancy Rachel leads, with Alice's submitted application, its packs built
    and a zip of them."""
    vacancy = make_vacancy(trust_a, specification=trust_a_spec)
    make_panel(vacancy, rachel)
    application = submit(alice, vacancy)
    build_packs(application)
    bundle = PackZip.objects.create(
        vacancy=vacancy,
        state=PackZip.State.DONE,
        packs=1,
        file=ContentFile(b"PK\x05\x06" + bytes(18), name="packs.zip"),
    )
    return {"vacancy": vacancy, "application": application, "zip": bundle}


@pytest.mark.parametrize(
    ("view", "arg", "event", "details"),
    [
        ("recruitment:pack", "application", "pack_downloaded", {"variant"}),
        ("recruitment:zip_download", "zip", "packs_zip_downloaded", {"packs"}),
        ("recruitment:scores_csv", "vacancy", "scores_csv_downloaded", set()),
        ("recruitment:summary_csv", "vacancy", "summary_csv_downloaded", set()),
    ],
)
def test_a_recruiters_download_is_logged(
    client, rachel, review, caplog, view, arg, event, details
):
    client.force_login(rachel)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.get(reverse(view, args=[review[arg].pk]))
        b"".join(response.streaming_content)
    assert response.status_code == 200
    [record] = security_records(caplog)
    assert record["event"] == event
    assert record["vacancy"] == review["vacancy"].pk
    assert record["user_id"] == rachel.pk
    assert details <= set(record)


def test_revealing_identities_is_logged(client, rachel, review, caplog):
    review["application"].set_outcome(Application.Status.SHORTLISTED, by=rachel)
    close(review["vacancy"])
    client.force_login(rachel)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(
            reverse("recruitment:finalise", args=[review["vacancy"].pk])
        )
    assert response.status_code == 302
    [record] = security_records(caplog)
    assert record["event"] == "identities_revealed"
    assert record["vacancy"] == review["vacancy"].pk
    assert record["user_id"] == rachel.pk


def test_a_refused_finalise_reveals_nothing_and_logs_nothing(
    client, rachel, review, caplog
):
    client.force_login(rachel)  # the vacancy is still open
    with caplog.at_level(logging.INFO, logger="security"):
        client.post(reverse("recruitment:finalise", args=[review["vacancy"].pk]))
    assert events(caplog) == []


def test_another_trusts_review_is_a_logged_denial(client, oscar, review, caplog):
    client.force_login(oscar)
    with caplog.at_level(logging.INFO, logger="security"):
        for url in [
            reverse("recruitment:longlist", args=[review["vacancy"].pk]),
            reverse("recruitment:application", args=[review["application"].pk]),
            reverse("recruitment:zip", args=[review["zip"].pk]),
        ]:
            assert client.get(url).status_code == 404
    models = [record["model"] for record in security_records(caplog)]
    assert models == [
        "applications.Vacancy",
        "applications.Application",
        "recruitment.PackZip",
    ]
