"""Data Integrity proofs for the credentials (W3C VC Data Integrity 1.0, cryptosuite
``eddsa-rdfc-2022``): the same credential as the VC-JWT, secured inside itself, for
verifiers that work with JSON-LD.

The credential and the proof options are canonicalised with RDFC-1.0 (pyld), using only
the JSON-LD contexts bundled in ``contexts/`` (a credential naming any other context is
refused: nothing is ever fetched), in pyld's safe mode (a term no context defines is an
error, not silently dropped). The hash of the proof options and the hash of the
credential are signed with the municipality's Ed25519 key, the one its endorsement
statements are signed with; its issuer profile lists it as a Multikey. Ed25519 is
deterministic and ``created`` is the day of the verification, so the same endorsement
gives the same bytes everywhere.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from portfolio.export.errors import CredentialError

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PURPOSE = "assertionMethod"
MEDIA_TYPE = "application/vc+ld+json"
ED25519_PUB = b"\xed\x01"  # the multicodec prefix of an Ed25519 public key
CONTEXT_DIR = Path(__file__).resolve().with_name("contexts")
BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}
_CONTEXTS = {url: json.loads((CONTEXT_DIR / name).read_text()) for url, name in BUNDLED.items()}


def _load(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: a bundled context, or an error."""
    if url not in _CONTEXTS:
        raise jsonld.JsonLdError(
            "Only the bundled contexts are used.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading remote context failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": _CONTEXTS[url]}


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() if k != "@context" for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, bool):
        return [str(value).lower()]
    return [str(value)] if value is not None else []


def _literal(text: str) -> str:
    """How a string is written inside an N-Quads literal or IRI."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def canonical(document: dict[str, Any]) -> bytes:
    """RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document. JSON-LD drops a term no
    context defines without a word, and what is dropped is not signed; so every value
    of the document must be found in the result, or it is refused."""
    try:
        quads = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "safe": True,
                "documentLoader": _load,
            },
        )
    except jsonld.JsonLdError as error:
        raise CredentialError("not canonical JSON-LD") from error
    text = str(quads)
    missing = [v for v in _leaves(document) if _literal(v) not in text]
    if missing:
        raise CredentialError("a term is not defined by the bundled contexts")
    return text.encode()


def multikey(public_key: bytes) -> str:
    """An Ed25519 public key as ``publicKeyMultibase`` (base58btc, ``z6Mk...``)."""
    return "z" + base58.b58encode(ED25519_PUB + public_key).decode()


def _hash_data(unsecured: dict[str, Any], options: dict[str, Any]) -> bytes:
    config = {**options, "@context": unsecured["@context"]}
    return (
        hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    )


def prove(
    unsecured: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
) -> dict[str, Any]:
    """The credential with its proof."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PURPOSE,
    }
    signature = private_key.sign(_hash_data(unsecured, options))
    return {
        **unsecured,
        "proof": {**options, "proofValue": "z" + base58.b58encode(signature).decode()},
    }


def verify(secured: dict[str, Any], public_key: bytes) -> dict[str, Any]:
    """The credential without its proof, if the proof is ours and holds for this key;
    ``CredentialError`` otherwise."""
    proof = secured.get("proof")
    if not isinstance(proof, dict):
        raise CredentialError("no proof")
    if (proof.get("type"), proof.get("cryptosuite"), proof.get("proofPurpose")) != (
        PROOF_TYPE,
        CRYPTOSUITE,
        PURPOSE,
    ):
        raise CredentialError("not an eddsa-rdfc-2022 proof")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise CredentialError("proof value is not base58btc")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        signature = base58.b58decode(value[1:])
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, _hash_data(unsecured, options)
        )
    except (InvalidSignature, ValueError) as error:
        raise CredentialError("proof does not verify") from error
    return unsecured
