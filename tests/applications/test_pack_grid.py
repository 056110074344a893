"""The shortlisting grid: right after the cover, every criterion that applies to the
route in the spec's order (C1, C2, ... never jumping), its status, the evidence with
the page each item is on, and empty boxes for the panel; the rest listed once."""

import copy
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from applications import pack

SAMPLE = Path(__file__).parent / "data" / "sample_snapshot.json"
V3_KEYS = ("applies", "ref", "not_applicable_reason", "counted")
ONLY = {"acc": "the ACC route", "portfolio": "the portfolio route"}
GRID_REF = r'<th scope="row" class="gc"><a class="gl" href="#criterion-(C\d+)">\1</a>'


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def grid_of(html: str) -> str:
    return html[html.index('id="grid"') : html.index('<section class="eligibility"')]


def render(data: dict, anonymised: bool = False) -> str:
    return pack.render_html(
        data,
        snapshot_sha256="f" * 64,
        pack_id="CF-000001-ffffffff",
        anonymised=anonymised,
    )


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def by_route(sample: dict, route: str) -> dict:
    """The same coder's submission by the other route, as version 3 stores it."""
    data = copy.deepcopy(sample)
    data["route"] = route
    number = 0
    for criterion in data["criteria"]:
        applies = criterion["route"] in ("", route)
        number += applies
        criterion["applies"] = applies
        criterion["ref"] = f"C{number}" if applies else None
        criterion["not_applicable_reason"] = (
            "" if applies else f"Applies to {ONLY[criterion['route']]} only"
        )
        if not applies:
            criterion["counted"] = []
    for item in data["evidence"]:
        item.pop("supports")
    return data


def version_2(sample: dict) -> dict:
    data = copy.deepcopy(sample)
    data["version"] = 2
    del data["employment"]
    for criterion in data["criteria"]:
        for key in V3_KEYS:
            del criterion[key]
    for item in data["evidence"]:
        del item["supports"]
    return data


def bench_like(sample: dict, per_criterion: int = 10) -> dict:
    """The portfolio route with up to 10 items chosen for each criterion and what
    the rules counted, as the bench's 300-item submission has: many pages."""
    data = by_route(sample, "portfolio")
    base = data["evidence"]
    applicable = [c for c in data["criteria"] if c["applies"]]
    items = []
    for number in range(per_criterion * len(applicable)):
        item = copy.deepcopy(base[number % len(base)])
        item["ref"] = f"E{number + 1}"
        item["title"] = f"{item['title']} ({number + 1})"
        items.append(item)
    data["evidence"] = items
    for index, criterion in enumerate(applicable):
        criterion["evidence"] = [
            f"E{index * per_criterion + n + 1}" for n in range(per_criterion)
        ]
        if criterion["counted"]:
            criterion["counted"] = [f"E{n}" for n in range(1, len(items), 9)]
    return data


# --- The grid's content -------------------------------------------------------------


@pytest.mark.parametrize("route", ["acc", "portfolio"])
def test_the_grid_lists_the_applicable_criteria_in_order_never_jumping(sample, route):
    data = by_route(sample, route)
    grid = grid_of(render(data))
    refs = re.findall(GRID_REF, grid)
    applicable = [c for c in data["criteria"] if c["applies"]]
    assert refs == [f"C{n}" for n in range(1, len(applicable) + 1)]
    for criterion in applicable:
        assert pack.short_text(criterion["text"]) in grid


def test_each_row_gives_requirement_status_evidence_and_empty_boxes(sample):
    grid = grid_of(render(sample))
    row = re.search(r'<tr class="gr"><th scope="row"[^>]*>[^/]*C8</a>.*?</tr>', grid)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "Sustained coding accuracy of ≥90% across all specialties"
    assert cells[1] == "Essential"
    assert cells[2] == "Verified"  # the label of the stored status, as everywhere
    assert '<a class="chip" href="#evidence-E3">E3</a>' in cells[3]
    assert '<a class="gl" href="#criterion-C8">4 counted by its rule</a>' in cells[3]
    assert cells[4:] == ["", ""]  # score and notes, for the panel
    assert "Score 0/1/2" in grid and "Notes" in grid


def test_criteria_that_do_not_apply_are_listed_once_with_why_and_never_as_not_met(
    sample,
):
    for route, other, example in [
        ("acc", "portfolio", "Breadth of specialty experience"),
        ("portfolio", "acc", "CCQ Clinical Coding Qualification"),
    ]:
        html = render(by_route(sample, route))
        listed = re.findall(r"<li>([^<]*)</li>", grid_of(html))
        ours = [line for line in listed if line.startswith(example)]
        assert ours == [f"{example}: applies to {ONLY[other]} only."]
        assert html.count(example) == 1
        assert "Not met" not in html


def test_the_two_routes_of_the_same_coder_give_different_criteria(sample):
    acc = grid_of(render(by_route(sample, "acc")))
    portfolio = grid_of(render(by_route(sample, "portfolio")))
    assert "CCQ Clinical Coding Qualification" in acc.split("Not applicable")[0]
    assert "CCQ Clinical Coding Qualification" in portfolio.split("Not applicable")[1]
    assert "Breadth of specialty experience" in portfolio.split("Not applicable")[0]
    assert "Breadth of specialty experience" in acc.split("Not applicable")[1]


def test_a_version_2_snapshot_numbers_the_criteria_that_apply_by_its_route(sample):
    data = version_2(sample)
    html = render(data)
    grid = grid_of(html)
    refs = re.findall(GRID_REF, grid)
    assert refs == [f"C{n}" for n in range(1, 16)]  # the 15 of the ACC route
    assert "Breadth of specialty experience: applies to the portfolio route only." in (
        grid
    )
    # Each item still links back to the criteria it was chosen for.
    assert re.search(r'Supports <a href="#criterion-C1">C1</a></p>', html)
    assert "Employment history" in html  # the heading stays; no table to show


def test_short_text_drops_asides_and_keeps_the_point():
    assert pack.short_text(
        "A minimum of 3 years\u2019 coding experience \u2013 (used as a baseline "
        "indicator of sustained exposure only not a stand-alone qualifying metric)."
    ) == ("A minimum of 3 years\u2019 coding experience")
    assert pack.short_text(
        "Competent use of clinical record systems (e.g., EPR, PAS) to review records"
    ) == ("Competent use of clinical record systems to review records")
    long = "word " * 40
    assert len(pack.short_text(long)) <= 121
    assert pack.short_text(long).endswith("word…")


# --- The grid in the PDF ------------------------------------------------------------


@pytest.fixture(scope="module")
def long_pack(sample):
    data = bench_like(sample)
    pdf, _ = pack.build_pdf(canonical(data), application_id=5, anonymised=False)
    return data, PdfReader(io.BytesIO(pdf))


def bookmark_pages(reader: PdfReader) -> dict[str, int]:
    pages = {}

    def walk(outline):
        for entry in outline:
            if isinstance(entry, list):
                walk(entry)
            else:
                pages[squash(entry.title)] = (
                    reader.get_destination_page_number(entry) + 1
                )

    walk(reader.outline)
    return pages


def test_the_grid_follows_the_cover_and_fits_on_two_pages(long_pack):
    data, reader = long_pack
    pages = bookmark_pages(reader)
    assert pages["Shortlisting grid"] == 2
    assert pages["Eligibility summary"] - pages["Shortlisting grid"] <= 2
    assert len([c for c in data["criteria"] if c["applies"]]) == 20


def test_the_grid_gives_the_page_each_item_is_on(long_pack):
    data, reader = long_pack
    pages = bookmark_pages(reader)
    end = pages["Eligibility summary"]
    grid_text = squash(" ".join(reader.pages[n].extract_text() for n in range(1, end)))
    cited = re.findall(r"\b(E\d+) p\. (\d+)", grid_text)
    chosen = {ref for c in data["criteria"] for ref in c["evidence"]}
    assert {ref for ref, _ in cited} == chosen
    titles = {
        item["ref"]: f"{item['ref']} {item['title']}" for item in data["evidence"]
    }
    for ref, page in cited:
        assert int(page) == pages[squash(titles[ref])], ref
        assert squash(titles[ref]) in squash(reader.pages[int(page) - 1].extract_text())
