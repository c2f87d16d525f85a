"""Each issuer's key for portable credentials (Open Badges 3.0 VC-JWT): RSA 2048 with
RS256, the one algorithm every Open Badges verifier must accept. RSASSA-PKCS1-v1_5 is
deterministic, so a credential signed twice is the same bytes wherever it appears (in a
portfolio document and as a download).

The private key is kept encrypted under an application key, bound to the issuer and its
public key; the public key is published as a JWK named by its RFC 7638 thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from portfolio.vault.envelope import Keyring, canonical_aad
from portfolio.vault.signing import SignatureError

KEY_BITS = 2048
PUBLIC_EXPONENT = 65537


@dataclass(frozen=True)
class CredentialKey:
    public_key: bytes  # DER SubjectPublicKeyInfo
    encrypted_private_key: bytes


def _aad(org_id: str, public_key: bytes) -> bytes:
    return canonical_aad(
        "org.credential_key", org=org_id, public=hashlib.sha256(public_key).hexdigest()
    )


def new_credential_key(keyring: Keyring, org_id: str) -> CredentialKey:
    private = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return CredentialKey(public, keyring.seal(der, _aad(org_id, public)))


def load_private_key(keyring: Keyring, key: CredentialKey, org_id: str) -> rsa.RSAPrivateKey:
    der = keyring.open(key.encrypted_private_key, _aad(org_id, key.public_key))
    private = serialization.load_der_private_key(der, password=None)
    if (
        not isinstance(private, rsa.RSAPrivateKey)
        or private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        != key.public_key
    ):
        raise SignatureError("credential key does not match its public key")
    return private


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public_key: bytes) -> dict[str, str]:
    """The public key as a JWK (RFC 7517), with only what a verifier needs: never ``d``."""
    loaded = serialization.load_der_public_key(public_key)
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise SignatureError("not an RSA public key")
    numbers = loaded.public_numbers()
    return {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def thumbprint(public_key: bytes) -> str:
    """The JWK thumbprint (RFC 7638, SHA-256, base64url): the key's stable name."""
    jwk = public_jwk(public_key)
    canonical = json.dumps(
        {k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_rs256(private_key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify_rs256(public_key: bytes, data: bytes, signature: bytes) -> None:
    loaded = serialization.load_der_public_key(public_key)
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise SignatureError("not an RSA public key")
    try:
        loaded.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("signature does not verify") from None
