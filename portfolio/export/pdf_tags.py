"""The portfolio document's logical structure (a tagged PDF), built beside fpdf2.

fpdf2 tags only images with alternative text, all under one /Document element. Here
every piece of content is marked: headings (H1, H2), paragraphs (P), the language grid
as a table (Table, TR, TH, TD), figures with alternative text, each section a Sect, in
the order they are read; page furniture (footers, rules) is an Artifact. Each element
says its language (/Lang) where it is not the document's Dutch, and text in Arabic
script carries its words as typed (/ActualText), so that text extraction and screen
readers get the logical order rather than shaped glyphs. The words are on the structure
element, not in a /Span of the content: Poppler reads a /Span's ActualText but applies
its right-to-left reordering to it again, which reverses it.

This replaces fpdf2's ``struct_builder``: fpdf2's output writes whatever it yields, and
marks the catalog /MarkInfo /Marked true when there is any.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fpdf import FPDF
from fpdf.errors import FPDFException
from fpdf.fonts import TTFFont
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFArray, PDFObject, PDFString

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
ETHIOPIC_SCRIPT = re.compile(r"[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")


class Element(StructElem):
    """A structure element with its language (``/Lang``); its page is set when it is
    made (fpdf2 sets it only for the children of /Document)."""

    __slots__ = ("lang", "actual_text")

    def __init__(
        self,
        kind: str,
        parent: PDFObject,
        page_number: int,
        *,
        lang: str | None = None,
        alt: str | None = None,
        actual: str | None = None,
    ) -> None:
        super().__init__(f"/{kind}", parent, [], page_number=page_number, alt=alt)
        self.lang = PDFString(lang) if lang else None
        self.actual_text = PDFString(actual) if actual is not None else None


class Tags(StructureTreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []

    @property
    def root(self) -> StructElem:
        return self.doc_struct_elem

    def container(
        self, kind: str, parent: StructElem, page: PDFObject, page_number: int
    ) -> Element:
        return self._add(Element(kind, parent, page_number), parent, page)

    def _add(self, made: Element, parent: StructElem, page: PDFObject) -> Element:
        made.pg = page  # type: ignore[assignment]  # (fpdf2 types it as None)
        parent.k.append(made)
        self.elements.append(made)
        return made

    def content(
        self,
        kind: str,
        parent: StructElem,
        page: PDFObject,
        page_number: int,
        *,
        lang: str | None = None,
        alt: str | None = None,
        actual: str | None = None,
    ) -> tuple[int, int]:
        """A leaf element for one marked-content sequence on ``page``: its marked-content
        id and the page's /StructParents key."""
        key = self.spid_per_page_number.setdefault(page_number, len(self.spid_per_page_number))
        on_page = self.struct_tree_root.parent_tree.nums[key]
        mcid = len(on_page)
        made = Element(kind, parent, page_number, lang=lang, alt=alt, actual=actual)
        made.k = PDFArray([mcid])
        on_page.append(self._add(made, parent, page))  # a page's elements by marked-content id
        return mcid, key

    def next_mcid_for_page(self, page_number: int) -> int:
        key = self.spid_per_page_number.get(page_number)
        return 0 if key is None else len(self.struct_tree_root.parent_tree.nums[key])

    def empty(self) -> bool:
        return not self.elements

    def __iter__(self) -> Iterator[PDFObject]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        yield from self.elements


def language_of(text: str, second: str | None) -> str | None:
    """The language of text the owner typed, as far as its script tells: Arabic script
    is their own language when that is written in it (Arabic, Persian), else Arabic;
    Ge'ez script is Tigrinya; anything else is taken as the document's Dutch (None)."""
    if ARABIC_SCRIPT.search(text):  # also with a Dutch term inside: the words around it
        return second if second in {"ar", "fa"} else "ar"
    if ETHIOPIC_SCRIPT.search(text):
        return "ti"
    return None


def begin(kind: str, mcid: int, *, lang: str | None) -> str:
    """The operator that opens a marked-content sequence."""
    language = f" /Lang {PDFString(lang).serialize()}" if lang else ""
    return f"/{kind} <</MCID {mcid}{language}>> BDC"


ISOLATES = dict.fromkeys(range(0x2066, 0x206A))  # LRI, RLI, FSI, PDI


class IsolateFreeFont(TTFFont):
    """fpdf2 orders a line by the Unicode bidi algorithm, isolates included, and then
    shapes each run with HarfBuzz; the isolate marks are left out of what is shaped, or
    they would be written as glyphs that text extraction returns inside words."""

    __slots__ = ()

    def shape_text(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> Sequence[dict[str, Any]]:
        return super().shape_text(text.translate(ISOLATES), font_size_pt, text_shaping_params)


class Tagged(FPDF):
    """An FPDF whose content is written into the structure tree (``Tags``)."""

    def start_tags(self) -> None:
        for font in self.fonts.values():
            if type(font) is TTFFont:
                font.__class__ = IsolateFreeFont
        self.tags = Tags()
        self.struct_builder = self.tags
        self.parent: StructElem = self.tags.root  # where the next element goes

    @contextmanager
    def marked(
        self,
        kind: str,
        *,
        lang: str | None = None,
        actual: str | None = None,
        alt: str | None = None,
    ) -> Iterator[None]:
        """Content written inside is one element of the structure tree (``kind``: P,
        H1, Figure...), on one page."""
        mcid, key = self.tags.content(
            kind, self.parent, self.pages[self.page], self.page, lang=lang, alt=alt, actual=actual
        )
        self.pages[self.page].struct_parents = key
        start = self.page
        self._out(begin(kind, mcid, lang=lang))
        yield
        if self.page != start:
            raise FPDFException("a marked-content sequence crossed a page")
        self._out("EMC")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """Page furniture (footer, rules): not part of what is read."""
        self._out("/Artifact BMC")
        yield
        self._out("EMC")

    @contextmanager
    def group(self, kind: str) -> Iterator[Element]:
        """An element holding the elements made inside (Table, TR, TD...)."""
        made = self.tags.container(kind, self.parent, self.pages[self.page], self.page)
        outer, self.parent = self.parent, made
        try:
            yield made
        finally:
            self.parent = outer

    def new_section(self) -> None:
        """A new Sect at the top level: what follows belongs to it."""
        self.parent = self.tags.container("Sect", self.tags.root, self.pages[self.page], self.page)

    def figure(self, data: bytes, alt: str, **placement: Any) -> None:
        with self.marked("Figure", alt=alt):
            self.image(io.BytesIO(data), **placement)

    @contextmanager
    def _no_page_break(self) -> Iterator[None]:
        automatic = self.auto_page_break
        self.set_auto_page_break(False, margin=self.b_margin)
        try:
            yield
        finally:
            self.set_auto_page_break(automatic, margin=self.b_margin)
