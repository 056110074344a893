"""Reading pages in tests. Each reader checks the status first: a check that a text is
absent must not pass on an error page."""

import re
from html import unescape

from django.http import HttpResponse


def html(response: HttpResponse, status: int = 200) -> str:
    """The page's HTML, once its status is the one expected."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}"
    )
    return response.content.decode()


def text(response: HttpResponse, status: int = 200) -> str:
    """The page's text as a reader sees it: tags removed, spaces folded."""
    stripped = re.sub(r"<[^>]+>", " ", html(response, status))
    return re.sub(r"\s+", " ", unescape(stripped)).strip()


def errors_of(response: HttpResponse, status: int = 200) -> str:
    """The text of the page's error summary and error messages; fails when the page
    shows no error at all."""
    page = html(response, status)
    parts = re.findall(r'class="nhsuk-error-summary".*?</div>\s*</div>', page, re.S)
    parts += re.findall(r'class="nhsuk-error-message".*?</span>\s*</?\w', page, re.S)
    assert parts, "the page shows no error"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", " ".join(parts))))
