"""Delete my account (GDPR article 17), by crypto-shredding as crypto.md says: every
share is revoked (its grant key and the wraps under it deleted, so recipients' views are
gone), every issued document is marked revoked for the verification page, and the
account row goes with its wrapped user keys, key pair and sessions; with it go the
items (their wrapped item keys and content), files, comments, endorsements and
connections. The blobs are removed after the commit. What stays: the access log (no
content, kept for its retention period as the municipality's record of access) and
the issued documents' hashes, marked revoked and no longer tied to the account."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portfolio.accounts.models import AuthSession, User
from portfolio.blobs import BlobStore
from portfolio.entries import files as item_files
from portfolio.entries.models import Item, ItemFile
from portfolio.export import issued
from portfolio.sharing import audit, grants
from portfolio.sharing.models import Action, Grant

logger = logging.getLogger(__name__)
ACCOUNT_DELETED = "account_deleted"


@dataclass(frozen=True)
class Receipt:
    reference: str
    at: datetime
    items: int
    files: int
    shares_ended: int
    documents_revoked: int

    def to_json(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "at": self.at.isoformat(),
            "items": self.items,
            "files": self.files,
            "shares_ended": self.shares_ended,
            "documents_revoked": self.documents_revoked,
        }


@dataclass(frozen=True)
class Erased:
    receipt: Receipt
    blob_ids: list[str]  # for the caller to remove after the commit


def erase(session: Session, owner: User, now: datetime) -> Erased:
    owner_id = owner.id
    shares = 0
    for grant in session.scalars(
        select(Grant).where(Grant.owner_id == owner_id, Grant.revoked_at.is_(None))
    ).all():
        grants.revoke_grant(session, owner, grant, now)
        shares += 1
    documents = issued.revoke_all(session, owner_id, now, ACCOUNT_DELETED)
    rows = session.scalars(select(ItemFile).where(ItemFile.owner_id == owner_id)).all()
    blob_ids = [blob for row in rows for blob in item_files.blob_ids(row)]
    items = session.scalar(select(func.count()).select_from(Item).where(Item.owner_id == owner_id))
    audit.record(
        session, actor=owner, owner_id=owner_id, action=Action.ERASE, object_type="account"
    )
    session.execute(delete(AuthSession).where(AuthSession.user_id == owner_id))
    session.execute(delete(ItemFile).where(ItemFile.owner_id == owner_id))
    session.execute(delete(Item).where(Item.owner_id == owner_id))
    session.delete(owner)  # the rest (grants, connections, comments, ...) cascades
    session.flush()
    logger.info("account %s erased", owner_id)
    receipt = Receipt(
        reference=secrets.token_hex(6).upper(),
        at=now,
        items=items or 0,
        files=len(rows),
        shares_ended=shares,
        documents_revoked=documents,
    )
    return Erased(receipt, blob_ids)


def remove_blobs(store: BlobStore, blob_ids: list[str]) -> None:
    for blob_id in blob_ids:
        store.delete(blob_id)
