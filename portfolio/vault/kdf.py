"""Passphrase stretching (Argon2id with a server pepper) and key separation (HKDF)."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import asdict, dataclass, replace

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portfolio.vault.errors import KdfTooWeakError

SALT_LEN = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; stored per user and authenticated with each wrap."""

    memory_kib: int
    iterations: int
    lanes: int

    @classmethod
    def production(cls) -> KdfParams:
        return cls(memory_kib=65536, iterations=3, lanes=4)

    @classmethod
    def cheap_for_tests(cls) -> KdfParams:
        return cls(memory_kib=64, iterations=1, lanes=1)

    def with_overrides(self, **changes: int) -> KdfParams:
        return replace(self, **changes)

    def at_least(self, floor: KdfParams) -> bool:
        return self.memory_kib >= floor.memory_kib and self.iterations >= floor.iterations

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def new_salt() -> bytes:
    return os.urandom(SALT_LEN)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise, so the same words typed on another keyboard give the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_master(
    passphrase: str, salt: bytes, params: KdfParams, pepper: bytes, floor: KdfParams
) -> bytes:
    """``M = Argon2id(passphrase, salt, secret=pepper)``; refuses parameters below the floor."""
    if not params.at_least(floor):
        raise KdfTooWeakError("stored Argon2id parameters are below the floor")
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
        secret=pepper,
    )
    return kdf.derive(normalise_passphrase(passphrase))


def hkdf(secret: bytes, info: str, salt: bytes | None = None) -> bytes:
    """HKDF-SHA256 to 32 bytes, with a purpose label."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info.encode()).derive(secret)
