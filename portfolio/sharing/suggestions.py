"""Goals suggested by someone the owner shares with (a share that allows proposing, and
covers goals in that life domain). The suggestion is written like every item a recipient
writes (sealed to the owner, wrapped under the writer's grant); the owner takes it (a new
goal of their own) or not. Functions take the session, flush, never commit."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.goals import Goal, Term
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing import grants, received, written
from portfolio.sharing.errors import NoAccessError, SuggestionClosedError, TooManySuggestionsError
from portfolio.sharing.models import GrantItemKey
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
SCHEMA = 1
MAX_OPEN = 10  # per writer and owner: suggestions are few and deliberate
AWAITING_OWNER = "owner"


class SuggestionStatus(enum.StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    DECLINED = "declined"


@dataclass(frozen=True)
class Suggestion:
    title: str
    note: str
    author_id: str
    term: Term = Term.SHORT
    status: SuggestionStatus = SuggestionStatus.OPEN

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "title": self.title,
            "note": self.note,
            "author": self.author_id,
            "term": self.term.value,
            "status": self.status.value,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Suggestion:
        title, note = data.get("title"), data.get("note", "")
        if (
            data.get("schema") != SCHEMA
            or not isinstance(title, str)
            or not 0 < len(title) <= 200
            or not isinstance(note, str)
            or len(note) > 2000
        ):
            raise InvalidContentError("unknown suggestion")
        try:
            return cls(
                title,
                note,
                str(data["author"]),
                Term(data.get("term", "short")),
                SuggestionStatus(data.get("status", "open")),
            )
        except (KeyError, ValueError) as error:
            raise InvalidContentError("suggestion does not fit") from error


@dataclass(frozen=True)
class Suggested:
    item: Item
    suggestion: Suggestion


def may_suggest(opened: grants.OpenGrant) -> bool:
    return opened.grant.may_propose and ItemKind.GOAL.value in opened.scope.kinds


def suggest(
    session: Session,
    opened: grants.OpenGrant,
    owner: User,
    author: User,
    domain: str,
    suggestion: Suggestion,
) -> Item:
    """``NoAccessError`` when the share does not allow it or does not cover the domain."""
    if not may_suggest(opened) or domain not in opened.scope.domains:
        raise NoAccessError(opened.grant.id)
    waiting = session.scalar(
        select(func.count())
        .select_from(Item)
        .join(GrantItemKey, GrantItemKey.item_id == Item.id)
        .where(
            GrantItemKey.grant_id == opened.grant.id,
            Item.kind == ItemKind.GOAL_SUGGESTION.value,
            Item.awaiting == AWAITING_OWNER,
        )
    )
    if (waiting or 0) >= MAX_OPEN:
        raise TooManySuggestionsError(author.id)
    item = written.create_for_owner(
        session, opened, owner, author, ItemKind.GOAL_SUGGESTION, suggestion.to_json(), domain
    )
    item.awaiting = AWAITING_OWNER
    session.flush()
    return item


def written_by(
    session: Session, opened: grants.OpenGrant, author_id: str, shared: Iterable[Item]
) -> list[Suggested]:
    """What this recipient suggested to this owner, among the items they see now
    (``shared``, as the client page listed them), newest first."""
    found = []
    for item in shared:
        if item.kind != ItemKind.GOAL_SUGGESTION.value:
            continue
        try:
            _, item_key = received.shared_item_key(session, opened, item.id)
            suggestion = Suggestion.from_json(entries.read_with_item_key(item, item_key))
        except (NoAccessError, InvalidContentError):
            continue
        if suggestion.author_id == author_id:
            found.append(Suggested(item, suggestion))
    return sorted(found, key=lambda s: s.item.created_at, reverse=True)


def waiting_for(session: Session, owner_id: str, user_key: SymmetricKey) -> list[Suggested]:
    """The owner's open suggestions (claimed ones: the owner's next request claims)."""
    rows = session.scalars(
        select(Item)
        .where(
            Item.owner_id == owner_id,
            Item.kind == ItemKind.GOAL_SUGGESTION.value,
            Item.awaiting == AWAITING_OWNER,
            Item.wrapped_key.is_not(None),
        )
        .order_by(Item.created_at)
    ).all()
    found = []
    for item in rows:
        try:
            found.append(Suggested(item, Suggestion.from_json(entries.read_data(item, user_key))))
        except InvalidContentError:
            logger.warning("suggestion %s does not fit", item.id)
    return found


def answer(
    session: Session, owner: User, user_key: SymmetricKey, item_id: str, take: bool
) -> Item | None:
    """Take the suggestion (a new goal of the owner's, in the same life domain) or not.
    Compare-and-set on the suggestion, so a double click makes one goal."""
    item = entries.get_item(session, owner.id, item_id, ItemKind.GOAL_SUGGESTION)
    session.refresh(item)
    if item.wrapped_key is None:
        raise ItemNotFoundError(item.id)
    item_key, data = entries.open_item(item, user_key)
    suggestion = Suggestion.from_json(data)
    if suggestion.status is not SuggestionStatus.OPEN:
        raise SuggestionClosedError(item.id)
    status = SuggestionStatus.TAKEN if take else SuggestionStatus.DECLINED
    changed = replace(suggestion, status=status)
    if not entries.reseal_if_unchanged(session, item, item_key, changed.to_json(), item.content):
        raise SuggestionClosedError(item.id)
    if not take:
        logger.info("suggestion %s declined by %s", item.id, owner.id)
        return None
    goal = entries.create_goal(
        session,
        owner.id,
        user_key,
        item.domain_code,
        Goal(title=suggestion.title, term=suggestion.term, notes=suggestion.note),
    )
    logger.info("suggestion %s taken by %s as goal %s", item.id, owner.id, goal.id)
    return goal
