"""The pack's layout, read from WeasyPrint's laid-out pages: nothing left alone at a
page's foot, charts whose labels print at 8 pt or more, body lines a reader can
follow, dates written one way."""

import base64
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from applications import pack
from portfolio.formats import MONTHS as MONTH_NAMES
from tests.applications.test_pack_grid import bench_like

SAMPLE = Path(__file__).parent / "data" / "sample_snapshot.json"
KEEP_WITH_NEXT = {"h1", "h2", "h3", "h4", "caption"}
MONTHS = "|".join(MONTH_NAMES)


def laid_out(snapshot: dict, anonymised: bool = False):
    html = pack.render_html(
        snapshot,
        snapshot_sha256="f" * 64,
        pack_id="CF-000001-ffffffff",
        anonymised=anonymised,
    )
    resources = pack._resources()
    return HTML(string=html, url_fetcher=resources.fetcher, media_type="print").render(
        font_config=resources.font_config, stylesheets=[resources.stylesheet]
    )


def body_lines(page) -> list[tuple[list, str]]:
    """The page's lines (and images) in order, each with its boxes from the root
    down, leaving out the running footer."""
    (root,) = [
        box
        for box in page._page_box.children
        if getattr(box, "element_tag", "") == "html"
    ]
    lines = []

    def walk(box, ancestors):
        if isinstance(box, boxes.LineBox):
            text = "".join(
                t.text for t in box.descendants() if isinstance(t, boxes.TextBox)
            )
            lines.append((ancestors, text))
            for image in box.descendants():
                if isinstance(image, boxes.ReplacedBox):
                    lines.append(([*ancestors, box, image], "[image]"))
        else:
            for child in getattr(box, "children", []):
                walk(child, [*ancestors, box])

    walk(root, [])
    return lines


def classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


@pytest.fixture(scope="module")
def documents():
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return [
        laid_out(sample),
        laid_out(sample, anonymised=True),
        laid_out(bench_like(sample)),
    ]


def test_no_heading_caption_or_item_line_is_left_at_a_pages_foot(documents):
    for document in documents:
        for number, page in enumerate(document.pages[:-1], start=1):
            ancestors, text = body_lines(page)[-1]
            tags = {box.element_tag for box in ancestors if box.element is not None}
            assert not tags & KEEP_WITH_NEXT, (number, text)
            # The line that opens a criterion or an item ("Essential · Verified",
            # "Accuracy audit · 19 September 2026 · Verified") stays with it.
            assert "meta" not in set().union(*map(classes, ancestors)), (number, text)


def test_chart_labels_print_at_8_points_or_more(documents):
    images = [
        box
        for page in documents[0].pages
        for ancestors, text in body_lines(page)
        if text == "[image]"
        for box in ancestors[-1:]
    ]
    assert len(images) == 2
    for image in images:
        source = image.element.get("src")
        svg = base64.b64decode(unquote(source.split(",", 1)[1])).decode()
        width = float(re.search(r'<svg [^>]*width="([\d.]+)"', svg)[1])
        smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
        # CSS pixels are 0.75 pt; the SVG's units are scaled to the printed width.
        points = smallest * image.width / width * 0.75
        assert points >= 8, points


def test_body_lines_are_at_most_about_90_characters(documents):
    longest = ""
    for document in documents:
        for page in document.pages:
            for ancestors, text in body_lines(page):
                tags = {box.element_tag for box in ancestors if box.element is not None}
                hashes = "hash" in set().union(*map(classes, ancestors))
                body = tags & {"p", "li"} and not tags & {"table", "dl", "nav"}
                if body and not hashes:
                    longest = max(longest, text.strip(), key=len)
    assert 60 < len(longest) <= 90, longest


def test_dates_are_written_one_way(documents):
    for document in documents:
        text = " ".join(line for page in document.pages for _, line in body_lines(page))
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
        assert not re.search(
            r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", text
        )
        assert re.search(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b", text)
