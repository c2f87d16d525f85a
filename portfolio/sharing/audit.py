"""The access log: one row per read, list, share, change and refusal; never content."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.db import utcnow
from portfolio.sharing.models import AccessEvent, AccessLogRetention, Action, Grant

logger = logging.getLogger(__name__)
SYSTEM = "system"


def record(
    session: Session,
    *,
    actor: User | None,
    owner_id: str,
    action: Action,
    object_type: str,
    object_id: str | None = None,
    grant: Grant | None = None,
    outcome: str = "ok",
) -> AccessEvent:
    event = AccessEvent(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else SYSTEM,
        municipality_id=actor.municipality_id if actor else None,
        owner_id=owner_id,
        object_type=object_type,
        object_id=object_id,
        action=action.value,
        outcome=outcome,
        grant_id=grant.id if grant else None,
        purpose=grant.purpose if grant else None,
    )
    session.add(event)
    return event


REFUSAL_WINDOW = timedelta(minutes=10)


def refused_recently(
    session: Session, actor_id: str, owner_id: str, object_id: str | None, now: datetime
) -> bool:
    """A refusal of the same person on the same object is written once per window, so a
    refused recipient cannot flood the owner's log (the app log still has every one)."""
    query = select(AccessEvent.id).where(
        AccessEvent.owner_id == owner_id,
        AccessEvent.actor_id == actor_id,
        AccessEvent.action == Action.DENY.value,
        AccessEvent.at > now - REFUSAL_WINDOW,
    )
    query = query.where(
        AccessEvent.object_id == object_id if object_id else AccessEvent.object_id.is_(None)
    )
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class LogFilter:
    actor_id: str | None = None
    action: str | None = None
    since: datetime | None = None


def events_for_owner(
    session: Session, owner_id: str, wanted: LogFilter, *, number: int = 1, size: int = 50
) -> tuple[Sequence[AccessEvent], bool]:
    """One page of the owner's log, newest first; the second value says if more follow."""
    query = select(AccessEvent).where(AccessEvent.owner_id == owner_id)
    if wanted.actor_id:
        query = query.where(AccessEvent.actor_id == wanted.actor_id)
    if wanted.action:
        query = query.where(AccessEvent.action == wanted.action)
    if wanted.since:
        query = query.where(AccessEvent.at >= wanted.since)
    number = max(1, number)
    rows = session.scalars(
        query.order_by(AccessEvent.at.desc(), AccessEvent.id)
        .offset((number - 1) * size)
        .limit(size + 1)
    ).all()
    return rows[:size], len(rows) > size


def actors_for_owner(session: Session, owner_id: str) -> Sequence[str]:
    return session.scalars(
        select(AccessEvent.actor_id)
        .where(AccessEvent.owner_id == owner_id, AccessEvent.actor_id.is_not(None))
        .distinct()
    ).all()  # type: ignore[return-value]


def purge_older_than(session: Session, cutoff: datetime) -> int:
    """The retention purge: the only way log rows go, with a permit that lives and dies
    inside this transaction (the triggers refuse every other delete)."""
    permit = AccessLogRetention()
    session.add(permit)
    session.flush()
    rows = session.query(AccessEvent).filter(AccessEvent.at < cutoff).delete()
    session.delete(permit)
    session.flush()
    logger.info("access log: %d rows older than %s purged", rows, cutoff.date())
    return rows
