"""Portable credentials: a regievoerder's verification of a certificate or a passed exam
as an Open Badges 3.0 ``AchievementCredential`` (a W3C VC 2.0), secured as a VC-JWT by
the rules of OB 3.0 §8.2: JOSE header ``alg`` RS256, ``typ`` JWT and a ``kid`` URL that
dereferences to the issuer's public JWK, nothing else; the payload is the credential
itself with ``iss``, ``jti``, ``nbf`` and ``sub`` claims that repeat its issuer, id,
``validFrom`` and subject id. Media type ``application/vc+jwt``.

The credential says nothing of the newcomer but a subject id made for this one
credential and, where the verification recorded it, the name the newcomer shared under
as an OB 3.0 hashed ``IdentityObject`` (with a salt new for each verification): the
newcomer proves the credential is theirs by showing an ID with that name, and two
credentials cannot be linked through either. It is made from the
endorsement alone, and RS256 is deterministic: the same endorsement gives the same
bytes in a portfolio document and as a download. A credential holds plaintext (the
certificate's name), so it is made when the owner asks for it and never stored.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask_babel import force_locale, gettext

from portfolio.entries.models import ItemKind
from portfolio.export.errors import CredentialError
from portfolio.vault import credential_keys
from portfolio.vault.signing import SignatureError

MEDIA_TYPE = "application/vc+jwt"
LANGUAGE = "nl"
ALGORITHM = "RS256"
CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
CLAIMS = ("iss", "jti", "nbf", "sub")
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
    """What a credential says: one verified achievement, by whom. Nothing of the
    document it may be printed in, so that it reads the same everywhere."""

    endorsement_id: str
    item_kind: str
    item_type: str  # certificate type or exam
    title: str
    municipality_id: str
    municipality_name: str
    endorser_name: str
    verified_on: date
    # The holder's name as the regievoerder confirmed it, hashed with a salt
    # (``sharing.endorsements.holder_identity``); None for verifications made before.
    holder: dict[str, str] | None = None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issuer_id(public_url: str, municipality_id: str) -> str:
    return f"{public_url.rstrip('/')}/issuers/{municipality_id}"


def key_id(public_url: str, municipality_id: str, public_key: bytes) -> str:
    """The ``kid``: a URL that answers with the bare public JWK (OB 3.0 §8.2.3)."""
    name = credential_keys.thumbprint(public_key)
    return f"{issuer_id(public_url, municipality_id)}/keys/{name}"


def public_jwk(public_key: bytes, kid: str) -> dict[str, str]:
    return {**credential_keys.public_jwk(public_key), "kid": kid, "alg": ALGORITHM, "use": "sig"}


def _urn(kind: str, endorsement_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, kind + ':' + endorsement_id)}"


def _words(endorsed: Endorsed) -> tuple[str, str, str]:
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
        result = gettext("Result")
    return description, narrative, result


def _achievement(endorsed: Endorsed) -> dict[str, Any]:
    description, narrative, result = _words(endorsed)
    exam = endorsed.item_kind == ItemKind.EXAM_RESULT.value
    achievement: dict[str, Any] = {
        "id": _urn("achievement", endorsed.endorsement_id),
        "type": ["Achievement"],
        "achievementType": (
            "Assessment" if exam else ACHIEVEMENT_TYPES.get(endorsed.item_type, "Certificate")
        ),
        "name": endorsed.title,
        "description": description,
        "criteria": {"narrative": narrative},
        "inLanguage": LANGUAGE,
    }
    if exam:
        achievement["resultDescription"] = [
            {
                "id": _urn("result-description", endorsed.endorsement_id),
                "type": ["ResultDescription"],
                "name": result,
                "resultType": "Status",
            }
        ]
    return achievement


def _subject(endorsed: Endorsed, achievement: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "id": _urn("subject", endorsed.endorsement_id),
        "type": ["AchievementSubject"],
        "achievement": achievement,
    }
    if endorsed.holder:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": endorsed.holder["identityHash"],
                "identityType": "name",
                "hashed": True,
                "salt": endorsed.holder["salt"],
            }
        ]
    if "resultDescription" in achievement:  # only passed exams are issued at all
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": achievement["resultDescription"][0]["id"],
                "status": "Completed",
            }
        ]
    return subject


def valid_from(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def credential(
    endorsed: Endorsed, public_url: str, status: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The credential; ``status`` is its ``credentialStatus`` (``export.status.entry``)."""
    issuer = issuer_id(public_url, endorsed.municipality_id)
    vc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": _urn("credential", endorsed.endorsement_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": endorsed.municipality_name},
        "validFrom": valid_from(endorsed.verified_on),
        "name": endorsed.title,
        "credentialSubject": _subject(endorsed, _achievement(endorsed)),
        "credentialSchema": [SCHEMA],
    }
    if status is not None:
        vc["credentialStatus"] = status
    return vc


def jwt_claims(vc: dict[str, Any]) -> dict[str, Any]:
    """The OB 3.0 §8.2.4 claims, each a copy of the credential's own value."""
    valid_from = datetime.fromisoformat(vc["validFrom"].replace("Z", "+00:00"))
    return {
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "nbf": int(valid_from.astimezone(UTC).timestamp()),
        "sub": vc["credentialSubject"]["id"],
    }


def _encode(part: dict[str, Any]) -> str:
    return b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())


def sign(private_key: RSAPrivateKey, vc: dict[str, Any], kid: str) -> str:
    """A compact JWS (``header.payload.signature``) over the credential and its claims."""
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid}
    signing_input = _encode(header) + "." + _encode({**vc, **jwt_claims(vc)})
    signature = credential_keys.sign_rs256(private_key, signing_input.encode())
    return f"{signing_input}.{b64url(signature)}"


def _header(text: str) -> dict[str, Any]:
    header = json.loads(_unb64url(text))
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise CredentialError("algorithm")
    if set(header) - {"alg", "typ", "kid"} or header.get("typ", "JWT") != "JWT":
        raise CredentialError("header")
    return header


def verify(token: str, public_key: bytes) -> dict[str, Any]:
    """The credential of a token signed by this key, its claims checked against it (OB 3.0
    §8.2.6); ``CredentialError`` otherwise."""
    try:
        header_b64, payload_b64, signature_b64 = token.strip().split(".")
        _header(header_b64)
        credential_keys.verify_rs256(
            public_key, f"{header_b64}.{payload_b64}".encode(), _unb64url(signature_b64)
        )
        payload = json.loads(_unb64url(payload_b64))
    except (ValueError, SignatureError, UnicodeDecodeError) as error:
        raise CredentialError("does not verify") from error
    if not isinstance(payload, dict):
        raise CredentialError("not a credential")
    vc = {k: v for k, v in payload.items() if k not in CLAIMS}
    try:
        if {k: payload.get(k) for k in CLAIMS} != jwt_claims(vc):
            raise CredentialError("claims do not match the credential")
    except (KeyError, TypeError, ValueError) as error:
        raise CredentialError("not a credential") from error
    return vc
