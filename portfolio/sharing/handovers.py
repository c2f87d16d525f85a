"""A regievoerder left: the newcomers are asked whether to connect with the successor;
what they shared with the one who left pre-fills a share with the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.sharing import connections
from portfolio.sharing.errors import GrantNotFoundError
from portfolio.sharing.models import Grant, Handover, Relation
from portfolio.vault import signing


@dataclass(frozen=True)
class PendingHandover:
    handover: Handover
    left: User | None
    successor: User

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.successor.public_key)


def pending_handovers(session: Session, owner_id: str) -> list[PendingHandover]:
    rows = session.scalars(
        select(Handover)
        .where(Handover.owner_id == owner_id, Handover.answered_at.is_(None))
        .order_by(Handover.created_at)
    ).all()
    found = []
    for row in rows:
        successor = session.get(User, row.to_id)
        if successor is not None and successor.active:
            found.append(PendingHandover(row, session.get(User, row.from_id), successor))
    return found


def answer_handover(
    session: Session, owner: User, handover_id: str, accept: bool, now: datetime
) -> Handover:
    row = session.get(Handover, handover_id[:32]) if len(handover_id) <= 32 else None
    if row is None or row.owner_id != owner.id or row.answered_at is not None:
        raise GrantNotFoundError(handover_id[:32])
    answered = session.execute(
        update(Handover)
        .where(Handover.id == row.id, Handover.answered_at.is_(None))
        .values(answered_at=now, accepted=accept)
        .execution_options(synchronize_session=False)
    )
    if int(answered.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise GrantNotFoundError(row.id)
    session.expire(row)
    if accept:
        connections.connect(session, owner, owner.id, row.to_id, Relation.REGIEVOERDER.value, now)
    session.flush()
    return row


def handover_template(session: Session, owner_id: str, recipient_id: str) -> Grant | None:
    """The last share with the one who left, to pre-fill the share with their successor."""
    row = session.scalars(
        select(Handover)
        .where(
            Handover.owner_id == owner_id,
            Handover.to_id == recipient_id,
            Handover.accepted.is_(True),
        )
        .order_by(Handover.created_at.desc())
    ).first()
    if row is None:
        return None
    return session.scalars(
        select(Grant)
        .where(Grant.owner_id == owner_id, Grant.recipient_id == row.from_id)
        .order_by(Grant.created_at.desc())
    ).first()
