"""Items a recipient writes into the owner's portfolio (a plan proposal, a version they
accepted, a suggested goal): sealed to the owner and wrapped under the recipient's
grant, then claimed by the owner at their next request (crypto.md: "recipient proposes
a new item").
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.db import new_id
from portfolio.entries import services as entries
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing import grants, received
from portfolio.sharing.errors import NoAccessError
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)


def create_for_owner(
    session: Session,
    opened: grants.OpenGrant,
    owner: User,
    author: User,
    kind: ItemKind,
    data: dict[str, Any],
    domain: str | None = None,
) -> Item:
    """A new item written by a recipient (a proposal, a plan version they accepted, a goal
    they suggest): its own key, sealed to the owner's public key and wrapped under the
    recipient's grant, which must cover it. The owner's next request wraps it under their
    user key (``claim_sealed``)."""
    item = Item(id=new_id(), owner_id=owner.id, kind=kind.value, domain_code=domain)
    item_key = SymmetricKey.generate()
    item.wrapped_key = None
    item.sealed_key = keys.seal_item_key_to_owner(item_key, owner.public_key, owner.id, item.id)
    entries.seal(item, item_key, data)
    session.add(item)
    session.flush()
    if not opened.scope.covers(item):
        raise NoAccessError(item.id)
    session.add(grants.wrap_item_key(item, opened.grant, opened.key, item_key))
    session.flush()
    logger.info("%s %s written for %s by %s", kind.value, item.id, owner.id, author.id)
    return item


CLAIM_BATCH = 50  # per request, committed: a flood of proposals cannot stall every page


def claim_sealed(session: Session, owner: User, user_key: SymmetricKey) -> int:
    """Wrap the keys of items recipients wrote under the owner's user key, and under every
    other grant that covers them. Returns how many were claimed."""
    sealed = session.scalars(
        select(Item)
        .where(Item.owner_id == owner.id, Item.wrapped_key.is_(None), Item.sealed_key.is_not(None))
        .limit(CLAIM_BATCH)
    ).all()
    if not sealed:
        return 0
    private = received.private_key_of(owner, user_key)
    claimed = 0
    for item in sealed:
        try:
            item_key = keys.open_item_key_sealed_to_owner(
                private, item.sealed_key or b"", owner.id, item.id
            )
        except DecryptError:
            logger.error("sealed item %s does not open for its owner", item.id)
            continue
        item.wrapped_key = keys.wrap_item_key(item_key, user_key, owner.id, item.id)
        item.sealed_key = None
        session.flush()
        grants.sync_item(session, item, item_key, user_key)
        claimed += 1
    return claimed
