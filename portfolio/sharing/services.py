"""Connect codes, connections and consent grants (crypto.md: grant keys).

A grant has its own key (GK), sealed to the recipient's public key and wrapped under the
owner's user key; every item in scope has its item key wrapped under GK. Revoking or
expiring deletes the sealed GK and every wrap under it, so nothing is left to open.
Functions take the database session explicitly, flush, and never commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import ColumnElement, Select, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portfolio.accounts.models import Role, User
from portfolio.db import new_id, utcnow
from portfolio.entries import services as entries
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing import audit
from portfolio.sharing.errors import (
    CodeNotValidError,
    EmptyScopeError,
    GrantExistsError,
    GrantNotFoundError,
    KeyNotCertifiedError,
    NoAccessError,
    NotConnectedError,
)
from portfolio.sharing.models import (
    Action,
    CodePurpose,
    ConnectCode,
    Connection,
    Grant,
    GrantItemKey,
    Handover,
    Relation,
)
from portfolio.sharing.scope import ITEM_KINDS, Scope
from portfolio.vault import keys, signing
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError
from portfolio.vault.signing import SignatureError

logger = logging.getLogger(__name__)

CODE_ALPHABET = keys.CROCKFORD
CODE_LENGTH = 8  # 40 bits; short-lived, single-use and rate-limited
CODE_TTL = {
    CodePurpose.STAFF: timedelta(minutes=15),
    CodePurpose.INVITE: timedelta(days=2),
    CodePurpose.HANDBACK: timedelta(minutes=30),
}
MAX_GRANT = timedelta(days=3 * 366)  # the integration term; never "no end date"


# -- connect codes ----------------------------------------------------------------------


def _format_code(raw: str) -> str:
    return raw[:4] + "-" + raw[4:]


def normalise_code(typed: str) -> str:
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r")
    cleaned = cleaned.translate(keys.CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        raise CodeNotValidError("code has the wrong shape")
    return cleaned


def _code_hash(normalised: str) -> str:
    return hashlib.sha256(b"portfolio/connect-code/v1:" + normalised.encode()).hexdigest()


def issue_code(
    session: Session, issuer: User, purpose: CodePurpose, relation: Relation, now: datetime
) -> tuple[str, ConnectCode]:
    """A fresh code; the issuer's earlier unused codes of the same purpose stop working."""
    session.execute(
        delete(ConnectCode).where(
            ConnectCode.issuer_id == issuer.id,
            ConnectCode.purpose == purpose.value,
            ConnectCode.used_at.is_(None),
        )
    )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = ConnectCode(
        code_hash=_code_hash(raw),
        issuer_id=issuer.id,
        purpose=purpose.value,
        relation=relation.value,
        created_at=now,
        expires_at=now + CODE_TTL[purpose],
    )
    session.add(row)
    session.flush()
    logger.info("connect code (%s) issued by %s", purpose.value, issuer.id)
    return _format_code(raw), row


@dataclass(frozen=True)
class CodeHolder:
    """Who made a code, as the person entering it sees them before confirming."""

    code: ConnectCode
    issuer: User
    fingerprint: str


def _purpose_for(redeemer: User) -> CodePurpose:
    if redeemer.role_enum is Role.OWNER:
        return CodePurpose.STAFF
    if redeemer.role_enum is Role.SUPPORTER:
        return CodePurpose.INVITE
    raise CodeNotValidError("staff do not enter codes")


def check_staff_key(staff: User) -> None:
    """The municipality certified this key: a tampered row cannot slip in a key of its own."""
    org = staff.municipality
    if org is None or staff.key_certificate is None:
        raise KeyNotCertifiedError(staff.id)
    try:
        signing.verify_staff_key(
            org.signing_public_key, org.id, staff.id, staff.public_key, staff.key_certificate
        )
    except SignatureError:
        logger.error("key of staff %s is not certified by %s", staff.id, org.id)
        raise KeyNotCertifiedError(staff.id) from None


def live_code(
    session: Session, typed: str, purpose: CodePurpose, now: datetime, *, not_from: str
) -> tuple[ConnectCode, User]:
    """An unused, unexpired code of this purpose and its active issuer, who must not be
    ``not_from``; ``CodeNotValidError`` otherwise."""
    query = select(ConnectCode).where(ConnectCode.code_hash == _code_hash(normalise_code(typed)))
    row = session.scalars(query).first()
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or row.purpose != purpose.value
        or row.issuer_id == not_from
    ):
        raise CodeNotValidError("unknown, used or expired code")
    issuer = session.get(User, row.issuer_id)
    if issuer is None or not issuer.active:
        raise CodeNotValidError("issuer is gone")
    return row, issuer


def spend_code(session: Session, code: ConnectCode, now: datetime) -> None:
    """Mark a code used, once: of two requests at the same moment, one fails."""
    spent = session.execute(
        update(ConnectCode)
        .where(ConnectCode.code_hash == code.code_hash, ConnectCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(spent.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise CodeNotValidError("code used at the same moment")


def look_up_code(session: Session, typed: str, redeemer: User, now: datetime) -> CodeHolder:
    row, issuer = live_code(session, typed, _purpose_for(redeemer), now, not_from=redeemer.id)
    if row.purpose == CodePurpose.STAFF.value:
        check_staff_key(issuer)
    return CodeHolder(row, issuer, signing.fingerprint(issuer.public_key))


def redeem_code(session: Session, typed: str, redeemer: User, now: datetime) -> Connection:
    """Use a code once: the newcomer and the other person are connected (no data yet)."""
    holder = look_up_code(session, typed, redeemer, now)
    spend_code(session, holder.code, now)
    if holder.code.purpose == CodePurpose.STAFF.value:
        owner, recipient = redeemer, holder.issuer
    else:
        owner, recipient = holder.issuer, redeemer
    return connect(session, redeemer, owner.id, recipient.id, holder.code.relation, now)


def connect(
    session: Session, actor: User, owner_id: str, recipient_id: str, relation: str, now: datetime
) -> Connection:
    """The connection between an owner and a recipient (made if new), in the owner's log."""
    connection = connection_between(session, owner_id, recipient_id)
    if connection is None:
        connection = Connection(
            id=new_id(),
            owner_id=owner_id,
            recipient_id=recipient_id,
            relation=relation,
            created_at=now,
        )
        session.add(connection)
        session.flush()
    audit.record(
        session,
        actor=actor,
        owner_id=owner_id,
        action=Action.CONNECT,
        object_type="connection",
        object_id=connection.id,
    )
    logger.info("connection %s made", connection.id)
    return connection


def purge_codes(session: Session, now: datetime) -> int:
    """Used and expired connect codes are of no use to anyone."""
    result = session.execute(
        delete(ConnectCode).where(
            (ConnectCode.used_at.is_not(None)) | (ConnectCode.expires_at <= now)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def connection_between(session: Session, owner_id: str, recipient_id: str) -> Connection | None:
    return session.scalars(
        select(Connection).where(
            Connection.owner_id == owner_id, Connection.recipient_id == recipient_id
        )
    ).first()


@dataclass(frozen=True)
class Connected:
    connection: Connection
    person: User


def connections_of(session: Session, owner_id: str) -> list[Connected]:
    rows = session.execute(
        select(Connection, User)
        .join(User, User.id == Connection.recipient_id)
        .where(Connection.owner_id == owner_id)
        .order_by(Connection.created_at)
    ).all()
    return [Connected(c, u) for c, u in rows]


def disconnect(session: Session, owner: User, connection: Connection, now: datetime) -> None:
    """End a connection; a share to that person is revoked with it."""
    for grant in session.scalars(
        select(Grant).where(
            Grant.owner_id == owner.id,
            Grant.recipient_id == connection.recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
        )
    ).all():
        revoke_grant(session, owner, grant, now)
    audit.record(
        session,
        actor=owner,
        owner_id=owner.id,
        action=Action.DISCONNECT,
        object_type="connection",
        object_id=connection.id,
    )
    session.delete(connection)
    session.flush()


# -- grants: the owner's side ------------------------------------------------------------


@dataclass(frozen=True)
class ShareTerms:
    scope: Scope
    purpose: str
    purpose_text: str
    shown_name: str
    ends_at: datetime
    may_comment: bool = False
    may_propose: bool = False
    may_verify: bool = False


@dataclass(frozen=True)
class GrantNote:
    shown_name: str
    purpose_text: str


def is_active(grant: Grant, now: datetime) -> bool:
    return grant.revoked_at is None and grant.sealed_key is not None and grant.ends_at > now


def scope_of(grant: Grant) -> Scope:
    return Scope.parse(grant.scope_kinds, grant.scope_domains, grant.scope_items)


def _apply_terms(grant: Grant, grant_key: SymmetricKey, terms: ShareTerms, now: datetime) -> None:
    if terms.scope.is_empty:
        raise EmptyScopeError(grant.id)
    _check_end(terms.ends_at, now)
    grant.scope_kinds, grant.scope_domains, grant.scope_items = terms.scope.stored()
    grant.purpose = terms.purpose
    grant.may_comment = terms.may_comment
    grant.may_propose = terms.may_propose
    grant.may_verify = terms.may_verify
    grant.ends_at = terms.ends_at
    grant.updated_at = now
    note = json.dumps({"name": terms.shown_name, "purpose": terms.purpose_text}, ensure_ascii=False)
    grant.sealed_note = keys.seal_grant_note(
        grant_key, note, grant.owner_id, grant.id, grant.recipient_id
    )


def covered_items(session: Session, owner_id: str, scope: Scope) -> Sequence[Item]:
    candidates = session.scalars(
        select(Item).where(
            Item.owner_id == owner_id, Item.kind.in_(ITEM_KINDS), Item.wrapped_key.is_not(None)
        )
    ).all()
    return [item for item in candidates if scope.covers(item)]


def _wrap_under_grant(
    item: Item, grant: Grant, grant_key: SymmetricKey, owner_key: SymmetricKey
) -> GrantItemKey:
    item_key = entries.owner_item_key(item, owner_key)
    return _wrap_item_key(item, grant, grant_key, item_key)


def _wrap_item_key(
    item: Item, grant: Grant, grant_key: SymmetricKey, item_key: SymmetricKey
) -> GrantItemKey:
    wrapped = keys.wrap_item_key(item_key, grant_key, item.owner_id, item.id, grant.id)
    return GrantItemKey(grant_id=grant.id, item_id=item.id, wrapped_key=wrapped)


def _sync_wraps(
    session: Session, grant: Grant, grant_key: SymmetricKey, owner_key: SymmetricKey
) -> None:
    """Make the grant's wraps exactly the items its scope covers now."""
    wanted = {item.id: item for item in covered_items(session, grant.owner_id, scope_of(grant))}
    held = set(
        session.scalars(select(GrantItemKey.item_id).where(GrantItemKey.grant_id == grant.id))
    )
    gone = held - set(wanted)
    if gone:
        session.execute(
            delete(GrantItemKey).where(
                GrantItemKey.grant_id == grant.id, GrantItemKey.item_id.in_(gone)
            )
        )
    for item_id in set(wanted) - held:
        session.add(_wrap_under_grant(wanted[item_id], grant, grant_key, owner_key))
    session.flush()


def active_grant(session: Session, owner_id: str, recipient_id: str, now: datetime) -> Grant | None:
    rows = session.scalars(
        select(Grant).where(
            Grant.owner_id == owner_id,
            Grant.recipient_id == recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at > now,
        )
    ).all()
    return rows[0] if rows else None


def create_grant(
    session: Session,
    owner: User,
    owner_key: SymmetricKey,
    recipient: User,
    terms: ShareTerms,
    now: datetime,
) -> Grant:
    if connection_between(session, owner.id, recipient.id) is None or not recipient.active:
        raise NotConnectedError(recipient.id)
    if active_grant(session, owner.id, recipient.id, now) is not None:
        raise GrantExistsError(recipient.id)
    _shred_expired_pair(session, owner.id, recipient.id, now)
    if recipient.is_staff:
        check_staff_key(recipient)
    terms = _terms_for(recipient, terms)
    grant = Grant(id=new_id(), owner_id=owner.id, recipient_id=recipient.id, created_at=now)
    grant_key, wraps = keys.new_grant_key(
        owner_key, owner.id, grant.id, recipient.id, recipient.public_key
    )
    grant.sealed_key = wraps.sealed_for_recipient
    grant.owner_wrapped_key = wraps.wrapped_for_owner
    _apply_terms(grant, grant_key, terms, now)
    session.add(grant)
    try:
        session.flush()
    except IntegrityError:
        raise GrantExistsError(recipient.id) from None  # confirmed twice at the same moment
    _sync_wraps(session, grant, grant_key, owner_key)
    _log(session, owner, grant, Action.SHARE)
    logger.info("grant %s to %s created by %s", grant.id, recipient.id, owner.id)
    return grant


def owner_grant_key(grant: Grant, owner_key: SymmetricKey) -> SymmetricKey:
    if grant.owner_wrapped_key is None:
        raise GrantNotFoundError(grant.id)
    return keys.open_grant_key_as_owner(
        owner_key, grant.owner_wrapped_key, grant.owner_id, grant.id, grant.recipient_id
    )


def change_grant(
    session: Session,
    owner: User,
    owner_key: SymmetricKey,
    grant: Grant,
    terms: ShareTerms,
    now: datetime,
) -> None:
    if not is_active(grant, now):
        raise GrantNotFoundError(grant.id)
    terms = _terms_for(session.get(User, grant.recipient_id), terms)
    grant_key = owner_grant_key(grant, owner_key)
    _apply_terms(grant, grant_key, terms, now)
    session.flush()
    _sync_wraps(session, grant, grant_key, owner_key)
    _log(session, owner, grant, Action.CHANGE)


def extend_grant(
    session: Session, owner: User, grant: Grant, ends_at: datetime, now: datetime
) -> None:
    if not is_active(grant, now):
        raise GrantNotFoundError(grant.id)
    _check_end(ends_at, now)
    grant.ends_at = ends_at
    grant.updated_at = now
    session.flush()
    _log(session, owner, grant, Action.EXTEND)


def _log(session: Session, actor: User | None, grant: Grant, action: Action) -> None:
    audit.record(
        session,
        actor=actor,
        owner_id=grant.owner_id,
        action=action,
        object_type="grant",
        object_id=grant.id,
        grant=grant,
    )


def _check_end(ends_at: datetime, now: datetime) -> None:
    if not now < ends_at <= now + MAX_GRANT:
        raise ValueError("a share ends in the future, within the integration term")


def _terms_for(recipient: User | None, terms: ShareTerms) -> ShareTerms:
    """Only a regievoerder can verify certificates."""
    if recipient is None or recipient.role_enum is not Role.REGIEVOERDER:
        return replace(terms, may_verify=False)
    return terms


def _shred_expired_pair(session: Session, owner_id: str, recipient_id: str, now: datetime) -> None:
    """A grant past its end date but not purged yet is shredded now, so that it does not
    stand in the way of a new one (one live grant per pair)."""
    stale = session.scalars(
        select(Grant).where(
            Grant.owner_id == owner_id,
            Grant.recipient_id == recipient_id,
            Grant.revoked_at.is_(None),
            Grant.sealed_key.is_not(None),
            Grant.ends_at <= now,
        )
    ).all()
    for grant in stale:
        _shred(session, grant)
        _log(session, None, grant, Action.EXPIRE)
    session.flush()


def _shred(session: Session, grant: Grant) -> None:
    session.execute(delete(GrantItemKey).where(GrantItemKey.grant_id == grant.id))
    grant.sealed_key = None
    grant.owner_wrapped_key = None
    grant.recipient_wrapped_key = None
    grant.sealed_note = None


def revoke_grant(session: Session, actor: User, grant: Grant, now: datetime) -> None:
    """At once: the sealed grant key and every wrap under it are deleted. The actor is the
    owner, or an administrator when the recipient left the municipality."""
    if grant.revoked_at is not None:
        return
    _shred(session, grant)
    grant.revoked_at = now
    grant.updated_at = now
    session.flush()
    _log(session, actor, grant, Action.REVOKE)
    logger.info("grant %s revoked", grant.id)


def purge_expired(session: Session, now: datetime) -> int:
    """Remove the keys of every share past its end date (run from cron)."""
    expired = session.scalars(
        select(Grant).where(Grant.sealed_key.is_not(None), Grant.ends_at <= now)
    ).all()
    for grant in expired:
        _shred(session, grant)
        _log(session, None, grant, Action.EXPIRE)
    session.flush()
    return len(expired)


def owner_grant(session: Session, owner_id: str, grant_id: str) -> Grant:
    grant = session.get(Grant, grant_id) if len(grant_id) <= 32 else None
    if grant is None or grant.owner_id != owner_id:
        raise GrantNotFoundError(grant_id[:32])
    return grant


def grants_of_owner(session: Session, owner_id: str) -> Sequence[Grant]:
    return session.scalars(
        select(Grant).where(Grant.owner_id == owner_id).order_by(Grant.created_at.desc())
    ).all()


def read_note(grant: Grant, grant_key: SymmetricKey) -> GrantNote:
    if grant.sealed_note is None:
        return GrantNote("", "")
    data = json.loads(
        keys.open_grant_note(
            grant_key, grant.sealed_note, grant.owner_id, grant.id, grant.recipient_id
        )
    )
    return GrantNote(str(data.get("name", "")), str(data.get("purpose", "")))


def sync_item(
    session: Session, item: Item, item_key: SymmetricKey, owner_key: SymmetricKey
) -> None:
    """An item was written (new, or its domain changed): wrap its key under every active
    grant whose scope now covers it, and drop the wraps of those that no longer do."""
    if item.kind not in ITEM_KINDS:
        return
    grants = session.scalars(
        select(Grant).where(
            Grant.owner_id == item.owner_id,
            Grant.revoked_at.is_(None),
            Grant.owner_wrapped_key.is_not(None),
            Grant.ends_at > utcnow(),
        )
    ).all()
    if not grants:
        return
    held = set(
        session.scalars(select(GrantItemKey.grant_id).where(GrantItemKey.item_id == item.id))
    )
    for grant in grants:
        covers = scope_of(grant).covers(item)
        if covers and grant.id not in held:
            grant_key = owner_grant_key(grant, owner_key)
            session.add(_wrap_item_key(item, grant, grant_key, item_key))
        elif not covers and grant.id in held:
            session.execute(
                delete(GrantItemKey).where(
                    GrantItemKey.grant_id == grant.id, GrantItemKey.item_id == item.id
                )
            )
    session.flush()


# -- grants: the recipient's side --------------------------------------------------------


@dataclass(frozen=True)
class OpenGrant:
    grant: Grant
    key: SymmetricKey
    note: GrantNote

    @property
    def scope(self) -> Scope:
        return scope_of(self.grant)


def private_key_of(user: User, user_key: SymmetricKey) -> X25519PrivateKey:
    return keys.unwrap_private_key(user_key, user.key_pair, user.id)


def open_as_recipient(
    grant: Grant, private_key: X25519PrivateKey, user_key: SymmetricKey | None = None
) -> OpenGrant:
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
            return OpenGrant(grant, grant_key, read_note(grant, grant_key))
        except DecryptError:
            logger.warning("recipient wrap of grant %s does not open; made again", grant.id)
    grant_key = keys.open_grant_key_as_recipient(private_key, grant.sealed_key, *ids)
    if user_key is not None:
        grant.recipient_wrapped_key = keys.wrap_grant_key_for_recipient(grant_key, user_key, *ids)
    return OpenGrant(grant, grant_key, read_note(grant, grant_key))


def open_as_owner(grant: Grant, owner_key: SymmetricKey) -> OpenGrant:
    grant_key = owner_grant_key(grant, owner_key)
    return OpenGrant(grant, grant_key, read_note(grant, grant_key))


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
) -> OpenGrant:
    """The active grant of this owner to this recipient, opened; else ``NoAccessError``."""
    grant = active_grant(session, owner_id[:32], recipient.id, now)
    if grant is None:
        raise NoAccessError(owner_id[:32])
    try:
        return open_as_recipient(grant, private_key, user_key)
    except DecryptError:
        logger.error("grant %s does not open for %s", grant.id, recipient.id)
        raise NoAccessError(grant.id) from None


def shared_items(session: Session, opened: OpenGrant) -> Sequence[Item]:
    """The items the recipient sees: wrapped under the grant, still in scope, not archived."""
    rows = session.scalars(
        select(Item)
        .join(GrantItemKey, GrantItemKey.item_id == Item.id)
        .where(GrantItemKey.grant_id == opened.grant.id, Item.archived.is_(False))
        .order_by(Item.updated_at.desc(), Item.id)
    ).all()
    scope = opened.scope
    return [item for item in rows if scope.covers(item)]


def shared_item_key(session: Session, opened: OpenGrant, item_id: str) -> tuple[Item, SymmetricKey]:
    """One shared item and its key, or ``NoAccessError`` (not shared, gone or archived)."""
    row = session.get(GrantItemKey, (opened.grant.id, item_id[:32]))
    item = session.get(Item, item_id[:32]) if row is not None else None
    if row is None or item is None or item.archived or not opened.scope.covers(item):
        raise NoAccessError(item_id[:32])
    item_key = keys.unwrap_item_key(
        row.wrapped_key, opened.key, item.owner_id, item.id, opened.grant.id
    )
    return item, item_key


# -- items a recipient writes into the owner's portfolio ---------------------------------


def create_for_owner(
    session: Session,
    opened: OpenGrant,
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
    session.add(_wrap_item_key(item, opened.grant, opened.key, item_key))
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
    private = private_key_of(owner, user_key)
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
        sync_item(session, item, item_key, user_key)
        claimed += 1
    return claimed


# -- a regievoerder left: ask the newcomers about the successor ----------------------------


@dataclass(frozen=True)
class PendingHandover:
    handover: Handover
    left: User | None
    successor: User

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.successor.public_key)


def pending_handovers(session: Session, owner_id: str) -> list[PendingHandover]:
    rows = session.scalars(
        select(Handover)
        .where(Handover.owner_id == owner_id, Handover.answered_at.is_(None))
        .order_by(Handover.created_at)
    ).all()
    found = []
    for row in rows:
        successor = session.get(User, row.to_id)
        if successor is not None and successor.active:
            found.append(PendingHandover(row, session.get(User, row.from_id), successor))
    return found


def answer_handover(
    session: Session, owner: User, handover_id: str, accept: bool, now: datetime
) -> Handover:
    row = session.get(Handover, handover_id[:32]) if len(handover_id) <= 32 else None
    if row is None or row.owner_id != owner.id or row.answered_at is not None:
        raise GrantNotFoundError(handover_id[:32])
    answered = session.execute(
        update(Handover)
        .where(Handover.id == row.id, Handover.answered_at.is_(None))
        .values(answered_at=now, accepted=accept)
        .execution_options(synchronize_session=False)
    )
    if int(answered.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise GrantNotFoundError(row.id)
    session.expire(row)
    if accept:
        connect(session, owner, owner.id, row.to_id, Relation.REGIEVOERDER.value, now)
    session.flush()
    return row


def handover_template(session: Session, owner_id: str, recipient_id: str) -> Grant | None:
    """The last share with the one who left, to pre-fill the share with their successor."""
    row = session.scalars(
        select(Handover)
        .where(
            Handover.owner_id == owner_id,
            Handover.to_id == recipient_id,
            Handover.accepted.is_(True),
        )
        .order_by(Handover.created_at.desc())
    ).first()
    if row is None:
        return None
    return session.scalars(
        select(Grant)
        .where(Grant.owner_id == owner_id, Grant.recipient_id == row.from_id)
        .order_by(Grant.created_at.desc())
    ).first()
