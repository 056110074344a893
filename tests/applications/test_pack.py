"""The PDF pack, read back with pypdf: content, outline, attachment, PDF/A, tags."""

import copy
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from applications import pack

SAMPLE = Path(__file__).parent / "data" / "sample_snapshot.json"
NAME = "Casey Coder"
EMAIL = "coder@demo.coderfolio.test"
NUMBER = "C199788"
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
    """The sample, with the candidate named in their own words here and there."""
    data = copy.deepcopy(sample)
    data["evidence"][0]["reflection"] = "Casey led this; casey coder wrote it up."
    assert data["evidence"][0]["details"][-1][0] == "Reflection"
    data["evidence"][0]["details"][-1][1] = data["evidence"][0]["reflection"]
    data["evidence"][1]["summary"] = f"Questions to {EMAIL.upper()} please."
    data["evidence"][2]["details"].append(["Reviewer note", "Checked with CASEY."])
    data["criteria"][0]["statement"] = "I (Casey Coder) validated the coded data."
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


def test_pack_id():
    assert pack.pack_id(123, "1A2B3C4D" + "0" * 56) == "CF-000123-1a2b3c4d"
    assert pack.pack_id(1234567, "ab" * 32) == "CF-1234567-abababab"


def test_anonymise_leaves_the_original_unchanged(leaky):
    before = copy.deepcopy(leaky)
    pack.anonymise(leaky)
    assert leaky == before


def test_anonymise_keeps_only_the_candidate_number(leaky):
    result = pack.anonymise(leaky)
    assert result["candidate"] == {"candidate_number": NUMBER}
    text = canonical(result)
    assert "casey" not in text.lower()
    assert EMAIL not in text.lower()
    # Scrubbed whole, in any case, wherever they were.
    assert result["evidence"][0]["reflection"] == (
        "[candidate] led this; [candidate] wrote it up."
    )
    assert result["evidence"][1]["summary"] == "Questions to [candidate] please."
    assert result["evidence"][2]["details"][-1] == [
        "Reviewer note",
        "Checked with [candidate].",
    ]
    assert (
        result["criteria"][0]["statement"]
        == "I ([candidate]) validated the coded data."
    )


def test_anonymise_spares_name_parts_that_are_words_of_the_job(leaky):
    """ "Coder" is the surname but also the job: "Senior Clinical Coder" stays."""
    result = pack.anonymise(leaky)
    assert result["vacancy"]["title"] == "Senior Clinical Coder"
    assert result["route_label"] == leaky["route_label"]
    assert "Accredited Clinical Coder" in result["route_label"]
    # Everything other than the scrubbed strings is as it was.
    unchanged = {
        k: v for k, v in leaky.items() if k not in ("candidate", "criteria", "evidence")
    }
    assert {k: result[k] for k in unchanged} == unchanged


def test_anonymise_scrubs_other_name_parts_as_whole_words(sample):
    data = copy.deepcopy(sample)
    data["candidate"] = {
        "name": "Jo Smith-Jones",
        "email": "jo@example.nhs.uk",
        "candidate_number": "C100001",
    }
    data["evidence"][0]["summary"] = (
        "Smith-Jones and JO reviewed it; Smithfield and Joanne did not."
    )
    data["evidence"][1]["summary"] = "Mrs Jones agreed; mail jo@example.nhs.uk."
    result = pack.anonymise(data)
    assert result["evidence"][0]["summary"] == (
        "[candidate] and [candidate] reviewed it; Smithfield and Joanne did not."
    )
    assert (
        result["evidence"][1]["summary"] == "Mrs [candidate] agreed; mail [candidate]."
    )


def test_anonymise_without_a_candidate_number_derives_a_stable_one(sample):
    data = copy.deepcopy(sample)
    del data["candidate"]["candidate_number"]
    first = pack.anonymise(data)["candidate"]["candidate_number"]
    assert re.fullmatch(r"C\d{6}", first)
    assert pack.anonymise(data)["candidate"]["candidate_number"] == first


def test_render_html_structure(sample):
    html = pack.render_html(
        sample, snapshot_sha256="f" * 64, pack_id="CF-000123-ffffffff", anonymised=False
    )
    assert '<html lang="en-GB">' in html
    assert "<title>" in html
    assert html.count("<h1") == 1
    for heading in (
        "Contents",
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


def test_render_html_anonymised_never_shows_the_name_even_given_the_full_snapshot(
    leaky,
):
    html = pack.render_html(
        leaky, snapshot_sha256="f" * 64, pack_id="CF-000123-ffffffff", anonymised=True
    )
    assert "casey" not in html.lower()
    assert EMAIL not in html.lower()
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
        assert f"<strong>{label}:</strong> {value}</p>" in section


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


def test_pack_holds_every_criterion_statement_and_evidence_title(full, sample):
    assert full.pages == len(full.reader.pages) > 5
    for criterion in sample["criteria"]:
        assert squash(criterion["text"]) in full.text
        assert squash(criterion["statement"]) in full.text
    for item in sample["evidence"]:
        assert squash(item["title"]) in full.text
        assert item["verification_label"] in full.text
        for label, value in item["details"]:
            assert squash(f"{label}: {value}") in full.text


def test_cover_page(full, sample, sample_json):
    import hashlib

    cover = squash(full.page_texts[0])
    sha = hashlib.sha256(sample_json.encode()).hexdigest()
    for text in (
        NAME,
        EMAIL,
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


def test_outline_has_the_sections(full, sample):
    titles = [squash(t) for t in outline_titles(full.reader.outline)]
    for heading in (
        "Application for Senior Clinical Coder",
        "Contents",
        "Eligibility summary",
        "Criteria matrix",
        "Evidence appendix",
        "Skills",
        "Knowledge",
        "Experience",
        "Qualifications",
    ):
        assert heading in titles
    for item in sample["evidence"]:
        assert f"{item['ref']} {item['title']}" in titles


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


def test_images_have_alt_text(full):
    figures = [e for e in struct_elements(full.reader) if e.get("/S") == "/Figure"]
    assert len(figures) == 2
    alts = sorted(str(figure["/Alt"]) for figure in figures)
    assert alts[0].startswith("Bar chart of items of evidence per specialty")
    assert alts[1].startswith("Line chart of overall coding accuracy in 12 audits")


def test_same_json_gives_the_same_pdf_byte_for_byte(full, sample_json):
    again = Built(
        *pack.build_pdf(sample_json, application_id=APPLICATION_ID, anonymised=False)
    )
    assert again.pages == full.pages
    assert again.text == full.text
    assert again.pdf == full.pdf


# --- The anonymised pack ----------------------------------------------------------


def test_anonymised_pack_shows_the_candidate_number_and_no_name(anonymous, leaky):
    cover = squash(anonymous.page_texts[0])
    assert f"Candidate {NUMBER}" in cover
    assert "Anonymised for shortlisting" in cover
    lowered = anonymous.text.lower()
    for secret in (NAME, "Casey", EMAIL):
        assert secret.lower() not in lowered
    # Words of the job that happen to be the surname are kept.
    assert "Application for Senior Clinical Coder" in anonymous.text
    assert "[candidate] led this" in anonymous.text
    for criterion in pack.anonymise(leaky)["criteria"]:
        assert squash(criterion["statement"]) in anonymous.text


def test_anonymised_pack_bytes_hold_no_name(anonymous):
    everything = all_pdf_strings(anonymous.reader).lower()
    assert "[candidate]" in everything  # the attachment was searched
    for secret in (NAME, "Casey", EMAIL):
        assert secret.lower() not in everything
        assert secret.lower().encode() not in anonymous.pdf.lower()
    titles = " ".join(outline_titles(anonymous.reader.outline)).lower()
    assert "casey" not in titles
    assert "casey" not in anonymous.reader.metadata.title.lower()
    assert f"Candidate {NUMBER}" in anonymous.reader.metadata.title


def test_anonymised_pack_embeds_the_anonymised_json(anonymous, leaky):
    embedded = anonymous.reader.attachments["snapshot.json"][0].decode()
    expected = pack.anonymise(leaky)
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
    for number, criterion in enumerate(data["criteria"]):
        criterion["evidence"] = [
            f"E{n + 1}" for n in range(number, count, len(data["criteria"]))
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
