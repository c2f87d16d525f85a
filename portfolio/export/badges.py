"""The credentials of verified achievements, as the owner and verifiers get them: for
each verification that still holds, the Open Badges 3.0 credential (``credentials``)
secured twice, as a VC-JWT (RS256, the municipality's credential key) and as JSON-LD
with a Data Integrity proof (``integrity``, Ed25519, the municipality's endorsement
key). Both are made from the endorsement alone and are the same bytes wherever they
appear: in a portfolio document, as a download, in the data export. A failed exam is
verified, but it is not an achievement: no credential."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from portfolio.accounts import municipalities
from portfolio.accounts.models import Municipality
from portfolio.entries import records
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.models import Item, ItemKind
from portfolio.export import credentials, integrity, status
from portfolio.export.document import Record, Trust
from portfolio.sharing import endorsements as sharing_endorsements
from portfolio.sharing.endorsements import Verified
from portfolio.vault import credential_keys, signing
from portfolio.vault.context import VaultContext
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
PROOF_KEY = "#proof-key"  # the Multikey in the issuer profile


@dataclass(frozen=True)
class Made:
    endorsement_id: str
    title: str
    jwt: str
    linked_data: str  # the credential as JSON, with its proof

    @property
    def jwt_name(self) -> str:
        return f"credential-{self.endorsement_id}.jwt"

    @property
    def ld_name(self) -> str:
        return f"credential-{self.endorsement_id}.json"


def proof_method(public_url: str, municipality_id: str) -> str:
    return credentials.issuer_id(public_url, municipality_id) + PROOF_KEY


def endorsed(record: Record, verified: Verified) -> credentials.Endorsed:
    fields = record.fields
    spec = records.BY_KIND[ItemKind(record.item.kind)]
    return credentials.Endorsed(
        endorsement_id=verified.endorsement.id,
        item_kind=record.item.kind,
        item_type=str(fields.get("certificate_type") or fields.get("exam") or ""),
        title=records.title(spec, fields),
        municipality_id=verified.endorsement.municipality_id,
        municipality_name=verified.municipality_name,
        endorser_name=verified.endorser_name,
        verified_on=verified.day,
        holder=sharing_endorsements.holder_of(verified.endorsement),
    )


def of_issuer(
    session: Session,
    ctx: VaultContext,
    org: Municipality,
    said: Sequence[credentials.Endorsed],
    public_url: str,
) -> list[Made]:
    """The credentials of one municipality's verifications (its keys opened once)."""
    key = municipalities.credential_key_of(session, ctx, org)
    private = credential_keys.load_private_key(ctx.app_keys, key, org.id)
    proof_key = signing.load_org_private_key(ctx.app_keys, org.signing_key, org.id)
    kid = credentials.key_id(public_url, org.id, key.public_key)
    issuer = credentials.issuer_id(public_url, org.id)
    made = []
    for one in said:
        place = status.place_of(session, org.id, one.endorsement_id)
        vc = credentials.credential(one, public_url, status.entry(issuer, place))
        secured = integrity.prove(vc, proof_key, proof_method(public_url, org.id), vc["validFrom"])
        made.append(
            Made(
                one.endorsement_id,
                one.title,
                credentials.sign(private, vc, kid),
                json.dumps(secured, ensure_ascii=False, indent=2),
            )
        )
    return made


def of_records(
    session: Session, ctx: VaultContext, chosen: Iterable[Record], public_url: str
) -> list[Made]:
    """The credentials of the holding verifications of these records, in their order."""
    by_org: dict[str, list[credentials.Endorsed]] = {}
    order: list[str] = []
    for record in chosen:
        if not records.is_achievement(record.item.kind, record.fields):
            continue
        for verified in record.trust.holding:
            if status.is_revoked(session, verified.endorsement.id):
                continue  # its item changed after it was verified (and back): verify again
            one = endorsed(record, verified)
            by_org.setdefault(one.municipality_id, []).append(one)
            order.append(one.endorsement_id)
    found: dict[str, Made] = {}
    for org_id, of_org in by_org.items():
        org = session.get(Municipality, org_id)
        if org is not None:
            found.update(
                (m.endorsement_id, m) for m in of_issuer(session, ctx, org, of_org, public_url)
            )
    return [found[e] for e in order if e in found]


def of_item(
    session: Session,
    ctx: VaultContext,
    item: Item,
    item_key: SymmetricKey,
    content: dict[str, Any],
    public_url: str,
    shown: Sequence[Verified] | None = None,
) -> list[Made]:
    """The credentials of each verification of this achievement that still holds and is
    not revoked; ``shown``: its endorsements, when the caller has checked them already."""
    if item.kind not in sharing_endorsements.VERIFIABLE:
        return []
    try:
        fields = records.split(content)[0]
    except InvalidContentError:
        logger.error("item %s has content that does not fit its kind", item.id)
        return []
    if not records.is_achievement(item.kind, fields):
        return []
    if shown is None:
        shown = sharing_endorsements.shown(session, item, item_key, content)
    holding = [v for v in shown if v.holds]
    return of_records(session, ctx, [Record(item, fields, Trust(holding))], public_url)
