"""The page of the portfolio document (fpdf2): fonts, colours, the footer with the
document number, and how text is set, in Dutch or with the owner's language side by
side (right-to-left for Arabic and Persian).

Text shaping (HarfBuzz) is switched on only for text in Arabic script, which needs it
for joining and right-to-left order; shaping every Latin line would make a document take
seconds. Tigrinya (Ge'ez) needs no shaping, only its font.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString, force_locale, format_date
from flask_babel import lazy_gettext as _l
from fpdf import FPDF, XPos, YPos
from fpdf.annotations import AnnotationDict, PDFAnnotation
from fpdf.enums import Align, MethodReturnValue
from fpdf.prefs import ViewerPreferences
from fpdf.syntax import PDFObject

from portfolio import i18n
from portfolio.entries.domains import BY_CODE as DEFAULT_DOMAINS
from portfolio.export import fonts
from portfolio.export.pdf_tags import ARABIC_SCRIPT, ISOLATES, Element, Tagged, language_of

logger = logging.getLogger(__name__)


MARGIN = 18


INK = (33, 37, 41)


MUTED = (90, 98, 106)


ACCENT = (0, 84, 147)


GOOD = (0, 110, 60)


RULE = (200, 205, 210)


FSI, PDI = "\u2068", "\u2069"  # first-strong isolate, pop directional isolate


PAGE = _l("Page %(page)s of %(pages)s")


DOCUMENT_ID = _l("Document number")


@dataclass(frozen=True)
class Identity:
    """Who issues the document and how to check it."""

    document_id: str
    issuer_name: str
    verify_url: str
    logo: bytes | None = None  # JPEG


Pair = tuple[str, str | None]
AUTO = "auto"  # the language of a text: told by its script (owner's text, names)


class Labels:
    """Every label in Dutch, and in the owner's second language when chosen."""

    def __init__(self, second: str | None) -> None:
        self.second = second if second and second != i18n.DEFAULT_LOCALE else None
        self.rtl = bool(self.second and i18n.BY_CODE[self.second].rtl)
        self._cache: dict[tuple[str, str], str] = {}

    def _in(self, locale: str, text: LazyString, values: dict[str, Any]) -> str:
        msgid = getattr(text, "_args", (None,))[0]  # flask-babel keeps the msgid there
        key = (locale, msgid) if isinstance(msgid, str) and not values else None
        if key is not None and key in self._cache:
            return self._cache[key]
        with force_locale(locale):
            result = str(text) % self._isolated(locale, values) if values else str(text)
        if key is not None:
            self._cache[key] = result
        return result

    @staticmethod
    def _isolated(locale: str, values: dict[str, Any]) -> dict[str, Any]:
        """Each value set into a sentence as a unit of its own direction (FSI ... PDI,
        Unicode's bidi isolates), where the line is shaped (Arabic script): a name or a
        place in Latin letters inside an Arabic sentence keeps its place in it."""
        rtl = bool(i18n.BY_CODE.get(locale) and i18n.BY_CODE[locale].rtl)
        if not rtl and not any(
            isinstance(v, str) and ARABIC_SCRIPT.search(v) for v in values.values()
        ):
            return values
        return {k: f"{FSI}{v}{PDI}" if isinstance(v, str) else v for k, v in values.items()}

    def both(self, text: LazyString, **values: Any) -> tuple[str, str | None]:
        dutch = self._in(i18n.DEFAULT_LOCALE, text, values)
        other = self._in(self.second, text, values) if self.second else None
        return dutch, (other if other != dutch else None)

    def day(self, value: date) -> tuple[str, str | None]:
        with force_locale(i18n.DEFAULT_LOCALE):
            dutch = format_date(value, "long")
        if not self.second:
            return dutch, None
        with force_locale(self.second):
            return dutch, format_date(value, "long")


def _as_object(annotation: AnnotationDict) -> PDFAnnotation:
    made = PDFAnnotation.__new__(PDFAnnotation)
    PDFObject.__init__(made)
    for name in AnnotationDict.__slots__:
        setattr(made, name, getattr(annotation, name))
    return made


class Document(Tagged):
    """An A4 page in PDF/A-3b (fpdf2: XMP metadata, the sRGB output intent, every font
    embedded, attachments with their relationship), tagged (``pdf_tags``): every text
    is written through ``write_line``, which marks it, in pieces that never cross a page
    (a marked-content sequence may not)."""

    def __init__(self, identity: Identity, labels: Labels) -> None:
        super().__init__(format="A4", unit="mm", enforce_compliance="PDFA_3B")
        self.identity = identity
        self.labels = labels
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self.set_creator("Portfolio")
        self.set_title(f"Portfolio {identity.document_id}")
        self.set_subject(f"document-id:{identity.document_id}")
        self.set_lang("nl")
        for face in fonts.faces():
            self.add_font(face.family, "", str(face.source))
            bold = fonts.bold_path(face)
            self.add_font(face.family, "B", str(bold or face.source))
        self.set_fallback_fonts(["noto-arabic", "noto-ethiopic"], exact_match=False)
        self.alias_nb_pages("{pages}")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.used: set[str] = set()  # every character written, to check the fonts cover it
        self.start_tags()

    def link(self, *args: Any, **kwargs: Any) -> Any:
        """A link annotation as an object of its own. fpdf2 writes links inline in the
        page's /Annots; then a later revision that only adds a timestamp field to the
        page is judged suspicious by pyHanko's difference analysis ("Array contains
        direct objects"), and a renewed document would no longer validate."""
        made = super().link(*args, **kwargs)
        annotations = self.pages[self.page].annots
        if annotations and annotations[-1] is made:
            annotations[-1] = _as_object(made)
        return made

    def missing_glyphs(self) -> set[str]:
        return {
            c
            for c in self.used
            if not c.isspace() and ord(c) not in ISOLATES and ord(c) not in fonts.covered()
        }

    # -- text ---------------------------------------------------------------
    def _shaping_for(self, text: str) -> bool:
        self.used.update(text)
        shaped = bool(ARABIC_SCRIPT.search(text))
        self.set_text_shaping(shaped)
        return shaped

    def write_line(
        self,
        text: str,
        *,
        size: float = 10.5,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
        rtl: bool | None = None,
        height: float | None = None,
        kind: str = "P",
        lang: str | None = AUTO,
    ) -> None:
        """A paragraph, as one element per page it is on; shaped text carries its words
        as typed (/ActualText)."""
        if not text:
            return
        shaped = self._shaping_for(text)
        self.set_font("noto", "B" if bold else "", size)
        self.set_text_color(*colour)
        right = shaped if rtl is None else rtl
        align = Align.R if right else Align.L
        line_height = height or size * 0.5
        language = language_of(text, self.labels.second) if lang == AUTO else lang
        said = text if shaped else None
        if self._surely_fits(text, size, line_height):  # the usual case: one pass
            with self.marked(kind, lang=language, actual=said), self._no_page_break():
                self._write(text, line_height, align)
            return
        lines: list[str] = self._lines(0, line_height, text, align)
        whole = len(lines)
        while lines:
            room = int((self.page_break_trigger - self.get_y()) // line_height)
            if room < 1:
                self.add_page()
                continue
            chunk, lines = lines[:room], lines[room:]
            piece = text if len(chunk) == whole else " ".join(line.strip() for line in chunk)
            with (
                self.marked(kind, lang=language, actual=piece if shaped else None),
                self._no_page_break(),
            ):
                self._write("\n".join(chunk), line_height, align)

    def _write(self, text: str, line_height: float, align: Align) -> None:
        self.multi_cell(0, line_height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _surely_fits(self, text: str, size: float, line_height: float) -> bool:
        """Whether the text fits above the page break however it wraps: no character is
        wider than the font size, and wrapping at words at most doubles the lines."""
        width_pt = (self.w - self.l_margin - self.r_margin) * self.k
        most = 2 * (int(len(text) * size / width_pt) + 1) + text.count("\n")
        return self.get_y() + most * line_height <= self.page_break_trigger

    def pair(
        self,
        pair: Pair,
        *,
        size: float,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
        kind: str = "P",
    ) -> None:
        """A Dutch text and, side by side with it, the same in the owner's language."""
        dutch, other = pair
        if not other:
            self.write_line(dutch, size=size, bold=bold, colour=colour, rtl=False, kind=kind)
            return
        if self.get_y() > self.page_break_trigger - size:
            self.add_page()
        half = (self.w - self.l_margin - self.r_margin) / 2
        top, left = self.get_y(), self.l_margin
        self.set_right_margin(self.w - left - half + 2)
        self.write_line(dutch, size=size, bold=bold, colour=colour, rtl=False, kind=kind)
        below = self.get_y()
        self.set_right_margin(MARGIN)
        self.set_left_margin(left + half + 2)
        self.set_y(top)
        self.write_line(
            other,
            size=size,
            bold=bold,
            colour=colour,
            rtl=self.labels.rtl,
            kind=kind,
            lang=self.labels.second,
        )
        self.set_left_margin(left)
        self.set_y(max(below, self.get_y()))

    def heading(self, text: LazyString) -> None:
        """A section's heading (H2), which starts its Sect."""
        if self.get_y() > self.h - 60:
            self.add_page()
        self.new_section()
        self.ln(4)
        self.pair(self.labels.both(text), size=15, bold=True, colour=ACCENT, kind="H2")
        self.set_draw_color(*RULE)
        self.line_at(self.get_y() + 1)
        self.ln(3)

    def grid(
        self,
        widths: Sequence[float],
        header: Sequence[Pair],
        rows: Sequence[Sequence[Pair]],
        *,
        size: float,
    ) -> None:
        """A table (Table, TR, TH or TD): each cell its Dutch words over the owner's,
        the columns ``widths`` in proportion to the line, a row never split."""
        total = self.w - self.l_margin - self.r_margin
        columns = [total * width / sum(widths) for width in widths]
        line = size * 0.5
        self.set_text_color(*INK)
        table: Element | None = None
        for number, row in enumerate([header, *rows]):
            bold = number == 0
            cells = [[text for text in cell if text] for cell in row]
            height = line * max(
                sum(self._cell_lines(text, width, line, bold, size) for text in cell)
                for cell, width in zip(cells, columns, strict=True)
            )
            if self.get_y() + height + 2 > self.page_break_trigger:
                self.add_page()
            if table is None:
                table = self.tags.container("Table", self.parent, self.pages[self.page], self.page)
            top, x = self.get_y(), self.l_margin
            outer, self.parent = self.parent, table
            with self.group("TR"):
                for cell, width in zip(cells, columns, strict=True):
                    with self.group("TH" if bold else "TD"):
                        self.set_xy(x, top + 1)
                        for place, text in enumerate(cell):
                            lang = self.labels.second if place else language_of(text, None)
                            self._cell_text(text, width, line, bold, size, lang)
                    x += width
            self.parent = outer
            self.set_y(top + height + 2)
            self.set_draw_color(*RULE)
            self.line_at(self.get_y())

    def _cell_lines(self, text: str, width: float, line: float, bold: bool, size: float) -> int:
        self._shaping_for(text)
        self.set_font("noto", "B" if bold else "", size)
        return len(self._lines(width, line, text, Align.L))

    def _lines(self, width: float, line: float, text: str, align: Align) -> list[str]:
        """How ``multi_cell`` would break the text, without writing it."""
        found = self.multi_cell(
            width, line, text, align=align, dry_run=True, output=MethodReturnValue.LINES
        )
        return [str(one) for one in found] if isinstance(found, list) else [text]

    def _cell_text(
        self, text: str, width: float, line: float, bold: bool, size: float, lang: str | None
    ) -> None:
        shaped = self._shaping_for(text)
        self.set_font("noto", "B" if bold else "", size)
        with (
            self.marked("P", lang=lang, actual=text if shaped else None),
            self._no_page_break(),
        ):
            self.multi_cell(width, line, text, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def line_at(self, y: float) -> None:
        with self.artifact():
            FPDF.line(self, self.l_margin, y, self.w - self.r_margin, y)

    def fact(self, label: LazyString, value: str | Pair, **values: Any) -> None:
        """A label (small, muted) over its value; both side by side in two languages."""
        shown = (value, None) if isinstance(value, str) else value
        if not shown[0].strip():
            return
        self.pair(self.labels.both(label, **values), size=8.5, colour=MUTED)
        self.pair(shown, size=10.5)
        self.ln(1)

    # -- page furniture -------------------------------------------------------
    def footer(self) -> None:
        with self.artifact():
            self._footer()

    def _footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.line_at(self.get_y() - 1)
        dutch = self.labels.both(PAGE, page=self.page_no(), pages="{pages}")[0]
        self.set_text_shaping(False)
        self.set_font("noto", "", 8)
        self.set_text_color(*MUTED)
        label = self.labels.both(DOCUMENT_ID)[0]
        self.cell(
            0,
            5,
            f"{label} {self.identity.document_id} · {dutch}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.cell(0, 4, self.identity.verify_url, link=self.identity.verify_url)


# -- small pieces every section uses ------------------------------------------------------


def named_pair(doc: Document, text: LazyString | str) -> Pair:
    return doc.labels.both(text) if isinstance(text, LazyString) else (text, None)


def domain_pair(doc: Document, code: str | None, stored: str = "") -> Pair:
    default = DEFAULT_DOMAINS.get(code or "")
    return doc.labels.both(default.name) if default else (stored, None)


def choice_label(pairs: Sequence[tuple[str, Any]], value: Any) -> LazyString | str:
    return dict(pairs).get(value, str(value or ""))
