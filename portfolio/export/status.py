"""Status of credentials that verifiers can check: each issuer publishes a W3C Bitstring
Status List (a VC whose subject is a GZIP-compressed bitstring, one bit per credential),
signed like the credentials. A credential names its list and its index; the bit is 1
when its verification no longer holds.

Herd privacy: a list has 131,072 places (the W3C minimum of 16 KB) and each credential
gets a random free one, so the published list tells nothing of who holds which bit or
in what order credentials were made.
"""

from __future__ import annotations

import base64
import gzip
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portfolio.db import utcnow
from portfolio.entries import services as entries
from portfolio.entries.models import Item
from portfolio.export.models import CredentialStatus
from portfolio.sharing import endorsements
from portfolio.sharing.models import Endorsement
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
LIST_SIZE = 131_072
PURPOSE = "revocation"
TRIES = 64  # random picks in one list before the next list is opened


@dataclass(frozen=True)
class Place:
    list_number: int
    index: int


def list_url(issuer_id: str, list_number: int) -> str:
    return f"{issuer_id}/status/{list_number}"


def entry(issuer_id: str, place: Place) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential at this place."""
    url = list_url(issuer_id, place.list_number)
    return {
        "id": f"{url}#{place.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(place.index),
        "statusListCredential": url,
    }


def place_of(session: Session, municipality_id: str, endorsement_id: str) -> Place:
    """The endorsement's place, given at random the first time it is asked for."""
    found = session.scalars(
        select(CredentialStatus).where(CredentialStatus.endorsement_id == endorsement_id)
    ).first()
    if found is not None:
        return Place(found.list_number, found.status_index)
    list_number = 1
    while True:
        for _try in range(TRIES):
            index = secrets.randbelow(LIST_SIZE)
            if _taken(session, municipality_id, list_number, index):
                continue
            row = CredentialStatus(
                municipality_id=municipality_id,
                list_number=list_number,
                status_index=index,
                endorsement_id=endorsement_id,
            )
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # taken at the same moment, or the endorsement's own
                return place_of(session, municipality_id, endorsement_id)
            logger.info("status place %d/%d for endorsement %s", list_number, index, endorsement_id)
            return Place(list_number, index)
        list_number += 1


def is_revoked(session: Session, endorsement_id: str) -> bool:
    """Whether this endorsement's credential was revoked. A revocation bit is never
    cleared, so a verification that holds again (its item changed back) gives no
    credential any more: the regievoerder verifies it again, with a new place."""
    revoked_at = session.scalar(
        select(CredentialStatus.revoked_at).where(CredentialStatus.endorsement_id == endorsement_id)
    )
    return revoked_at is not None


def _taken(session: Session, municipality_id: str, list_number: int, index: int) -> bool:
    return session.get(CredentialStatus, (municipality_id, list_number, index)) is not None


def mark_no_longer_holding(session: Session, endorsement_ids: Sequence[str], now: datetime) -> int:
    """Set the bits of these endorsements' credentials (their item changed after it was
    verified); returns how many were set."""
    rows = session.scalars(
        select(CredentialStatus).where(
            CredentialStatus.endorsement_id.in_(endorsement_ids),
            CredentialStatus.revoked_at.is_(None),
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)


def revoked_indices(session: Session, municipality_id: str, list_number: int) -> list[int]:
    """The places whose verification no longer holds: marked, withdrawn, or gone (its
    item or the whole account deleted)."""
    rows = session.execute(
        select(
            CredentialStatus.status_index,
            CredentialStatus.revoked_at,
            Endorsement.id,
            Endorsement.withdrawn_at,
        )
        .outerjoin(Endorsement, Endorsement.id == CredentialStatus.endorsement_id)
        .where(
            CredentialStatus.municipality_id == municipality_id,
            CredentialStatus.list_number == list_number,
        )
    ).all()
    return sorted(
        index
        for index, revoked_at, endorsement_id, withdrawn_at in rows
        if revoked_at is not None or endorsement_id is None or withdrawn_at is not None
    )


def encoded_list(indices: Sequence[int]) -> str:
    """The bitstring (index 0 is the first, left-most bit), GZIP-compressed and multibase
    base64url encoded (``u`` prefix), as the Bitstring Status List says."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decoded_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_credential(
    issuer_id: str, issuer_name: str, list_number: int, indices: Sequence[int], now: datetime
) -> dict[str, Any]:
    """The status list as a VC 2.0 ``BitstringStatusListCredential``."""
    url = list_url(issuer_id, list_number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer_id, "name": issuer_name},
        # From the start of the hour: a verifier whose clock is a little behind still
        # takes the list as valid.
        "validFrom": now.strftime("%Y-%m-%dT%H:00:00Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encoded_list(indices),
        },
    }


def after_item_written(
    session: Session, item: Item, item_key: SymmetricKey, _user_key: SymmetricKey
) -> None:
    """An item was written (``entries.observers``): the credentials of verifications
    that no longer hold for its new content get their bit set, at once."""
    if (
        session.scalar(
            select(Endorsement.id)
            .where(Endorsement.item_id == item.id, Endorsement.withdrawn_at.is_(None))
            .limit(1)
        )
        is None
    ):
        return
    data = entries.read_with_item_key(item, item_key)
    stale = [
        v.endorsement.id for v in endorsements.shown(session, item, item_key, data) if not v.holds
    ]
    if stale and mark_no_longer_holding(session, stale, utcnow()):
        logger.info("credentials of item %s no longer hold", item.id)
