"""How a recipient's request reaches an owner's data, for every view that serves one (the
workspace, the plan, suggestions, hand-back): open this owner's live grant to the
current user, or refuse and log the refusal where the owner reads it; open one shared
item; write the access-log row of a read.

Access-log rule (docs/architecture.md): what a recipient does through a grant is logged
by the view, here through ``log_for_owner``; changes to consent are logged by the
services that make them. Refusals are logged here, once per window.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import abort
from flask_login import current_user

from portfolio.accounts.access import current_user_key
from portfolio.accounts.models import Role, User
from portfolio.db import db, dbs, utcnow
from portfolio.entries import services as entries
from portfolio.entries.models import Item
from portfolio.sharing import audit, received
from portfolio.sharing.errors import NoAccessError
from portfolio.sharing.grants import OpenGrant
from portfolio.sharing.models import Action
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
RECIPIENTS = (Role.REGIEVOERDER, Role.SUPPORTER)


def private_key() -> X25519PrivateKey:
    """The current user's private key, unwrapped for this request."""
    return received.private_key_of(current_user, current_user_key())


def deny(owner_id: str, object_type: str, object_id: str | None) -> None:
    """Log a refusal where the owner will read it (only for a real owner id)."""
    if dbs().get(User, owner_id[:32]) is not None and not audit.refused_recently(
        dbs(), current_user.id, owner_id[:32], object_id[:32] if object_id else None, utcnow()
    ):
        audit.record(
            dbs(),
            actor=current_user,
            owner_id=owner_id[:32],
            action=Action.DENY,
            object_type=object_type,
            object_id=object_id[:32] if object_id else None,
            outcome="denied",
        )
        db.session.commit()
    logger.info("access by %s to %r refused", current_user.id, owner_id[:32])


def log_for_owner(
    opened: OpenGrant, action: Action, object_type: str, object_id: str | None = None
) -> None:
    """One access-log row for the owner of what this recipient did through the grant;
    the view commits it with the rest of the request."""
    audit.record(
        dbs(),
        actor=current_user,
        owner_id=opened.grant.owner_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        grant=opened.grant,
    )


def opened_for(owner_id: str) -> OpenGrant:
    """This owner's live grant to the current user, opened; 403 (logged) otherwise."""
    try:
        return received.grant_for_recipient(
            dbs(), current_user, private_key(), owner_id, utcnow(), current_user_key()
        )
    except NoAccessError:
        deny(owner_id, "portfolio", None)
        abort(403)


def shared_item(opened: OpenGrant, item_id: str) -> tuple[Item, dict[str, Any], SymmetricKey]:
    """One item the grant covers, decrypted, with its key; 404 (logged) otherwise."""
    try:
        item, item_key = received.shared_item_key(dbs(), opened, item_id)
    except NoAccessError:
        deny(opened.grant.owner_id, "item", item_id)
        abort(404)
    return item, entries.read_with_item_key(item, item_key), item_key
