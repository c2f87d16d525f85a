"""Lost everything: a newcomer who lost both passphrase and recovery code cannot open
their old portfolio, and nobody else can either. What they shared still lives under the
share's key, which their regievoerder holds. So: the newcomer makes a new account and a
hand-back code, shows it to the regievoerder in person, and the regievoerder, seeing the
new account's key fingerprint on both screens, hands the shared items back: each is
copied with a fresh item key sealed to the new account's public key (files too), and the
new account claims them at its next request. The old account stays as it was; its
shares can be ended as usual.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts.models import Role, User
from portfolio.blobs import BlobNotFoundError, BlobStore
from portfolio.db import new_id
from portfolio.entries import services as entries
from portfolio.entries.models import Item, ItemFile, ItemKind
from portfolio.sharing import audit, connections, grants, received
from portfolio.sharing.errors import CodeNotValidError
from portfolio.sharing.models import Action, CodePurpose, ConnectCode, Relation
from portfolio.vault import keys, signing
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)
# Internal or in-between items are not handed back: the summary is rebuilt, suggestions
# and proposals were answered or can be made again.
LEFT_OUT = frozenset(
    {ItemKind.SUMMARY.value, ItemKind.GOAL_SUGGESTION.value, ItemKind.PIP_PROPOSAL.value}
)


@dataclass(frozen=True)
class NewAccount:
    """The account a code belongs to, as the regievoerder sees it before confirming."""

    code: ConnectCode
    owner: User
    fingerprint: str


@dataclass(frozen=True)
class HandedBack:
    owner: User
    items: int
    files: int


def issue_code(session: Session, new_owner: User, now: datetime) -> str:
    code, _row = connections.issue_code(
        session, new_owner, CodePurpose.HANDBACK, Relation.REGIEVOERDER, now
    )
    return code


def look_up(session: Session, typed: str, old_owner_id: str, now: datetime) -> NewAccount:
    """The new account a code belongs to (never the old account itself)."""
    row, owner = connections.live_code(
        session, typed, CodePurpose.HANDBACK, now, not_from=old_owner_id
    )
    if owner.role_enum is not Role.OWNER:
        raise CodeNotValidError("not a newcomer's account")
    return NewAccount(row, owner, signing.fingerprint(owner.public_key))


def _remap(data: dict[str, Any], ids: dict[str, str], files: dict[str, str]) -> dict[str, Any]:
    """References inside content follow the copies: files of a record, evidence of a goal
    or an agreement, the previous version of a plan. Others are dropped."""
    copied = dict(data)
    if isinstance(copied.get("files"), list):
        copied["files"] = [
            {**f, "id": files[f["id"]]}
            for f in copied["files"]
            if isinstance(f, dict) and f.get("id") in files
        ]
    if isinstance(copied.get("evidence"), list):
        copied["evidence"] = [ids[e] for e in copied["evidence"] if e in ids]
    for name in ("previous", "proposal"):
        if isinstance(copied.get(name), str):
            copied[name] = ids.get(copied[name])
    if isinstance(copied.get("agreements"), list):
        copied["agreements"] = [
            {**a, "evidence": [ids[e] for e in a.get("evidence") or [] if e in ids]}
            if isinstance(a, dict)
            else a
            for a in copied["agreements"]
        ]
    return copied


def _copy_files(
    session: Session,
    store: BlobStore,
    source: Item,
    source_key: SymmetricKey,
    copy: Item,
    copy_key: SymmetricKey,
) -> dict[str, str]:
    moved: dict[str, str] = {}
    for row in session.scalars(select(ItemFile).where(ItemFile.item_id == source.id)).all():
        try:
            plain = keys.decrypt_file(source_key, store.get(row.id), source.owner_id, row.id)
            thumb = (
                keys.decrypt_file(
                    source_key, store.get(row.thumbnail_id), source.owner_id, row.thumbnail_id
                )
                if row.thumbnail_id
                else None
            )
        except (BlobNotFoundError, DecryptError):
            logger.error("file %s of item %s could not be handed back", row.id, source.id)
            continue
        new = ItemFile(
            id=new_id(),
            item_id=copy.id,
            owner_id=copy.owner_id,
            kind=row.kind,
            media_type=row.media_type,
            extension=row.extension,
        )
        store.put(new.id, keys.encrypt_file(copy_key, plain, copy.owner_id, new.id))
        if thumb is not None:
            new.thumbnail_id = new_id()
            store.put(
                new.thumbnail_id,
                keys.encrypt_file(copy_key, thumb, copy.owner_id, new.thumbnail_id),
            )
        session.add(new)
        moved[row.id] = new.id
    return moved


def hand_back(
    session: Session,
    store: BlobStore,
    opened: grants.OpenGrant,
    staff: User,
    account: NewAccount,
    now: datetime,
) -> HandedBack:
    """Copy every shared item to the new account, sealed to its public key; the code is
    spent and the new account connected to the regievoerder."""
    connections.spend_code(session, account.code, now)
    owner = account.owner
    sources = [i for i in received.shared_items(session, opened) if i.kind not in LEFT_OUT]
    ids = {item.id: new_id() for item in sources}
    files = 0
    for source in sources:
        _item, source_key = received.shared_item_key(session, opened, source.id)
        data = entries.read_with_item_key(source, source_key)
        copy = Item(
            id=ids[source.id],
            owner_id=owner.id,
            kind=source.kind,
            domain_code=source.domain_code,
            archived=False,
            created_at=source.created_at,
            updated_at=now,
        )
        copy_key = SymmetricKey.generate()
        copy.wrapped_key = None
        copy.sealed_key = keys.seal_item_key_to_owner(copy_key, owner.public_key, owner.id, copy.id)
        moved = _copy_files(session, store, source, source_key, copy, copy_key)
        files += len(moved)
        entries.seal(copy, copy_key, _remap(data, ids, moved))
        session.add(copy)
    session.flush()
    connections.connect(session, staff, owner.id, staff.id, Relation.REGIEVOERDER.value, now)
    for who in (opened.grant.owner_id, owner.id):
        audit.record(
            session,
            actor=staff,
            owner_id=who,
            action=Action.HANDBACK,
            object_type="account",
            object_id=owner.id if who != owner.id else opened.grant.owner_id,
        )
    logger.info(
        "%d items handed back from %s to %s by %s",
        len(sources),
        opened.grant.owner_id,
        owner.id,
        staff.id,
    )
    return HandedBack(owner, len(sources), files)
