"""The portfolio document as PDF (fpdf2): a cover, a summary per life domain, the
language grid, goals achieved, certificates with their trust level, work and
volunteering, and the plan (PIP), in Dutch, or in Dutch with the owner's language beside
every heading and label.

Text shaping (HarfBuzz) is switched on only for text in Arabic script, which needs it
for joining and right-to-left order; shaping every Latin line would make a document take
seconds. Tigrinya (Ge'ez) needs no shaping, only its font.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
from flask_babel import LazyString, force_locale, format_date
from flask_babel import lazy_gettext as _l
from fpdf import FPDF, XPos, YPos
from fpdf.enums import Align

from portfolio import i18n
from portfolio.entries import labels as entry_labels
from portfolio.entries.domains import BY_CODE as DEFAULT_DOMAINS
from portfolio.export import fonts
from portfolio.export.document import AUDIENCE_LABELS, Contents, Record, Section
from portfolio.pip import labels as plan_labels
from portfolio.progress.assessment import SCALE
from portfolio.progress.language import SKILLS

logger = logging.getLogger(__name__)
MARGIN = 18
INK = (33, 37, 41)
MUTED = (90, 98, 106)
ACCENT = (0, 84, 147)
GOOD = (0, 110, 60)
RULE = (200, 205, 210)
THUMB_MM = 28
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
LEVEL_ORDER = ("A0", "A1", "A2", "B1", "B2", "C1")

TITLE = _l("Portfolio")
SUBTITLE = _l("My integration in the Netherlands: what I learned and achieved")
MADE_FOR = _l("Made for")
ISSUED_ON = _l("Date")
SIGNED_BY = _l("Signed digitally by")
DOCUMENT_ID = _l("Document number")
CHECK_IT = _l(
    "Check this document: scan the code or open the address below, and upload the PDF. "
    "The page says whether this is exactly the document that was issued."
)
TRUST_HEADING = _l("How to read the trust levels")
SELF_DECLARED = _l("Self-declared: written by the owner.")
VERIFIED_EXPLAINED = _l(
    "Verified: a regievoerder of the municipality checked it against the original."
)
VERIFIED_BY = _l("Verified by %(name)s, %(municipality)s, %(date)s")
SELF_DECLARED_SHORT = _l("Self-declared")
FROM_SOURCE = _l("Issued by the source: digitally signed by %(signer)s, %(date)s")
SOURCE_EXPLAINED = _l(
    "Issued by the source: the PDF of the certificate carries the issuer's own digital "
    "signature, checked when it was added."
)
DOMAINS_HEADING = _l("Summary per life domain")
DOMAINS_EXPLAINED = _l(
    "How the owner rates their own situation, from 1 (very hard) to 5 (very good)."
)
SCORE_NOW = _l("Now")
SCORE_START = _l("At the start")
IN_DOCUMENT = _l("Items in this document")
LANGUAGE_HEADING = _l("Dutch language")
SKILL = _l("Skill")
SELF_ASSESSED = _l("Own estimate")
EXAM = _l("Exam")
TARGET = _l("Target")
EXAMS_HEADING = _l("Exam results")
GOALS_HEADING = _l("Goals achieved")
STEPS_DONE = _l("%(done)d of %(total)d steps done")
CERTIFICATES_HEADING = _l("Certificates and diplomas")
EXPERIENCE_HEADING = _l("Work and volunteering")
PERIOD = _l("Period")
SINCE = _l("since %(date)s")
HOURS = _l("Hours")
PER_WEEK = _l("%(hours)d hours per week")
IN_TOTAL = _l("%(hours)d hours in total")
REFERENCE = _l("Reference")
LEARNED = _l("What I learned")
PIP_HEADING = _l("Personal plan (PIP), summary")
PIP_VERSION = _l("Version %(number)d")
AGREEMENTS = _l("Agreements")
NOTHING = _l("Nothing yet.")
PAGE = _l("Page %(page)s of %(pages)s")
KIND = _l("Kind")


@dataclass(frozen=True)
class Identity:
    """Who issues the document and how to check it."""

    document_id: str
    issuer_name: str
    verify_url: str
    logo: bytes | None = None  # JPEG


Pair = tuple[str, str | None]


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
            result = str(text) % values if values else str(text)
        if key is not None:
            self._cache[key] = result
        return result

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


class Document(FPDF):
    def __init__(self, identity: Identity, labels: Labels) -> None:
        super().__init__(format="A4", unit="mm")
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
        self.used: set[str] = set()  # every character written, to check the fonts cover it

    def missing_glyphs(self) -> set[str]:
        return {c for c in self.used if not c.isspace() and ord(c) not in fonts.covered()}

    # -- text ---------------------------------------------------------------
    def _shaping_for(self, text: str) -> bool:
        self.used.update(text)
        shaped = bool(ARABIC.search(text))
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
    ) -> None:
        if not text:
            return
        shaped = self._shaping_for(text)
        self.set_font("noto", "B" if bold else "", size)
        self.set_text_color(*colour)
        right = shaped if rtl is None else rtl
        self.multi_cell(
            0,
            height or size * 0.5,
            text,
            align=Align.R if right else Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def pair(
        self, pair: Pair, *, size: float, bold: bool = False, colour: tuple[int, int, int] = INK
    ) -> None:
        """A Dutch text and, side by side with it, the same in the owner's language."""
        dutch, other = pair
        if not other:
            self.write_line(dutch, size=size, bold=bold, colour=colour, rtl=False)
            return
        if self.get_y() > self.page_break_trigger - size:
            self.add_page()
        half = (self.w - self.l_margin - self.r_margin) / 2
        top, left = self.get_y(), self.l_margin
        self.set_right_margin(self.w - left - half + 2)
        self.write_line(dutch, size=size, bold=bold, colour=colour, rtl=False)
        below = self.get_y()
        self.set_right_margin(MARGIN)
        self.set_left_margin(left + half + 2)
        self.set_y(top)
        self.write_line(other, size=size, bold=bold, colour=colour, rtl=self.labels.rtl)
        self.set_left_margin(left)
        self.set_y(max(below, self.get_y()))

    def heading(self, text: LazyString) -> None:
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(4)
        self.pair(self.labels.both(text), size=15, bold=True, colour=ACCENT)
        self.set_draw_color(*RULE)
        self.line_at(self.get_y() + 1)
        self.ln(3)

    def line_at(self, y: float) -> None:
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


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def _cover(doc: Document, contents: Contents) -> None:
    doc.add_page()
    identity = doc.identity
    labels = doc.labels
    if identity.logo:
        doc.image(io.BytesIO(identity.logo), x=MARGIN, y=MARGIN, h=16)
        doc.set_y(MARGIN + 20)
    doc.pair(labels.both(TITLE), size=30, bold=True, colour=ACCENT)
    doc.ln(1)
    doc.pair(labels.both(SUBTITLE), size=12, colour=MUTED)
    doc.ln(10)
    doc.write_line(contents.choice.shown_name, size=22, bold=True)
    doc.ln(6)
    doc.fact(MADE_FOR, labels.both(AUDIENCE_LABELS[contents.choice.audience]))
    doc.fact(ISSUED_ON, labels.day(contents.issued_on))
    doc.fact(SIGNED_BY, identity.issuer_name)
    doc.ln(4)
    top = doc.get_y()
    doc.image(_qr_png(identity.verify_url), x=MARGIN, y=top, w=38, h=38)
    doc.set_left_margin(MARGIN + 44)
    doc.set_y(top)
    doc.fact(DOCUMENT_ID, identity.document_id)
    doc.write_line(labels.both(CHECK_IT)[0], size=9, colour=MUTED)
    doc.set_text_shaping(False)
    doc.set_font("noto", "", 9)
    doc.set_text_color(*ACCENT)
    doc.multi_cell(
        0, 5, identity.verify_url, link=identity.verify_url, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.set_left_margin(MARGIN)
    doc.set_y(max(doc.get_y(), top + 42))
    other = labels.both(CHECK_IT)[1]
    if other:
        doc.write_line(other, size=9, colour=MUTED, rtl=labels.rtl)
    doc.ln(6)
    doc.pair(labels.both(TRUST_HEADING), size=11, bold=True)
    doc.pair(labels.both(SELF_DECLARED), size=9.5)
    doc.pair(labels.both(VERIFIED_EXPLAINED), size=9.5, colour=GOOD)
    doc.pair(labels.both(SOURCE_EXPLAINED), size=9.5, colour=GOOD)


def _named(doc: Document, text: LazyString | str) -> Pair:
    return doc.labels.both(text) if isinstance(text, LazyString) else (text, None)


def _domain(doc: Document, code: str | None, stored: str = "") -> Pair:
    default = DEFAULT_DOMAINS.get(code or "")
    return doc.labels.both(default.name) if default else (stored, None)


def _domains(doc: Document, contents: Contents) -> None:
    doc.heading(DOMAINS_HEADING)
    doc.pair(doc.labels.both(DOMAINS_EXPLAINED), size=9, colour=MUTED)
    doc.ln(2)
    for score in contents.domains:
        doc.pair(_domain(doc, score.code, score.stored_name), size=11, bold=True)
        if score.score:
            dutch, other = doc.labels.both(SCALE[score.score])
            doc.fact(
                SCORE_NOW,
                (f"{score.score} · {dutch}", f"{score.score} · {other}" if other else None),
            )
        if score.first_score:
            doc.fact(SCORE_START, str(score.first_score))
        if score.items:
            doc.fact(IN_DOCUMENT, str(score.items))
        doc.ln(1)


def _choice(pairs: Sequence[tuple[str, Any]], value: Any) -> LazyString | str:
    return dict(pairs).get(value, str(value or ""))


def _both_in_cell(doc: Document, text: LazyString | str) -> str:
    """Two languages in one table cell, one under the other."""
    dutch, other = _named(doc, text)
    shown = f"{dutch}\n{other}" if other else dutch
    doc.used.update(shown)
    return shown


def _best_exam(exams: Sequence[Record], skill: str) -> Record | None:
    matching = [r for r in exams if r.fields.get("component") == skill]
    passed = [r for r in matching if r.fields.get("result") == "passed"]

    def rank(record: Record) -> tuple[int, str]:
        level = record.fields.get("level")
        return (
            LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1,
            str(record.fields.get("exam_date") or ""),
        )

    return max(passed or matching, key=rank, default=None)


def _language(doc: Document, contents: Contents) -> None:
    doc.heading(LANGUAGE_HEADING)
    levels = contents.language
    doc.set_font("noto", "", 9.5)
    doc.set_text_color(*INK)
    doc.set_text_shaping(doc.labels.rtl)
    with doc.table(
        col_widths=(40, 20, 34, 16),
        text_align="LEFT",
        line_height=4.8,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=True,
    ) as table:
        table.row([_both_in_cell(doc, t) for t in (SKILL, SELF_ASSESSED, EXAM, TARGET)])
        for code, name in SKILLS:
            exam = _best_exam(contents.exams, code)
            exam_text = ""
            if exam is not None:
                result = _both_in_cell(
                    doc, _choice(entry_labels.RESULTS, exam.fields.get("result"))
                )
                exam_text = f"{exam.fields.get('level') or ''} {result}".strip()
            table.row(
                [
                    _both_in_cell(doc, name),
                    levels.levels.get(code, "") if levels else "",
                    exam_text,
                    (levels.target or "") if levels else "",
                ]
            )
    doc.set_text_shaping(False)
    if contents.exams:
        doc.ln(4)
        doc.pair(doc.labels.both(EXAMS_HEADING), size=12, bold=True)
        doc.ln(1)
        for record in contents.exams:
            _record_block(doc, record, EXAM_FIELDS, title=None)


def _goals(doc: Document, contents: Contents) -> None:
    doc.heading(GOALS_HEADING)
    if not contents.goals:
        doc.pair(doc.labels.both(NOTHING), size=10, colour=MUTED)
    for item, goal in contents.goals:
        doc.write_line(goal.title, size=11, bold=True, colour=GOOD)
        if goal.steps:
            doc.pair(
                doc.labels.both(STEPS_DONE, done=goal.steps_done, total=len(goal.steps)),
                size=9,
                colour=MUTED,
            )
        if item.domain_code:
            doc.pair(_domain(doc, item.domain_code), size=9, colour=MUTED)
        doc.ln(2)


def _trust(doc: Document, record: Record) -> None:
    holding = record.trust.holding
    source = record.trust.source
    if source is not None:
        day = doc.labels.day(source.signed_at) if source.signed_at else ("", None)
        dutch = doc.labels.both(FROM_SOURCE, signer=source.name, date=day[0])[0]
        other = doc.labels.both(FROM_SOURCE, signer=source.name, date=day[1] or day[0])[1]
        doc.pair((dutch, other), size=9.5, bold=True, colour=GOOD)
    if not holding and source is None:
        doc.pair(doc.labels.both(SELF_DECLARED_SHORT), size=9, colour=MUTED)
        return
    for verified in holding:
        dutch_day, other_day = doc.labels.day(verified.day)
        names = {"name": verified.endorser_name, "municipality": verified.municipality_name}
        dutch = doc.labels.both(VERIFIED_BY, **names, date=dutch_day)[0]
        other = doc.labels.both(VERIFIED_BY, **names, date=other_day)[1] if other_day else None
        doc.pair((dutch, other), size=9.5, bold=True, colour=GOOD)


# The facts a document shows of each kind, with labels that suit a reader (the forms ask
# questions of the owner instead).
CERTIFICATE_FIELDS: tuple[tuple[str, LazyString, Sequence[tuple[str, Any]] | None], ...] = (
    ("certificate_type", KIND, entry_labels.CERTIFICATE_TYPES),
    ("issuer", _l("Issued by"), None),
    ("issued_on", _l("Date"), None),
    ("level", _l("Level"), None),
)
EXAM_FIELDS: tuple[tuple[str, LazyString, Sequence[tuple[str, Any]] | None], ...] = (
    ("exam", EXAM, entry_labels.EXAMS),
    ("component", _l("Part"), entry_labels.COMPONENTS),
    ("level", _l("Level"), entry_labels.EXAM_LEVELS),
    ("result", _l("Result"), entry_labels.RESULTS),
    ("score", _l("Score"), None),
    ("exam_date", _l("Date"), None),
)


def _value(doc: Document, name: str, choices: Sequence[tuple[str, Any]] | None, value: Any) -> Pair:
    if value in (None, "", []):
        return ("", None)
    if choices is not None:
        return _named(doc, _choice(choices, value))
    if name.endswith(("_on", "_date")):
        return doc.labels.day(date.fromisoformat(str(value)))
    return (str(value), None)


def _record_block(
    doc: Document,
    record: Record,
    shown: Sequence[tuple[str, LazyString, Sequence[tuple[str, Any]] | None]],
    *,
    title: str | None,
) -> None:
    if doc.get_y() > doc.h - 70:
        doc.add_page()
    top = doc.get_y()
    if record.thumbnail:
        doc.image(io.BytesIO(record.thumbnail), x=MARGIN, y=top, w=THUMB_MM)
        doc.set_left_margin(MARGIN + THUMB_MM + 5)
        doc.set_y(top)
    if title:
        doc.write_line(title, size=11.5, bold=True)
    for name, label, choices in shown:
        doc.fact(label, _value(doc, name, choices, record.fields.get(name)))
    _trust(doc, record)
    bottom = doc.get_y()
    doc.set_left_margin(MARGIN)
    doc.set_y(max(bottom, top + (THUMB_MM * 1.45 if record.thumbnail else 0)) + 3)


def _certificates(doc: Document, contents: Contents) -> None:
    doc.heading(CERTIFICATES_HEADING)
    if not contents.certificates:
        doc.pair(doc.labels.both(NOTHING), size=10, colour=MUTED)
    for record in contents.certificates:
        _record_block(doc, record, CERTIFICATE_FIELDS, title=str(record.fields.get("title") or ""))


def _experience(doc: Document, contents: Contents) -> None:
    doc.heading(EXPERIENCE_HEADING)
    if not contents.experience:
        doc.pair(doc.labels.both(NOTHING), size=10, colour=MUTED)
    for record in contents.experience:
        f = record.fields
        if doc.get_y() > doc.h - 60:
            doc.add_page()
        title = " · ".join(
            filter(None, (str(f.get("role") or ""), str(f.get("organisation") or "")))
        )
        doc.write_line(title, size=11.5, bold=True)
        doc.fact(
            KIND,
            _value(doc, "experience_type", entry_labels.EXPERIENCE_TYPES, f.get("experience_type")),
        )
        start = _value(doc, "started_on", None, f.get("started_on"))
        end = _value(doc, "ended_on", None, f.get("ended_on"))
        if start[0] and end[0]:
            doc.fact(
                PERIOD,
                (
                    f"{start[0]} – {end[0]}",
                    f"{start[1]} – {end[1]}" if start[1] and end[1] else None,
                ),
            )
        elif start[0]:
            dutch = doc.labels.both(SINCE, date=start[0])[0]
            other = doc.labels.both(SINCE, date=start[1])[1] if start[1] else None
            doc.fact(PERIOD, (dutch, other))
        hours: list[Pair] = []
        if f.get("hours_per_week"):
            hours.append(doc.labels.both(PER_WEEK, hours=int(f["hours_per_week"])))
        if f.get("total_hours"):
            hours.append(doc.labels.both(IN_TOTAL, hours=int(f["total_hours"])))
        if hours:
            doc.fact(
                HOURS,
                (
                    "; ".join(h[0] for h in hours),
                    "; ".join(h[1] or h[0] for h in hours) if doc.labels.second else None,
                ),
            )
        reference = ", ".join(
            filter(
                None, (str(f.get("reference_name") or ""), str(f.get("reference_contact") or ""))
            )
        )
        doc.fact(REFERENCE, reference)
        doc.fact(LEARNED, str(f.get("learned") or ""))
        _trust(doc, record)
        doc.ln(3)


def _plan(doc: Document, contents: Contents) -> None:
    doc.heading(PIP_HEADING)
    version = contents.plan
    if version is None:
        doc.pair(doc.labels.both(NOTHING), size=10, colour=MUTED)
        return
    doc.pair(doc.labels.both(PIP_VERSION, number=version.number), size=10, colour=MUTED)
    plan = version.content.plan
    for name, choices in (
        ("route", plan_labels.ROUTES),
        ("main_goal", plan_labels.MAIN_GOALS),
        ("main_goal_text", None),
        ("provider", None),
        ("hours_per_week", None),
        ("map_status", plan_labels.PART_STATUSES),
        ("pvt_status", plan_labels.PART_STATUSES),
    ):
        value = getattr(plan, name)
        if value in (None, ""):
            continue
        shown = _named(doc, _choice(choices, value)) if choices else (str(value), None)
        doc.fact(plan_labels.PLAN_LABELS[name], shown)
    if version.content.agreements:
        doc.ln(2)
        doc.pair(doc.labels.both(AGREEMENTS), size=12, bold=True)
        for agreement in version.content.agreements:
            doc.write_line(f"• {agreement.description}", size=10.5)
            details = [
                _named(doc, _choice(plan_labels.PARTIES_FOR_OTHERS, agreement.party.value)),
                *([doc.labels.day(agreement.due)] if agreement.due else []),
                _named(doc, _choice(plan_labels.AGREEMENT_STATUSES, agreement.status.value)),
            ]
            doc.pair(
                (
                    " · ".join(d[0] for d in details),
                    " · ".join(d[1] or d[0] for d in details) if doc.labels.second else None,
                ),
                size=8.5,
                colour=MUTED,
            )
            doc.ln(1)


RENDERERS = (
    (Section.DOMAINS, _domains),
    (Section.LANGUAGE, _language),
    (Section.GOALS, _goals),
    (Section.CERTIFICATES, _certificates),
    (Section.EXPERIENCE, _experience),
    (Section.PIP, _plan),
)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    description: str
    media_type: str


def render(contents: Contents, identity: Identity, attachments: Sequence[Attachment] = ()) -> bytes:
    """The unsigned PDF."""
    return bytes(compose(contents, identity, attachments).output())


def compose(
    contents: Contents, identity: Identity, attachments: Sequence[Attachment] = ()
) -> Document:
    doc = Document(identity, Labels(contents.choice.second_language))
    _cover(doc, contents)
    doc.add_page()
    for section, renderer in RENDERERS:
        if section in contents.choice.sections:
            renderer(doc, contents)
    for attachment in attachments:
        doc.embed_file(
            bytes=attachment.data,
            basename=attachment.name,
            desc=attachment.description,
            mime_type=attachment.media_type,
            modification_date=None,
        )
    missing = doc.missing_glyphs()
    if missing:
        logger.warning(
            "document %s lacks glyphs for %d characters", identity.document_id, len(missing)
        )
    return doc
