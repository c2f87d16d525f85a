"""Open Badges 3.0 credentials (VC-JOSE, EdDSA): they verify with the issuer's public key
(ours and jwcrypto, an independent implementation) and fail when any field changes, or
under another key. Document numbers survive the ways people type them."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from portfolio.export import credentials, issued
from portfolio.export.errors import CredentialError

ENDORSED = credentials.Endorsed(
    endorsement_id="e" * 32,
    item_kind="certificate",
    item_type="mbo",
    title="MBO-diploma Verzorgende IG",
    municipality_id="m" * 32,
    municipality_name="Gemeente Utrecht",
    endorser_name="Sanne de Vries",
    verified_on=date(2026, 5, 1),
    holder_name="Amal Haddad",
)
BASE = "https://portfolio.example.nl/"


def _keys() -> tuple[Ed25519PrivateKey, bytes]:
    private = Ed25519PrivateKey.generate()
    return private, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _jwcrypto_verify(token: str, public: bytes) -> dict:
    key = jwk.JWK(**credentials.public_jwk(public, "k"))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key)
    return json.loads(signed.payload)


def _paths(data, prefix=()):  # every leaf of the credential, as a path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))
    else:
        yield prefix


CREDENTIAL = credentials.credential(ENDORSED, BASE)
LEAVES = list(_paths(CREDENTIAL))


def test_shape_is_an_open_badge() -> None:
    assert CREDENTIAL["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert CREDENTIAL["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    achievement = CREDENTIAL["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Diploma" and achievement["name"] == ENDORSED.title
    assert CREDENTIAL["issuer"]["id"] == BASE + "issuers/" + "m" * 32
    assert CREDENTIAL["validFrom"] == "2026-05-01T00:00:00Z"


def test_verifies_with_its_key_in_two_implementations() -> None:
    private, public = _keys()
    token = credentials.sign(private, CREDENTIAL, "kid")
    assert credentials.verify(token, public) == CREDENTIAL
    assert _jwcrypto_verify(token, public) == CREDENTIAL
    _other, other_public = _keys()
    with pytest.raises(CredentialError):
        credentials.verify(token, other_public)
    with pytest.raises(JWException):
        _jwcrypto_verify(token, other_public)


@given(st.sampled_from(LEAVES), st.text(min_size=1, max_size=20))
def test_any_changed_field_fails(path, value) -> None:
    private, public = _keys()
    token = credentials.sign(private, CREDENTIAL, "kid")
    header, payload, signature = token.split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=="))
    target = changed
    for step in path[:-1]:
        target = target[step]
    if target[path[-1]] == value:
        value = value + "x"
    target[path[-1]] = value
    forged_payload = credentials.b64url(json.dumps(changed, separators=(",", ":")).encode())
    forged = f"{header}.{forged_payload}.{signature}"
    with pytest.raises(CredentialError):
        credentials.verify(forged, public)
    with pytest.raises(JWException):
        _jwcrypto_verify(forged, public)


@given(st.text(alphabet=issued.ALPHABET, min_size=16, max_size=16), st.booleans())
def test_document_numbers_as_people_type_them(number: str, lower: bool) -> None:
    typed = issued.shown_id(number)
    typed = typed.lower() if lower else typed
    typed = typed.replace("0", "O").replace("1", "l")
    assert issued.parse_id(" " + typed + " ") == number


def test_not_document_numbers() -> None:
    for text in ("", "hello", "U" * 16, "0" * 15, "0" * 17, "0000-0000-0000-000!"):
        assert issued.parse_id(text) is None
