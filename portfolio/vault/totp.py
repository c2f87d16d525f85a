"""Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s) for staff logins."""

from __future__ import annotations

import hmac
import os

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

DIGITS = 6
STEP_SECONDS = 30
WINDOW = 1  # accept one step of clock drift either side


def new_totp_secret() -> bytes:
    return os.urandom(20)


def _totp(secret: bytes) -> TOTP:
    return TOTP(secret, DIGITS, SHA1(), STEP_SECONDS, enforce_key_length=True)  # noqa: S303


def provisioning_uri(secret: bytes, account_name: str, issuer: str) -> str:
    return _totp(secret).get_provisioning_uri(account_name, issuer)


def code_at(secret: bytes, step: int) -> str:
    return _totp(secret).generate(step * STEP_SECONDS).decode()


def matching_step(secret: bytes, code: str, now: float, last_used_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if valid and newer than the last used step.

    A code works once: a step at or before ``last_used_step`` is refused.
    """
    cleaned = code.replace(" ", "").strip()
    if len(cleaned) != DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        return None
    current = int(now // STEP_SECONDS)
    found: int | None = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step).encode(), cleaned.encode()):
            found = step
    if found is None or (last_used_step is not None and found <= last_used_step):
        return None
    return found
