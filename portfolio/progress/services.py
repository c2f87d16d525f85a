"""Recording and reading self-assessments (encrypted like every other item)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.models import Item, ItemKind
from portfolio.progress import language
from portfolio.progress.assessment import SCORES, SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.vault.envelope import SymmetricKey


@dataclass(frozen=True)
class Recorded:
    item: Item
    assessment: SelfAssessment


def record_self_assessment(
    session: Session, owner_id: str, user_key: SymmetricKey, assessment: SelfAssessment
) -> Item:
    known = {d.code for d in entries.life_domains(session)}
    if not assessment.scores or set(assessment.scores) - known:
        raise InvalidContentError("scores for unknown life domains")
    if any(v not in SCORES for v in assessment.scores.values()):
        raise InvalidContentError("score out of range")
    return entries.create_item(
        session, owner_id, user_key, ItemKind.SELF_ASSESSMENT, None, assessment.to_json()
    )


def self_assessments(session: Session, owner_id: str, user_key: SymmetricKey) -> list[Recorded]:
    """Oldest first, so that the first and the latest are at the ends."""
    items = entries.list_items(session, owner_id, ItemKind.SELF_ASSESSMENT)
    recorded = [
        Recorded(i, SelfAssessment.from_json(entries.read_data(i, user_key))) for i in items
    ]
    return sorted(recorded, key=lambda r: r.item.created_at)


@dataclass(frozen=True)
class LanguageMoment:
    item: Item
    levels: LanguageLevels


def record_language_levels(
    session: Session, owner_id: str, user_key: SymmetricKey, levels: LanguageLevels
) -> Item:
    language.check(levels.levels, levels.target)
    return entries.create_item(
        session, owner_id, user_key, ItemKind.LANGUAGE_LEVEL, "language", levels.to_json()
    )


def language_history(
    session: Session, owner_id: str, user_key: SymmetricKey
) -> list[LanguageMoment]:
    """Oldest first: the timeline reads from left to right."""
    items = entries.list_items(session, owner_id, ItemKind.LANGUAGE_LEVEL)
    moments = [
        LanguageMoment(item, LanguageLevels.from_json(entries.read_data(item, user_key)))
        for item in items
    ]
    return sorted(moments, key=lambda m: m.item.created_at)
