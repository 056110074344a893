"""The PDF pack, read back with pypdf: content, outline, attachment, PDF/A, tags."""

import copy
import hashlib
import io
import json
import re
from pathlib import Path

import pydyf
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from applications import pack
from applications.anonymise import anonymise
from tests.applications.test_anonymise import EMAIL, NAME, VARIANTS, named

SAMPLE = Path(__file__).parent / "data" / "sample_snapshot.json"
NUMBER = "C123456"
APPLICATION_ID = 123


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def squash(text: str) -> str:
    """Text extraction breaks lines: compare on collapsed whitespace."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_json(sample) -> str:
    return canonical(sample)


@pytest.fixture(scope="module")
def leaky(sample) -> dict:
    """The sample for a candidate named Casey Morgan, who wrote each form of their
    name, e-mail address and employers into the statements, the evidence (an
    attachment's name too), their employment history and their audits' titles."""
    data = named(sample)
    fields = [
        (data["criteria"][0], "statement"),
        (data["criteria"][1], "statement"),
        (data["evidence"][0], "reflection"),
        (data["evidence"][1], "summary"),
        (data["evidence"][2], "title"),
        (data["metrics"]["trend"][0], "title"),
        (data["employment"][0], "role"),
    ]
    for index, variant in enumerate(VARIANTS):
        record, key = fields[index % len(fields)]
        record[key] = f"{record[key]} / {variant}"
    data["evidence"][2]["details"].append(["Reviewer note", "Checked with CASEY."])
    data["evidence"][3]["attachments"][0]["name"] = "Casey_Morgan_certificate.pdf"
    return data


@pytest.fixture(scope="module")
def leaky_json(leaky) -> str:
    return canonical(leaky)


class Built:
    def __init__(self, pdf: bytes, pages: int):
        self.pdf = pdf
        self.pages = pages
        self.reader = PdfReader(io.BytesIO(pdf))
        self.page_texts = [page.extract_text() for page in self.reader.pages]
        self.text = squash(" ".join(self.page_texts))


@pytest.fixture(scope="module")
def full(sample_json) -> Built:
    return Built(
        *pack.build_pdf(sample_json, application_id=APPLICATION_ID, anonymised=False)
    )


@pytest.fixture(scope="module")
def anonymous(leaky_json) -> Built:
    return Built(
        *pack.build_pdf(leaky_json, application_id=APPLICATION_ID, anonymised=True)
    )


def outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        if isinstance(entry, list):
            titles.extend(outline_titles(entry))
        else:
            titles.append(entry.title)
    return titles


def resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def struct_elements(reader: PdfReader):
    """Every element of the structure tree, depth first."""
    root = resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    stack = [root]
    while stack:
        node = resolve(stack.pop())
        if not isinstance(node, DictionaryObject):
            continue
        yield node
        kids = resolve(node.get("/K"))
        if isinstance(kids, ArrayObject):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)


def all_pdf_strings(reader: PdfReader) -> str:
    """Every object of the file, streams decompressed, as text to search in."""
    chunks = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 - free entries and the xref stream itself
            continue
        if obj is None:
            continue
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            chunks.append(data.decode("latin-1"))
            chunks.append(data.decode("utf-16-be", errors="ignore"))
        chunks.append(str(obj))
    return "\n".join(chunks)


# --- Pure functions ---------------------------------------------------------------


def test_pack_ids():
    assert pack.pack_id(123, "1A2B3C4D" + "0" * 56) == "CF-000123-1a2b3c4d"
    assert pack.pack_id(1234567, "ab" * 32) == "CF-1234567-abababab"
    assert (
        pack.anonymised_pack_id("C199788", "5E6F" + "0" * 60) == "CF-C199788-5e6f0000"
    )


def test_each_pack_has_its_own_id_and_hash(sample_json):
    full = pack.pack_source(sample_json, application_id=7, anonymised=False)
    anonymous = pack.pack_source(sample_json, application_id=7, anonymised=True)
    assert full.embedded == sample_json
    assert full.sha256 == hashlib.sha256(sample_json.encode()).hexdigest()
    assert full.pack_id == f"CF-000007-{full.sha256[:8]}"
    assert anonymous.embedded == canonical(anonymise(json.loads(sample_json)))
    assert anonymous.sha256 == hashlib.sha256(anonymous.embedded.encode()).hexdigest()
    assert anonymous.pack_id == f"CF-C199788-{anonymous.sha256[:8]}"
    # Nothing of the full pack's: not the application, not the snapshot's hash.
    assert "000007" not in anonymous.pack_id
    assert full.sha256[:8] not in anonymous.embedded + anonymous.pack_id


def test_render_html_structure(sample):
    html = pack.render_html(
        sample, snapshot_sha256="f" * 64, pack_id="CF-000123-ffffffff", anonymised=False
    )
    assert '<html lang="en-GB">' in html
    assert "<title>" in html
    assert html.count("<h1") == 1
    for heading in (
        "Contents",
        "Shortlisting grid",
        "Eligibility summary",
        "Criteria matrix",
        "Evidence appendix",
    ):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", html)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    for image in images:
        assert 'src="data:image/svg+xml;base64,' in image
        assert re.search(r'alt="[^"]{40,}"', image)
    # No resource from anywhere but the document itself.
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", html)
    # Every link lands on an anchor of the document.
    anchors = set(re.findall(r'id="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= anchors


def test_render_html_anonymised_never_shows_the_name_even_given_the_full_snapshot(
    leaky,
):
    html = pack.render_html(
        leaky, snapshot_sha256="f" * 64, pack_id="CF-C123456-ffffffff", anonymised=True
    )
    for variant in VARIANTS:
        assert not found(html, variant), variant
    assert f"Candidate {NUMBER}" in html


def test_a_version_1_snapshot_still_shows_summary_reflection_and_specialties(sample):
    """Version 1 kept them apart from an item's rows; a pack built from one later
    (a failed build retried) must not drop them."""
    data = copy.deepcopy(sample)
    data["version"] = 1
    item = data["evidence"][2]
    item["details"] = [["Auditor", "Approved clinical coding auditor"]]
    html = pack.render_html(
        data, snapshot_sha256="f" * 64, pack_id="CF-000123-ffffffff", anonymised=False
    )
    section = html[html.index('id="evidence-E3"') : html.index('id="evidence-E4"')]
    for label, value in [
        ("Specialties", ", ".join(item["specialties"])),
        ("Auditor", "Approved clinical coding auditor"),
        ("Summary", item["summary"]),
        ("Reflection", item["reflection"]),
    ]:
        assert f'<p class="detail">{label}: {value}</p>' in section


def test_page_references_are_pydyfs_own_built_once():
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert pdf.page_references == pack.PYDYF_PAGE_REFERENCES.fget(pdf)
    assert pdf.page_references is pdf.page_references
    assert len(pdf.page_references) == 3


def test_url_fetcher_serves_data_uris_only():
    fetcher = pack.DataOnlyFetcher()
    for url in (
        "http://example.com/x.png",
        "https://example.com/x.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError, match="no external resources"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


# --- The full pack ----------------------------------------------------------------


def test_pack_holds_every_applicable_criterion_and_every_item(full, sample):
    assert full.pages == len(full.reader.pages) > 5
    for criterion in sample["criteria"]:
        if criterion["applies"]:
            assert squash(f"{criterion['ref']} {criterion['text']}") in full.text
            assert squash(criterion["statement"]) in full.text
    for item in sample["evidence"]:
        assert squash(f"{item['ref']} {item['title']}") in full.text
        assert item["verification_label"] in full.text
        for label, value in item["details"]:
            if label in pack.MEASURE_LABELS:
                # An audit's measures are a small table: the label, its figures.
                assert squash(f"{label} {value}") in full.text
            else:
                assert squash(f"{label}: {value}") in full.text


def test_cover_page(full, sample, sample_json):
    cover = squash(full.page_texts[0])
    sha = hashlib.sha256(sample_json.encode()).hexdigest()
    for text in (
        sample["candidate"]["name"],
        sample["candidate"]["email"],
        "Senior Clinical Coder",
        "198-HIMS-8079977",
        "Band 4",
        "31 December 2026",
        "University Hospitals Dorset NHS Foundation Trust",
        sample["route_label"],
        "25 November 2026",
        f"CF-000123-{sha[:8]}",
        sha,
    ):
        assert text in cover


def test_outline_has_the_sections_each_criterion_and_each_item(full, sample):
    titles = [squash(t) for t in outline_titles(full.reader.outline)]
    for heading in (
        "Application for Senior Clinical Coder",
        "Contents",
        "Shortlisting grid",
        "Eligibility summary",
        "Criteria matrix",
        "Evidence appendix",
        "Skills",
        "Knowledge",
        "Experience",
        "ACC route",
        "Qualifications",
    ):
        assert heading in titles
    for criterion in sample["criteria"]:
        if criterion["applies"]:
            assert squash(f"{criterion['ref']} {criterion['text']}") in titles
    for item in sample["evidence"]:
        assert f"{item['ref']} {item['title']}" in titles


def test_the_full_pack_has_the_employment_history(full, sample):
    section = full.text[full.text.index("Employment history") :]
    assert "Coding experience: 5.0 years" in section
    for post in sample["employment"]:
        assert post["employer"] in section
        assert post["role"] in section
    assert "9 January 2023 to now" in section
    assert "1 November 2021 to 31 December 2022" in section


def test_embedded_json_is_the_stored_snapshot(full, sample, sample_json):
    files = full.reader.attachments
    assert list(files) == ["snapshot.json"]
    (embedded,) = files["snapshot.json"]
    assert embedded.decode("utf-8") == sample_json
    assert json.loads(embedded) == sample


def test_embedded_json_is_the_exact_stored_text_even_if_not_canonical(sample):
    stored = json.dumps(sample, indent=2, ensure_ascii=True)
    pdf, _ = pack.build_pdf(stored, application_id=7, anonymised=False)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments["snapshot.json"][0].decode() == stored


def test_pdfa_3b_identification(full):
    xmp = full.reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)3', xmp)
    assert re.search(r'pdfaid:conformance(="|>)B', xmp)
    assert full.reader.xmp_metadata is not None
    # PDF/A-3: the attachment is associated with the document, as its source.
    root = full.reader.trailer["/Root"]
    (filespec,) = [resolve(f) for f in root["/AF"]]
    assert filespec["/AFRelationship"] == "/Source"
    assert "/OutputIntents" in root


def test_page_numbers_and_pack_id_on_every_page(full):
    pid = re.search(r"CF-000123-[0-9a-f]{8}", full.text).group()
    total = full.pages
    assert f"Page 1 of {total}" in squash(full.page_texts[0])
    for number, text in enumerate(full.page_texts, start=1):
        assert pid in text
        assert f"Page {number} of {total}" in squash(text)


def test_language_title_and_tags(full):
    root = full.reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert full.reader.metadata.title.startswith("Application pack CF-000123-")
    assert "Senior Clinical Coder" in full.reader.metadata.title
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    kinds = {str(element.get("/S")) for element in struct_elements(full.reader)}
    assert {"/H1", "/H2", "/H3", "/Figure", "/Table", "/TH", "/TD"} <= kinds


def test_images_have_alt_text_that_says_what_is_drawn(full):
    figures = [e for e in struct_elements(full.reader) if e.get("/S") == "/Figure"]
    assert len(figures) == 2
    bars, line = sorted(str(figure["/Alt"]) for figure in figures)
    assert bars.startswith(
        "Bar chart of the items of evidence in the 15 most evidenced of 19 "
        "specialties: Medical Oncology 8, Cardiology 7,"
    )
    assert bars.endswith("Ophthalmology 3.")
    assert line.startswith(
        "Line chart of the overall coding accuracy of 12 audits from 25 January "
        "2024 to 19 September 2026: from 86.7% to 95.2%"
    )
    assert line.endswith(
        "against the 90% threshold (a dashed line): 6 of 12 at or above it."
    )


def test_same_json_gives_the_same_pdf_byte_for_byte(full, sample_json):
    again = Built(
        *pack.build_pdf(sample_json, application_id=APPLICATION_ID, anonymised=False)
    )
    assert again.pages == full.pages
    assert again.text == full.text
    assert again.pdf == full.pdf


# --- The anonymised pack ----------------------------------------------------------


def found(text: str, variant: str) -> bool:
    """The variant in the text, in any case, with any spacing between its words."""
    parts = [re.escape(part) for part in variant.split()]
    return re.search(r"\s*".join(parts), text, re.I) is not None


@pytest.fixture(scope="module")
def full_identity(leaky_json):
    """What the full pack of the same submission prints: its id and hash."""
    source = pack.pack_source(
        leaky_json, application_id=APPLICATION_ID, anonymised=False
    )
    return [source.pack_id, source.sha256, source.sha256[:8]]


def test_anonymised_pack_shows_the_candidate_number_and_no_name(anonymous, leaky):
    cover = squash(anonymous.page_texts[0])
    assert f"Candidate {NUMBER}" in cover
    assert "Anonymised for shortlisting" in cover
    assert "[candidate]" in anonymous.text
    for criterion in anonymise(leaky)["criteria"]:
        if criterion["applies"]:
            assert squash(criterion["statement"]) in anonymous.text


def test_anonymised_pack_text_metadata_and_json_hold_none_of_the_variants(
    anonymous, full_identity
):
    embedded = anonymous.reader.attachments["snapshot.json"][0].decode()
    xmp = anonymous.reader.xmp_metadata
    metadata = " ".join(
        [
            *(str(value) for value in anonymous.reader.metadata.values()),
            xmp.stream.get_data().decode() if xmp else "",
            " ".join(outline_titles(anonymous.reader.outline)),
        ]
    )
    everything = all_pdf_strings(anonymous.reader)
    assert "[candidate]" in embedded and "[employer]" in embedded
    for where in (anonymous.text, metadata, embedded, everything):
        for variant in VARIANTS:
            assert not found(where, variant), variant
        for value in full_identity:
            assert value not in where


def test_anonymised_pack_carries_its_own_id_and_hash(anonymous):
    embedded = anonymous.reader.attachments["snapshot.json"][0].decode()
    sha = hashlib.sha256(embedded.encode()).hexdigest()
    identifier = f"CF-{NUMBER}-{sha[:8]}"
    cover = squash(anonymous.page_texts[0])
    assert sha in cover
    assert identifier in cover
    assert anonymous.reader.metadata.title.startswith(f"Application pack {identifier}")
    for text in anonymous.page_texts:
        assert identifier in squash(text)


def test_a_guessed_name_put_back_reproduces_no_printed_hash(anonymous, leaky_json):
    """The attack the old pack allowed: add a guessed name and e-mail back to the
    embedded JSON and hash it. The result is the full snapshot's hash, which the
    anonymised pack does not print."""
    embedded = json.loads(anonymous.reader.attachments["snapshot.json"][0])
    embedded["candidate"].update(name=NAME, email=EMAIL)
    guessed = hashlib.sha256(canonical(embedded).encode()).hexdigest()
    assert guessed[:8] not in anonymous.text
    assert guessed not in all_pdf_strings(anonymous.reader)


def test_anonymised_pack_gives_the_employment_history_without_employers(
    anonymous, leaky
):
    section = anonymous.text[anonymous.text.index("Employment history") :]
    assert "employers withheld" in section
    assert "Trainee Clinical Coder" in section
    assert "1 November 2021 to 31 December 2022" in section
    for post in leaky["employment"]:
        assert post["employer"] not in anonymous.text


def test_anonymised_pack_embeds_the_anonymised_json(anonymous, leaky):
    embedded = anonymous.reader.attachments["snapshot.json"][0].decode()
    expected = anonymise(leaky)
    assert embedded == canonical(expected)
    assert json.loads(embedded) == expected


def test_anonymised_pack_is_pdfa_and_tagged(anonymous):
    root = anonymous.reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)3', xmp)
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root


# --- Size -------------------------------------------------------------------------


def long_snapshot(sample: dict, count: int = 150) -> dict:
    """The sample with `count` items of evidence, cycled from its own."""
    data = copy.deepcopy(sample)
    items = []
    for index in range(count):
        item = copy.deepcopy(sample["evidence"][index % len(sample["evidence"])])
        item["ref"] = f"E{index + 1}"
        item["title"] = f"{item['title']} (item {index + 1})"
        items.append(item)
    data["evidence"] = items
    applicable = [c for c in data["criteria"] if c["applies"]]
    for number, criterion in enumerate(applicable):
        criterion["evidence"] = [
            f"E{n + 1}" for n in range(number, count, len(applicable))
        ]
        criterion["counted"] = []
    for item in items:
        item["supports"] = [
            c["ref"] for c in applicable if item["ref"] in c["evidence"]
        ]
    return data


def test_long_evidence_list_builds_with_more_pages(full, sample):
    data = long_snapshot(sample)
    pdf, pages = pack.build_pdf(canonical(data), application_id=9, anonymised=False)
    built = Built(pdf, pages)
    assert pages > full.pages + 20
    for item in data["evidence"]:
        assert squash(item["title"]) in built.text
    titles = outline_titles(built.reader.outline)
    last = data["evidence"][-1]
    assert f"E150 {last['title']}" in titles
    assert json.loads(built.reader.attachments["snapshot.json"][0]) == data
