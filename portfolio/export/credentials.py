"""Portable credentials: a regievoerder's endorsement as a W3C Verifiable Credential in
the Open Badges 3.0 shape (``OpenBadgeCredential``), secured as a JWS with Ed25519
(``EdDSA``) in the VC-JOSE-COSE way: the compact JWS's payload is the credential itself,
media type ``application/vc+jwt``. Any JOSE library checks it with the municipality's
public key, which ``/issuers/<id>`` publishes as a JWK.

A credential holds plaintext (the certificate's name), so it is made when the owner asks
for it, from an endorsement whose signature and content still hold, and never stored.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask_babel import force_locale, gettext

from portfolio.entries.models import ItemKind
from portfolio.export.errors import CredentialError

MEDIA_TYPE = "application/vc+jwt"
LANGUAGE = "nl"
CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
NAMESPACE = uuid.UUID("5b0e3b9e-6f43-4b8e-9a51-2d8f7c1e4a10")  # ids derived from ours
ACHIEVEMENT_TYPES = {
    "mbo": "Diploma",
    "foreign": "Diploma",
    "nt2": "Certificate",
    "inburgering": "Certificate",
    "driving": "License",
    "idw": "Certificate",
}


@dataclass(frozen=True)
class Endorsed:
    """What a credential says: one verified item, by whom, and for whom."""

    endorsement_id: str
    item_kind: str
    item_type: str  # certificate type or exam
    title: str
    municipality_id: str
    municipality_name: str
    endorser_name: str
    verified_on: date
    holder_name: str | None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issuer_id(base_url: str, municipality_id: str) -> str:
    return f"{base_url.rstrip('/')}/issuers/{municipality_id}"


def public_jwk(public_key: bytes, kid: str) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(public_key),
        "kid": kid,
        "use": "sig",
        "alg": "EdDSA",
    }


def credential(endorsed: Endorsed, base_url: str) -> dict[str, Any]:
    issuer = issuer_id(base_url, endorsed.municipality_id)
    exam = endorsed.item_kind == ItemKind.EXAM_RESULT.value
    achievement_type = (
        "Assessment" if exam else ACHIEVEMENT_TYPES.get(endorsed.item_type, "Certificate")
    )
    with force_locale(LANGUAGE):  # a credential is read by anyone: in Dutch, like the PDF
        description = gettext(
            "%(title)s: checked against the original by a regievoerder of %(municipality)s.",
            title=endorsed.title,
            municipality=endorsed.municipality_name,
        )
        narrative = gettext(
            "%(name)s (%(municipality)s) saw the original and confirmed it on %(date)s.",
            name=endorsed.endorser_name,
            municipality=endorsed.municipality_name,
            date=endorsed.verified_on.isoformat(),
        )
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": f"urn:uuid:{uuid.uuid5(NAMESPACE, 'achievement:' + endorsed.endorsement_id)}",
            "type": ["Achievement"],
            "achievementType": achievement_type,
            "name": endorsed.title,
            "description": description,
            "criteria": {"narrative": narrative},
            "inLanguage": LANGUAGE,
        },
    }
    if endorsed.holder_name:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": endorsed.holder_name,
                "identityType": "name",
                "hashed": False,
            }
        ]
    return {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid5(NAMESPACE, 'credential:' + endorsed.endorsement_id)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": endorsed.municipality_name},
        "validFrom": f"{endorsed.verified_on.isoformat()}T00:00:00Z",
        "name": endorsed.title,
        "credentialSubject": subject,
    }


def sign(private_key: Ed25519PrivateKey, payload: dict[str, Any], kid: str) -> str:
    """A compact JWS (``header.payload.signature``) over the credential."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": kid}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
        for part in (header, payload)
    )
    signature = private_key.sign(signing_input.encode())
    return f"{signing_input}.{b64url(signature)}"


def verify(token: str, public_key: bytes) -> dict[str, Any]:
    """The credential of a token signed by this key; ``CredentialError`` otherwise."""
    try:
        header_b64, payload_b64, signature_b64 = token.strip().split(".")
        header = json.loads(_unb64url(header_b64))
        if header.get("alg") != "EdDSA":
            raise CredentialError("algorithm")
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            _unb64url(signature_b64), f"{header_b64}.{payload_b64}".encode()
        )
        payload = json.loads(_unb64url(payload_b64))
    except (ValueError, InvalidSignature, UnicodeDecodeError) as error:
        raise CredentialError("does not verify") from error
    if not isinstance(payload, dict):
        raise CredentialError("not a credential")
    return payload
