"""The portfolio document as PDF: a cover, a summary per life domain, the language grid,
goals achieved, certificates with their trust level, work and volunteering, and the plan
(PIP), in Dutch, or in Dutch with the owner's language beside every heading and label
(``pdf_layout``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from fpdf import XPos, YPos

from portfolio.entries import labels as entry_labels
from portfolio.export import pdf_texts as words
from portfolio.export.document import AUDIENCE_LABELS, Contents, Record, Section
from portfolio.export.pdf_layout import (
    ACCENT,
    DOCUMENT_ID,
    GOOD,
    MARGIN,
    MUTED,
    Document,
    Identity,
    Labels,
    Pair,
    choice_label,
    domain_pair,
    named_pair,
)
from portfolio.export.pdf_records import (
    EXAM_FIELDS,
    certificates_section,
    experience_section,
    record_block,
)
from portfolio.pip import labels as plan_labels
from portfolio.progress.assessment import SCALE
from portfolio.progress.language import SKILLS

logger = logging.getLogger(__name__)


LEVEL_ORDER = ("A0", "A1", "A2", "B1", "B2", "C1")


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _cover(doc: Document, contents: Contents) -> None:
    doc.add_page()
    identity = doc.identity
    labels = doc.labels
    if identity.logo:
        alt = labels.both(words.LOGO_ALT, issuer=identity.issuer_name)[0]
        doc.figure(identity.logo, alt, x=MARGIN, y=MARGIN, h=16)
        doc.set_y(MARGIN + 20)
    doc.pair(labels.both(words.TITLE), size=30, bold=True, colour=ACCENT, kind="H1")
    doc.ln(1)
    doc.pair(labels.both(words.SUBTITLE), size=12, colour=MUTED)
    doc.ln(10)
    doc.write_line(contents.choice.shown_name, size=22, bold=True)
    doc.ln(6)
    doc.fact(words.MADE_FOR, labels.both(AUDIENCE_LABELS[contents.choice.audience]))
    doc.fact(words.ISSUED_ON, labels.day(contents.issued_on))
    doc.fact(words.SIGNED_BY, identity.issuer_name)
    doc.ln(4)
    top = doc.get_y()
    alt = labels.both(words.QR_ALT, address=identity.verify_url)[0]
    doc.figure(_qr_png(identity.verify_url), alt, x=MARGIN, y=top, w=38, h=38)
    doc.set_left_margin(MARGIN + 44)
    doc.set_y(top)
    doc.fact(DOCUMENT_ID, identity.document_id)
    doc.write_line(labels.both(words.CHECK_IT)[0], size=9, colour=MUTED)
    doc.set_text_shaping(False)
    doc.set_font("noto", "", 9)
    doc.set_text_color(*ACCENT)
    with doc.marked("P"):
        doc.multi_cell(
            0,
            5,
            identity.verify_url,
            link=identity.verify_url,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    doc.set_left_margin(MARGIN)
    doc.set_y(max(doc.get_y(), top + 42))
    other = labels.both(words.CHECK_IT)[1]
    if other:
        doc.write_line(other, size=9, colour=MUTED, rtl=labels.rtl)
    doc.ln(6)
    doc.pair(labels.both(words.TRUST_HEADING), size=11, bold=True)
    doc.pair(labels.both(words.SELF_DECLARED), size=9.5)
    doc.pair(labels.both(words.VERIFIED_EXPLAINED), size=9.5, colour=GOOD)
    doc.pair(labels.both(words.SOURCE_EXPLAINED), size=9.5, colour=GOOD)


def _domains(doc: Document, contents: Contents) -> None:
    doc.heading(words.DOMAINS_HEADING)
    doc.pair(doc.labels.both(words.DOMAINS_EXPLAINED), size=9, colour=MUTED)
    doc.ln(2)
    for score in contents.domains:
        doc.pair(domain_pair(doc, score.code, score.stored_name), size=11, bold=True)
        if score.score:
            dutch, other = doc.labels.both(SCALE[score.score])
            doc.fact(
                words.SCORE_NOW,
                (f"{score.score} · {dutch}", f"{score.score} · {other}" if other else None),
            )
        if score.first_score:
            doc.fact(words.SCORE_START, str(score.first_score))
        if score.items:
            doc.fact(words.IN_DOCUMENT, str(score.items))
        doc.ln(1)


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
    doc.heading(words.LANGUAGE_HEADING)
    levels = contents.language
    header: list[Pair] = [
        named_pair(doc, t) for t in (words.SKILL, words.SELF_ASSESSED, words.EXAM, words.TARGET)
    ]
    rows: list[list[Pair]] = []
    for code, name in SKILLS:
        exam = _best_exam(contents.exams, code)
        exam_text: Pair = ("", None)
        if exam is not None:
            dutch, other = named_pair(
                doc, choice_label(entry_labels.RESULTS, exam.fields.get("result"))
            )
            level = str(exam.fields.get("level") or "")
            exam_text = (
                f"{level} {dutch}".strip(),
                f"{level} {other}".strip() if other else None,
            )
        rows.append(
            [
                named_pair(doc, name),
                ((levels.levels.get(code, "") if levels else ""), None),
                exam_text,
                (((levels.target or "") if levels else ""), None),
            ]
        )
    doc.grid((40, 20, 34, 16), header, rows, size=9.5)
    doc.set_text_shaping(False)
    if contents.exams:
        if doc.get_y() > doc.h - 80:
            doc.add_page()  # a heading is not left alone at the foot of a page
        doc.ln(4)
        doc.pair(doc.labels.both(words.EXAMS_HEADING), size=12, bold=True, kind="H3")
        doc.ln(1)
        for record in contents.exams:
            record_block(doc, record, EXAM_FIELDS, title=None)


def _goals(doc: Document, contents: Contents) -> None:
    doc.heading(words.GOALS_HEADING)
    for item, goal in contents.goals:
        doc.write_line(goal.title, size=11, bold=True, colour=GOOD)
        if goal.steps:
            doc.pair(
                doc.labels.both(words.STEPS_DONE, done=goal.steps_done, total=len(goal.steps)),
                size=9,
                colour=MUTED,
            )
        if item.domain_code:
            doc.pair(domain_pair(doc, item.domain_code), size=9, colour=MUTED)
        doc.ln(2)


def _plan(doc: Document, contents: Contents) -> None:
    doc.heading(words.PIP_HEADING)
    version = contents.plan
    if version is None:
        return
    doc.pair(doc.labels.both(words.PIP_VERSION, number=version.number), size=10, colour=MUTED)
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
        shown = named_pair(doc, choice_label(choices, value)) if choices else (str(value), None)
        doc.fact(plan_labels.PLAN_LABELS[name], shown)
    if version.content.agreements:
        doc.ln(2)
        doc.pair(doc.labels.both(words.AGREEMENTS), size=12, bold=True, kind="H3")
        for agreement in version.content.agreements:
            doc.write_line(f"• {agreement.description}", size=10.5)
            details = [
                named_pair(
                    doc, choice_label(plan_labels.PARTIES_FOR_OTHERS, agreement.party.value)
                ),
                *([doc.labels.day(agreement.due)] if agreement.due else []),
                named_pair(
                    doc, choice_label(plan_labels.AGREEMENT_STATUSES, agreement.status.value)
                ),
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
    (Section.CERTIFICATES, certificates_section),
    (Section.EXPERIENCE, experience_section),
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
    if any(contents.has(section) for section, _renderer in RENDERERS):
        doc.add_page()
    for section, renderer in RENDERERS:
        if contents.has(section):
            renderer(doc, contents)
    for attachment in attachments:
        doc.embed_file(
            bytes=attachment.data,
            basename=attachment.name,
            desc=attachment.description,
            mime_type=attachment.media_type,
            modification_date=None,
            # PDF/A-3: a credential supplements what the page says of the achievement
            associated_file_relationship="Supplement",
        )
    missing = doc.missing_glyphs()
    if missing:
        logger.warning(
            "document %s lacks glyphs for %d characters", identity.document_id, len(missing)
        )
    return doc
