"""Feedback on items: one thread per item and recipient (the partner), sealed under the
item's key. The owner writes in any thread of a partner who may comment on the item now;
the partner writes while their grant allows it. Each side sees what is new to them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.db import new_id
from portfolio.entries.models import Item
from portfolio.sharing.models import Comment, Grant, GrantItemKey
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
MESSAGE_RATE = "60 per hour"  # per account: a conversation, not a flood


@dataclass(frozen=True)
class Said:
    comment: Comment
    text: str


def add(
    session: Session,
    item: Item,
    item_key: SymmetricKey,
    author: User,
    partner_id: str,
    text: str,
    now: datetime,
) -> Comment:
    comment = Comment(
        id=new_id(),
        item_id=item.id,
        owner_id=item.owner_id,
        partner_id=partner_id,
        author_id=author.id,
        created_at=now,
    )
    comment.body = keys.encrypt_comment(
        item_key, text, item.owner_id, item.id, comment.id, author.id, partner_id
    )
    session.add(comment)
    session.flush()
    logger.info("comment %s on item %s by %s", comment.id, item.id, author.id)
    return comment


def thread(session: Session, item: Item, item_key: SymmetricKey, partner_id: str) -> list[Said]:
    rows = session.scalars(
        select(Comment)
        .where(Comment.item_id == item.id, Comment.partner_id == partner_id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return [
        Said(
            c,
            keys.decrypt_comment(
                item_key, c.body, item.owner_id, item.id, c.id, c.author_id, c.partner_id
            ),
        )
        for c in rows
    ]


def mark_seen(
    session: Session, item_id: str, partner_id: str, reader_id: str, now: datetime
) -> None:
    """The reader has seen what the other side wrote in this thread."""
    session.execute(
        update(Comment)
        .where(
            Comment.item_id == item_id,
            Comment.partner_id == partner_id,
            Comment.author_id != reader_id,
            Comment.seen_at.is_(None),
        )
        .values(seen_at=now)
    )


def partners_with_threads(session: Session, item: Item) -> Sequence[str]:
    return session.scalars(
        select(Comment.partner_id).where(Comment.item_id == item.id).distinct()
    ).all()


def partners_who_may_comment(session: Session, item: Item, now: datetime) -> Sequence[str]:
    """Recipients whose active grant covers this item and allows feedback."""
    return session.scalars(
        select(Grant.recipient_id)
        .join(GrantItemKey, GrantItemKey.grant_id == Grant.id)
        .where(
            GrantItemKey.item_id == item.id,
            Grant.may_comment.is_(True),
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at > now,
        )
    ).all()


def unseen_for_owner(session: Session, owner_id: str) -> dict[str, int]:
    """item id -> comments by others the owner has not seen."""
    rows = session.execute(
        select(Comment.item_id, func.count())
        .where(
            Comment.owner_id == owner_id,
            Comment.author_id != owner_id,
            Comment.seen_at.is_(None),
        )
        .group_by(Comment.item_id)
    ).all()
    return {item_id: count for item_id, count in rows}


def unseen_for_partner(session: Session, partner_id: str) -> dict[str, int]:
    """owner id -> the owners' replies this recipient has not seen."""
    rows = session.execute(
        select(Comment.owner_id, func.count())
        .where(
            Comment.partner_id == partner_id,
            Comment.author_id != partner_id,
            Comment.seen_at.is_(None),
        )
        .group_by(Comment.owner_id)
    ).all()
    return {owner_id: count for owner_id, count in rows}


def unseen_count(session: Session, user: User) -> int:
    """The badge: what is new for this person, as owner or as recipient."""
    column = Comment.owner_id if user.role == "owner" else Comment.partner_id
    return int(
        session.scalar(
            select(func.count()).where(
                column == user.id, Comment.author_id != user.id, Comment.seen_at.is_(None)
            )
        )
        or 0
    )


@dataclass(frozen=True)
class FeedbackSummary:
    """What an owner's item page says about feedback: new messages, and whether anyone
    can write (or has written) about this item."""

    unseen: int
    open: bool


def summary_for_owner(session: Session, item: Item, now: datetime) -> FeedbackSummary:
    unseen = int(
        session.scalar(
            select(func.count()).where(
                Comment.item_id == item.id,
                Comment.author_id != item.owner_id,
                Comment.seen_at.is_(None),
            )
        )
        or 0
    )
    has_threads = bool(partners_with_threads(session, item))
    return FeedbackSummary(
        unseen, has_threads or bool(partners_who_may_comment(session, item, now))
    )
