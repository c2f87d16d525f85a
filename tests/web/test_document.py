"""The portfolio document: the owner chooses audience, parts, items and languages; the
PDF parses with the chosen parts, carries a PAdES signature that validates (intact,
valid, trusted against the municipality's certificate) and the endorsements as Open
Badges credentials that an independent JOSE library verifies; the public page tells the
issued file from a changed one and shows a revoked one as revoked."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import base58
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient
from jwcrypto import jwk, jws
from pyld import jsonld
from pypdf import PdfReader
from sqlalchemy import func, select

from portfolio.accounts.models import Municipality
from portfolio.db import db
from portfolio.entries.models import Item, ItemFile
from portfolio.export import pades, status
from portfolio.export.document import DEFAULT_SECTIONS, Audience
from portfolio.export.models import CredentialStatus, IssuedDocument
from portfolio.sharing.models import Endorsement
from tests.conftest import CSRF_RE, in_app, login, post_form
from tests.unit.test_credentials import schema_errors
from tests.web.test_feedback import pair  # noqa: F401  (fixture)
from tests.web.test_records import EXAM, post_multipart
from tests.web.test_records import jpeg as _jpeg
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client

EMPLOYER = {
    "audience": "employer",
    "sections": ["language", "goals", "certificates", "experience"],
    "language": "nl",
    "shown_name": "Amal Haddad",
}
# Headings as the Dutch catalog has them.
HEADINGS = {
    "language": "Nederlandse taal",
    "goals": "Behaalde doelen",
    "certificates": "Certificaten en diploma's",
    "experience": "Werk en vrijwilligerswerk",
    "pip": "Persoonlijk plan (PIP), samenvatting",
    "domains": "Samenvatting per leefgebied",
}


def done_goal(
    owner: FlaskClient, title: str = "Fietsen in de stad", domain: str = "daily_life"
) -> None:
    response = post_form(
        owner,
        "/portfolio/goals/new",
        {"title": title, "domain": domain, "term": "short", "status": "done"},
    )
    assert response.status_code == 302


def is_checked(page: str, value: str) -> bool:
    tags = re.findall(rf'<input[^>]*value="{value}"[^>]*>', page)
    assert tags, value
    return any(" checked" in tag for tag in tags)


def checked_items(owner: FlaskClient, audience: str = "employer") -> list[str]:
    page = owner.get(f"/documents/new/{audience}").get_data(as_text=True)
    return re.findall(r'name="items" id="item-\w+" value="(\w+)" checked', page)


def make_document(owner: FlaskClient, data: dict, audience: str = "employer"):
    items = data.get("items", checked_items(owner, audience))
    return post_form(owner, f"/documents/new/{audience}", {**data, "items": items})


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def document_id(data: bytes) -> str:
    match = re.search(r"/verify/([0-9A-Z]{16})", text_of(data))
    assert match
    return match.group(1)


@pytest.fixture
def verified(pair):  # noqa: F811
    owner, staff, owner_id, cert_id, _cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    done_goal(owner)
    levels = {"skill_reading": "A2", "skill_speaking": "A1", "target": "B1"}
    assert post_form(owner, "/progress/language/new", levels).status_code == 302
    return owner, staff, owner_id, cert_id


def test_the_choice_starts_from_the_audience_and_leaves_health_out(app: Flask, verified) -> None:
    owner, *_ = verified
    done_goal(owner, "Huisarts gevonden", domain="health")
    health_goal = in_app(
        app,
        lambda: db.session.scalar(
            select(Item.id)
            .where(Item.kind == "goal", Item.domain_code == "health")
            .order_by(Item.created_at.desc())
            .limit(1)
        ),
    )
    step = owner.get("/documents/new")
    assert step.status_code == 200 and 'name="audience"' in step.get_data(as_text=True)
    assert owner.get("/documents/new?audience=employer").location.endswith(
        "/documents/new/employer"
    )
    refused = owner.get("/documents/new?audience=spy").get_data(as_text=True)
    assert 'class="field-error"' in refused or "error-summary" in refused
    page = owner.get("/documents/new/employer").get_data(as_text=True)
    assert not is_checked(page, "pip") and is_checked(page, "certificates")
    assert not is_checked(page, health_goal)
    municipality = owner.get("/documents/new/municipality").get_data(as_text=True)
    assert is_checked(municipality, "pip")


def test_employer_document_parses_is_signed_and_carries_credentials(app: Flask, verified) -> None:
    owner, *_ = verified
    response = make_document(owner, {**EMPLOYER, "language": "ar"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    data = response.data
    text = text_of(data)
    for section in ("language", "goals", "certificates", "experience"):
        assert HEADINGS[section] in text, section
    assert HEADINGS["pip"] not in text and HEADINGS["domains"] not in text
    for value in ("Amal Haddad", "Certificaat EHBO", "Fietsen in de stad", "Voedselbank Utrecht"):
        assert value in text, value
    assert "Sanne de Vries" in text  # the verification, with who did it

    org = in_app(app, lambda: db.session.scalars(select(Municipality)).one())
    check = pades.check(data, org.certificate)
    assert check is not None and (check.intact, check.valid, check.trusted) == (True,) * 3
    assert "Utrecht" in check.signer

    reader = PdfReader(io.BytesIO(data))
    assert sorted(n.rsplit(".", 1)[1] for n in reader.attachments) == ["json", "jwt"]
    [token] = _attached_tokens(data)
    profile = app.test_client().get(f"/issuers/{org.id}").get_json()
    key = jwk.JWK(**profile["verificationMethod"][0]["publicKeyJwk"])
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key)  # jwcrypto, not our code
    credential = json.loads(signed.payload)
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Certificaat EHBO"
    assert credential["issuer"]["id"] == profile["id"]
    # The same credential with a Data Integrity proof, checked from the specification.
    [secured] = _attached_linked_data(data)
    unsecured = verify_data_integrity(secured, profile)
    assert unsecured == {
        k: v for k, v in credential.items() if k not in ("iss", "jti", "nbf", "sub")
    }

    stored = in_app(app, lambda: db.session.scalars(select(IssuedDocument)).one())
    assert stored.verified_count == 1 and stored.item_count == 3
    assert stored.shown_name is None  # not allowed by the owner
    assert stored.languages == "nl+ar"


def test_municipality_document_has_the_plan_and_the_domains(app: Flask, verified) -> None:
    owner, *_ = verified
    response = make_document(
        owner,
        {**EMPLOYER, "audience": "municipality", "sections": list(HEADINGS)},
        audience="municipality",
    )
    assert response.status_code == 200
    text = text_of(response.data)
    for section, heading in HEADINGS.items():
        # No plan was agreed yet: a chosen part with nothing in it is left out.
        assert (heading in text) == (section != "pip"), heading


def test_only_the_owners_chosen_items_go_in(app: Flask, verified, make_owner) -> None:
    owner, _staff, _owner_id, cert_id = verified
    chosen = [i for i in checked_items(owner) if i != cert_id]
    text = text_of(make_document(owner, {**EMPLOYER, "items": chosen}).data)
    assert "Certificaat EHBO" not in text and "Fietsen in de stad" in text
    # another person's item id is not a way into someone's portfolio
    other = make_owner("bilal")
    stranger = app.test_client()
    login(stranger, other.username, other.passphrase)
    done_goal(stranger, "Mijn eigen doel")
    refused = make_document(stranger, {**EMPLOYER, "items": [cert_id]})
    assert 'class="field-error"' in refused.get_data(as_text=True)
    assert in_app(app, lambda: len(db.session.scalars(select(IssuedDocument)).all())) == 1


def test_bad_choices_get_translated_errors_and_no_document(app: Flask, verified) -> None:
    owner, *_ = verified
    for bad in (
        {**EMPLOYER, "sections": []},
        {**EMPLOYER, "shown_name": ""},
        {**EMPLOYER, "shown_name": "x" * 81},
        {**EMPLOYER, "language": "xx"},
        {**EMPLOYER, "sections": ["language", "secrets"]},
        {**EMPLOYER, "items": ["nope"]},
    ):
        response = make_document(owner, bad)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert 'class="field-error"' in response.get_data(as_text=True), bad
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument)).all()) == []
    assert owner.get("/documents/new/spy").status_code == 302


def test_verification_page_exact_changed_and_revoked(app: Flask, verified) -> None:
    owner, *_ = verified
    data = make_document(owner, {**EMPLOYER, "name_on_page": "y"}).data
    number = document_id(data)
    visitor = app.test_client()
    page = visitor.get(f"/verify/{number}").get_data(as_text=True)
    assert "Utrecht" in page and "Amal Haddad" in page  # the owner allowed the name
    assert "3 items, 1 verified" in page

    def upload(payload: bytes, name: str = "portfolio.pdf"):
        return post_form(
            visitor,
            f"/verify/{number}",
            {"document": (io.BytesIO(payload), name)},
        )

    exact = upload(data).get_data(as_text=True)
    assert 'class="callout success"' in exact
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    different = upload(bytes(changed)).get_data(as_text=True)
    assert 'class="callout success"' not in different and 'role="status"' in different
    not_pdf = upload(b"hello", "a.pdf").get_data(as_text=True)
    assert 'class="field-error"' in not_pdf

    stored_id = in_app(app, lambda: db.session.scalars(select(IssuedDocument.id)).one())
    assert post_form(owner, f"/documents/{stored_id}/revoke", {}, "/documents").status_code == 302
    revoked = upload(data).get_data(as_text=True)
    assert 'class="callout success"' not in revoked and 'role="status"' in revoked
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument.revoked_at)).one())


def test_lookup_by_number_as_people_type_it(app: Flask, verified) -> None:
    owner, *_ = verified
    number = document_id(make_document(owner, EMPLOYER).data)
    visitor = app.test_client()
    typed = "-".join(number[i : i + 4] for i in range(0, 16, 4)).lower()
    assert visitor.get(f"/verify?number={typed}").location.endswith(f"/verify/{number}")
    unknown = visitor.get("/verify?number=0000-0000-0000-0000").get_data(as_text=True)
    assert 'class="field-error"' in unknown
    assert visitor.get("/verify?number=hello").status_code == 200
    assert visitor.get("/verify/NOTADOCUMENT").status_code == 404


def test_others_cannot_revoke_or_download_credentials(app: Flask, verified, make_owner) -> None:
    owner, staff, _owner_id, cert_id = verified
    make_document(owner, EMPLOYER)
    stored_id = in_app(app, lambda: db.session.scalars(select(IssuedDocument.id)).one())
    other = make_owner("bilal")
    stranger = app.test_client()
    login(stranger, other.username, other.passphrase)
    assert (
        post_form(stranger, f"/documents/{stored_id}/revoke", {}, "/documents").status_code == 404
    )
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument.revoked_at)).one()) is None
    endorsement = in_app(
        app,
        lambda: db.session.scalar(select(Endorsement.id)),
    )
    assert stranger.get(f"/items/{cert_id}/credentials/{endorsement}").status_code == 404
    own = owner.get(f"/items/{cert_id}/credentials/{endorsement}")
    assert own.status_code == 200 and own.headers["Content-Type"] == "application/vc+jwt"
    assert staff.get(f"/items/{cert_id}/credentials/{endorsement}").status_code in (403, 404)


@pytest.mark.parametrize("audience", ["employer", "school", "municipality", "other"])
def test_each_audience_gets_its_default_parts(app: Flask, verified, audience: str) -> None:
    owner, *_ = verified
    page = owner.get(f"/documents/new/{audience}").get_data(as_text=True)
    sections = [s for s in HEADINGS if is_checked(page, s)]
    expected = DEFAULT_SECTIONS[Audience(audience)]
    assert set(sections) == {s.value for s in expected}
    data = {**EMPLOYER, "audience": audience, "sections": sections}
    text = text_of(make_document(owner, data, audience=audience).data)
    for section, heading in HEADINGS.items():
        shown = section in sections and section != "pip"  # no plan agreed yet: left out
        assert (heading in text) == shown, (audience, section)


def _attached_tokens(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [c[0].decode() for name, c in reader.attachments.items() if name.endswith(".jwt")]


def _attached_linked_data(data: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(data))
    return [json.loads(c[0]) for name, c in reader.attachments.items() if name.endswith(".json")]


BUNDLED_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}


def _canonical(document: dict) -> bytes:
    """RDFC-1.0 with the bundled contexts only (pyld, not our module)."""
    folder = Path(__file__).resolve().parents[2] / "portfolio" / "export" / "contexts"

    def load(url: str, options=None) -> dict:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads((folder / BUNDLED_CONTEXTS[url]).read_text()),
        }

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load}
    return jsonld.normalize(document, options).encode()


def verify_data_integrity(secured: dict, profile: dict) -> dict:
    """eddsa-rdfc-2022 (VC DI EdDSA §3.2), written from the specification: the key is
    the profile's Multikey, the hash data the SHA-256 of the canonical proof options
    followed by that of the canonical credential."""
    proof = secured["proof"]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["verificationMethod"] in profile["assertionMethod"]
    (method,) = [m for m in profile["verificationMethod"] if m["id"] == proof["verificationMethod"]]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    raw = base58.b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    hashed = hashlib.sha256(_canonical({**options, "@context": secured["@context"]})).digest()
    hashed += hashlib.sha256(_canonical(unsecured)).digest()
    Ed25519PublicKey.from_public_bytes(raw[2:]).verify(
        base58.b58decode(proof["proofValue"][1:]), hashed
    )
    return unsecured


def _jose(token: str) -> tuple[dict, dict]:
    header, payload, _signature = token.split(".")
    return tuple(json.loads(base64.urlsafe_b64decode(p + "==")) for p in (header, payload))


def test_credentials_follow_open_badges_3_and_their_kid_resolves(app: Flask, verified) -> None:
    owner, _staff, _owner_id, cert_id = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    header, payload = _jose(token)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": header["kid"]}
    visitor = app.test_client()
    published = visitor.get(urlsplit(header["kid"]).path)
    assert published.status_code == 200 and published.headers["Content-Type"] == "application/json"
    key = published.get_json()
    assert "d" not in key and key["kid"] == header["kid"] and key["kty"] == "RSA"
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(jwk.JWK(**key), alg="RS256")  # jwcrypto, with the key the kid names

    vc = {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub")}
    assert schema_errors(vc, "ob_v3p0_achievementcredential_schema.json") == []
    assert schema_errors(vc, "vc2_verifiable-credential-schema.json") == []
    assert (payload["iss"], payload["jti"], payload["sub"]) == (
        vc["issuer"]["id"],
        vc["id"],
        vc["credentialSubject"]["id"],
    )
    profile = visitor.get(urlsplit(payload["iss"]).path).get_json()
    assert profile["id"] == payload["iss"] and profile["assertionMethod"][0] == header["kid"]
    assert profile["assertionMethod"][1:] == [profile["id"] + "#proof-key"]  # Data Integrity
    assert schema_errors(profile, "ob_v3p0_profile_schema.json") == []
    assert visitor.get(urlsplit(header["kid"]).path + "x").status_code == 404

    endorsement = in_app(app, lambda: db.session.scalar(select(Endorsement.id)))
    download = owner.get(f"/items/{cert_id}/credentials/{endorsement}")
    assert download.data.decode() == token  # one credential: the same bytes everywhere


def test_a_forged_host_changes_nothing_in_a_document_or_a_credential(app: Flask, verified) -> None:
    owner, _staff, _owner_id, cert_id = verified
    public = app.extensions["portfolio.settings"].public_url
    data = {**EMPLOYER, "items": checked_items(owner)}
    for (_domain, path, name), cookie in list(owner._cookies.items()):  # the same browser
        owner.set_cookie(name, cookie.value, domain="evil.example", path=path)
    page = owner.get("/documents/new/employer", base_url="https://evil.example")
    found = CSRF_RE.search(page.get_data(as_text=True))
    token = found.group(1) or found.group(2)
    response = owner.post(
        "/documents/new/employer",
        data={"csrf_token": token, **data},
        base_url="https://evil.example",
    )
    assert response.status_code == 200
    text = text_of(response.data)
    assert "evil.example" not in text and f"{public}/verify/" in text
    [credential] = _attached_tokens(response.data)
    header, payload = _jose(credential)
    assert header["kid"].startswith(public + "/issuers/")
    assert payload["iss"].startswith(public + "/issuers/") and "evil" not in json.dumps(payload)
    endorsement = in_app(app, lambda: db.session.scalar(select(Endorsement.id)))
    download = owner.get(
        f"/items/{cert_id}/credentials/{endorsement}", base_url="https://evil.example"
    )
    assert download.data.decode() == credential
    profile = app.test_client().get(urlsplit(payload["iss"]).path, base_url="https://evil.example")
    assert "evil.example" not in profile.get_data(as_text=True)


def test_a_failed_exam_is_verified_but_never_issued_as_an_achievement(
    app: Flask, make_owner, make_staff
) -> None:
    owner = owner_with_items(app, make_owner)
    exams = {
        result: post_multipart(
            owner, "/portfolio/exams/new", {**EXAM, "result": result, "component": component}
        ).location.rsplit("/", 1)[1]
        for result, component in (("passed", "reading"), ("failed", "speaking"))
    }
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {**SHARE, "kinds": ["goal", "exam_result"], "may_verify": "y"},
    )
    owner_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    for item_id in exams.values():
        item_url = f"/clients/{owner_id}/items/{item_id}"
        assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    document = make_document(owner, EMPLOYER)
    assert document.status_code == 200
    [token] = _attached_tokens(document.data)
    assert _jose(token)[1]["credentialSubject"]["result"][0]["status"] == "Completed"
    failed_page = owner.get(f"/portfolio/exams/{exams['failed']}").get_data(as_text=True)
    assert "Verified by" in failed_page and "/credentials/" not in failed_page
    passed_page = owner.get(f"/portfolio/exams/{exams['passed']}").get_data(as_text=True)
    assert "/credentials/" in passed_page

    def failed_endorsement() -> str:
        return db.session.scalar(
            select(Endorsement.id).where(Endorsement.item_id == exams["failed"])
        )

    endorsement = in_app(app, failed_endorsement)
    assert owner.get(f"/items/{exams['failed']}/credentials/{endorsement}").status_code == 404


def test_the_verification_page_never_contradicts_itself_and_names_the_certificate(
    app: Flask, verified
) -> None:
    owner, *_ = verified
    data = make_document(owner, EMPLOYER).data
    number = document_id(data)
    visitor = app.test_client()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    page = post_form(
        visitor, f"/verify/{number}", {"document": (io.BytesIO(bytes(changed)), "p.pdf")}
    ).get_data(as_text=True)
    assert "Not valid" in page and "Valid," not in page and "Valid:" not in page
    org = in_app(app, lambda: db.session.scalars(select(Municipality)).one())
    fingerprint = ":".join(re.findall("..", hashlib.sha256(org.certificate).hexdigest().upper()))
    assert fingerprint in page
    pem = visitor.get(f"/verify/{number}/certificate.pem")
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN CERTIFICATE-----")
    certificate = x509.load_pem_x509_certificate(pem.data).public_bytes(serialization.Encoding.DER)
    check = pades.check(data, certificate)  # anyone can check the signature with it
    assert check is not None and check.intact and check.valid
    assert visitor.get("/verify/0000000000000000/certificate.pem").status_code == 404


def _status_bit(app: Flask, entry: dict) -> bool:
    """Read a credential's bit the way a verifier does: fetch its list, check the list's
    signature with the key its kid names, decode the bitstring."""
    visitor = app.test_client()
    listed = visitor.get(urlsplit(entry["statusListCredential"]).path)
    assert listed.status_code == 200 and listed.mimetype == "application/vc+jwt"
    token = listed.data.decode()
    header, payload = _jose(token)
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(jwk.JWK(**visitor.get(urlsplit(header["kid"]).path).get_json()), alg="RS256")
    vc = {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub")}
    assert vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert schema_errors(vc, "vc2_verifiable-credential-schema.json") == []
    subject = vc["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"] == "revocation"
    bits = status.decoded_list(subject["encodedList"])
    assert len(bits) * 8 == status.LIST_SIZE == 131_072  # herd privacy: the W3C minimum
    return status.is_set(bits, int(entry["statusListIndex"]))


def test_a_withdrawn_verification_is_revoked_in_the_status_list(app: Flask, verified) -> None:
    owner, staff, owner_id, cert_id = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    entry = _jose(token)[1]["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusListCredential"].startswith(_jose(token)[1]["issuer"]["id"] + "/status/")
    assert _status_bit(app, entry) is False
    endorsement = in_app(app, lambda: db.session.scalar(select(Endorsement.id)))
    again = owner.get(f"/items/{cert_id}/credentials/{endorsement}").data.decode()
    assert again == token  # the same place in the list, the same bytes
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    withdrawn = post_form(staff, f"{item_url}/endorsements/{endorsement}/withdraw", {}, item_url)
    assert withdrawn.status_code == 302
    assert _status_bit(app, entry) is True


def test_a_credential_of_an_item_changed_after_verification_is_revoked(
    app: Flask, verified
) -> None:
    owner, _staff, _owner_id, cert_id = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    entry = _jose(token)[1]["credentialStatus"]
    assert _status_bit(app, entry) is False
    edit = f"/portfolio/certificates/{cert_id}/edit"
    changed = {"title": "Certificaat EHBO", "kind": "course", "issuer": "Ander", "domain": "work"}
    assert post_multipart(owner, edit, changed).status_code == 302
    assert "no longer holds" in owner.get(f"/portfolio/certificates/{cert_id}").get_data(
        as_text=True
    )
    assert _status_bit(app, entry) is True

    def distinct_indices() -> int:
        return db.session.scalar(select(func.count(CredentialStatus.status_index.distinct())))

    assert in_app(app, distinct_indices) == 1


def test_a_credential_of_a_deleted_item_is_revoked(app: Flask, verified) -> None:
    owner, _staff, _owner_id, cert_id = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    entry = _jose(token)[1]["credentialStatus"]
    assert _status_bit(app, entry) is False
    deleted = post_form(owner, f"/portfolio/items/{cert_id}/delete", {}, "/portfolio/")
    assert deleted.status_code == 302
    assert _status_bit(app, entry) is True


def test_a_revoked_credential_is_not_issued_again_when_its_item_changes_back(
    app: Flask, verified
) -> None:
    """A revocation bit is never cleared: once the certificate changed after it was
    verified, its credential is not handed out again, even when the change is undone."""
    owner, _staff, _owner_id, cert_id = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    entry = _jose(token)[1]["credentialStatus"]
    page = f"/portfolio/certificates/{cert_id}"
    photo = {"photo": (io.BytesIO(_jpeg()), "voorkant.jpg")}
    assert post_multipart(owner, f"{page}/files", photo, form_page=page).status_code == 302
    assert _status_bit(app, entry) is True
    file_id = in_app(app, lambda: db.session.scalar(select(ItemFile.id)))
    post_form(owner, f"{page}/files/{file_id}/delete", {}, page)
    assert "Verified by" in owner.get(page).get_data(as_text=True)  # it holds again
    endorsement = in_app(app, lambda: db.session.scalar(select(Endorsement.id)))
    again = owner.get(f"/items/{cert_id}/credentials/{endorsement}")
    assert again.status_code == 302 and again.location.endswith(page)
    assert "verify it again" in owner.get(page).get_data(as_text=True)
    assert _attached_tokens(make_document(owner, EMPLOYER).data) == []
    assert _status_bit(app, entry) is True


def test_the_credential_names_its_holder_by_a_salted_hash_of_the_shared_name(
    app: Flask, verified
) -> None:
    """OB 3.0 IdentityObject: the newcomer proves the credential is theirs by showing an
    ID with the name they shared under; the credential holds only its salted hash."""
    owner, *_ = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    _header, payload = _jose(token)
    (identity,) = payload["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityType"] == "name" and len(identity["salt"]) == 32
    plain = (SHARE["shown_name"] + identity["salt"]).encode()
    assert identity["identityHash"] == "sha256$" + hashlib.sha256(plain).hexdigest()
    assert SHARE["shown_name"] not in base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()


def test_the_issuer_resolves_as_did_web_with_the_same_keys(app: Flask, verified) -> None:
    owner, *_ = verified
    [token] = _attached_tokens(make_document(owner, EMPLOYER).data)
    header, payload = _jose(token)
    visitor = app.test_client()
    profile = visitor.get(urlsplit(payload["iss"]).path).get_json()
    [entry] = profile["otherIdentifier"]
    did = entry["identifier"]
    assert did.startswith("did:web:")
    # did:web: the method-specific id, ':' for '/', percent-decoded, + /did.json
    address = "https://" + unquote(did.removeprefix("did:web:").replace(":", "/")) + "/did.json"
    assert urlsplit(address).netloc == urlsplit(payload["iss"]).netloc
    document = visitor.get(urlsplit(address).path).get_json()
    assert document["id"] == did and document["alsoKnownAs"] == [profile["id"]]
    by_type = {m["type"]: m for m in document["verificationMethod"]}
    assert set(document["assertionMethod"]) == {m["id"] for m in document["verificationMethod"]}
    assert all(m["controller"] == did and m["id"].startswith(did + "#") for m in by_type.values())
    published = visitor.get(urlsplit(header["kid"]).path).get_json()
    assert by_type["JsonWebKey"]["publicKeyJwk"] == published  # the key of the VC-JWT
    proof_key = next(m for m in profile["verificationMethod"] if m["type"] == "Multikey")
    assert by_type["Multikey"]["publicKeyMultibase"] == proof_key["publicKeyMultibase"]
