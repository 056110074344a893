"""Attachments are judged by all of their content: a corpus of bad files, each refused
with a message saying why, leaving no row and no file behind; images are stored as
their pixels alone; every download is served so that no browser runs it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from portfolio import uploads
from portfolio.models import Attachment
from tests import pages
from tests.factories import PDF_BYTES, jpeg_bytes, make_evidence, png_bytes

NOT_ALLOWED = "The file must be a PDF, PNG or JPEG"
UNREADABLE_PDF = "The PDF cannot be read"
JAVASCRIPT = "The PDF contains JavaScript"
LAUNCH = "The PDF has an action that starts a program"
EMBEDDED = "The PDF has other files embedded in it"
APPENDED = "The image has other data after its end"
UNREADABLE_PNG = "The image cannot be read: it is damaged or not really a PNG"
UNREADABLE_JPEG = "The image cannot be read: it is damaged or not really a JPEG"


@pytest.fixture
def audit(alice):
    return make_evidence(alice, "audit")


def upload(client, item, name: str, content: bytes):
    return client.post(
        reverse("portfolio:attachment_add", args=[item.pk]),
        {"name": "Audit report", "file": SimpleUploadedFile(name, content)},
    )


# --- Building the bad files ---------------------------------------------------------


def _action(kind: str, **entries: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject(kind),
            **{NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()},
        }
    )


def pdf_with(change) -> bytes:
    """A one-page PDF, changed by `change(writer)` before it is written."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_action(kind: str, **entries: str):
    def change(writer: PdfWriter) -> None:
        action = writer._add_object(_action(kind, **entries))
        writer._root_object[NameObject("/OpenAction")] = action

    return change


def javascript_name_tree(writer: PdfWriter) -> None:
    script = _action("/JavaScript", JS="app.alert(document.cookie)")
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("go"), script])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): tree}
    )


def page_opening_script(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert(1)")}
    )


def empty_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


HTML = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)

# (what, file name, content, the message that says why)
CORPUS = [
    ("PDF header then HTML", "report.pdf", b"%PDF-1.4\n" + HTML, UNREADABLE_PDF),
    ("HTML then a PDF", "report.pdf", HTML + PDF_BYTES, NOT_ALLOWED),
    ("truncated PDF", "report.pdf", PDF_BYTES[:200], UNREADABLE_PDF),
    (
        "PDF with a JavaScript OpenAction",
        "report.pdf",
        pdf_with(open_action("/JavaScript", JS="app.alert(1)")),
        JAVASCRIPT,
    ),
    (
        "PDF with a JavaScript name tree",
        "report.pdf",
        pdf_with(javascript_name_tree),
        JAVASCRIPT,
    ),
    (
        "PDF page with an opening script",
        "report.pdf",
        pdf_with(page_opening_script),
        JAVASCRIPT,
    ),
    (
        "PDF with its JavaScript names written in #hex",
        "report.pdf",
        PDF_BYTES.replace(
            b"/Type /Catalog",
            b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        ),
        JAVASCRIPT,
    ),
    (
        "PDF with a Launch action",
        "report.pdf",
        pdf_with(open_action("/Launch", F="C:\\Windows\\System32\\calc.exe")),
        LAUNCH,
    ),
    (
        "PDF with an embedded file",
        "report.pdf",
        pdf_with(lambda w: w.add_attachment("invoice.exe", b"MZ\x90\x00")),
        EMBEDDED,
    ),
    (
        "password-protected PDF",
        "report.pdf",
        pdf_with(lambda w: w.encrypt("secret")),
        "The PDF is password-protected",
    ),
    ("PDF without pages", "report.pdf", empty_pdf(), "The PDF has no pages"),
    (
        "PNG with HTML appended",
        "scan.png",
        png_bytes() + HTML,
        APPENDED,
    ),
    ("PNG with a ZIP appended", "scan.png", png_bytes() + zip_bytes(), APPENDED),
    ("truncated PNG", "scan.png", png_bytes()[:-20], UNREADABLE_PNG),
    (
        "PNG signature on junk",
        "scan.png",
        b"\x89PNG\r\n\x1a\n" + b"junk" * 100,
        UNREADABLE_PNG,
    ),
    ("decompression bomb", "bomb.png", bomb_png(), "more than 50 million pixels"),
    ("truncated JPEG", "photo.jpg", jpeg_bytes()[:200], UNREADABLE_JPEG),
    (
        "JPEG signature on junk",
        "photo.jpg",
        b"\xff\xd8\xff" + b"x" * 500,
        UNREADABLE_JPEG,
    ),
    (
        "program renamed .pdf (MZ)",
        "report.pdf",
        b"MZ\x90\x00" + b"\x00" * 500,
        NOT_ALLOWED,
    ),
    (
        "program renamed .png (ELF)",
        "scan.png",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 500,
        NOT_ALLOWED,
    ),
    ("HTML with a script", "report.pdf", HTML, NOT_ALLOWED),
    ("SVG with a script", "scan.png", SVG, NOT_ALLOWED),
    ("ZIP renamed .pdf", "report.pdf", zip_bytes(), NOT_ALLOWED),
    ("zero bytes", "report.pdf", b"", "The submitted file is empty"),
    (
        "over the limit",
        "big.pdf",
        PDF_BYTES + b"%" + b"0" * (10 * 1024 * 1024),
        "must be 10 MB or smaller",
    ),
    ("double extension .pdf.exe", "report.pdf.exe", PDF_BYTES, "ends in .exe"),
    ("double extension .png.html", "scan.png.html", png_bytes(), "ends in .html"),
    ("trailing dot", "setup.exe.", PDF_BYTES, "ends in .exe"),
    # Django's upload parser drops control characters and folder paths from a
    # name (name_problem below refuses them, should a name come another way); what
    # is left is judged as any other name, and the content as any other content.
    (
        "right-to-left override hiding .exe",
        "invoice\u202efdp.exe",
        b"MZ\x90\x00" + b"\x00" * 500,
        "ends in .exe",
    ),
    ("control character in the name", "report\x07.pdf", HTML, NOT_ALLOWED),
    (
        "Windows path in the name",
        "..\\..\\Startup\\report.pdf",
        b"MZ\x90\x00" + b"\x00" * 500,
        NOT_ALLOWED,
    ),
    (
        "path to a system file",
        "../../etc/passwd",
        b"root:x:0:0:root:/root:/bin/bash\n",
        NOT_ALLOWED,
    ),
]


def test_the_corpus_has_at_least_25_bad_files():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_a_bad_file_is_refused_with_a_reason_and_leaves_nothing_behind(
    client, alice, audit, media_root, name, content, why
):
    client.force_login(alice)
    response = upload(client, audit, name, content)
    assert why in pages.errors_of(response)
    assert not Attachment.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*"))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("report\u202efdp.exe", "control characters"),
        ("report\x00.pdf", "control characters"),
        ("..\\..\\report.pdf", "a folder path"),
        ("../report.pdf", "a folder path"),
        ("report.pdf.exe", "ends in .exe"),
        ("report.pdf.", None),
        ("Scan.JPEG", None),
        ("certificate", None),
        (".pdf", None),
    ],
)
def test_a_misleading_name_is_refused_however_it_arrives(name, why):
    problem = uploads.name_problem(name)
    assert (problem is None) if why is None else (why in problem)


# --- What is accepted is stored as checked ------------------------------------------


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as stored:
        return stored.read()


def test_a_png_text_chunk_is_dropped_so_no_script_is_stored(client, alice, audit):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    info.add_itxt("Description", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG", pnginfo=info)
    assert b"<script" in buffer.getvalue()

    client.force_login(alice)
    assert upload(client, audit, "scan.png", buffer.getvalue()).status_code == 302
    attachment = Attachment.objects.get()
    data = stored_bytes(attachment)
    assert b"<script" not in data
    assert b"tEXt" not in data and b"iTXt" not in data
    assert attachment.size == len(data)
    assert attachment.sha256 == Attachment.digest(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (8, 8)
        assert image.getpixel((0, 0)) == (0, 128, 0)


def test_a_jpeg_keeps_its_picture_but_not_its_metadata_or_what_follows_it(
    client, alice, audit
):
    """Phones append a video after a photo's end, so a JPEG is not refused for
    trailing data: encoding it again drops it, with the comments and EXIF (which can
    say where the photo was taken)."""
    image = Image.new("RGB", (6, 4), "red")
    exif = image.getexif()
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription
    exif[0x0112] = 6  # Orientation: turned a quarter
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"<script>x</script>")
    content = buffer.getvalue() + HTML

    client.force_login(alice)
    assert upload(client, audit, "photo.jpg", content).status_code == 302
    attachment = Attachment.objects.get()
    data = stored_bytes(attachment)
    assert attachment.content_type == "image/jpeg"
    assert b"<script" not in data and b"<html" not in data and b"Exif" not in data
    assert attachment.sha256 == Attachment.digest(data)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (4, 6)  # turned upright, as the tag said


def test_a_plain_pdf_is_stored_as_it_came(client, alice, audit):
    client.force_login(alice)
    assert upload(client, audit, "report.pdf", PDF_BYTES).status_code == 302
    assert stored_bytes(Attachment.objects.get()) == PDF_BYTES


# --- Downloads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF_BYTES, "application/pdf"), (png_bytes(), "image/png")],
)
def test_a_download_is_never_rendered_or_sniffed(
    client, alice, audit, content, content_type
):
    client.force_login(alice)
    upload(client, audit, "file", content)
    response = client.get(Attachment.objects.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
