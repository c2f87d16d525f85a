"""Item operations: every read decrypts inside the request, every write encrypts under the
item's own key. They take the database session and the unlocked user key explicitly,
flush but never commit."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.db import new_id, utcnow
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.goals import Goal
from portfolio.entries.models import Item, ItemKind, LifeDomain
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)
CONTENT_FIELD = "content"


@dataclass(frozen=True)
class GoalItem:
    item: Item
    goal: Goal


def life_domains(session: Session) -> Sequence[LifeDomain]:
    return session.scalars(
        select(LifeDomain).where(LifeDomain.active.is_(True)).order_by(LifeDomain.position)
    ).all()


def _seal(item: Item, item_key: SymmetricKey, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    item.content = keys.encrypt_field(item_key, text, item.owner_id, item.id, CONTENT_FIELD)


def _open(item: Item, user_key: SymmetricKey) -> tuple[SymmetricKey, dict[str, Any]]:
    try:
        item_key = keys.unwrap_item_key(item.wrapped_key, user_key, item.owner_id, item.id)
        text = keys.decrypt_field(item_key, item.content, item.owner_id, item.id, CONTENT_FIELD)
    except DecryptError:
        logger.error("item %s of %s does not decrypt", item.id, item.owner_id)
        raise
    data = json.loads(text)
    if not isinstance(data, dict):
        raise InvalidContentError("item content is not an object")
    return item_key, data


def _check_domain(session: Session, code: str | None) -> None:
    if code is not None and session.get(LifeDomain, code) is None:
        raise InvalidContentError("unknown life domain")


def create_item(
    session: Session,
    owner_id: str,
    user_key: SymmetricKey,
    kind: ItemKind,
    domain: str | None,
    data: dict[str, Any],
) -> Item:
    """A new item with its own key (wrapped under the user key) and its content sealed."""
    _check_domain(session, domain)
    item = Item(id=new_id(), owner_id=owner_id, kind=kind.value, domain_code=domain)
    item_key = SymmetricKey.generate()
    item.wrapped_key = keys.wrap_item_key(item_key, user_key, owner_id, item.id)
    _seal(item, item_key, data)
    session.add(item)
    session.flush()
    logger.info("%s %s created by %s", kind.value, item.id, owner_id)
    return item


def read_data(item: Item, user_key: SymmetricKey) -> dict[str, Any]:
    return _open(item, user_key)[1]


def list_items(
    session: Session,
    owner_id: str,
    kind: ItemKind,
    *,
    domain: str | None = None,
    archived: bool = False,
) -> Sequence[Item]:
    query = select(Item).where(
        Item.owner_id == owner_id, Item.kind == kind.value, Item.archived.is_(archived)
    )
    if domain:
        query = query.where(Item.domain_code == domain)
    return session.scalars(query.order_by(Item.updated_at.desc())).all()


def create_goal(
    session: Session, owner_id: str, user_key: SymmetricKey, domain: str | None, goal: Goal
) -> Item:
    return create_item(session, owner_id, user_key, ItemKind.GOAL, domain, goal.to_json())


def get_item(session: Session, owner_id: str, item_id: str, kind: ItemKind | None = None) -> Item:
    """The owner's item; another person's id is the same as no id (no existence oracle)."""
    item = session.get(Item, item_id) if len(item_id) <= 32 else None
    if item is None or item.owner_id != owner_id or (kind and item.kind != kind.value):
        logger.info("item %r not found for %s", item_id[:32], owner_id)  # %r: no log forging
        raise ItemNotFoundError(item_id)
    return item


def read_goal(item: Item, user_key: SymmetricKey) -> Goal:
    return Goal.from_json(_open(item, user_key)[1])


def update_goal(
    session: Session, item: Item, user_key: SymmetricKey, domain: str | None, goal: Goal
) -> None:
    _check_domain(session, domain)
    item_key, _ = _open(item, user_key)
    _seal(item, item_key, goal.to_json())
    item.domain_code = domain
    item.updated_at = utcnow()
    session.flush()
    logger.info("goal %s updated", item.id)


def toggle_step(session: Session, item: Item, user_key: SymmetricKey, index: int) -> Goal:
    item_key, data = _open(item, user_key)
    goal = Goal.from_json(data).with_step_toggled(index)
    _seal(item, item_key, goal.to_json())
    item.updated_at = utcnow()
    session.flush()
    return goal


def list_goals(
    session: Session,
    owner_id: str,
    user_key: SymmetricKey,
    *,
    domain: str | None = None,
    archived: bool = False,
) -> list[GoalItem]:
    items = list_items(session, owner_id, ItemKind.GOAL, domain=domain, archived=archived)
    return [GoalItem(item, read_goal(item, user_key)) for item in items]


def set_archived(session: Session, item: Item, archived: bool) -> None:
    item.archived = archived
    item.updated_at = utcnow()
    session.flush()
    logger.info("item %s %s", item.id, "archived" if archived else "restored")


def delete_item(session: Session, item: Item) -> None:
    """Delete the row with its wrapped key: the content is gone with it."""
    session.delete(item)
    session.flush()
    logger.info("item %s deleted", item.id)
