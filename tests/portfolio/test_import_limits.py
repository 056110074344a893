"""A portfolio import refuses, with a message naming where, whatever a careless or
hostile file holds: text longer than its form takes, NULs and lone surrogates,
dates and numbers no database or page can hold, too many items, attachments that
are not what they claim; it lists 50 problems at most; a large file is imported by
a task whose page shows the progress and the result."""

import base64
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from portfolio import pid, portability_views, tasks
from portfolio.models import (
    TEXT_MAX_LENGTH,
    Attachment,
    Employment,
    Evidence,
    PortfolioImport,
)
from portfolio.portability import (
    MAX_ITEMS,
    PortfolioImportError,
    dumps,
    export_portfolio,
    import_portfolio,
    loads,
)
from tests.factories import make_employment, make_evidence, png_bytes


def stored_files(media_root) -> set[Path]:
    return {p for p in Path(media_root).rglob("*") if p.is_file()}


@pytest.fixture
def document(alice) -> dict:
    """Alice's export: a post and a CPD item with a PNG certificate."""
    make_employment(alice)
    item = make_evidence(alice, "cpd", title="Standards Refresher")
    attachment = Attachment(
        evidence=item,
        name="Certificate",
        content_type="image/png",
        size=len(png_bytes()),
        sha256=Attachment.digest(png_bytes()),
    )
    attachment.file.save("upload", io.BytesIO(png_bytes()))
    return export_portfolio(alice)


def refused(document: dict, owner, media_root) -> list[str]:
    """The problems the import gives; it writes nothing, no row and no file."""
    files = stored_files(media_root)
    with pytest.raises(PortfolioImportError) as raised:
        import_portfolio(loads(dumps(document)), owner)
    assert not Evidence.objects.for_owner(owner).exists()
    assert not Employment.objects.filter(owner=owner).exists()
    assert stored_files(media_root) == files
    return raised.value.problems


def attachment_with(document: dict, content: bytes, content_type: str) -> dict:
    attachment = document["evidence"][0]["attachments"][0]
    attachment |= {
        "content_type": content_type,
        "data": base64.b64encode(content).decode(),
        "size": len(content),
        "sha256": Attachment.digest(content),
    }
    return attachment


# --- Text -----------------------------------------------------------------------------


def test_text_longer_than_its_form_takes_is_refused(document, bob, media_root):
    document["evidence"][0]["reflection"] = "x" * (TEXT_MAX_LENGTH + 1)
    document["employment"][0]["role"] = "r" * 151
    assert refused(document, bob, media_root) == [
        "employment post 1, role: 151 characters, more than the 150 it can hold.",
        'evidence item 1 ("Standards Refresher"), reflection: 10,001 characters, '
        "more than the 10,000 it can hold.",
    ]


def test_the_forms_take_the_same_lengths(signed_in):
    """The form shows the limit the import applies (the NHS character count)."""
    response = signed_in.get(reverse("portfolio:evidence_create", args=["cpd"]))
    assertContains(response, f'data-maxlength="{TEXT_MAX_LENGTH}"')


def test_a_50_mb_reflection_is_refused_before_anything_reads_it(
    document, bob, media_root, monkeypatch
):
    """The length is checked first: the PID guard, whose time grows with the
    text, never sees it."""
    guard = pid.find_identifiers

    def guard_short_text(text: str, *args, **kwargs):
        assert len(text) <= TEXT_MAX_LENGTH, "a text over the limit was read"
        return guard(text, *args, **kwargs)

    monkeypatch.setattr(pid, "find_identifiers", guard_short_text)
    document["evidence"][0]["reflection"] = "x" * (50 * 1024 * 1024)
    [problem] = refused(document, bob, media_root)
    assert problem.endswith(
        "reflection: 52,428,800 characters, more than the 10,000 it can hold."
    )


@pytest.mark.parametrize(
    ("place", "text", "where"),
    [
        (("evidence", 0, "title"), "Audit\x00", "evidence item 1, title"),
        (
            ("evidence", 0, "reflection"),
            "Lone \ud800 half",
            "evidence item 1, reflection",
        ),
        (("employment", 0, "employer"), "Trust \udfff", "employment post 1, employer"),
        (("owner", "full_name"), "Alice\x00", "The file, owner, full_name"),
        (
            ("evidence", 0, "attachments", 0, "name"),
            "Certificate\x00",
            "evidence item 1, attachment 1, name",
        ),
    ],
)
def test_a_nul_or_a_lone_surrogate_is_refused_with_where_it_is(
    document, bob, media_root, place, text, where
):
    *path, key = place
    target = document
    for part in path:
        target = target[part]
    target[key] = text
    bad = next(c for c in text if c == "\x00" or "\ud800" <= c <= "\udfff")
    assert refused(document, bob, media_root) == [
        f"{where}: contains U+{ord(bad):04X}, which is not a character of text. "
        "Remove it."
    ]


def test_a_lone_surrogate_in_a_key_is_refused(document, bob, media_root):
    document["evidence"][0]["\ud800"] = 1
    [problem] = refused(document, bob, media_root)
    assert problem.startswith("evidence item 1, a key: contains U+D800")


def test_a_key_given_twice_is_refused():
    """The later value would silently win: "version": 2, then 1."""
    with pytest.raises(PortfolioImportError, match='gives the key "version" twice'):
        loads('{"format": "coderfolio-portfolio", "version": 2, "version": 1}')


# --- Dates and numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
        "0001-01-01T00:00:00+14:00",  # year 0 in UTC
        "1899-12-31T12:00:00+00:00",
        "2101-01-01T00:00:00",
    ],
)
def test_a_time_out_of_range_is_refused(document, bob, media_root, value):
    document["evidence"][0]["created_at"] = value
    [problem] = refused(document, bob, media_root)
    assert problem.endswith(
        f'created_at: "{value}" is out of range: give a date from '
        "1 January 1900 to 31 December 2100."
    )


def test_the_edges_of_the_range_import(document, bob):
    """Stored and read back on either database, and shown in local time."""
    document["evidence"][0]["created_at"] = "2100-12-31T23:59:59+00:00"
    document["employment"][0]["start_date"] = "1900-01-01"
    import_portfolio(loads(dumps(document)), bob)
    item = Evidence.objects.get(owner=bob)
    assert item.created_at == datetime.datetime(
        2100, 12, 31, 23, 59, 59, tzinfo=datetime.UTC
    )
    assert Employment.objects.get(owner=bob).start_date == datetime.date(1900, 1, 1)


def test_a_date_out_of_range_is_refused(document, bob, media_root):
    document["employment"][0]["start_date"] = "0001-01-01"
    [problem] = refused(document, bob, media_root)
    assert problem == (
        'employment post 1, start_date: "0001-01-01" is out of range: give a date '
        "from 1 January 1900 to 31 December 2100."
    )


@pytest.mark.parametrize("value", [10**30, 2**63, 2**31, -1])
def test_a_whole_number_out_of_range_is_refused(document, bob, media_root, value):
    """The same on SQLite and PostgreSQL: PostgreSQL's integer is the bound."""
    document["evidence"][0]["kind"] = "productivity"
    item = document["evidence"][0]
    for key in ["cpd_type", "provider", "hours"]:
        del item[key]
    item |= {"episodes_coded": value, "target_episodes": None, "end_date": None}
    item |= {"timeliness_percent": None, "date": "2026-09-01"}
    [problem] = refused(document, bob, media_root)
    assert problem.endswith(
        "episodes_coded: expected a whole number from 0 to 2,147,483,647."
    )


def test_a_number_as_very_long_text_is_refused(document, bob, media_root):
    document["evidence"][0]["hours"] = "1" * 100_000
    [problem] = refused(document, bob, media_root)
    assert problem.endswith('hours: expected a number as text, like "3.5".')


# --- How much -------------------------------------------------------------------------


def test_too_many_items_are_refused_before_any_is_read(bob, document, media_root):
    document["evidence"] = [{}] * (MAX_ITEMS + 1)
    assert refused(document, bob, media_root) == [
        "The file has 5,001 items: a file can hold 5,000 at most."
    ]


@pytest.mark.parametrize(
    ("key", "noun"),
    [
        ("attachments", "attachments"),
        ("verification_requests", "verification requests"),
    ],
)
def test_too_many_attachments_or_requests_in_the_file_are_refused(
    bob, document, media_root, key, noun
):
    """Counted over the whole file: many items, each with a few, add up."""
    document["evidence"] = [{key: [{}] * 50} for _ in range(101)]
    assert refused(document, bob, media_root) == [
        f"The file has 5,050 {noun}: a file can hold 5,000 at most."
    ]


def test_the_first_50_problems_are_listed_then_how_many_more(document, bob, media_root):
    document["evidence"] = [{"kind": "poetry"}] * 200
    problems = refused(document, bob, media_root)
    assert len(problems) == 51
    assert problems[0] == 'evidence item 1: unknown kind "poetry".'
    assert problems[-1] == "... and 150 more problems."


def test_the_page_lists_50_problems_at_most(client, document, bob):
    document["evidence"] = [{"kind": "poetry"}] * 200
    client.force_login(bob)
    response = client.post(
        reverse("portfolio:import"),
        {"file": SimpleUploadedFile("p.json", dumps(document).encode())},
    )
    # In the error summary, and again beside the field.
    assertContains(response, "unknown kind", count=2 * 50)
    assertContains(response, "... and 150 more problems.", count=2)


# --- Attachments ----------------------------------------------------------------------


def test_an_attachment_is_checked_as_an_upload_is(document, bob, media_root):
    """A PNG with a zip after its end passes a look at its first bytes only."""
    attachment_with(document, png_bytes() + b"PK\x03\x04 a hidden zip", "image/png")
    [problem] = refused(document, bob, media_root)
    assert problem.endswith(
        "attachment 1: The image has other data after its end, which could hide "
        "another file. Save it again from an image editor and attach that."
    )


def test_an_attachment_is_stored_as_checked(document, bob):
    """A JPEG with a comment and EXIF comes in as its pixels alone, its size and
    SHA-256 those of what is stored."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "Ward 7 camera"
    Image.new("RGB", (8, 8), "red").save(
        buffer, "JPEG", exif=exif, comment=b"<script>alert(1)</script>"
    )
    original = buffer.getvalue()
    attachment_with(document, original, "image/jpeg")

    import_portfolio(loads(dumps(document)), bob)

    stored = Attachment.objects.get(evidence__owner=bob)
    content = stored.file.read()
    assert content != original
    assert b"<script>" not in content
    assert b"Ward 7" not in content
    assert stored.sha256 == Attachment.digest(content)
    assert stored.size == len(content)
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (8, 8)


def test_a_plain_jpeg_keeps_its_bytes(document, bob):
    """As the app stores one: encoding it again would change it on every round
    trip (and void its verification)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG", quality=90)
    original = buffer.getvalue()
    attachment_with(document, original, "image/jpeg")
    import_portfolio(loads(dumps(document)), bob)
    assert Attachment.objects.get(evidence__owner=bob).file.read() == original


# --- A large file: a task, and its page -----------------------------------------------


@pytest.fixture
def large(monkeypatch):
    """Any file over 100 bytes counts as large."""
    monkeypatch.setattr(portability_views, "LARGE_IMPORT_BYTES", 100)


def upload(client, document: dict):
    return client.post(
        reverse("portfolio:import"),
        {"file": SimpleUploadedFile("portfolio.json", dumps(document).encode())},
    )


def test_a_large_file_is_imported_by_a_task_and_its_page_gives_the_result(
    client, document, bob, large, media_root, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, document)
    job = PortfolioImport.objects.get(owner=bob)
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:import_status", args=[job.pk])
    assert job.state == PortfolioImport.State.DONE
    assert Evidence.objects.for_owner(bob).count() == 1
    response = client.get(response["Location"])
    assertContains(
        response,
        "Imported 1 evidence item, 1 employment post and 1 attachment into your "
        "portfolio.",
    )
    assertNotContains(response, 'http-equiv="refresh"')
    # The uploaded copy is gone; the attachment's file stays.
    assert [p.parent.name for p in stored_files(media_root)].count(str(bob.pk)) == 1
    assert not list(Path(media_root).glob("imports/*/*"))


def test_a_waiting_import_shows_its_progress_and_refreshes(
    client, document, bob, large
):
    client.force_login(bob)
    response = upload(client, document)  # not committed: the task has not run
    job = PortfolioImport.objects.get(owner=bob)
    job.progress = 40
    job.save()
    response = client.get(response["Location"])
    assertContains(response, "Waiting to start (40%).")
    assertContains(response, '<meta http-equiv="refresh" content="3">', html=False)
    assert not Evidence.objects.for_owner(bob).exists()

    tasks.run_import.call(job.pk)

    response = client.get(reverse("portfolio:import_status", args=[job.pk]))
    assertContains(response, "Imported 1 evidence item")


def test_a_large_bad_file_says_why_on_its_page(
    client, document, bob, large, django_capture_on_commit_callbacks
):
    document["evidence"][0]["title"] = "Bad \x00"
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, document)
    response = client.get(response["Location"])
    assertContains(response, "Nothing was imported")
    assertContains(response, "evidence item 1, title: contains U+0000")
    assert response.context["job"].state == PortfolioImport.State.FAILED
    assert not Evidence.objects.for_owner(bob).exists()


def test_an_unexpected_fault_in_the_task_is_reported_and_imports_nothing(
    client, document, bob, large, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "import_portfolio", broken)
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, document)
    response = client.get(response["Location"])
    assertContains(response, "because of a fault on our side")
    assertNotContains(response, "disk on fire")


def test_progress_is_told_as_the_import_goes(document, bob):
    told = []
    import_portfolio(loads(dumps(document)), bob, lambda done, total: told.append(done))
    assert told == [1, 2, 3, 4]


def test_an_import_page_is_its_owners_alone(client, alice, bob, rachel):
    job = PortfolioImport.objects.create(owner=alice, size=10)
    url = reverse("portfolio:import_status", args=[job.pk])
    assert client.get(url).status_code == 302  # to sign in
    for outsider in (bob, rachel):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_task_does_not_run_an_import_twice(document, bob, large, client):
    client.force_login(bob)
    upload(client, document)
    job = PortfolioImport.objects.get(owner=bob)
    tasks.run_import.call(job.pk)
    tasks.run_import.call(job.pk)
    assert Evidence.objects.for_owner(bob).count() == 1
    assert json.loads(json.dumps(PortfolioImport.objects.get().problems)) == []
