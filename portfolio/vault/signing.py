"""Organisation signing keys (Ed25519): endorsements, exported documents, staff keys.

The private key is held by the server, encrypted under an application key. It also
certifies each staff member's public key, and the owner sees that key's fingerprint
when sharing, so a tampered server cannot slip in a key of its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portfolio.vault.envelope import Keyring, canonical_aad
from portfolio.vault.errors import VaultError


class SignatureError(VaultError):
    """A signature does not verify for this payload and public key."""


@dataclass(frozen=True)
class OrgSigningKey:
    public_key: bytes
    encrypted_private_key: bytes


def _org_aad(org_id: str, public_key: bytes) -> bytes:
    return canonical_aad("org.signing_key", org=org_id, public=public_key.hex())


def new_org_signing_key(keyring: Keyring, org_id: str) -> OrgSigningKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return OrgSigningKey(public, keyring.seal(raw, _org_aad(org_id, public)))


def load_org_private_key(keyring: Keyring, key: OrgSigningKey, org_id: str) -> Ed25519PrivateKey:
    raw = keyring.open(key.encrypted_private_key, _org_aad(org_id, key.public_key))
    private = Ed25519PrivateKey.from_private_bytes(raw)
    if private.public_key().public_bytes_raw() != key.public_key:
        raise SignatureError("signing key does not match its public key")
    return private


def canonical_payload(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(private_key: Ed25519PrivateKey, payload: Mapping[str, Any]) -> bytes:
    return private_key.sign(canonical_payload(payload))


def verify(public_key: bytes, payload: Mapping[str, Any], signature: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, canonical_payload(payload))
    except (InvalidSignature, ValueError):
        raise SignatureError("signature does not verify") from None


def staff_key_statement(org_id: str, staff_id: str, public_key: bytes) -> dict[str, str]:
    return {
        "type": "portfolio.staff-key.v1",
        "org": org_id,
        "staff": staff_id,
        "public_key": base64.b64encode(public_key).decode(),
    }


def certify_staff_key(
    org_private: Ed25519PrivateKey, org_id: str, staff_id: str, public_key: bytes
) -> bytes:
    return sign(org_private, staff_key_statement(org_id, staff_id, public_key))


def verify_staff_key(
    org_public: bytes, org_id: str, staff_id: str, public_key: bytes, certificate: bytes
) -> None:
    verify(org_public, staff_key_statement(org_id, staff_id, public_key), certificate)


def fingerprint(public_key: bytes) -> str:
    """Human-comparable fingerprint: 8 groups of 4 hex digits of SHA-256."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))
