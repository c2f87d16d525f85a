"""The portfolio document is a tagged, archivable PDF: a structure tree with headings,
sections, a table, figures with alternative text and paragraphs in reading order; no
text outside marked content; each element in the owner's language says so (/Lang) and
text in Arabic script carries the words as typed (/ActualText), which is what a screen
reader or a conforming extractor reads; PDF/A-3b metadata (XMP, sRGB output intent) and
credentials attached with their relationship (/AFRelationship)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from portfolio.export import pdf, pdf_layout
from portfolio.export import pdf_texts as words
from tests.unit.test_document_pdf import IDENTITY, OWN_WORDS, contents

CREDENTIAL = pdf.Attachment(
    "credential-1.jwt", b"eyJ0eXAiOiJKV1QifQ.e30.sig", "EHBO", "application/vc+jwt"
)


def _render(app: Flask, second: str | None) -> bytes:
    with app.test_request_context():
        return pdf.render(
            contents(second, OWN_WORDS.get(second or "en", "")), IDENTITY, [CREDENTIAL]
        )


def _elements(reader: PdfReader) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []

    def walk(node: DictionaryObject) -> None:
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/StructElem":
                found.append(kid)
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _marked_content(reader: PdfReader) -> tuple[list[dict], int]:
    """Every BDC with its properties, and how many text operators are outside any
    marked content."""
    sequences, untagged = [], 0
    for page in reader.pages:
        depth = 0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
                if operator == b"BDC":
                    sequences.append({"tag": operands[0], **dict(operands[1])})
            elif operator == b"EMC":
                depth -= 1
            elif operator in (b"Tj", b"TJ", b"'", b'"', b"Do") and depth == 0:
                untagged += 1
    return sequences, untagged


@pytest.mark.parametrize("second", ["ar", "ti"])
def test_every_text_is_tagged_in_a_structure_tree(app: Flask, second: str) -> None:
    reader = PdfReader(io.BytesIO(_render(app, second)))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    kinds = [str(e["/S"]) for e in _elements(reader)]
    for kind in ("/H1", "/H2", "/Sect", "/P", "/Table", "/TR", "/TH", "/TD", "/Figure"):
        assert kind in kinds, kind
    assert kinds.index("/H1") < kinds.index("/H2")  # the title is read first
    figures = [e for e in _elements(reader) if e["/S"] == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)
    assert any("verify/7KQ2M9XD4TRBP3WA" in str(f["/Alt"]) for f in figures)  # the QR code
    sequences, untagged = _marked_content(reader)
    assert untagged == 0  # no text or image outside the structure (or an artifact)
    # The parent tree lists, per page, one element per marked-content id.
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    for page in reader.pages:
        key = page["/StructParents"]
        listed = nums[nums.index(key) + 1]
        ids = [s["/MCID"] for s in _sequences_of(reader, page) if "/MCID" in s]
        assert len(listed) == len(ids) and sorted(ids) == list(range(len(ids)))


def _sequences_of(reader: PdfReader, page) -> list[dict]:
    found = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BDC":
            found.append(dict(operands[1]))
    return found


def test_the_owners_language_is_marked_and_arabic_carries_its_words(app: Flask) -> None:
    reader = PdfReader(io.BytesIO(_render(app, "ar")))
    languages = {str(e.get("/Lang")) for e in _elements(reader) if e.get("/Lang")}
    assert "ar" in languages
    carrying = [e for e in _elements(reader) if "/ActualText" in e]
    # the typed phrase, in logical order, exactly as the owner wrote it
    assert any(OWN_WORDS["ar"] in str(e["/ActualText"]) for e in carrying)
    assert all(str(e.get("/Lang")) == "ar" for e in carrying)
    sequences, _ = _marked_content(reader)
    assert any(s.get("/Lang") == "ar" for s in sequences)


def test_tigrinya_and_latin_extract_as_typed(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(_render(app, "ti"))
    text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert OWN_WORDS["ti"] in text
    assert "Amal Haddad" in text


def test_pdf_a_3b_metadata_and_attachments_with_their_relationship(app: Flask) -> None:
    data = _render(app, "ar")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    assert "Portfolio 7KQ2-M9XD-4TRB-P3WA" in xmp  # dc:title
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    spec = root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    assert spec["/AFRelationship"] == "/Supplement"
    assert (
        spec["/EF"]["/F"].get_object()["/Subtype"] == "/application#2Fvc+jwt"
        or spec["/EF"]["/F"].get_object()["/Subtype"]
    )
    assert [a.get_object() for a in root["/AF"]] == [spec]


def _words(data: bytes, tmp_path: Path) -> list[tuple[str, float, float]]:
    """(word, x, y) of every word as pdftotext places it on the first page."""
    (tmp_path / "line.pdf").write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "line.pdf", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (word, float(x), float(y))
        for x, y, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html
        )
    ]


def test_names_in_an_arabic_sentence_keep_their_place(app: Flask, tmp_path: Path) -> None:
    """ "Verified by Jan Bakker, Utrecht, <date>" in Arabic reads, right to left: the
    verb, the name, the place, the date. Without isolation the Latin run "Jan Bakker،
    Utrecht، 4" was set left to right as one, the place before the name."""
    with app.test_request_context():
        doc = pdf_layout.Document(IDENTITY, pdf_layout.Labels("ar"))
        doc.add_page()
        doc.pair(
            doc.labels.both(
                words.VERIFIED_BY, name="Jan Bakker", municipality="Utrecht", date="4 ديسمبر 2026"
            ),
            size=12,
        )
        data = bytes(doc.output())
    right = [(w, x, y) for w, x, y in _words(data, tmp_path) if x > doc.w * 72 / 25.4 / 2]
    first_line = min(y for _w, _x, y in right)
    line = {w.strip("،,"): x for w, x, y in right if y - first_line < 8}
    # Right to left: the name (itself left to right), then the place, then the date.
    assert line["Bakker"] > line["Jan"] > line["Utrecht"] > line["4"]
    (dutch, _other) = doc.labels.both(words.VERIFIED_BY, name="Jan", municipality="U", date="d")
    assert "\u2068" not in dutch  # a Dutch line without Arabic is not shaped: no isolates
