"""A regievoerder verifies a certificate: a statement signed with the municipality's key
(Ed25519), shown as "verified by <name>, <municipality>, <date>", withdrawn by its endorser.
The statement carries a MAC of the item's content, so a change after verification shows."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import unicodedata
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
    holder_name: str | None = None,
) -> Endorsement:
    """``holder_name``: the name the newcomer shared under, which the regievoerder
    confirms; kept only as a salted hash (``holder_identity``)."""
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
    statement: dict[str, Any] = {
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
    if holder_name and holder_name.strip():
        statement["holder"] = holder_identity(holder_name)
    private = signing.load_org_private_key(app_keys, org.signing_key, org.id)
    endorsement.statement = signing.canonical_payload(statement).decode()
    endorsement.signature = signing.sign(private, statement)
    session.add(endorsement)
    session.flush()
    logger.info("item %s verified by %s (%s)", item.id, staff.id, org.id)
    return endorsement


def holder_identity(name: str, salt: str | None = None) -> dict[str, str]:
    """The holder's name as an Open Badges 3.0 hashed identity: ``sha256$`` and the hex
    SHA-256 of the name (NFC, trimmed) followed by a random salt, new for each
    verification, so that two credentials cannot be linked by it. Whoever is shown the
    name (an ID document) can check it against the credential."""
    salt = salt or secrets.token_hex(16)
    plain = unicodedata.normalize("NFC", name.strip()) + salt
    return {"identityHash": "sha256$" + hashlib.sha256(plain.encode()).hexdigest(), "salt": salt}


def holder_of(endorsement: Endorsement) -> dict[str, str] | None:
    """The hashed identity of the holder in an endorsement's statement, if it names one."""
    try:
        holder = json.loads(endorsement.statement).get("holder")
    except (ValueError, AttributeError):
        return None
    if not isinstance(holder, dict) or not {"identityHash", "salt"} <= set(holder):
        return None
    return {"identityHash": str(holder["identityHash"]), "salt": str(holder["salt"])}


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

    @property
    def names_holder(self) -> bool:
        return holder_of(self.endorsement) is not None


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
