"""Item operations: every read decrypts inside the request, every write encrypts under the
item's own key. They take the database session and the unlocked user key explicitly,
flush but never commit."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portfolio.db import new_id, utcnow
from portfolio.entries import observers, overview
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.goals import Goal
from portfolio.entries.models import Item, ItemFile, ItemKind, LifeDomain
from portfolio.entries.overview import GoalDigest
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


def _envelope(item: Item, item_key: SymmetricKey, data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return keys.encrypt_field(item_key, text, item.owner_id, item.id, CONTENT_FIELD)


def seal(item: Item, item_key: SymmetricKey, data: dict[str, Any]) -> None:
    item.content = _envelope(item, item_key, data)


def reseal_if_unchanged(
    session: Session,
    item: Item,
    item_key: SymmetricKey,
    data: dict[str, Any],
    seen: bytes,
    *,
    awaiting: str | None = None,
) -> bool:
    """Compare-and-set: write the new content only if the envelope is still the one that
    was read (every write has a fresh nonce, so any change in between shows). Works the
    same on PostgreSQL and SQLite, where FOR UPDATE does nothing. ``awaiting`` is the
    proposal's flag after this write (``Item.awaiting``; None for other items)."""
    result = session.execute(
        update(Item)
        .where(Item.id == item.id, Item.content == seen)
        .values(content=_envelope(item, item_key, data), updated_at=utcnow(), awaiting=awaiting)
        .execution_options(synchronize_session=False)
    )
    session.expire(item)
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def owner_item_key(item: Item, user_key: SymmetricKey) -> SymmetricKey:
    """The item key under the owner's user key; an item still sealed to the owner (written
    by a recipient, not yet claimed) is not found here."""
    if item.wrapped_key is None:
        raise ItemNotFoundError(item.id)
    return keys.unwrap_item_key(item.wrapped_key, user_key, item.owner_id, item.id)


def open_item(item: Item, user_key: SymmetricKey) -> tuple[SymmetricKey, dict[str, Any]]:
    try:
        item_key = owner_item_key(item, user_key)
    except DecryptError:
        logger.error("item %s of %s does not decrypt", item.id, item.owner_id)
        raise
    return item_key, read_with_item_key(item, item_key)


def read_with_item_key(item: Item, item_key: SymmetricKey) -> dict[str, Any]:
    """The content under a key already unwrapped (by the owner, or through a grant)."""
    return read_content(item.owner_id, item.id, item.content, item_key)


def read_content(
    owner_id: str, item_id: str, content: bytes, item_key: SymmetricKey
) -> dict[str, Any]:
    """The same, from the columns alone (a list that loads no whole rows)."""
    try:
        text = keys.decrypt_field(item_key, content, owner_id, item_id, CONTENT_FIELD)
    except DecryptError:
        logger.error("item %s of %s does not decrypt", item_id, owner_id)
        raise
    data = json.loads(text)
    if not isinstance(data, dict):
        raise InvalidContentError("item content is not an object")
    return data


def _check_domain(session: Session, code: str | None) -> None:
    if code is not None and session.get(LifeDomain, code) is None:
        raise InvalidContentError("unknown life domain")


def new_item(
    owner_id: str, user_key: SymmetricKey, kind: ItemKind, domain: str | None
) -> tuple[Item, SymmetricKey]:
    """An item not yet added: its id and its own key (wrapped under the user key), so that
    files can be encrypted under that key before the content is sealed once."""
    item = Item(id=new_id(), owner_id=owner_id, kind=kind.value, domain_code=domain)
    item_key = SymmetricKey.generate()
    item.wrapped_key = keys.wrap_item_key(item_key, user_key, owner_id, item.id)
    return item, item_key


def add_item(
    session: Session,
    item: Item,
    item_key: SymmetricKey,
    user_key: SymmetricKey,
    data: dict[str, Any],
) -> Item:
    """Seal a new item's content and add it (``new_item`` made it)."""
    _check_domain(session, item.domain_code)
    seal(item, item_key, data)
    session.add(item)
    session.flush()
    observers.written(session, item, item_key, user_key)
    logger.info("%s %s created by %s", item.kind, item.id, item.owner_id)
    return item


def create_item(
    session: Session,
    owner_id: str,
    user_key: SymmetricKey,
    kind: ItemKind,
    domain: str | None,
    data: dict[str, Any],
) -> Item:
    """A new item with its own key (wrapped under the user key) and its content sealed."""
    item, item_key = new_item(owner_id, user_key, kind, domain)
    return add_item(session, item, item_key, user_key, data)


def read_data(item: Item, user_key: SymmetricKey) -> dict[str, Any]:
    return open_item(item, user_key)[1]


def list_items(
    session: Session,
    owner_id: str,
    kind: ItemKind,
    *,
    domain: str | None = None,
    archived: bool = False,
) -> Sequence[Item]:
    query = select(Item).where(
        Item.owner_id == owner_id,
        Item.kind == kind.value,
        Item.archived.is_(archived),
        Item.wrapped_key.is_not(None),
    )
    if domain:
        query = query.where(Item.domain_code == domain)
    return session.scalars(query.order_by(Item.updated_at.desc())).all()


def create_goal(
    session: Session, owner_id: str, user_key: SymmetricKey, domain: str | None, goal: Goal
) -> Item:
    item = create_item(session, owner_id, user_key, ItemKind.GOAL, domain, goal.to_json())
    _note_goal(session, item, user_key, goal)
    return item


def get_item(session: Session, owner_id: str, item_id: str, kind: ItemKind | None = None) -> Item:
    """The owner's item; another person's id is the same as no id (no existence oracle)."""
    item = session.get(Item, item_id) if len(item_id) <= 32 else None
    if item is None or item.owner_id != owner_id or (kind and item.kind != kind.value):
        logger.info("item %r not found for %s", item_id[:32], owner_id)  # %r: no log forging
        raise ItemNotFoundError(item_id)
    return item


def read_goal(item: Item, user_key: SymmetricKey) -> Goal:
    return Goal.from_json(open_item(item, user_key)[1])


def update_goal(
    session: Session, item: Item, user_key: SymmetricKey, domain: str | None, goal: Goal
) -> None:
    _check_domain(session, domain)
    item_key, _ = open_item(item, user_key)
    seal(item, item_key, goal.to_json())
    item.domain_code = domain
    item.updated_at = utcnow()
    session.flush()
    observers.written(session, item, item_key, user_key)
    _note_goal(session, item, user_key, goal)
    logger.info("goal %s updated", item.id)


def toggle_step(session: Session, item: Item, user_key: SymmetricKey, index: int) -> Goal:
    item_key, data = open_item(item, user_key)
    goal = Goal.from_json(data).with_step_toggled(index)
    seal(item, item_key, goal.to_json())
    item.updated_at = utcnow()
    session.flush()
    _note_goal(session, item, user_key, goal)
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


def set_archived(session: Session, item: Item, user_key: SymmetricKey, archived: bool) -> None:
    item.archived = archived
    item.updated_at = utcnow()
    session.flush()
    if item.kind == ItemKind.GOAL.value:
        _note_goal(session, item, user_key, None if archived else read_goal(item, user_key))
    logger.info("item %s %s", item.id, "archived" if archived else "restored")


def delete_item(session: Session, item: Item, user_key: SymmetricKey) -> None:
    """Delete the row with its wrapped key: the content and the blobs' key are gone with it.
    The caller removes the blobs after the commit."""
    session.execute(delete(ItemFile).where(ItemFile.item_id == item.id))
    session.delete(item)
    session.flush()
    if item.kind == ItemKind.GOAL.value:
        _note_goal(session, item, user_key, None)
    logger.info("item %s deleted", item.id)


LISTED_KINDS = (
    ItemKind.GOAL,
    ItemKind.CERTIFICATE,
    ItemKind.EXPERIENCE,
    ItemKind.EXAM_RESULT,
    ItemKind.REFLECTION,
)


@dataclass(frozen=True)
class Page:
    items: Sequence[Item]
    number: int
    has_next: bool


def page_of_items(
    session: Session,
    owner_id: str,
    kinds: Sequence[ItemKind],
    *,
    domain: str | None = None,
    archived: bool | None = False,  # None: archived or not
    number: int = 1,
    size: int = 30,
) -> Page:
    """One page of the owner's items, newest change first; one row more tells if there is
    a next page."""
    query = select(Item).where(
        Item.owner_id == owner_id,
        Item.kind.in_([k.value for k in kinds]),
        Item.wrapped_key.is_not(None),
    )
    if archived is not None:
        query = query.where(Item.archived.is_(archived))
    if domain:
        query = query.where(Item.domain_code == domain)
    number = max(1, number)
    rows = session.scalars(
        query.order_by(Item.updated_at.desc(), Item.id).offset((number - 1) * size).limit(size + 1)
    ).all()
    return Page(rows[:size], number, len(rows) > size)


def single_item(
    session: Session, owner_id: str, kind: ItemKind, *, lock: bool = False
) -> Item | None:
    """The owner's one item of a kind that exists once (about me, my integration, the
    summary); ``lock`` holds its row for an update on PostgreSQL."""
    query = (
        select(Item)
        .where(Item.owner_id == owner_id, Item.kind == kind.value)
        .order_by(Item.created_at, Item.id)
        .limit(1)
    )
    return session.scalars(query.with_for_update() if lock else query).first()


def update_content(
    session: Session, item: Item, user_key: SymmetricKey, domain: str | None, data: dict[str, Any]
) -> None:
    item_key, _ = open_item(item, user_key)
    write_content(session, item, item_key, user_key, domain, data)


def write_content(
    session: Session,
    item: Item,
    item_key: SymmetricKey,
    user_key: SymmetricKey,
    domain: str | None,
    data: dict[str, Any],
) -> None:
    """Seal new content into an item already opened (its key at hand) and move it to
    ``domain``; grants that cover it now are kept in step."""
    _check_domain(session, domain)
    seal(item, item_key, data)
    item.domain_code = domain
    item.updated_at = utcnow()
    session.flush()
    observers.written(session, item, item_key, user_key)
    logger.info("%s %s updated", item.kind, item.id)


def goal_digests(session: Session, owner_id: str, user_key: SymmetricKey) -> list[GoalDigest]:
    """What the dashboard needs of every open or finished goal, from one envelope. The
    summary is rebuilt from the goals when it is missing or does not fit."""
    summary = single_item(session, owner_id, ItemKind.SUMMARY)
    if summary is not None:
        try:
            return list(overview.digests_from(read_data(summary, user_key)).values())
        except InvalidContentError:
            logger.warning("summary %s of %s does not fit; rebuilding", summary.id, owner_id)
    return list(_rebuild_summary(session, owner_id, user_key, summary).values())


def _rebuild_summary(
    session: Session, owner_id: str, user_key: SymmetricKey, summary: Item | None
) -> dict[str, GoalDigest]:
    digests = {
        entry.item.id: GoalDigest.of(entry.item, entry.goal)
        for entry in list_goals(session, owner_id, user_key)
    }
    data = overview.summary_json(digests.values())
    if summary is None:
        create_item(session, owner_id, user_key, ItemKind.SUMMARY, None, data)
    else:
        seal(summary, open_item(summary, user_key)[0], data)
        session.flush()
    return digests


def _note_goal(session: Session, item: Item, user_key: SymmetricKey, goal: Goal | None) -> None:
    """Keep the summary in step with one goal (None: deleted or archived). The summary row
    is locked for the update on PostgreSQL, so two writes cannot lose each other."""
    summary = single_item(session, item.owner_id, ItemKind.SUMMARY, lock=True)
    if summary is None:
        _rebuild_summary(session, item.owner_id, user_key, None)
        return
    summary_key, data = open_item(summary, user_key)
    try:
        digests = overview.digests_from(data)
    except InvalidContentError:
        _rebuild_summary(session, item.owner_id, user_key, summary)
        return
    if goal is None or item.archived:
        digests.pop(item.id, None)
    else:
        digests[item.id] = GoalDigest.of(item, goal)
    seal(summary, summary_key, overview.summary_json(digests.values()))
    session.flush()
