"""Downloads: every anonymised pack of a vacancy as one zip built by a task; the
scores as CSV (one row per application, criterion and member) and a summary CSV
(one row per application), both opening cleanly in Excel."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from applications.models import Application
from recruitment.exports import excel_cell
from recruitment.models import PackZip, Score
from tests.factories import make_coder
from tests.recruitment.helpers import build_packs, submit


def read_csv(response) -> list[dict]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def scored(rachel, petra, panel, vacancy, alice, bob):
    """Two applications, scored by both members on two criteria."""
    first, second = submit(alice, vacancy), submit(bob, vacancy, cite={1})
    values = {
        (first, rachel, "C1"): 2,
        (first, petra, "C1"): 0,
        (first, rachel, "C2"): 1,
        (second, petra, "C1"): 1,
    }
    for (application, member, ref), value in values.items():
        Score.objects.create(
            application=application,
            member=member,
            criterion=ref,
            score=value,
            note=f"Note by {member.full_name}",
        )
    return first, second


def test_the_scores_csv_agrees_with_the_scores(client, rachel, vacancy, scored):
    client.force_login(rachel)
    rows = read_csv(client.get(reverse("recruitment:scores_csv", args=[vacancy.pk])))
    as_csv = sorted(
        (r["Candidate number"], r["Panel member"], r["Criterion"], int(r["Score"]))
        for r in rows
    )
    as_stored = sorted(
        (s.application.candidate_number, s.member.full_name, s.criterion, s.score)
        for s in Score.objects.select_related("application", "member")
    )
    assert as_csv == as_stored
    first = next(r for r in rows if r["Criterion"] == "C2")
    assert first["Criterion text"].startswith("Competent use of clinical record")
    assert first["Requirement"] == "Essential"
    assert first["Note"] == "Note by Rachel Reed"
    assert first["Route"] == "ACC"


def test_the_summary_csv_agrees_with_the_page(client, rachel, vacancy, scored):
    first, second = scored
    client.force_login(rachel)
    rows = read_csv(client.get(reverse("recruitment:summary_csv", args=[vacancy.pk])))
    by_number = {r["Candidate number"]: r for r in rows}
    assert len(rows) == 2
    row = by_number[first.candidate_number]
    page = client.get(reverse("recruitment:application", args=[first.pk]))
    assert row["Panel total"] == str(page.context["totals"]["panel"]) == "1.5"
    assert (row["Total: Rachel Reed"], row["Total: Petra Price"]) == ("3", "0")
    assert row["Criteria where members differ by 2"] == "1"
    assert row["Longlist pile"] == "Meets every applicable Essential criterion"
    other = by_number[second.candidate_number]
    assert (other["Total: Rachel Reed"], other["Panel total"]) == ("", "1.0")
    assert other["Criteria where members differ by 2"] == "0"


def test_the_summary_gives_the_outcome_reason(client, rachel, vacancy, scored):
    first, _ = scored
    first.set_outcome(Application.Status.NOT_SHORTLISTED, by=rachel, reason="Few.")
    client.force_login(rachel)
    rows = read_csv(client.get(reverse("recruitment:summary_csv", args=[vacancy.pk])))
    row = next(r for r in rows if r["Candidate number"] == first.candidate_number)
    assert (row["Status"], row["Outcome reason"]) == ("Not shortlisted", "Few.")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Plain text", "Plain text"),
        (2, 2),
    ],
)
def test_cells_that_excel_would_run_are_kept_as_text(value, cell):
    assert excel_cell(value) == cell


def test_a_note_starting_like_a_formula_is_not_a_formula(
    client, rachel, panel, vacancy, submitted
):
    Score.objects.create(
        application=submitted, member=rachel, criterion="C1", score=1, note="=1+1"
    )
    client.force_login(rachel)
    rows = read_csv(client.get(reverse("recruitment:scores_csv", args=[vacancy.pk])))
    assert rows[0]["Note"] == "'=1+1"


def test_every_anonymised_pack_is_zipped_by_the_task(
    client, rachel, panel, vacancy, alice, bob, django_capture_on_commit_callbacks
):
    ready = submit(alice, vacancy)
    build_packs(ready)
    gone = submit(bob, vacancy)
    build_packs(gone)
    gone.withdraw()
    waiting = submit(make_coder(full_name="Carol Cole"), vacancy)  # not built yet
    client.force_login(rachel)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recruitment:zip_request", args=[vacancy.pk]))
    bundle = PackZip.objects.get()
    assert response.url == reverse("recruitment:zip", args=[bundle.pk])
    assert (bundle.state, bundle.progress) == (PackZip.State.DONE, 100)
    assert (bundle.packs, bundle.left_out, bundle.requested_by) == (1, 1, rachel)

    response = client.get(response.url)
    assertContains(response, "The zip holds 1 anonymised pack; 1 submitted")
    response = client.get(reverse("recruitment:zip_download", args=[bundle.pk]))
    assert response["Content-Disposition"].endswith('CC-1-anonymised-packs.zip"')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"CC-1-{ready.candidate_number}-anonymised.pdf"]
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    assert waiting.candidate_number not in str(archive.namelist())


def test_the_zip_page_shows_progress_until_it_is_built(client, rachel, vacancy):
    bundle = PackZip.objects.create(
        vacancy=vacancy, state=PackZip.State.BUILDING, progress=40
    )
    client.force_login(rachel)
    response = client.get(reverse("recruitment:zip", args=[bundle.pk]))
    assertContains(response, "Being built (40%).")
    assertContains(response, 'data-refresh="')
    assertContains(response, "recruitment/progress")
    download = reverse("recruitment:zip_download", args=[bundle.pk])
    assert client.get(download).status_code == 404


def test_a_failed_zip_says_so(client, rachel, vacancy, submitted, monkeypatch):
    from recruitment import exports, tasks

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "write_zip", broken)
    bundle = PackZip.objects.create(vacancy=vacancy)
    tasks.build_zip.call(bundle.pk)
    bundle.refresh_from_db()
    assert (bundle.state, bundle.error) == (PackZip.State.FAILED, "disk full")
    client.force_login(rachel)
    response = client.get(reverse("recruitment:zip", args=[bundle.pk]))
    assertContains(response, "The zip could not be built.")
    assert exports.write_zip is not broken
