"""Split-key sessions (crypto.md): the cookie holds a secret S, the server holds UK under S.

Neither the database nor the cookie alone holds the user key. Rows are keyed by a
hash of the session id. Idle (owner 30 min, staff 15 min) and absolute (12 h)
timeouts delete rows; so do logout and a passphrase change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portfolio.accounts.models import AuthSession, SessionStage, User
from portfolio.db import utcnow
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey, canonical_aad, open_, seal
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)

ID_BYTES = 16
SECRET_BYTES = 32
TOUCH_EVERY = timedelta(seconds=60)
PENDING_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Timeouts:
    idle_owner: timedelta
    idle_staff: timedelta
    absolute: timedelta

    def idle_for(self, user: User) -> timedelta:
        return self.idle_staff if user.is_staff else self.idle_owner


@dataclass(frozen=True, repr=False)
class CookieToken:
    session_id: bytes
    secret: bytes

    def encode(self) -> str:
        enc = base64.urlsafe_b64encode
        return (
            f"{enc(self.session_id).decode().rstrip('=')}.{enc(self.secret).decode().rstrip('=')}"
        )

    @classmethod
    def decode(cls, value: str) -> CookieToken | None:
        head, sep, tail = value.partition(".")
        if not sep or len(value) > 128:
            return None
        try:
            session_id = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
            secret = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(session_id) != ID_BYTES or len(secret) != SECRET_BYTES:
            return None
        return cls(session_id, secret)

    @property
    def id_hash(self) -> str:
        return hashlib.sha256(self.session_id).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    row: AuthSession
    token: CookieToken

    @property
    def user(self) -> User:
        return self.row.user

    def user_key(self) -> SymmetricKey:
        """Both halves together: the row's wrapped key opened with the cookie's secret
        (once per request: loading the session already opens it to verify the cookie)."""
        return self._user_key

    @cached_property
    def _user_key(self) -> SymmetricKey:
        return keys.unwrap_for_session(
            self.row.wrapped_user_key,
            self.token.secret,
            self.row.id_hash,
            self.row.user_id,
            self.row.expires_at.isoformat(),
            self.row.stage,
        )

    def _pending_aad(self) -> bytes:
        return canonical_aad("session.recovery_code", session=self.row.id_hash)

    def hold_recovery_code(self, code: str) -> None:
        key = SymmetricKey(self.token.secret)
        self.row.pending_recovery_code = seal(key, code.encode(), self._pending_aad())

    def pending_recovery_code(self) -> str | None:
        if self.row.pending_recovery_code is None:
            return None
        key = SymmetricKey(self.token.secret)
        return open_(key, self.row.pending_recovery_code, self._pending_aad()).decode()


def start_session(
    session: Session,
    user: User,
    user_key: SymmetricKey,
    stage: SessionStage,
    timeouts: Timeouts,
) -> LiveSession:
    """A new session id and secret (never reused: no fixation)."""
    token = CookieToken(os.urandom(ID_BYTES), os.urandom(SECRET_BYTES))
    now = utcnow()
    lifetime = timeouts.absolute if stage is SessionStage.FULL else PENDING_LIFETIME
    expires_at = (now + lifetime).replace(microsecond=0)
    row = AuthSession(
        id_hash=token.id_hash,
        user_id=user.id,
        stage=stage.value,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
        wrapped_user_key=keys.wrap_for_session(
            user_key, token.secret, token.id_hash, user.id, expires_at.isoformat(), stage.value
        ),
    )
    row.user = user
    session.add(row)
    session.flush()
    logger.info("session started for %s (%s)", user.id, stage.value)
    return LiveSession(row, token)


def _expired(row: AuthSession, now: datetime, timeouts: Timeouts) -> bool:
    return now >= row.expires_at or now - row.last_seen_at >= timeouts.idle_for(row.user)


def load_session(
    session: Session, cookie_value: str | None, timeouts: Timeouts
) -> LiveSession | None:
    """The live session for a cookie, or None; expired rows are deleted on sight."""
    token = CookieToken.decode(cookie_value or "")
    if token is None:
        return None
    row = session.get(AuthSession, token.id_hash)
    if row is None:
        return None
    now = utcnow()
    if _expired(row, now, timeouts) or not row.user.active:
        session.delete(row)  # the caller commits (see accounts.access.live_session)
        logger.info("session of %s ended by timeout", row.user_id)
        return None
    live = LiveSession(row, token)
    try:
        live.user_key()  # a cookie with the right id but another secret is no session
    except DecryptError:
        logger.warning("session cookie with a wrong secret for %s", row.user_id)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return live


def end_session(session: Session, live: LiveSession) -> None:
    session.delete(live.row)
    session.flush()
    logger.info("session of %s ended", live.row.user_id)


def purge_expired(session: Session, timeouts: Timeouts) -> int:
    """Delete rows past their absolute expiry (idle ones go when next seen or here)."""
    now = utcnow()
    cutoff_staff = now - timeouts.idle_staff
    cutoff_owner = now - timeouts.idle_owner
    result = session.execute(
        delete(AuthSession).where(
            (AuthSession.expires_at <= now)
            | (AuthSession.last_seen_at <= min(cutoff_staff, cutoff_owner))
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
