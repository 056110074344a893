"""Attachments: PDF, PNG or JPEG by content, 10 MB at most, served only to the owner.

The bad files each check refuses are in test_bad_uploads.py."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains

from portfolio.models import Attachment, Evidence
from tests import pages
from tests.factories import PDF_BYTES, jpeg_bytes, make_evidence, png_bytes


@pytest.fixture
def audit(alice):
    return make_evidence(alice, "audit")


def upload(client, item, name: str, content: bytes, description: str = "Audit report"):
    return client.post(
        reverse("portfolio:attachment_add", args=[item.pk]),
        {"name": description, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("report.pdf", PDF_BYTES, "application/pdf"),
        ("scan.png", png_bytes(), "image/png"),
        ("certificate.jpg", jpeg_bytes(), "image/jpeg"),
        # Judged by content: a PNG with the wrong name is still a PNG.
        ("certificate.pdf", png_bytes(), "image/png"),
    ],
)
def test_an_owner_attaches_and_downloads_a_file(
    client, alice, audit, media_root, filename, content, content_type
):
    client.force_login(alice)
    response = upload(client, audit, filename, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    # An image is stored encoded again (pixels only): size and hash are of that.
    with attachment.file.open("rb") as stored:
        content = stored.read()
    assert attachment.size == len(content)
    assert attachment.sha256 == Attachment.digest(content)
    # Stored under MEDIA_ROOT (outside the static tree) under a random name.
    path = attachment.file.path
    assert path.startswith(str(media_root))
    assert filename not in path

    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    assert "Audit report" in client.get(audit.get_absolute_url()).content.decode()


def test_a_renamed_program_is_refused(client, alice, audit, media_root):
    client.force_login(alice)
    response = upload(client, audit, "report.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    assert response.status_code == 200
    assert "The file must be a PDF, PNG or JPEG" in pages.html(response)
    assert not Attachment.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_file_with_a_forged_header_is_refused(client, alice, audit):
    client.force_login(alice)
    response = upload(client, audit, "fake.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 100)
    assert "The image cannot be read" in pages.html(response)
    assert not Attachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client, alice, audit):
    client.force_login(alice)
    big = PDF_BYTES + b"%" + b"0" * (11 * 1024 * 1024)
    response = upload(client, audit, "big.pdf", big)
    assert response.status_code == 200
    assert "The file is 11.0 MB: it must be 10 MB or smaller." in pages.html(response)
    assert not Attachment.objects.exists()


def test_the_description_goes_through_the_pid_guard(client, alice, audit):
    client.force_login(alice)
    response = upload(
        client, audit, "r.pdf", PDF_BYTES, description="Notes for 9434765919"
    )
    assert "This looks like an NHS number" in pages.html(response)
    assert not Attachment.objects.exists()


def test_nobody_else_can_download_or_remove_or_add(client, alice, bob, rachel, audit):
    client.force_login(alice)
    upload(client, audit, "report.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    for other in [bob, rachel]:
        client.force_login(other)
        assert client.get(attachment.get_absolute_url()).status_code == 404
        url = reverse("portfolio:attachment_delete", args=[attachment.pk])
        assert client.post(url).status_code == 404
        assert upload(client, audit, "x.pdf", PDF_BYTES).status_code == 404
    assert Attachment.objects.count() == 1


def test_there_is_no_public_url_for_uploads(client, alice, audit):
    client.force_login(alice)
    upload(client, audit, "report.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    client.logout()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 302


def test_removing_an_attachment_deletes_the_file(
    client, alice, audit, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    upload(client, audit, "report.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    path = attachment.file.path
    url = reverse("portfolio:attachment_delete", args=[attachment.pk])
    assert "Remove “Audit report”" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)


def test_deleting_an_item_deletes_its_files_once_committed(
    client, alice, audit, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    upload(client, audit, "report.pdf", PDF_BYTES)
    path = Attachment.objects.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portfolio:evidence_delete", args=[audit.pk]))
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)


def test_files_go_with_their_rows_however_the_rows_go(
    client, alice, audit, django_capture_on_commit_callbacks
):
    # The demo reseed deletes a portfolio with one queryset delete; the cascade
    # takes the attachments, and their files go with them once committed.
    client.force_login(alice)
    upload(client, audit, "report.pdf", PDF_BYTES)
    path = Attachment.objects.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        Evidence.objects.filter(owner=alice).delete()
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)


def test_a_decompression_bomb_is_refused(client, alice, audit):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    client.force_login(alice)
    response = upload(client, audit, "bomb.png", buffer.getvalue())
    assert "The image has more than 50 million pixels" in pages.html(response)
    assert not Attachment.objects.exists()


# --- The file's own name ------------------------------------------------------------


def test_the_file_keeps_its_name_on_the_item_and_the_download(client, alice, audit):
    client.force_login(alice)
    upload(client, audit, "DSPT audit report 2026.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    assert attachment.original_name == "DSPT audit report 2026.pdf"
    page = client.get(audit.get_absolute_url())
    assertContains(page, "Audit report</a>")
    assertContains(page, "(DSPT audit report 2026.pdf, PDF,")
    download = client.get(attachment.get_absolute_url())
    assert download["Content-Disposition"] == (
        'attachment; filename="DSPT audit report 2026.pdf"'
    )
    remove = client.get(reverse("portfolio:attachment_delete", args=[attachment.pk]))
    assertContains(remove, "The file DSPT audit report 2026.pdf will be deleted.")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        # Browsers may send a path; only the name is kept.
        ("C:\\Users\\coder\\Documents\\report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        # Control and invisible format characters go (a right-to-left override
        # could make "fdp.exe" look like "exe.pdf"); spaces fold.
        ("re\x07po\x1brt\u202e  final\u200b.pdf", "report final.pdf"),
        ("  spaced \t  out  .pdf  ", "spaced out .pdf"),
        # Cut to 150 characters, the extension kept.
        ("é" * 180 + ".pdf", "é" * 146 + ".pdf"),
    ],
)
def test_the_file_name_is_made_safe(client, alice, audit, sent, kept):
    client.force_login(alice)
    assert upload(client, audit, sent, PDF_BYTES).status_code == 302
    assert Attachment.objects.get().original_name == kept


def test_the_file_name_goes_through_the_pid_guard(client, alice, audit, media_root):
    client.force_login(alice)
    response = upload(client, audit, "letter 943 476 5919.pdf", PDF_BYTES)
    errors = pages.errors_of(response)
    assert "The file's name: This looks like an NHS number" in errors
    assert "5919" not in errors
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("original_name", "content_type", "downloaded"),
    [
        ("scan.jpeg", "image/jpeg", "scan.jpeg"),
        ("scan.JPG", "image/jpeg", "scan.JPG"),
        # Named as its content is, whatever the name said.
        ("report.doc", "application/pdf", "report.doc.pdf"),
        ("report", "application/pdf", "report.pdf"),
        # Attached before names were kept: the description, as before.
        ("", "image/png", "Audit report.png"),
    ],
)
def test_the_download_is_named_as_its_content_is(
    original_name, content_type, downloaded
):
    attachment = Attachment(
        name="Audit report", original_name=original_name, content_type=content_type
    )
    assert attachment.download_name == downloaded


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("a\x00b\nc\u2028d.pdf", "ab c d.pdf"),
        ("\u202egnp.exe", "gnp.exe"),
        ("...", ""),
        ("x" * 200, "x" * 150),
        ("x" * 200 + ".verylongsuffix", ("x" * 200 + ".verylongsuffix")[:150]),
    ],
)
def test_safe_file_name_removes_what_a_name_must_not_carry(given, kept):
    assert Attachment.safe_file_name(given) == kept
