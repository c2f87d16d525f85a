"""What goes into the portfolio document: the owner's choice (audience, sections,
single items, languages, the name on the cover) and the decrypted contents it selects.

The contents live only in the request that makes the document; the document itself is
not kept (only its hash, see ``issued.py``)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.blobs import BlobNotFoundError, BlobStore
from portfolio.entries import files as item_files
from portfolio.entries import records
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.goals import Goal, GoalStatus
from portfolio.entries.models import Item, ItemFile, ItemKind, LifeDomain
from portfolio.pip.plan import Version
from portfolio.progress.assessment import SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.sharing import endorsements
from portfolio.uploads.pipeline import FileKind
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ITEMS = 200
NAME_LENGTH = 80


class Section(enum.StrEnum):
    DOMAINS = "domains"
    LANGUAGE = "language"
    GOALS = "goals"
    CERTIFICATES = "certificates"
    EXPERIENCE = "experience"
    PIP = "pip"


class Audience(enum.StrEnum):
    EMPLOYER = "employer"
    SCHOOL = "school"
    MUNICIPALITY = "municipality"
    OTHER = "other"


AUDIENCE_LABELS: dict[Audience, LazyString] = {
    Audience.EMPLOYER: _l("An employer"),
    Audience.SCHOOL: _l("A school or course"),
    Audience.MUNICIPALITY: _l("The municipality"),
    Audience.OTHER: _l("Someone else"),
}
SECTION_LABELS: dict[Section, LazyString] = {
    Section.DOMAINS: _l("Summary per life domain"),
    Section.LANGUAGE: _l("Dutch language"),
    Section.GOALS: _l("Goals achieved"),
    Section.CERTIFICATES: _l("Certificates and diplomas"),
    Section.EXPERIENCE: _l("Work and volunteering"),
    Section.PIP: _l("Personal plan (PIP), summary"),
}
# What each audience gets unless the owner changes it: an employer or a school has no
# business with the plan or with how the owner rates their own life.
DEFAULT_SECTIONS: dict[Audience, frozenset[Section]] = {
    Audience.EMPLOYER: frozenset(
        {Section.LANGUAGE, Section.GOALS, Section.CERTIFICATES, Section.EXPERIENCE}
    ),
    Audience.SCHOOL: frozenset(
        {Section.LANGUAGE, Section.GOALS, Section.CERTIFICATES, Section.EXPERIENCE}
    ),
    Audience.MUNICIPALITY: frozenset(Section),
    Audience.OTHER: frozenset({Section.LANGUAGE, Section.CERTIFICATES, Section.EXPERIENCE}),
}
# The kinds of single item each section lists (the owner picks among them).
SECTION_KINDS: dict[Section, tuple[ItemKind, ...]] = {
    Section.LANGUAGE: (ItemKind.EXAM_RESULT,),
    Section.GOALS: (ItemKind.GOAL,),
    Section.CERTIFICATES: (ItemKind.CERTIFICATE,),
    Section.EXPERIENCE: (ItemKind.EXPERIENCE,),
}


@dataclass(frozen=True)
class Choice:
    audience: Audience
    sections: frozenset[Section]
    items: frozenset[str]
    second_language: str | None  # Dutch alone, or Dutch with this language beside it
    shown_name: str
    name_on_verification_page: bool = False
    include_sensitive_domains: bool = False


@dataclass(frozen=True)
class Candidate:
    """A single item the owner may put in or leave out."""

    item: Item
    section: Section
    title: str
    sensitive: bool  # in a sensitive life domain (health): left out unless chosen


@dataclass(frozen=True)
class Source:
    """The issuer's own signature on the item's PDF, as it held against the trusted roots
    when the file was uploaded."""

    signer: str
    organisation: str
    signed_at: date | None

    @property
    def name(self) -> str:
        extra = self.organisation and self.organisation != self.signer
        return f"{self.signer} ({self.organisation})" if extra else self.signer

    @classmethod
    def of(cls, files: list[dict[str, Any]]) -> Source | None:
        for entry in files:
            found = entry.get("source")
            if isinstance(found, dict) and isinstance(found.get("signer"), str):
                try:
                    day = date.fromisoformat(found["signed_at"]) if found.get("signed_at") else None
                except (TypeError, ValueError):
                    day = None
                return cls(found["signer"], str(found.get("organisation") or ""), day)
        return None


@dataclass(frozen=True)
class Trust:
    """How far a claim can be trusted: self-declared, verified by a regievoerder, or
    issued (signed) by the source itself."""

    verified: list[endorsements.Verified] = field(default_factory=list)
    source: Source | None = None

    @property
    def holding(self) -> list[endorsements.Verified]:
        return [v for v in self.verified if v.holds]

    @property
    def is_verified(self) -> bool:
        return bool(self.holding)


@dataclass(frozen=True)
class Record:
    item: Item
    fields: dict[str, Any]
    trust: Trust
    thumbnail: bytes | None = None  # JPEG


@dataclass(frozen=True)
class DomainScore:
    code: str
    stored_name: str
    score: int | None
    first_score: int | None
    items: int


@dataclass(frozen=True)
class Contents:
    choice: Choice
    issued_on: date
    domains: list[DomainScore] = field(default_factory=list)
    language: LanguageLevels | None = None
    exams: list[Record] = field(default_factory=list)
    goals: list[tuple[Item, Goal]] = field(default_factory=list)
    certificates: list[Record] = field(default_factory=list)
    experience: list[Record] = field(default_factory=list)
    plan: Version | None = None

    @property
    def records(self) -> list[Record]:
        return [*self.exams, *self.certificates, *self.experience]

    @property
    def item_count(self) -> int:
        return len(self.records) + len(self.goals)

    @property
    def verified_count(self) -> int:
        return sum(1 for r in self.records if r.trust.is_verified)

    def has(self, section: Section) -> bool:
        """Whether a chosen part has anything to show: an empty part is left out, not
        printed as "nothing yet"."""
        present = {
            Section.DOMAINS: bool(self.domains),
            Section.LANGUAGE: self.language is not None or bool(self.exams),
            Section.GOALS: bool(self.goals),
            Section.CERTIFICATES: bool(self.certificates),
            Section.EXPERIENCE: bool(self.experience),
            Section.PIP: self.plan is not None,
        }
        return section in self.choice.sections and present[section]


def _sensitive_domains(session: Session) -> set[str]:
    return set(session.scalars(select(LifeDomain.code).where(LifeDomain.sensitive.is_(True))))


def _title(item: Item, data: dict[str, Any]) -> str:
    if item.kind == ItemKind.GOAL.value:
        return Goal.from_json(data).title
    spec = records.BY_KIND[ItemKind(item.kind)]
    return records.title(spec, records.split(data)[0])


def candidates(session: Session, owner_id: str, user_key: SymmetricKey) -> list[Candidate]:
    """The owner's items that can go into a document, newest first per section: achieved
    goals, exam results, certificates, work and volunteering."""
    sensitive = _sensitive_domains(session)
    found = []
    for section, kinds in SECTION_KINDS.items():
        for kind in kinds:
            for item in entries.list_items(session, owner_id, kind):
                try:
                    data = entries.read_data(item, user_key)
                    if kind is ItemKind.GOAL and Goal.from_json(data).status is not GoalStatus.DONE:
                        continue
                    title = _title(item, data)
                except (DecryptError, InvalidContentError):
                    logger.warning("item %s left out of the document choice", item.id)
                    continue
                found.append(Candidate(item, section, title, item.domain_code in sensitive))
    return found


def default_items(found: Iterable[Candidate]) -> frozenset[str]:
    return frozenset(c.item.id for c in found if not c.sensitive)


def _thumbnail(
    session: Session, store: BlobStore, item: Item, item_key: SymmetricKey
) -> bytes | None:
    for row in session.scalars(
        select(ItemFile)
        .where(ItemFile.item_id == item.id, ItemFile.kind == FileKind.IMAGE.value)
        .order_by(ItemFile.created_at)
    ):
        if row.thumbnail_id:
            try:
                return item_files.read_with_item_key(store, item, row, item_key, thumbnail=True)
            except (BlobNotFoundError, DecryptError):
                logger.error("thumbnail of file %s is missing from a document", row.id)
    return None


def _record(
    session: Session, store: BlobStore, item: Item, user_key: SymmetricKey, *, picture: bool
) -> Record:
    item_key, data = entries.open_item(item, user_key)
    fields, files = records.split(data)
    trust = Trust(endorsements.shown(session, item, item_key, data), Source.of(files))
    thumbnail = _thumbnail(session, store, item, item_key) if picture else None
    return Record(item, fields, trust, thumbnail)


def _latest(items: Sequence[Item]) -> Item | None:
    return max(items, key=lambda i: i.created_at, default=None)


def _domains(
    session: Session, owner_id: str, user_key: SymmetricKey, chosen: Sequence[Item], choice: Choice
) -> list[DomainScore]:
    assessments = sorted(
        entries.list_items(session, owner_id, ItemKind.SELF_ASSESSMENT),
        key=lambda i: i.created_at,
    )

    def read(item: Item) -> SelfAssessment:
        return SelfAssessment.from_json(entries.read_data(item, user_key))

    first = _opened(assessments[0], read) if assessments else None
    last = _opened(assessments[-1], read) if assessments else None
    scores = []
    for domain in entries.life_domains(session):
        if domain.sensitive and not choice.include_sensitive_domains:
            continue
        scores.append(
            DomainScore(
                domain.code,
                domain.name,
                last.scores.get(domain.code) if last else None,
                first.scores.get(domain.code) if first and len(assessments) > 1 else None,
                sum(1 for i in chosen if i.domain_code == domain.code),
            )
        )
    return scores


def _opened(item: Item, read: Callable[[Item], T]) -> T | None:
    """What ``read`` makes of an item, or None (logged) when it does not open or fit: one
    broken item leaves itself out, not the whole document."""
    try:
        return read(item)
    except (DecryptError, InvalidContentError):
        logger.error("item %s left out of a document: it does not open", item.id)
        return None


def gather(
    session: Session,
    owner_id: str,
    user_key: SymmetricKey,
    store: BlobStore,
    choice: Choice,
    today: date,
) -> Contents:
    """Decrypt what the choice selects. An item that is not the owner's, not of a kind
    its section lists, or whose section is left out, is not in the document."""
    chosen = [
        item
        for item in session.scalars(
            select(Item).where(Item.id.in_(sorted(choice.items)[:MAX_ITEMS]))
        )
        if item.owner_id == owner_id and item.wrapped_key is not None and not item.archived
    ]
    by_kind: dict[str, list[Item]] = {}
    for item in sorted(chosen, key=lambda i: i.created_at, reverse=True):
        by_kind.setdefault(item.kind, []).append(item)

    def wanted(section: Section, kind: ItemKind) -> list[Item]:
        return by_kind.get(kind.value, []) if section in choice.sections else []

    def records_of(section: Section, kind: ItemKind, *, picture: bool) -> list[Record]:
        found = (
            _opened(i, lambda i: _record(session, store, i, user_key, picture=picture))
            for i in wanted(section, kind)
        )
        return [r for r in found if r is not None]

    def goal_of(item: Item) -> Goal:
        return Goal.from_json(entries.read_data(item, user_key))

    goals = [
        (item, goal)
        for item in wanted(Section.GOALS, ItemKind.GOAL)
        if (goal := _opened(item, goal_of)) is not None and goal.status is GoalStatus.DONE
    ]
    language = None
    if Section.LANGUAGE in choice.sections:
        latest = _latest(entries.list_items(session, owner_id, ItemKind.LANGUAGE_LEVEL))
        if latest is not None:
            language = _opened(
                latest, lambda i: LanguageLevels.from_json(entries.read_data(i, user_key))
            )
    plan = None
    if Section.PIP in choice.sections:
        versions = [
            v
            for i in entries.list_items(session, owner_id, ItemKind.PIP)
            if (v := _opened(i, lambda i: Version.from_json(entries.read_data(i, user_key))))
        ]
        plan = max(versions, key=lambda v: v.number, default=None)
    return Contents(
        choice=choice,
        issued_on=today,
        domains=(
            _domains(session, owner_id, user_key, chosen, choice)
            if Section.DOMAINS in choice.sections
            else []
        ),
        language=language,
        exams=records_of(Section.LANGUAGE, ItemKind.EXAM_RESULT, picture=False),
        goals=goals,
        certificates=records_of(Section.CERTIFICATES, ItemKind.CERTIFICATE, picture=True),
        experience=records_of(Section.EXPERIENCE, ItemKind.EXPERIENCE, picture=False),
        plan=plan,
    )
