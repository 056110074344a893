"""Every view and download of an application, a pack, a zip or a CSV is recorded:
who, what, when. The lead reads an application's log; the admin shows it read-only;
nothing in the app changes or deletes it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from recruitment.models import AccessLog, PackZip
from tests.recruitment.helpers import build_packs


@pytest.fixture
def review(panel, vacancy, submitted):
    build_packs(submitted)
    bundle = PackZip.objects.create(
        vacancy=vacancy,
        state=PackZip.State.DONE,
        packs=1,
        file=ContentFile(b"PK\x05\x06" + bytes(18), name="packs.zip"),
    )
    return {"vacancy": vacancy.pk, "application": submitted.pk, "zip": bundle.pk}


VIEWS = [
    ("application", "application", AccessLog.Action.APPLICATION, True),
    ("pack", "application", AccessLog.Action.PACK, True),
    ("access_log", "application", AccessLog.Action.LOG, True),
    ("zip_download", "zip", AccessLog.Action.ZIP, False),
    ("scores_csv", "vacancy", AccessLog.Action.SCORES_CSV, False),
    ("summary_csv", "vacancy", AccessLog.Action.SUMMARY_CSV, False),
]


@pytest.mark.parametrize(
    ("name", "takes", "action", "of_application"), VIEWS, ids=[v[0] for v in VIEWS]
)
def test_every_view_and_download_leaves_a_row(
    client, rachel, review, vacancy, submitted, name, takes, action, of_application
):
    client.force_login(rachel)
    response = client.get(reverse(f"recruitment:{name}", args=[review[takes]]))
    assert response.status_code == 200
    [row] = AccessLog.objects.filter(action=action)
    assert (row.user, row.user_email, row.vacancy, row.vacancy_reference) == (
        rachel,
        "rachel@trust-a.nhs.uk",
        vacancy,
        "CC-1",
    )
    if of_application:
        assert (row.application, row.candidate_number) == (
            submitted,
            submitted.candidate_number,
        )


def test_a_refused_view_leaves_no_row(client, oscar, review):
    client.force_login(oscar)
    client.get(reverse("recruitment:application", args=[review["application"]]))
    assert not AccessLog.objects.exists()


def test_the_lead_reads_the_applications_log(client, rachel, petra, review):
    client.force_login(petra)
    client.get(reverse("recruitment:application", args=[review["application"]]))
    client.get(reverse("recruitment:pack", args=[review["application"]]))
    client.force_login(rachel)
    response = client.get(
        reverse("recruitment:access_log", args=[review["application"]])
    )
    assertContains(response, "petra@trust-a.nhs.uk", count=2)
    assertContains(response, "Viewed the application")
    assertContains(response, "Downloaded the pack (CC-1-C")


def test_the_log_cannot_be_changed_or_deleted(rachel, review):
    from applications.models import Vacancy

    row = AccessLog.record(
        rachel, AccessLog.Action.SCORES_CSV, Vacancy.objects.get(pk=review["vacancy"])
    )
    row.detail = "changed"
    with pytest.raises(TypeError, match="append-only"):
        row.save()
    with pytest.raises(TypeError, match="append-only"):
        row.delete()
    with pytest.raises(TypeError, match="append-only"):
        AccessLog.objects.update(detail="changed")
    with pytest.raises(TypeError, match="append-only"):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().detail == ""


def test_the_admin_shows_the_log_read_only(client, rachel, review):
    admin = get_user_model().objects.create_superuser(
        "admin@example.nhs.uk", "x", full_name="Admin"
    )
    client.force_login(rachel)
    client.get(reverse("recruitment:application", args=[review["application"]]))
    row = AccessLog.objects.get()
    client.force_login(admin)
    response = client.get(reverse("admin:recruitment_accesslog_changelist"))
    assertContains(response, "rachel@trust-a.nhs.uk")
    change = reverse("admin:recruitment_accesslog_change", args=[row.pk])
    response = client.get(change)
    assertContains(response, "View access log entry")
    assert client.post(change, {"detail": "changed"}).status_code == 403
    add = reverse("admin:recruitment_accesslog_add")
    assert client.get(add).status_code == 403
    delete = reverse("admin:recruitment_accesslog_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.get().detail == ""
