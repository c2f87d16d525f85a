"""Versioned, authenticated envelopes: ``version || key id || nonce || AES-GCM ct+tag``.

Every encryption binds associated data (AAD) that names what the ciphertext is and
whose it is. The header (version and key id) is authenticated too, so neither can be
swapped. Version 1 is the only format; anything else fails loudly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portfolio.vault.errors import DecryptError

VERSION = 1
KEY_ID_LEN = 8
NONCE_LEN = 12
TAG_LEN = 16
HEADER_LEN = 1 + KEY_ID_LEN
MIN_LEN = HEADER_LEN + NONCE_LEN + TAG_LEN

Scalar = str | int | bool | None
AadValue = Scalar | Mapping[str, Scalar]


@dataclass(frozen=True, repr=False)
class SymmetricKey:
    """A 256-bit AES key with its public identifier (a keyed hash of the key).

    The identifier and the AES-GCM context are computed once per key object: the user
    key opens every item key of a page, so this is on the hot path.
    """

    material: bytes

    def __post_init__(self) -> None:
        if len(self.material) != 32:
            raise ValueError("a symmetric key is 32 bytes")

    @classmethod
    def generate(cls) -> SymmetricKey:
        return cls(os.urandom(32))

    @cached_property
    def key_id(self) -> bytes:
        return hmac.new(self.material, b"portfolio/key-id/v1", hashlib.sha256).digest()[:KEY_ID_LEN]

    @cached_property
    def aead(self) -> AESGCM:
        return AESGCM(self.material)

    def __repr__(self) -> str:  # never print key material
        return f"SymmetricKey(id={self.key_id.hex()})"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_aad(namespace: str, **fields: AadValue) -> bytes:
    """Canonical JSON of the associated data: sorted keys, no spaces, UTF-8."""
    if not namespace:
        raise ValueError("AAD needs a namespace")
    body = {"v": VERSION, "ns": namespace, **fields}
    return _CANONICAL.encode(body).encode()


def seal(key: SymmetricKey, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` under ``key``, bound to ``aad``."""
    header = bytes([VERSION]) + key.key_id
    nonce = os.urandom(NONCE_LEN)
    body = key.aead.encrypt(nonce, plaintext, header + aad)
    return header + nonce + body


def envelope_key_id(envelope: bytes) -> bytes:
    """The key id an envelope claims (unauthenticated until opened)."""
    _check_shape(envelope)
    return envelope[1:HEADER_LEN]


def open_(key: SymmetricKey, envelope: bytes, aad: bytes) -> bytes:
    """Decrypt an envelope; raise ``DecryptError`` on any mismatch."""
    _check_shape(envelope)
    header = envelope[:HEADER_LEN]
    if not hmac.compare_digest(header[1:], key.key_id):
        raise DecryptError("envelope does not open")
    nonce = envelope[HEADER_LEN : HEADER_LEN + NONCE_LEN]
    try:
        return key.aead.decrypt(nonce, envelope[HEADER_LEN + NONCE_LEN :], header + aad)
    except InvalidTag:
        raise DecryptError("envelope does not open") from None


def _check_shape(envelope: bytes) -> None:
    if not isinstance(envelope, bytes | bytearray | memoryview):
        raise DecryptError("envelope does not open")
    if len(envelope) < MIN_LEN or envelope[0] != VERSION:
        raise DecryptError("envelope does not open")


class Keyring:
    """Several keys by id, one current: for application keys that rotate."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self._keys = [SymmetricKey(bytes(material)) for material in keys.values()]
        self._by_id = {k.key_id: k for k in self._keys}

    @property
    def current(self) -> SymmetricKey:
        return self._keys[0]

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        return seal(self.current, plaintext, aad)

    def open(self, envelope: bytes, aad: bytes) -> bytes:
        key = self._by_id.get(bytes(envelope_key_id(envelope)))
        if key is None:
            raise DecryptError("envelope does not open")
        return open_(key, envelope, aad)

    def needs_rotation(self, envelope: bytes) -> bool:
        return bytes(envelope_key_id(envelope)) != self.current.key_id
