"""Sealing to a person's public key: HPKE (RFC 9180) X25519 / HKDF-SHA256 / AES-256-GCM.

Format: ``version || recipient key id (8) || HPKE enc || ciphertext+tag``. The ``info``
of HPKE is the canonical associated data, so a sealed key bound to one grant cannot
be replayed onto another.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from portfolio.vault.envelope import KEY_ID_LEN, VERSION
from portfolio.vault.errors import DecryptError

_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_HEADER = 1 + KEY_ID_LEN
_MIN = _HEADER + 32 + 16


def public_key_id(public_key: bytes) -> bytes:
    return hashlib.sha256(b"portfolio/public-key-id/v1" + public_key).digest()[:KEY_ID_LEN]


def raw_private(private_key: X25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def private_key_from_bytes(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def seal_to(public_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    recipient = X25519PublicKey.from_public_bytes(public_key)
    header = bytes([VERSION]) + public_key_id(public_key)
    return header + _SUITE.encrypt(plaintext, recipient, info=header + aad)


def open_sealed(private_key: X25519PrivateKey, sealed: bytes, aad: bytes) -> bytes:
    if not isinstance(sealed, bytes) or len(sealed) < _MIN or sealed[0] != VERSION:
        raise DecryptError("envelope does not open")
    header = sealed[:_HEADER]
    own_id = public_key_id(private_key.public_key().public_bytes_raw())
    if not hmac.compare_digest(header[1:], own_id):
        raise DecryptError("envelope does not open")
    try:
        return _SUITE.decrypt(sealed[_HEADER:], private_key, info=header + aad)
    except (InvalidTag, ValueError):
        raise DecryptError("envelope does not open") from None
