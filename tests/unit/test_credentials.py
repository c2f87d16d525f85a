"""Open Badges 3.0 credentials as VC-JWT (OB 3.0 §8.2, RS256): they validate against the
official OB 3.0 AchievementCredential and VC 2.0 JSON Schemas, follow every header and
claim rule of §8.2, verify with the issuer's public key (ours and jwcrypto, an
independent implementation), are the same bytes every time, and fail when any field
changes, under another key, or with claims that do not repeat the credential. Only
achievements are issued: a failed exam is not one. Document numbers survive the ways
people type them."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from portfolio.entries import records
from portfolio.export import credentials, integrity, issued, status
from portfolio.export.errors import CredentialError
from portfolio.vault import credential_keys
from portfolio.vault.envelope import Keyring

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
BASE = "https://portfolio.example.nl"
CERTIFICATE = credentials.Endorsed(
    endorsement_id="e" * 32,
    item_kind="certificate",
    item_type="mbo",
    title="MBO-diploma Verzorgende IG",
    municipality_id="m" * 32,
    municipality_name="Gemeente Utrecht",
    endorser_name="Sanne de Vries",
    verified_on=date(2026, 5, 1),
)
EXAM = credentials.Endorsed(
    endorsement_id="f" * 32,
    item_kind="exam_result",
    item_type="nt2_1",
    title="Staatsexamen NT2 I, Lezen",
    municipality_id="m" * 32,
    municipality_name="Gemeente Utrecht",
    endorser_name="Sanne de Vries",
    verified_on=date(2026, 6, 12),
)
KID = credentials.issuer_id(BASE, "m" * 32) + "/keys/test"


@cache
def _key() -> tuple[RSAPrivateKey, bytes]:
    made = credential_keys.new_credential_key(Keyring({"k1": b"k" * 32}), "m" * 32)
    private = credential_keys.load_private_key(Keyring({"k1": b"k" * 32}), made, "m" * 32)
    return private, made.public_key


def _public(private: RSAPrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _other_key() -> tuple[RSAPrivateKey, bytes]:
    made = credential_keys.new_credential_key(Keyring({"k1": b"o" * 32}), "o" * 32)
    private = credential_keys.load_private_key(Keyring({"k1": b"o" * 32}), made, "o" * 32)
    return private, made.public_key


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _signature = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(header + "==")),
        json.loads(base64.urlsafe_b64decode(payload + "==")),
    )


def _jwcrypto_verify(token: str, public: bytes) -> dict[str, Any]:
    key = jwk.JWK(**credentials.public_jwk(public, KID))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="RS256")
    return json.loads(signed.payload)


def schema_errors(instance: dict[str, Any], name: str) -> list[str]:
    schema = json.loads((STANDARDS / name).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [error.message for error in validator.iter_errors(instance)]


def _paths(data: Any, prefix: tuple[Any, ...] = ()):  # every leaf of the credential
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))
    else:
        yield prefix


VC = credentials.credential(CERTIFICATE, BASE)
LEAVES = list(_paths(VC))


@pytest.mark.parametrize("endorsed", [CERTIFICATE, EXAM], ids=["certificate", "exam"])
@pytest.mark.parametrize(
    "schema",
    ["ob_v3p0_achievementcredential_schema.json", "vc2_verifiable-credential-schema.json"],
)
def test_validates_against_the_official_schemas(endorsed, schema) -> None:
    assert schema_errors(credentials.credential(endorsed, BASE), schema) == []


def test_says_what_was_achieved_by_whom_and_about_whom() -> None:
    assert VC["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert VC["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    achievement = VC["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Diploma" and achievement["name"] == CERTIFICATE.title
    assert VC["issuer"]["id"] == BASE + "/issuers/" + "m" * 32
    assert VC["validFrom"] == "2026-05-01T00:00:00Z"
    assert VC["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    assert VC["credentialSubject"]["id"].startswith("urn:uuid:")


def test_an_exam_says_its_result() -> None:
    subject = credentials.credential(EXAM, BASE)["credentialSubject"]
    description = subject["achievement"]["resultDescription"][0]
    assert description["resultType"] == "Status"
    assert subject["result"] == [
        {"type": ["Result"], "resultDescription": description["id"], "status": "Completed"}
    ]


def test_the_subject_id_links_no_two_credentials() -> None:
    exam = credentials.credential(EXAM, BASE)
    assert exam["credentialSubject"]["id"] != VC["credentialSubject"]["id"]


@pytest.mark.parametrize(
    ("kind", "fields", "achieved"),
    [
        ("certificate", {"title": "EHBO"}, True),
        ("exam_result", {"result": "passed"}, True),
        ("exam_result", {"result": "failed"}, False),
        ("exam_result", {"result": "waiting"}, False),
        ("exam_result", {}, False),
        ("experience", {"role": "x"}, False),
    ],
)
def test_only_achievements_are_issued(kind, fields, achieved) -> None:
    assert records.is_achievement(kind, fields) is achieved


def test_the_jose_header_is_exactly_the_one_of_8_2() -> None:
    private, _public_key = _key()
    header, _payload = _parts(credentials.sign(private, VC, KID))
    assert header == {"alg": "RS256", "typ": "JWT", "kid": KID}


def test_the_claims_repeat_the_credential() -> None:
    private, _public_key = _key()
    _header, payload = _parts(credentials.sign(private, VC, KID))
    assert payload["iss"] == VC["issuer"]["id"]
    assert payload["jti"] == VC["id"]
    assert payload["sub"] == VC["credentialSubject"]["id"]
    assert datetime.fromtimestamp(payload["nbf"], UTC) == datetime(2026, 5, 1, tzinfo=UTC)
    assert "exp" not in payload and "vc" not in payload
    assert {k: v for k, v in payload.items() if k not in credentials.CLAIMS} == VC


def test_the_same_credential_is_the_same_bytes() -> None:
    private, _public_key = _key()
    assert credentials.sign(private, VC, KID) == credentials.sign(private, dict(VC), KID)


def test_verifies_with_its_key_in_two_implementations() -> None:
    private, public = _key()
    token = credentials.sign(private, VC, KID)
    assert credentials.verify(token, public) == VC
    assert {k: v for k, v in _jwcrypto_verify(token, public).items() if k != "nbf"} == {
        **VC,
        **{k: v for k, v in credentials.jwt_claims(VC).items() if k != "nbf"},
    }
    _other, other_public = _other_key()
    with pytest.raises(CredentialError):
        credentials.verify(token, other_public)
    with pytest.raises(JWException):
        _jwcrypto_verify(token, other_public)


def _resigned(private: RSAPrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return credentials.b64url(json.dumps(data, separators=(",", ":")).encode())

    signing_input = part(header) + "." + part(payload)
    signature = credential_keys.sign_rs256(private, signing_input.encode())
    return f"{signing_input}.{credentials.b64url(signature)}"


@pytest.mark.parametrize("claim", ["iss", "jti", "nbf", "sub"])
def test_a_claim_that_does_not_repeat_the_credential_is_refused(claim) -> None:
    private, public = _key()
    header, payload = _parts(credentials.sign(private, VC, KID))
    payload[claim] = 1 if claim == "nbf" else "urn:uuid:00000000-0000-0000-0000-000000000000"
    with pytest.raises(CredentialError):
        credentials.verify(_resigned(private, header, payload), public)
    del payload[claim]
    with pytest.raises(CredentialError):
        credentials.verify(_resigned(private, header, payload), public)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "typ": "vc+jwt", "kid": KID},
        {"alg": "RS256", "typ": "JWT", "cty": "vc", "kid": KID},
        {"alg": "EdDSA", "typ": "JWT", "kid": KID},
        {"alg": "none", "typ": "JWT", "kid": KID},
    ],
)
def test_a_header_outside_8_2_is_refused(header) -> None:
    private, public = _key()
    _header, payload = _parts(credentials.sign(private, VC, KID))
    with pytest.raises(CredentialError):
        credentials.verify(_resigned(private, header, payload), public)


def _with_leaf(document: dict[str, Any], path: tuple[Any, ...], value: str) -> dict[str, Any]:
    """The document with the leaf at ``path`` set to ``value`` (changed, in any case)."""
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value if target[path[-1]] != value else value + "x"
    return document


@given(st.sampled_from(LEAVES), st.text(min_size=1, max_size=20))
def test_any_changed_field_fails(path, value) -> None:
    private, public = _key()
    token = credentials.sign(private, VC, KID)
    header, payload, signature = token.split(".")
    changed = _with_leaf(json.loads(base64.urlsafe_b64decode(payload + "==")), path, value)
    forged_payload = credentials.b64url(json.dumps(changed, separators=(",", ":")).encode())
    forged = f"{header}.{forged_payload}.{signature}"
    with pytest.raises(CredentialError):
        credentials.verify(forged, public)
    with pytest.raises(JWException):
        _jwcrypto_verify(forged, public)


def test_the_public_jwk_holds_no_private_part_and_names_itself() -> None:
    private, public = _key()
    published = credentials.public_jwk(public, KID)
    assert set(published) == {"kty", "n", "e", "kid", "alg", "use"}
    assert jwk.JWK(**published).thumbprint() == credential_keys.thumbprint(public)
    assert _public(private) == public


@given(st.text(alphabet=issued.ALPHABET, min_size=16, max_size=16), st.booleans())
def test_document_numbers_as_people_type_them(number: str, lower: bool) -> None:
    typed = issued.shown_id(number)
    typed = typed.lower() if lower else typed
    typed = typed.replace("0", "O").replace("1", "l")
    assert issued.parse_id(" " + typed + " ") == number


def test_not_document_numbers() -> None:
    for text in ("", "hello", "U" * 16, "0" * 15, "0" * 17, "0000-0000-0000-000!"):
        assert issued.parse_id(text) is None


def test_a_credential_with_its_status_entry_still_validates() -> None:
    place = status.Place(1, 90_210)
    vc = credentials.credential(CERTIFICATE, BASE, status.entry(VC["issuer"]["id"], place))
    assert vc["credentialStatus"] == {
        "id": VC["issuer"]["id"] + "/status/1#90210",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "90210",
        "statusListCredential": VC["issuer"]["id"] + "/status/1",
    }
    for schema in (
        "ob_v3p0_achievementcredential_schema.json",
        "vc2_verifiable-credential-schema.json",
    ):
        assert schema_errors(vc, schema) == []


@given(st.sets(st.integers(min_value=0, max_value=status.LIST_SIZE - 1), max_size=40))
def test_the_bitstring_holds_exactly_the_revoked_places(revoked: set[int]) -> None:
    bits = status.decoded_list(status.encoded_list(sorted(revoked)))
    assert len(bits) == status.LIST_SIZE // 8
    # Look only inside the bytes that are not zero: fast enough to hold under load.
    busy = [n for n, byte in enumerate(bits) if byte]
    assert {i for n in busy for i in range(8 * n, 8 * n + 8) if status.is_set(bits, i)} == revoked


def test_the_first_place_is_the_left_most_bit() -> None:
    bits = status.decoded_list(status.encoded_list([0, 9]))
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000


# -- Data Integrity (eddsa-rdfc-2022) ------------------------------------------------------

PROOF_KEY = Ed25519PrivateKey.generate()
PROOF_PUBLIC = PROOF_KEY.public_key().public_bytes_raw()
METHOD = credentials.issuer_id(BASE, "m" * 32) + "#proof-key"


def test_the_bundled_contexts_are_the_official_files() -> None:
    sources = (integrity.CONTEXT_DIR / "SOURCES.md").read_text()
    for name in integrity.BUNDLED.values():
        digest = hashlib.sha256((integrity.CONTEXT_DIR / name).read_bytes()).hexdigest()
        assert f"`{name}` " in sources and digest in sources, name


def test_a_proof_verifies_and_is_the_same_bytes_each_time() -> None:
    secured = integrity.prove(VC, PROOF_KEY, METHOD, VC["validFrom"])
    assert integrity.verify(secured, PROOF_PUBLIC) == VC
    assert integrity.prove(VC, PROOF_KEY, METHOD, VC["validFrom"]) == secured  # Ed25519
    assert secured["proof"]["proofValue"].startswith("z")
    assert integrity.multikey(PROOF_PUBLIC).startswith("z6Mk")  # an Ed25519 Multikey


@given(st.sampled_from(LEAVES), st.text(min_size=1, max_size=20))
def test_any_changed_field_breaks_the_proof(path, value) -> None:
    secured = json.loads(json.dumps(integrity.prove(VC, PROOF_KEY, METHOD, VC["validFrom"])))
    _with_leaf(secured, path, value)
    with pytest.raises(CredentialError):
        integrity.verify(secured, PROOF_PUBLIC)


def test_another_key_or_a_changed_proof_fails() -> None:
    secured = integrity.prove(VC, PROOF_KEY, METHOD, VC["validFrom"])
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(CredentialError):
        integrity.verify(secured, other)
    moved = {**secured, "proof": {**secured["proof"], "created": "2030-01-01T00:00:00Z"}}
    with pytest.raises(CredentialError):
        integrity.verify(moved, PROOF_PUBLIC)


def test_a_context_that_is_not_bundled_is_refused_never_fetched() -> None:
    foreign = {**VC, "@context": [*VC["@context"], "https://example.org/evil-context.jsonld"]}
    with pytest.raises(CredentialError):
        integrity.canonical(foreign)
    # JSON-LD would drop a term no context defines, unsigned: refused instead.
    extra = {**VC, "surprise": "a term the contexts do not name"}
    with pytest.raises(CredentialError):
        integrity.canonical(extra)
    with pytest.raises(CredentialError):
        integrity.verify(
            {**integrity.prove(VC, PROOF_KEY, METHOD, VC["validFrom"]), **extra}, PROOF_PUBLIC
        )
