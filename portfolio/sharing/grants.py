"""Consent grants, the owner's side (crypto.md: grant keys).

A grant has its own key (GK), sealed to the recipient's public key and wrapped under the
owner's user key; every item in scope has its item key wrapped under GK. Revoking or
expiring deletes the sealed GK and every wrap under it, so nothing is left to open.
Functions take the database session explicitly, flush, and never commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portfolio.accounts.models import Role, User
from portfolio.db import new_id, utcnow
from portfolio.entries import services as entries
from portfolio.entries.models import Item
from portfolio.sharing import audit, connections
from portfolio.sharing.errors import (
    EmptyScopeError,
    GrantExistsError,
    GrantNotFoundError,
    NotConnectedError,
)
from portfolio.sharing.models import Action, Connection, Grant, GrantItemKey
from portfolio.sharing.scope import ITEM_KINDS, Scope
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)


MAX_GRANT = timedelta(days=3 * 366)  # the integration term; never "no end date"


@dataclass(frozen=True)
class ShareTerms:
    scope: Scope
    purpose: str
    purpose_text: str
    shown_name: str
    ends_at: datetime
    may_comment: bool = False
    may_propose: bool = False
    may_verify: bool = False


@dataclass(frozen=True)
class GrantNote:
    shown_name: str
    purpose_text: str


def is_active(grant: Grant, now: datetime) -> bool:
    return grant.revoked_at is None and grant.sealed_key is not None and grant.ends_at > now


def scope_of(grant: Grant) -> Scope:
    return Scope.parse(grant.scope_kinds, grant.scope_domains, grant.scope_items)


def _apply_terms(grant: Grant, grant_key: SymmetricKey, terms: ShareTerms, now: datetime) -> None:
    if terms.scope.is_empty:
        raise EmptyScopeError(grant.id)
    _check_end(terms.ends_at, now)
    grant.scope_kinds, grant.scope_domains, grant.scope_items = terms.scope.stored()
    grant.purpose = terms.purpose
    grant.may_comment = terms.may_comment
    grant.may_propose = terms.may_propose
    grant.may_verify = terms.may_verify
    grant.ends_at = terms.ends_at
    grant.updated_at = now
    note = json.dumps({"name": terms.shown_name, "purpose": terms.purpose_text}, ensure_ascii=False)
    grant.sealed_note = keys.seal_grant_note(
        grant_key, note, grant.owner_id, grant.id, grant.recipient_id
    )


def covered_items(session: Session, owner_id: str, scope: Scope) -> Sequence[Item]:
    candidates = session.scalars(
        select(Item).where(
            Item.owner_id == owner_id, Item.kind.in_(ITEM_KINDS), Item.wrapped_key.is_not(None)
        )
    ).all()
    return [item for item in candidates if scope.covers(item)]


def _wrap_under_grant(
    item: Item, grant: Grant, grant_key: SymmetricKey, owner_key: SymmetricKey
) -> GrantItemKey:
    item_key = entries.owner_item_key(item, owner_key)
    return wrap_item_key(item, grant, grant_key, item_key)


def wrap_item_key(
    item: Item, grant: Grant, grant_key: SymmetricKey, item_key: SymmetricKey
) -> GrantItemKey:
    wrapped = keys.wrap_item_key(item_key, grant_key, item.owner_id, item.id, grant.id)
    return GrantItemKey(grant_id=grant.id, item_id=item.id, wrapped_key=wrapped)


def _sync_wraps(
    session: Session, grant: Grant, grant_key: SymmetricKey, owner_key: SymmetricKey
) -> None:
    """Make the grant's wraps exactly the items its scope covers now."""
    wanted = {item.id: item for item in covered_items(session, grant.owner_id, scope_of(grant))}
    held = set(
        session.scalars(select(GrantItemKey.item_id).where(GrantItemKey.grant_id == grant.id))
    )
    gone = held - set(wanted)
    if gone:
        session.execute(
            delete(GrantItemKey).where(
                GrantItemKey.grant_id == grant.id, GrantItemKey.item_id.in_(gone)
            )
        )
    for item_id in set(wanted) - held:
        session.add(_wrap_under_grant(wanted[item_id], grant, grant_key, owner_key))
    session.flush()


def active_grant(session: Session, owner_id: str, recipient_id: str, now: datetime) -> Grant | None:
    rows = session.scalars(
        select(Grant).where(
            Grant.owner_id == owner_id,
            Grant.recipient_id == recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at > now,
        )
    ).all()
    return rows[0] if rows else None


def create_grant(
    session: Session,
    owner: User,
    owner_key: SymmetricKey,
    recipient: User,
    terms: ShareTerms,
    now: datetime,
) -> Grant:
    if (
        connections.connection_between(session, owner.id, recipient.id) is None
        or not recipient.active
    ):
        raise NotConnectedError(recipient.id)
    if active_grant(session, owner.id, recipient.id, now) is not None:
        raise GrantExistsError(recipient.id)
    _shred_expired_pair(session, owner.id, recipient.id, now)
    if recipient.is_staff:
        connections.check_staff_key(recipient)
    terms = _terms_for(recipient, terms)
    grant = Grant(id=new_id(), owner_id=owner.id, recipient_id=recipient.id, created_at=now)
    grant_key, wraps = keys.new_grant_key(
        owner_key, owner.id, grant.id, recipient.id, recipient.public_key
    )
    grant.sealed_key = wraps.sealed_for_recipient
    grant.owner_wrapped_key = wraps.wrapped_for_owner
    _apply_terms(grant, grant_key, terms, now)
    session.add(grant)
    try:
        session.flush()
    except IntegrityError:
        raise GrantExistsError(recipient.id) from None  # confirmed twice at the same moment
    _sync_wraps(session, grant, grant_key, owner_key)
    _log(session, owner, grant, Action.SHARE)
    logger.info("grant %s to %s created by %s", grant.id, recipient.id, owner.id)
    return grant


def owner_grant_key(grant: Grant, owner_key: SymmetricKey) -> SymmetricKey:
    if grant.owner_wrapped_key is None:
        raise GrantNotFoundError(grant.id)
    return keys.open_grant_key_as_owner(
        owner_key, grant.owner_wrapped_key, grant.owner_id, grant.id, grant.recipient_id
    )


def change_grant(
    session: Session,
    owner: User,
    owner_key: SymmetricKey,
    grant: Grant,
    terms: ShareTerms,
    now: datetime,
) -> None:
    if not is_active(grant, now):
        raise GrantNotFoundError(grant.id)
    terms = _terms_for(session.get(User, grant.recipient_id), terms)
    grant_key = owner_grant_key(grant, owner_key)
    _apply_terms(grant, grant_key, terms, now)
    session.flush()
    _sync_wraps(session, grant, grant_key, owner_key)
    _log(session, owner, grant, Action.CHANGE)


def extend_grant(
    session: Session, owner: User, grant: Grant, ends_at: datetime, now: datetime
) -> None:
    if not is_active(grant, now):
        raise GrantNotFoundError(grant.id)
    _check_end(ends_at, now)
    grant.ends_at = ends_at
    grant.updated_at = now
    session.flush()
    _log(session, owner, grant, Action.EXTEND)


def _log(session: Session, actor: User | None, grant: Grant, action: Action) -> None:
    audit.record(
        session,
        actor=actor,
        owner_id=grant.owner_id,
        action=action,
        object_type="grant",
        object_id=grant.id,
        grant=grant,
    )


def _check_end(ends_at: datetime, now: datetime) -> None:
    if not now < ends_at <= now + MAX_GRANT:
        raise ValueError("a share ends in the future, within the integration term")


def _terms_for(recipient: User | None, terms: ShareTerms) -> ShareTerms:
    """Only a regievoerder can verify certificates."""
    if recipient is None or recipient.role_enum is not Role.REGIEVOERDER:
        return replace(terms, may_verify=False)
    return terms


def _shred_expired_pair(session: Session, owner_id: str, recipient_id: str, now: datetime) -> None:
    """A grant past its end date but not purged yet is shredded now, so that it does not
    stand in the way of a new one (one live grant per pair)."""
    stale = session.scalars(
        select(Grant).where(
            Grant.owner_id == owner_id,
            Grant.recipient_id == recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at <= now,
        )
    ).all()
    for grant in stale:
        _shred(session, grant)
        _log(session, None, grant, Action.EXPIRE)
    session.flush()


def _shred(session: Session, grant: Grant) -> None:
    session.execute(delete(GrantItemKey).where(GrantItemKey.grant_id == grant.id))
    grant.sealed_key = None
    grant.owner_wrapped_key = None
    grant.recipient_wrapped_key = None
    grant.sealed_note = None


def revoke_grant(session: Session, actor: User, grant: Grant, now: datetime) -> None:
    """At once: the sealed grant key and every wrap under it are deleted. The actor is the
    owner, or an administrator when the recipient left the municipality."""
    if grant.revoked_at is not None:
        return
    _shred(session, grant)
    grant.revoked_at = now
    grant.updated_at = now
    session.flush()
    _log(session, actor, grant, Action.REVOKE)
    logger.info("grant %s revoked", grant.id)


def purge_expired(session: Session, now: datetime) -> int:
    """Remove the keys of every share past its end date (run from cron)."""
    expired = session.scalars(
        select(Grant).where(Grant.sealed_key.is_not(None), Grant.ends_at <= now)
    ).all()
    for grant in expired:
        _shred(session, grant)
        _log(session, None, grant, Action.EXPIRE)
    session.flush()
    return len(expired)


def owner_grant(session: Session, owner_id: str, grant_id: str) -> Grant:
    grant = session.get(Grant, grant_id) if len(grant_id) <= 32 else None
    if grant is None or grant.owner_id != owner_id:
        raise GrantNotFoundError(grant_id[:32])
    return grant


def grants_of_owner(session: Session, owner_id: str) -> Sequence[Grant]:
    return session.scalars(
        select(Grant).where(Grant.owner_id == owner_id).order_by(Grant.created_at.desc())
    ).all()


def read_note(grant: Grant, grant_key: SymmetricKey) -> GrantNote:
    if grant.sealed_note is None:
        return GrantNote("", "")
    data = json.loads(
        keys.open_grant_note(
            grant_key, grant.sealed_note, grant.owner_id, grant.id, grant.recipient_id
        )
    )
    return GrantNote(str(data.get("name", "")), str(data.get("purpose", "")))


def sync_item(
    session: Session, item: Item, item_key: SymmetricKey, owner_key: SymmetricKey
) -> None:
    """An item was written (new, or its domain changed): wrap its key under every active
    grant whose scope now covers it, and drop the wraps of those that no longer do."""
    if item.kind not in ITEM_KINDS:
        return
    grants = session.scalars(
        select(Grant).where(
            Grant.owner_id == item.owner_id,
            Grant.revoked_at.is_(None),
            Grant.owner_wrapped_key.is_not(None),
            Grant.ends_at > utcnow(),
        )
    ).all()
    if not grants:
        return
    held = set(
        session.scalars(select(GrantItemKey.grant_id).where(GrantItemKey.item_id == item.id))
    )
    for grant in grants:
        covers = scope_of(grant).covers(item)
        if covers and grant.id not in held:
            grant_key = owner_grant_key(grant, owner_key)
            session.add(wrap_item_key(item, grant, grant_key, item_key))
        elif not covers and grant.id in held:
            session.execute(
                delete(GrantItemKey).where(
                    GrantItemKey.grant_id == grant.id, GrantItemKey.item_id == item.id
                )
            )
    session.flush()


@dataclass(frozen=True)
class OpenGrant:
    """A grant opened for one request, with its key. ``wraps`` keeps the item-key wraps
    already read in this request (``received.shared_items`` reads them all at once)."""

    grant: Grant
    key: SymmetricKey
    note: GrantNote
    wraps: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def scope(self) -> Scope:
        return scope_of(self.grant)


def open_as_owner(grant: Grant, owner_key: SymmetricKey) -> OpenGrant:
    grant_key = owner_grant_key(grant, owner_key)
    return OpenGrant(grant, grant_key, read_note(grant, grant_key))


def disconnect(session: Session, owner: User, connection: Connection, now: datetime) -> None:
    """End a connection; a share to that person is revoked with it."""
    for grant in session.scalars(
        select(Grant).where(
            Grant.owner_id == owner.id,
            Grant.recipient_id == connection.recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
        )
    ).all():
        revoke_grant(session, owner, grant, now)
    audit.record(
        session,
        actor=owner,
        owner_id=owner.id,
        action=Action.DISCONNECT,
        object_type="connection",
        object_id=connection.id,
    )
    session.delete(connection)
    session.flush()
