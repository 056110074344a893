"""What an uploaded file really is, judged by all of its content, not its name.

An attachment is a PDF, PNG or JPEG. A PDF must parse (pypdf) and carry nothing that
acts when it is opened: no JavaScript, launch actions or embedded files. An image is
decoded in full and encoded again, so that only its pixels are kept: data appended
after its end, text chunks and metadata are dropped. What is stored is what was
checked (`CheckedFile.data`), and it is served only as a download.
"""

import io
import unicodedata
from dataclasses import dataclass

from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
EXTENSIONS = {"pdf", "png", "jpg", "jpeg"}
NOT_ALLOWED = (
    "The file must be a PDF, PNG or JPEG. This file's content is none of these, "
    "whatever its name says."
)
# A scanned A4 page at 600 dpi has 35 million pixels; a decompression bomb has
# billions in a small file.
MAX_PIXELS = 50_000_000
# Far more objects than any certificate or audit report has; enough to bound the
# time a crafted file can take to check.
MAX_PDF_OBJECTS = 100_000

# What a PDF may not contain, each found by a dictionary key or an action's /S.
PDF_JAVASCRIPT = (
    "The PDF contains JavaScript, which could run when it is opened. Print it to a "
    "new PDF (or save it as PDF/A) and attach that instead."
)
PDF_LAUNCH = (
    "The PDF has an action that starts a program or opens another file. Print it to "
    "a new PDF and attach that instead."
)
PDF_EMBEDDED = (
    "The PDF has other files embedded in it. Attach each file on its own, or print "
    "the PDF to a new one without them."
)
PDF_KEYS = {
    "/JS": PDF_JAVASCRIPT,
    "/JavaScript": PDF_JAVASCRIPT,
    "/XFA": PDF_JAVASCRIPT,  # XFA forms carry scripts
    "/Launch": PDF_LAUNCH,
    "/EmbeddedFiles": PDF_EMBEDDED,
    "/EmbeddedFile": PDF_EMBEDDED,
    "/EF": PDF_EMBEDDED,
}
PDF_ACTIONS = {
    "/JavaScript": PDF_JAVASCRIPT,
    "/Launch": PDF_LAUNCH,
    "/ImportData": PDF_LAUNCH,
    "/RichMediaExecute": PDF_JAVASCRIPT,
    "/GoToE": PDF_EMBEDDED,
}


class FileRefused(Exception):
    """The file cannot be attached; the message says why, for whoever chose it."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    data: bytes  # what to store: the PDF as given, an image encoded again


def check_file(data: bytes) -> CheckedFile:
    """The file as it may be stored, once all of it has been checked; FileRefused
    (saying why) for anything that is not a plain PDF, PNG or JPEG."""
    if not data:
        raise FileRefused("The file is empty.")
    content_type = next(
        (ct for signature, ct in SIGNATURES if data.startswith(signature)), None
    )
    if content_type is None:
        raise FileRefused(NOT_ALLOWED)
    if content_type == "application/pdf":
        _check_pdf(data)
        return CheckedFile(content_type, data)
    return CheckedFile(content_type, _encode_again(data, content_type))


def check_imported_file(data: bytes) -> CheckedFile:
    """check_file() for a file coming back in an imported portfolio. A JPEG that
    holds its picture alone, as this app stores one (see `_plain_jpeg`), keeps its
    bytes: JPEG loses a little each time it is encoded, so encoding it again would
    change every photo on every export and import, and void its verification."""
    checked = check_file(data)
    if checked.content_type == "image/jpeg" and _plain_jpeg(data):
        return CheckedFile(checked.content_type, data)
    return checked


def name_problem(name: str) -> str | None:
    """Why an uploaded file's name is refused, or None. The name is never used to
    store or serve the file, but a name built to mislead says what the file is for."""
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in name):
        return (
            "The file's name contains control characters. Rename the file and "
            "choose it again."
        )
    if "/" in name or "\\" in name:
        return "The file's name must not contain a folder path. Choose the file itself."
    stem, dot, extension = name.rstrip(". ").rpartition(".")
    if dot and stem and extension.lower() not in EXTENSIONS:
        return (
            f"The file's name ends in .{extension[:10]}: choose a PDF, PNG or JPEG "
            "file (.pdf, .png, .jpg or .jpeg)."
        )
    return None


def file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file, served only as a download: never shown inline, never sniffed
    as another type, and sandboxed should a browser render it anyway."""
    response = FileResponse(
        file, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- PDF ----------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused(
                "The PDF is password-protected, so it cannot be checked. Attach a "
                "copy without a password."
            )
        if len(reader.pages) == 0:
            raise FileRefused("The PDF has no pages.")
        problem = _active_content(reader.trailer)
    except FileRefused:
        raise
    except Exception:  # pypdf raises many kinds of error on a damaged file
        raise FileRefused(
            "The PDF cannot be read: it is damaged, or it is not really a PDF. "
            "Save or print it as a PDF again and attach that."
        ) from None
    if problem:
        raise FileRefused(problem)


def _active_content(trailer: DictionaryObject) -> str | None:
    """Why the document can act when opened (scripts, launches, embedded files),
    or None: every object reachable from the trailer is looked at once."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return (
                "The PDF is too complex to check. Print it to a new PDF and attach "
                "that."
            )
        if isinstance(node, DictionaryObject):
            for name, problem in PDF_KEYS.items():
                if name in node:
                    return problem
            action = node.get("/S")
            if action in PDF_ACTIONS:
                return PDF_ACTIONS[action]
            if node.get("/Type") == "/EmbeddedFile":
                return PDF_EMBEDDED
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


# --- Images -------------------------------------------------------------------------


def _encode_again(data: bytes, content_type: str) -> bytes:
    """The image's pixels alone, decoded in full and encoded again."""
    expected = "PNG" if content_type == "image/png" else "JPEG"
    too_big = (
        f"The image has more than {MAX_PIXELS // 1_000_000} million pixels. Make it "
        "smaller and attach it again."
    )
    damaged = (
        f"The image cannot be read: it is damaged or not really a {expected}. Save "
        "it again from an image editor and attach that."
    )
    if expected == "PNG" and _png_end(data) not in (None, len(data)):
        raise FileRefused(
            "The image has other data after its end, which could hide another file. "
            "Save it again from an image editor and attach that."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise FileRefused(damaged)
            if image.width * image.height > MAX_PIXELS:
                raise FileRefused(too_big)
            image.verify()
        # verify() leaves the image unusable: open it again to decode every pixel.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turned as the camera meant, since the orientation tag is dropped.
            upright = ImageOps.exif_transpose(image)
            # Pillow writes some of what it read back out (comments, EXIF): keep
            # only what the pixels need.
            upright.info = {
                key: value
                for key, value in upright.info.items()
                if key == "transparency"
            }
            out = io.BytesIO()
            if expected == "PNG":
                upright.save(out, "PNG")
            else:
                upright.save(out, "JPEG", quality=90)
    except FileRefused:
        raise
    except Image.DecompressionBombError:
        raise FileRefused(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise FileRefused(damaged) from None
    return out.getvalue()


# The JPEG segments that describe the picture itself, as an encoder writes them:
# frame headers (SOF0-2), Huffman and quantisation tables, restart interval, scans,
# and the JFIF header. Anything else (EXIF, comments, ICC profiles, other
# programs' data) is metadata, which an upload's new encoding drops.
_JPEG_PICTURE_SEGMENTS = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA, 0xE0}
_JFIF_HEADER_LENGTH = 16  # with no thumbnail


def _plain_jpeg(data: bytes) -> bool:
    """Whether a JPEG holds its picture and nothing else: only the segments above,
    a JFIF header without a thumbnail, and nothing after the end of image."""
    if not data.startswith(b"\xff\xd8"):
        return False
    position, end = 2, len(data)
    while position + 2 <= end:
        marker = data[position + 1]
        if data[position] != 0xFF:
            return False
        if marker == 0xD9:  # end of image
            return position + 2 == end
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker not in _JPEG_PICTURE_SEGMENTS or length < 2:
            return False
        if marker == 0xE0 and not (
            length == _JFIF_HEADER_LENGTH
            and data[position + 4 : position + 9] == b"JFIF\x00"
        ):
            return False
        position += 2 + length
        if marker == 0xDA:
            # The coded picture runs to the next marker: an FF that is not a
            # stuffed byte (FF 00) or a restart marker (FF D0 to FF D7).
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= end:
                    return False
                following = data[position + 1]
                if following == 0 or 0xD0 <= following <= 0xD7:
                    position += 2
                    continue
                break
    return False


def _png_end(data: bytes) -> int | None:
    """Where a PNG's IEND chunk ends, or None if it has none."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    return None
