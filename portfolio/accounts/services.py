"""Account operations. They take the database session explicitly, flush but never commit."""

from __future__ import annotations

import logging
import secrets
import time
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, object_session

from portfolio.accounts.errors import (
    InvalidCredentialsError,
    InvalidRecoveryError,
    InvalidTotpError,
    UsernameTakenError,
)
from portfolio.accounts.models import AuthSession, Municipality, Role, User
from portfolio.accounts.passphrases import check_passphrase
from portfolio.db import new_id, utcnow
from portfolio.vault import keys, signing, totp
from portfolio.vault.context import VaultContext
from portfolio.vault.envelope import SymmetricKey, canonical_aad
from portfolio.vault.errors import InvalidRecoveryCodeFormatError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unlocked:
    """A user whose key was just unlocked; the key never leaves the request."""

    user: User
    user_key: SymmetricKey


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def _wrap_passphrase(
    ctx: VaultContext, user: User, user_key: SymmetricKey, passphrase: str
) -> None:
    with ctx.gate.slot():
        user.passphrase_wrap = keys.wrap_with_passphrase(
            user_key,
            passphrase,
            user.id,
            params=ctx.kdf,
            pepper_id=ctx.pepper_id,
            pepper=ctx.pepper,
            floor=ctx.floor,
        )
    user.passphrase_changed_at = utcnow()


def _new_recovery_code(ctx: VaultContext, user: User, user_key: SymmetricKey) -> str:
    """A new code; the old one stops working, and so does any code still waiting to be
    confirmed in another session (it could otherwise be confirmed while already dead)."""
    session = object_session(user)
    if session is not None:
        session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user.id)
            .values(pending_recovery_code=None)
            .execution_options(synchronize_session="fetch")
        )
    code = keys.new_recovery_code()
    user.wrapped_key_recovery = keys.wrap_with_recovery_code(
        user_key, code, user.id, pepper_id=ctx.pepper_id, pepper=ctx.pepper
    )
    user.recovery_pepper_id = ctx.pepper_id
    user.recovery_confirmed_at = None
    return code


def _new_account(
    session: Session, ctx: VaultContext, username: str, passphrase: str, role: Role, locale: str
) -> tuple[User, SymmetricKey]:
    name = normalise_username(username)
    check_passphrase(passphrase, name)
    if find_user(session, name) is not None:
        raise UsernameTakenError(name)
    user = User(id=new_id(), username=name, role=role.value, locale=locale, active=True)
    user_key = SymmetricKey.generate()
    _wrap_passphrase(ctx, user, user_key, passphrase)
    user.key_pair = keys.new_key_pair(user_key, user.id)
    session.add(user)
    return user, user_key


def register_owner(
    session: Session, ctx: VaultContext, username: str, passphrase: str, locale: str
) -> tuple[Unlocked, str]:
    """A new owner account; returns it unlocked with its one-time recovery code."""
    user, user_key = _new_account(session, ctx, username, passphrase, Role.OWNER, locale)
    code = _new_recovery_code(ctx, user, user_key)
    session.flush()
    logger.info("account %s registered", user.id)
    return Unlocked(user, user_key), code


def authenticate(session: Session, ctx: VaultContext, username: str, passphrase: str) -> Unlocked:
    """Check a passphrase; one error for unknown user and wrong passphrase, same cost."""
    user = find_user(session, username)
    with ctx.gate.slot():
        if user is None or not user.active:
            keys.dummy_derivation(ctx.kdf, ctx.pepper, ctx.floor)
            raise InvalidCredentialsError
        try:
            user_key = keys.unlock_with_passphrase(
                user.passphrase_wrap, passphrase, user.id, peppers=ctx.peppers, floor=ctx.floor
            )
        except keys.WrongSecretError:
            logger.info("login refused for %s", user.id)
            raise InvalidCredentialsError from None
    if user.pepper_id != ctx.pepper_id or user.passphrase_wrap.params != ctx.kdf:
        _wrap_passphrase(ctx, user, user_key, passphrase)  # pepper or cost rotation
        logger.info("passphrase wrap of %s moved to pepper %s", user.id, ctx.pepper_id)
    return Unlocked(user, user_key)


def end_all_sessions(session: Session, user: User) -> None:
    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


def change_passphrase(
    session: Session, ctx: VaultContext, user: User, current: str, new: str
) -> Unlocked:
    """Re-wrap the user key under a new passphrase; every session of the user ends."""
    unlocked = authenticate(session, ctx, user.username, current)
    check_passphrase(new, user.username)
    _wrap_passphrase(ctx, user, unlocked.user_key, new)
    user.must_change_passphrase = False
    end_all_sessions(session, user)
    session.flush()
    logger.info("passphrase of %s changed; sessions ended", user.id)
    return unlocked


def recover(
    session: Session, ctx: VaultContext, username: str, code: str, new_passphrase: str
) -> tuple[Unlocked, str]:
    """Unlock with the recovery code, set a new passphrase and issue a new code."""
    check_passphrase(new_passphrase, normalise_username(username))  # before the code: no oracle
    user = find_user(session, username)
    if user is None or not user.active or user.wrapped_key_recovery is None:
        raise InvalidRecoveryError
    try:
        user_key = keys.unlock_with_recovery_code(
            user.wrapped_key_recovery,
            code,
            user.id,
            pepper_id=user.recovery_pepper_id or "",
            peppers=ctx.peppers,
        )
    except (keys.WrongSecretError, InvalidRecoveryCodeFormatError):
        logger.info("recovery refused for %s", user.id)
        raise InvalidRecoveryError from None
    _wrap_passphrase(ctx, user, user_key, new_passphrase)
    new_code = _new_recovery_code(ctx, user, user_key)
    end_all_sessions(session, user)
    session.flush()
    logger.info("account %s recovered; new recovery code issued", user.id)
    return Unlocked(user, user_key), new_code


def renew_recovery_code(session: Session, ctx: VaultContext, user: User, passphrase: str) -> str:
    """A new code after checking the passphrase again; the old code stops working."""
    unlocked = authenticate(session, ctx, user.username, passphrase)
    return new_recovery_code(session, ctx, user, unlocked.user_key)


def new_recovery_code(
    session: Session, ctx: VaultContext, user: User, user_key: SymmetricKey
) -> str:
    code = _new_recovery_code(ctx, user, user_key)
    session.flush()
    logger.info("recovery code of %s renewed", user.id)
    return code


def recovery_code_is_current(ctx: VaultContext, user: User, code: str) -> bool:
    """Does this code open the account now? (Cheap: HKDF and one AES-GCM open.)"""
    if user.wrapped_key_recovery is None or user.recovery_pepper_id is None:
        return False
    try:
        keys.unlock_with_recovery_code(
            user.wrapped_key_recovery,
            code,
            user.id,
            pepper_id=user.recovery_pepper_id,
            peppers=ctx.peppers,
        )
    except (keys.WrongSecretError, InvalidRecoveryCodeFormatError):
        return False
    return True


def confirm_recovery_saved(session: Session, user: User) -> None:
    user.recovery_confirmed_at = utcnow()
    session.flush()


def set_locale(session: Session, user: User, locale: str) -> None:
    user.locale = locale
    session.flush()


# -- staff ----------------------------------------------------------------------------------


def initial_passphrase() -> str:
    """Four groups of five unambiguous characters: 100 bits, readable over the phone."""
    chars = "".join(secrets.choice(keys.CROCKFORD) for _ in range(20))
    return "-".join(chars[i : i + 5] for i in range(0, 20, 5)).lower()


def create_staff(
    session: Session,
    ctx: VaultContext,
    *,
    username: str,
    display_name: str,
    role: Role,
    municipality: Municipality,
    locale: str = "nl",
) -> tuple[User, str]:
    """A staff account with a one-time initial passphrase and a certified public key."""
    if not role.is_staff:
        raise ValueError("staff accounts are regievoerders or administrators")
    passphrase = initial_passphrase()
    user, _ = _new_account(session, ctx, username, passphrase, role, locale)
    user.display_name = display_name
    user.municipality_id = municipality.id
    user.must_change_passphrase = True
    org_private = signing.load_org_private_key(
        ctx.app_keys, municipality.signing_key, municipality.id
    )
    user.key_certificate = signing.certify_staff_key(
        org_private, municipality.id, user.id, user.public_key
    )
    session.flush()
    logger.info("staff account %s created (%s) in %s", user.id, role.value, municipality.id)
    return user, passphrase


def _totp_aad(user: User) -> bytes:
    return canonical_aad("user.totp", owner=user.id)


def _enrolment_aad(user: User, session_id_hash: str) -> bytes:
    return canonical_aad("user.totp.enrolment", owner=user.id, session=session_id_hash)


def new_totp_secret_for(user: User, ctx: VaultContext, session_id_hash: str) -> bytes:
    """A fresh secret for enrolment, sealed under the app key and bound to this login
    session, so that it is useless in any other session (or to anyone else)."""
    return ctx.app_keys.seal(totp.new_totp_secret(), _enrolment_aad(user, session_id_hash))


def enrolment_secret(ctx: VaultContext, user: User, sealed: bytes, session_id_hash: str) -> bytes:
    """Raises ``DecryptError`` when the secret belongs to another session or user."""
    return ctx.app_keys.open(sealed, _enrolment_aad(user, session_id_hash))


def totp_secret(ctx: VaultContext, user: User) -> bytes:
    if user.totp_secret_encrypted is None:
        raise InvalidTotpError
    return ctx.app_keys.open(user.totp_secret_encrypted, _totp_aad(user))


def confirm_totp_enrolment(
    session: Session,
    ctx: VaultContext,
    user: User,
    secret: bytes,
    code: str,
    keep: str,
) -> None:
    """Store the second factor once; a second enrolment is refused (no silent swap)."""
    if user.totp_enrolled_at is not None:
        raise InvalidTotpError
    step = totp.matching_step(secret, code, time.time(), None)
    if step is None:
        raise InvalidTotpError
    user.totp_secret_encrypted = ctx.app_keys.seal(secret, _totp_aad(user))
    user.totp_enrolled_at = utcnow()
    user.totp_last_step = step
    end_other_sessions(session, user, keep)
    logger.info("second factor enrolled for %s", user.id)


def verify_totp(session: Session, ctx: VaultContext, user: User, code: str) -> None:
    """Accept a code once: its time step must be newer than the last one used.

    The step is spent with one conditional UPDATE, so two requests racing with the
    same code cannot both succeed (no row lock needed, on SQLite or PostgreSQL).
    """
    secret = totp_secret(ctx, user)
    step = totp.matching_step(secret, code, time.time(), user.totp_last_step)
    spent = step is not None and _spend_step(session, user, step)
    if not spent:
        logger.info("second factor refused for %s", user.id)
        raise InvalidTotpError
    session.refresh(user)


def _spend_step(session: Session, user: User, step: int) -> bool:
    result = session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def set_passphrase(
    session: Session, ctx: VaultContext, user: User, user_key: SymmetricKey, new: str, keep: str
) -> None:
    """Staff first login: replace the one-time initial passphrase (user key already open).

    Every other session ends, pending ones too: whoever else used the initial
    passphrase cannot go on to enrol a second factor of their own.
    """
    check_passphrase(new, user.username)
    _wrap_passphrase(ctx, user, user_key, new)
    user.must_change_passphrase = False
    end_other_sessions(session, user, keep)
    logger.info("initial passphrase of %s replaced", user.id)


def end_other_sessions(session: Session, user: User, keep: str) -> None:
    session.execute(
        delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.id_hash != keep)
    )
    session.flush()


def people_by_id(session: Session, user_ids: set[str]) -> dict[str, User]:
    """The accounts of these ids (for the names a page shows), in one query."""
    if not user_ids:
        return {}
    rows = session.scalars(select(User).where(User.id.in_(user_ids))).all()
    return {u.id: u for u in rows}
