"""Consent grants, the recipient's side: the live grants to a person, each opened with
the recipient's private key (or their own wrap of the grant key), and the items it
covers with their keys. Nothing here writes but the recipient's own wrap.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.entries.models import Item
from portfolio.sharing import grants
from portfolio.sharing.errors import NoAccessError
from portfolio.sharing.models import Grant, GrantItemKey
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)


def private_key_of(user: User, user_key: SymmetricKey) -> X25519PrivateKey:
    return keys.unwrap_private_key(user_key, user.key_pair, user.id)


def open_as_recipient(
    grant: Grant, private_key: X25519PrivateKey, user_key: SymmetricKey | None = None
) -> grants.OpenGrant:
    """The grant opened by its recipient: with ``user_key``, through the recipient's own
    wrap when there is one (and that wrap is made when there is none; the caller's
    commit keeps it), else through the sealed key."""
    if grant.sealed_key is None:
        raise NoAccessError(grant.id)
    ids = (grant.owner_id, grant.id, grant.recipient_id)
    if user_key is not None and grant.recipient_wrapped_key is not None:
        try:
            grant_key = keys.open_grant_key_as_recipient_wrap(
                user_key, grant.recipient_wrapped_key, *ids
            )
            return grants.OpenGrant(grant, grant_key, grants.read_note(grant, grant_key))
        except DecryptError:
            logger.warning("recipient wrap of grant %s does not open; made again", grant.id)
    grant_key = keys.open_grant_key_as_recipient(private_key, grant.sealed_key, *ids)
    if user_key is not None:
        grant.recipient_wrapped_key = keys.wrap_grant_key_for_recipient(grant_key, user_key, *ids)
    return grants.OpenGrant(grant, grant_key, grants.read_note(grant, grant_key))


def _live_to(recipient_id: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Grant.recipient_id == recipient_id,
        Grant.revoked_at.is_(None),
        Grant.sealed_key.is_not(None),
        Grant.ends_at > now,
    )


def grants_to(session: Session, recipient_id: str, now: datetime) -> Sequence[Grant]:
    return session.scalars(select(Grant).where(*_live_to(recipient_id, now))).all()


def live_grant_ids(recipient_id: str, now: datetime) -> Select[Any]:
    """The ids of the live grants to this person, as a subquery: a caseload's queries
    join it instead of sending 150 ids as parameters."""
    return select(Grant.id).where(*_live_to(recipient_id, now))


def grant_for_recipient(
    session: Session,
    recipient: User,
    private_key: X25519PrivateKey,
    owner_id: str,
    now: datetime,
    user_key: SymmetricKey | None = None,
) -> grants.OpenGrant:
    """The active grant of this owner to this recipient, opened; else ``NoAccessError``."""
    grant = grants.active_grant(session, owner_id[:32], recipient.id, now)
    if grant is None:
        raise NoAccessError(owner_id[:32])
    try:
        return open_as_recipient(grant, private_key, user_key)
    except DecryptError:
        logger.error("grant %s does not open for %s", grant.id, recipient.id)
        raise NoAccessError(grant.id) from None


def shared_items(session: Session, opened: grants.OpenGrant) -> Sequence[Item]:
    """The items the recipient sees: wrapped under the grant, still in scope, not archived.
    Their wraps come in the same query and stay with ``opened``, so that
    ``shared_item_key`` for any of them asks the database nothing more."""
    rows = session.execute(
        select(Item, GrantItemKey.wrapped_key)
        .join(GrantItemKey, GrantItemKey.item_id == Item.id)
        .where(GrantItemKey.grant_id == opened.grant.id, Item.archived.is_(False))
        .order_by(Item.updated_at.desc(), Item.id)
    ).all()
    scope = opened.scope
    opened.wraps.update({item.id: wrapped for item, wrapped in rows})
    return [item for item, _wrapped in rows if scope.covers(item)]


def shared_item_key(
    session: Session, opened: grants.OpenGrant, item_id: str
) -> tuple[Item, SymmetricKey]:
    """One shared item and its key, or ``NoAccessError`` (not shared, gone or archived)."""
    wrapped = opened.wraps.get(item_id[:32])
    if wrapped is None:
        row = session.get(GrantItemKey, (opened.grant.id, item_id[:32]))
        wrapped = row.wrapped_key if row is not None else None
    item = session.get(Item, item_id[:32]) if wrapped is not None else None
    if wrapped is None or item is None or item.archived or not opened.scope.covers(item):
        raise NoAccessError(item_id[:32])
    item_key = keys.unwrap_item_key(wrapped, opened.key, item.owner_id, item.id, opened.grant.id)
    return item, item_key
