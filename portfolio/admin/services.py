"""Municipal administration: staff accounts and counts. Never
portfolio content: an administrator sees how many, not what."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio.accounts import services as accounts
from portfolio.accounts.models import Role, User
from portfolio.admin.errors import LastAdministratorError, StaffNotFoundError
from portfolio.db import new_id
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing import grants, received
from portfolio.sharing.models import Connection, Grant, GrantItemKey, Handover
from portfolio.vault.context import VaultContext

logger = logging.getLogger(__name__)


def staff_of(session: Session, municipality_id: str) -> Sequence[User]:
    return session.scalars(
        select(User)
        .where(User.municipality_id == municipality_id)
        .order_by(User.active.desc(), User.display_name)
    ).all()


def staff_member(session: Session, admin: User, user_id: str) -> User:
    person = session.get(User, user_id[:32]) if len(user_id) <= 32 else None
    if person is None or not person.is_staff or person.municipality_id != admin.municipality_id:
        raise StaffNotFoundError(user_id[:32])
    return person


def create_staff(
    session: Session, ctx: VaultContext, admin: User, username: str, name: str, role: Role
) -> tuple[User, str]:
    """A new account of the administrator's municipality, with a one-time passphrase; the
    second factor is enrolled at the first login."""
    if admin.municipality is None:
        raise StaffNotFoundError(admin.id)
    return accounts.create_staff(
        session,
        ctx,
        username=username,
        display_name=name,
        role=role,
        municipality=admin.municipality,
    )


@dataclass(frozen=True)
class Deactivated:
    grants_ended: int
    handovers: int


def deactivate(
    session: Session, admin: User, person: User, successor: User | None, now: datetime
) -> Deactivated:
    """The person leaves: no more logins, their sessions end, every share to them ends at
    once (their newcomers see it in their log). With a successor, each of those newcomers
    is asked whether to share with the successor: consent is renewed, never moved."""
    if person.role_enum is Role.ADMIN and _other_admins(session, person) == 0:
        raise LastAdministratorError(person.id)
    person.active = False
    accounts.end_all_sessions(session, person)
    ended = 0
    owners: set[str] = set()
    for grant in received.grants_to(session, person.id, now):
        grants.revoke_grant(session, admin, grant, now)
        owners.add(grant.owner_id)
        ended += 1
    handovers = 0
    if successor is not None:
        for owner_id in sorted(owners):
            session.add(
                Handover(
                    id=new_id(),
                    owner_id=owner_id,
                    from_id=person.id,
                    to_id=successor.id,
                    created_at=now,
                )
            )
            handovers += 1
    session.flush()
    logger.info("staff %s deactivated by %s (%d shares ended)", person.id, admin.id, ended)
    return Deactivated(ended, handovers)


def _other_admins(session: Session, person: User) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                User.municipality_id == person.municipality_id,
                User.role == Role.ADMIN.value,
                User.active.is_(True),
                User.id != person.id,
            )
        )
        or 0
    )


def reactivate(session: Session, person: User) -> None:
    """Back at work: logins again. Shares are not restored; newcomers share again."""
    person.active = True
    session.flush()


@dataclass(frozen=True)
class Counts:
    newcomers_connected: int
    active_grants: int
    meetings: int


def counts(session: Session, municipality_id: str, now: datetime) -> Counts:
    """How many, never what: connections and active shares to this municipality's staff,
    and progress meetings shared with them."""
    staff_ids = select(User.id).where(User.municipality_id == municipality_id)
    connected = session.scalar(
        select(func.count(func.distinct(Connection.owner_id))).where(
            Connection.recipient_id.in_(staff_ids)
        )
    )
    active = session.scalar(
        select(func.count()).where(
            Grant.recipient_id.in_(staff_ids),
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at > now,
        )
    )
    meetings = session.scalar(
        select(func.count(func.distinct(Item.id)))
        .join(GrantItemKey, GrantItemKey.item_id == Item.id)
        .join(Grant, Grant.id == GrantItemKey.grant_id)
        .where(Item.kind == ItemKind.MEETING.value, Grant.recipient_id.in_(staff_ids))
    )
    return Counts(int(connected or 0), int(active or 0), int(meetings or 0))
