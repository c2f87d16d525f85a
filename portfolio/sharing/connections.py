"""Connect codes and connections (no data yet: a connection only lets the newcomer choose
to share). A regievoerder's code is typed by the newcomer; a newcomer's invite code by a
supporter; each is short-lived, single-use and rate-limited. Functions take the session,
flush, and never commit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portfolio.accounts.models import Role, User
from portfolio.db import new_id
from portfolio.sharing import audit
from portfolio.sharing.errors import CodeNotValidError, KeyNotCertifiedError
from portfolio.sharing.models import Action, CodePurpose, ConnectCode, Connection, Relation
from portfolio.vault import keys, signing
from portfolio.vault.signing import SignatureError

logger = logging.getLogger(__name__)


CODE_ALPHABET = keys.CROCKFORD


CODE_LENGTH = 8  # 40 bits; short-lived, single-use and rate-limited


CODE_TTL = {
    CodePurpose.STAFF: timedelta(minutes=15),
    CodePurpose.INVITE: timedelta(days=2),
    CodePurpose.HANDBACK: timedelta(minutes=30),
}


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
