"""Download all my data (GDPR articles 15 and 20): one zip, made in memory for one
response and never written to disk, holding every item decrypted as JSON, the original
files, the feedback threads, the endorsements, the access log, the history of
connections and shares, the portfolio documents made and each verification of an
achievement as a credential. The layout is documented in docs/data-export.md (also in
the zip as SCHEMA.md). Functions take the session; nothing is written but the caller's
log row and, for a first credential, its issuer's key and status place."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.blobs import BlobNotFoundError, BlobStore
from portfolio.entries import files
from portfolio.entries import services as entries
from portfolio.entries.models import Item, ItemFile
from portfolio.export.badges import Made
from portfolio.export.credentials import MEDIA_TYPE as JWT_TYPE
from portfolio.export.integrity import MEDIA_TYPE as LD_TYPE
from portfolio.export.models import IssuedDocument
from portfolio.sharing import comments, grants
from portfolio.sharing.models import AccessEvent, Connection, Endorsement, Grant
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)
FORMAT = "portfolio-data-export/1"
SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "data-export.md"
SCHEMA_JSON = SCHEMA_DOC.with_name("data-export.schema.json")  # JSON Schema 2020-12


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _person(session: Session, user_id: str | None, cache: dict[str, dict[str, Any]]) -> Any:
    """Who someone is, as the owner may know them: name, role, municipality (no ids of
    staff internals beyond their account id)."""
    if not user_id:
        return None
    if user_id not in cache:
        person = session.get(User, user_id)
        cache[user_id] = (
            {
                "id": person.id,
                "name": person.display_name or person.username,
                "role": person.role,
                "municipality": person.municipality.name if person.municipality else None,
            }
            if person
            else {"id": user_id, "name": None, "role": None, "municipality": None}
        )
    return cache[user_id]


CredentialsOf = Callable[[Item, SymmetricKey, dict[str, Any]], list[Made]]


def _items(
    session: Session,
    owner: User,
    user_key: SymmetricKey,
    store: BlobStore,
    archive: zipfile.ZipFile,
    people: dict[str, dict[str, Any]],
    credentials_of: CredentialsOf | None,
) -> list[dict[str, Any]]:
    listed = []
    rows = session.scalars(
        select(Item).where(Item.owner_id == owner.id).order_by(Item.created_at, Item.id)
    ).all()
    for item in rows:
        if item.wrapped_key is None:
            continue  # written by a recipient, claimed at the owner's next request
        try:
            item_key, content = entries.open_item(item, user_key)
        except DecryptError:
            logger.error("item %s does not open for its export", item.id)
            continue
        entry: dict[str, Any] = {
            "id": item.id,
            "kind": item.kind,
            "domain": item.domain_code,
            "archived": item.archived,
            "created_at": _when(item.created_at),
            "updated_at": _when(item.updated_at),
            "content": content,
            "files": [],
            "feedback": [],
            "endorsements": [],
            "credentials": [],
        }
        for row in session.scalars(select(ItemFile).where(ItemFile.item_id == item.id)):
            name = f"files/{item.id}/{row.id}{row.extension}"  # the extension has its dot
            try:
                archive.writestr(
                    name, files.read_with_item_key(store, item, row, item_key, thumbnail=False)
                )
            except (BlobNotFoundError, DecryptError):
                logger.error("file %s of item %s is missing from its export", row.id, item.id)
                continue
            entry["files"].append({"id": row.id, "path": name, "media_type": row.media_type})
        for partner in sorted(comments.partners_with_threads(session, item)):
            for said in comments.thread(session, item, item_key, partner):
                entry["feedback"].append(
                    {
                        "with": _person(session, partner, people),
                        "author": _person(session, said.comment.author_id, people),
                        "at": _when(said.comment.created_at),
                        "text": said.text,
                    }
                )
        for endorsement in session.scalars(
            select(Endorsement).where(Endorsement.item_id == item.id)
        ):
            entry["endorsements"].append(
                {
                    "statement": json.loads(endorsement.statement),
                    "signature": endorsement.signature.hex(),
                    "at": _when(endorsement.created_at),
                    "withdrawn_at": _when(endorsement.withdrawn_at),
                }
            )
        for made in credentials_of(item, item_key, content) if credentials_of else ():
            for name, text, media_type in (
                (made.jwt_name, made.jwt, JWT_TYPE),
                (made.ld_name, made.linked_data, LD_TYPE),
            ):
                path = f"credentials/{name}"
                archive.writestr(path, text)
                entry["credentials"].append(
                    {"endorsement": made.endorsement_id, "path": path, "media_type": media_type}
                )
        archive.writestr(f"items/{item.kind}/{item.id}.json", _json(entry))
        listed.append(
            {"id": item.id, "kind": item.kind, "path": f"items/{item.kind}/{item.id}.json"}
        )
    return listed


def _shares(
    session: Session, owner: User, user_key: SymmetricKey, people: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    found = []
    for grant in session.scalars(
        select(Grant).where(Grant.owner_id == owner.id).order_by(Grant.created_at)
    ):
        note = None
        if grant.owner_wrapped_key is not None and grant.sealed_note is not None:
            try:
                opened = grants.open_as_owner(grant, user_key)
                note = {
                    "shown_name": opened.note.shown_name,
                    "purpose_text": opened.note.purpose_text,
                }
            except DecryptError:
                logger.error("grant %s does not open for its export", grant.id)
        found.append(
            {
                "id": grant.id,
                "recipient": _person(session, grant.recipient_id, people),
                "scope": {
                    "kinds": sorted(filter(None, grant.scope_kinds.split(","))),
                    "domains": sorted(filter(None, grant.scope_domains.split(","))),
                    "items": sorted(filter(None, grant.scope_items.split(","))),
                },
                "purpose": grant.purpose,
                "note": note,  # null once the share ended: its keys are gone
                "may_comment": grant.may_comment,
                "may_propose": grant.may_propose,
                "may_verify": grant.may_verify,
                "created_at": _when(grant.created_at),
                "ends_at": _when(grant.ends_at),
                "revoked_at": _when(grant.revoked_at),
            }
        )
    return found


def _connections(
    session: Session, owner: User, people: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "with": _person(session, c.recipient_id, people),
            "relation": c.relation,
            "created_at": _when(c.created_at),
        }
        for c in session.scalars(
            select(Connection)
            .where(Connection.owner_id == owner.id)
            .order_by(Connection.created_at)
        )
    ]


def _access_log(
    session: Session, owner: User, people: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "at": _when(e.at),
            "who": _person(session, e.actor_id, people),
            "role": e.actor_role,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "outcome": e.outcome,
            "purpose": e.purpose,
        }
        for e in session.scalars(
            select(AccessEvent).where(AccessEvent.owner_id == owner.id).order_by(AccessEvent.at)
        )
    ]


def _documents(session: Session, owner: User) -> list[dict[str, Any]]:
    """The portfolio documents the owner made: what the verification page knows of each
    (the documents themselves were never kept)."""
    return [
        {
            "number": d.id,
            "audience": d.audience,
            "sections": [s for s in d.sections.split(",") if s],
            "languages": d.languages.split("+"),
            "issuer": d.issuer_name,
            "issued_at": _when(d.issued_at),
            "item_count": d.item_count,
            "verified_count": d.verified_count,
            "sha256": d.sha256,
            "name_on_verification_page": d.shown_name,
            "revoked_at": _when(d.revoked_at),
            "revoked_reason": d.revoked_reason,
        }
        for d in session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.owner_id == owner.id)
            .order_by(IssuedDocument.issued_at)
        )
    ]


def build(
    session: Session,
    owner: User,
    user_key: SymmetricKey,
    store: BlobStore,
    now: datetime,
    credentials_of: CredentialsOf | None = None,
) -> bytes:
    """The zip, in memory; ``credentials_of`` gives the credentials of an item (the
    verifications of an achievement as Open Badges, ``issued.credentials_of``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        people: dict[str, dict[str, Any]] = {}  # each person looked up once
        items = _items(session, owner, user_key, store, archive, people, credentials_of)
        account = {
            "format": FORMAT,
            "made_at": _when(now),
            "username": owner.username,
            "language": owner.locale,
            "created_at": _when(owner.created_at),
            "recovery_code_saved_at": _when(owner.recovery_confirmed_at),
            "items": items,
        }
        for name, content in (
            ("account.json", _json(account)),
            ("shares.json", _json(_shares(session, owner, user_key, people))),
            ("connections.json", _json(_connections(session, owner, people))),
            ("access_log.json", _json(_access_log(session, owner, people))),
            ("documents.json", _json(_documents(session, owner))),
            ("SCHEMA.md", SCHEMA_DOC.read_bytes()),
            ("SCHEMA.json", SCHEMA_JSON.read_bytes()),
        ):
            archive.writestr(name, content)
    logger.info("data export of %s: %d items", owner.id, len(items))
    return buffer.getvalue()
