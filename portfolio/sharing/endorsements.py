"""A regievoerder verifies a certificate: a statement signed with the municipality's key
(Ed25519), shown as "verified by <name>, <municipality>, <date>", withdrawn by its endorser.
The statement carries a MAC of the item's content, so a change after verification shows."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts.models import Municipality, Role, User
from portfolio.db import new_id
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing.errors import NotVerifiableError
from portfolio.sharing.models import Endorsement
from portfolio.vault import keys, signing
from portfolio.vault.envelope import Keyring, SymmetricKey

logger = logging.getLogger(__name__)
VERIFIABLE = frozenset({ItemKind.CERTIFICATE.value, ItemKind.EXAM_RESULT.value})
STATEMENT_TYPE = "portfolio.endorsement.v1"


def _content(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def endorse(
    session: Session,
    app_keys: Keyring,
    staff: User,
    item: Item,
    item_key: SymmetricKey,
    data: dict[str, Any],
    now: datetime,
) -> Endorsement:
    org = staff.municipality
    if staff.role_enum is not Role.REGIEVOERDER or org is None or item.kind not in VERIFIABLE:
        raise NotVerifiableError(item.id)
    if any(e.endorser_id == staff.id for e in active(session, item)):
        raise NotVerifiableError(item.id)
    endorsement = Endorsement(
        id=new_id(),
        item_id=item.id,
        owner_id=item.owner_id,
        endorser_id=staff.id,
        municipality_id=org.id,
        created_at=now,
    )
    statement = {
        "type": STATEMENT_TYPE,
        "id": endorsement.id,
        "item": item.id,
        "kind": item.kind,
        "owner": item.owner_id,
        "endorser": staff.id,
        "endorser_name": staff.display_name or staff.username,
        "municipality": org.id,
        "municipality_name": org.name,
        "verified_on": now.date().isoformat(),
        "content_mac": keys.content_mac(item_key, item.owner_id, item.id, _content(data)),
    }
    private = signing.load_org_private_key(app_keys, org.signing_key, org.id)
    endorsement.statement = signing.canonical_payload(statement).decode()
    endorsement.signature = signing.sign(private, statement)
    session.add(endorsement)
    session.flush()
    logger.info("item %s verified by %s (%s)", item.id, staff.id, org.id)
    return endorsement


def active(session: Session, item: Item) -> Sequence[Endorsement]:
    return session.scalars(
        select(Endorsement)
        .where(Endorsement.item_id == item.id, Endorsement.withdrawn_at.is_(None))
        .order_by(Endorsement.created_at)
    ).all()


def withdraw(session: Session, endorsement: Endorsement, staff: User, now: datetime) -> None:
    if endorsement.endorser_id != staff.id or endorsement.withdrawn_at is not None:
        raise NotVerifiableError(endorsement.id)
    endorsement.withdrawn_at = now
    session.flush()
    logger.info("endorsement %s withdrawn", endorsement.id)


@dataclass(frozen=True)
class Verified:
    """An endorsement as people see it: who, where, when, and whether it still holds."""

    endorsement: Endorsement
    endorser_name: str
    municipality_name: str
    day: date
    signature_ok: bool
    content_unchanged: bool

    @property
    def holds(self) -> bool:
        return self.signature_ok and self.content_unchanged


def shown(
    session: Session, item: Item, item_key: SymmetricKey, data: dict[str, Any]
) -> list[Verified]:
    """The item's endorsements, each checked: signature against the municipality's public
    key, and the content against the MAC it was signed over."""
    result = []
    mac = keys.content_mac(item_key, item.owner_id, item.id, _content(data))
    for endorsement in active(session, item):
        statement = json.loads(endorsement.statement)
        org = session.get(Municipality, endorsement.municipality_id)
        try:
            if org is None:
                raise signing.SignatureError(endorsement.id)
            signing.verify(org.signing_public_key, statement, endorsement.signature)
            signature_ok = statement.get("item") == item.id
        except signing.SignatureError:
            logger.error("endorsement %s does not verify", endorsement.id)
            signature_ok = False
        result.append(
            Verified(
                endorsement,
                str(statement.get("endorser_name", "")),
                str(statement.get("municipality_name", "")),
                date.fromisoformat(str(statement.get("verified_on"))),
                signature_ok,
                statement.get("content_mac") == mac,
            )
        )
    return result
