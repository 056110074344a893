"""What an uploaded file really is, judged by its content rather than its name."""

from typing import IO

from PIL import Image, UnidentifiedImageError

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def sniff_content_type(upload: IO[bytes]) -> str | None:
    """The content type of a PDF, PNG or JPEG file; None for anything else."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    content_type = next((ct for sig, ct in SIGNATURES if head.startswith(sig)), None)
    if content_type is None:
        return None
    if content_type == "application/pdf":
        # A real PDF ends with an end-of-file marker near its end.
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(max(0, size - 2048))
        tail = upload.read()
        upload.seek(0)
        return content_type if b"%%EOF" in tail else None
    try:
        with Image.open(upload) as image:
            image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        return None
    finally:
        upload.seek(0)
    return content_type
