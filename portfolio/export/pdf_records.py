"""The document's records: certificates and exam results with their trust level
(self-declared, verified by a regievoerder, issued by the source), and work and
volunteering with period, hours and reference.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portfolio.entries import labels as entry_labels
from portfolio.export import pdf_texts as words
from portfolio.export.document import Contents, Record
from portfolio.export.pdf_layout import (
    GOOD,
    MARGIN,
    MUTED,
    Document,
    Pair,
    choice_label,
    named_pair,
)

logger = logging.getLogger(__name__)


THUMB_MM = 28


def trust_line(doc: Document, record: Record) -> None:
    holding = record.trust.holding
    source = record.trust.source
    if source is not None:
        day = doc.labels.day(source.signed_at) if source.signed_at else ("", None)
        dutch = doc.labels.both(words.FROM_SOURCE, signer=source.name, date=day[0])[0]
        other = doc.labels.both(words.FROM_SOURCE, signer=source.name, date=day[1] or day[0])[1]
        doc.pair((dutch, other), size=9.5, bold=True, colour=GOOD)
    if not holding and source is None:
        doc.pair(doc.labels.both(words.SELF_DECLARED_SHORT), size=9, colour=MUTED)
        return
    for verified in holding:
        dutch_day, other_day = doc.labels.day(verified.day)
        names = {"name": verified.endorser_name, "municipality": verified.municipality_name}
        dutch = doc.labels.both(words.VERIFIED_BY, **names, date=dutch_day)[0]
        other = (
            doc.labels.both(words.VERIFIED_BY, **names, date=other_day)[1] if other_day else None
        )
        doc.pair((dutch, other), size=9.5, bold=True, colour=GOOD)


# The facts a document shows of each kind, with labels that suit a reader (the forms ask
# questions of the owner instead).
CERTIFICATE_FIELDS: tuple[tuple[str, LazyString, Sequence[tuple[str, Any]] | None], ...] = (
    ("certificate_type", words.KIND, entry_labels.CERTIFICATE_TYPES),
    ("issuer", _l("Issued by"), None),
    ("issued_on", _l("Date"), None),
    ("level", _l("Level"), None),
)


EXAM_FIELDS: tuple[tuple[str, LazyString, Sequence[tuple[str, Any]] | None], ...] = (
    ("exam", words.EXAM, entry_labels.EXAMS),
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
        return named_pair(doc, choice_label(choices, value))
    if name.endswith(("_on", "_date")):
        return doc.labels.day(date.fromisoformat(str(value)))
    return (str(value), None)


def record_block(
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
        alt = doc.labels.both(words.PHOTO_ALT, title=title or "")[0]
        doc.figure(record.thumbnail, alt, x=MARGIN, y=top, w=THUMB_MM)
        doc.set_left_margin(MARGIN + THUMB_MM + 5)
        doc.set_y(top)
    if title:
        doc.write_line(title, size=11.5, bold=True)
    for name, label, choices in shown:
        doc.fact(label, _value(doc, name, choices, record.fields.get(name)))
    trust_line(doc, record)
    bottom = doc.get_y()
    doc.set_left_margin(MARGIN)
    doc.set_y(max(bottom, top + (THUMB_MM * 1.45 if record.thumbnail else 0)) + 3)


def certificates_section(doc: Document, contents: Contents) -> None:
    doc.heading(words.CERTIFICATES_HEADING)
    for record in contents.certificates:
        record_block(doc, record, CERTIFICATE_FIELDS, title=str(record.fields.get("title") or ""))


def experience_section(doc: Document, contents: Contents) -> None:
    doc.heading(words.EXPERIENCE_HEADING)
    for record in contents.experience:
        f = record.fields
        if doc.get_y() > doc.h - 60:
            doc.add_page()
        title = " · ".join(
            filter(None, (str(f.get("role") or ""), str(f.get("organisation") or "")))
        )
        doc.write_line(title, size=11.5, bold=True)
        doc.fact(
            words.KIND,
            _value(doc, "experience_type", entry_labels.EXPERIENCE_TYPES, f.get("experience_type")),
        )
        start = _value(doc, "started_on", None, f.get("started_on"))
        end = _value(doc, "ended_on", None, f.get("ended_on"))
        if start[0] and end[0]:
            doc.fact(
                words.PERIOD,
                (
                    f"{start[0]} – {end[0]}",
                    f"{start[1]} – {end[1]}" if start[1] and end[1] else None,
                ),
            )
        elif start[0]:
            dutch = doc.labels.both(words.SINCE, date=start[0])[0]
            other = doc.labels.both(words.SINCE, date=start[1])[1] if start[1] else None
            doc.fact(words.PERIOD, (dutch, other))
        hours: list[Pair] = []
        if f.get("hours_per_week"):
            hours.append(doc.labels.both(words.PER_WEEK, hours=int(f["hours_per_week"])))
        if f.get("total_hours"):
            hours.append(doc.labels.both(words.IN_TOTAL, hours=int(f["total_hours"])))
        if hours:
            doc.fact(
                words.HOURS,
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
        doc.fact(words.REFERENCE, reference)
        doc.fact(words.LEARNED, str(f.get("learned") or ""))
        trust_line(doc, record)
        doc.ln(3)
