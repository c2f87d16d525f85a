"""The public verification page: anyone with a document number (from the QR code) sees
who issued it, when, whether it still holds and how many items were verified, and can
upload the PDF to learn whether it is exactly the issued document. No account, no
personal data beyond the name the owner allowed. Rate-limited per address.

Also public: each municipality's issuer profile with the public key its credentials are
signed with (a JWK), so that a verifier's own software can check them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from portfolio.accounts.access import public
from portfolio.accounts.models import Municipality
from portfolio.db import dbs, utcnow
from portfolio.export import badges, credentials, integrity, issued, status
from portfolio.export.document import AUDIENCE_LABELS, Audience
from portfolio.export.forms import LookupForm, UploadForm
from portfolio.export.models import IssuedDocument
from portfolio.extensions import limiter
from portfolio.vault import credential_keys
from portfolio.verify import bp
from portfolio.web import app_settings, attachment, vault_context

LOOK_RATE = "60 per minute;600 per hour"
UPLOAD_RATE = "10 per minute;100 per hour"
PDF_MAGIC = b"%PDF-"
SIGNATURE_LEVELS = {
    "B-B": _l("PAdES B-B: a basic electronic signature"),
    "B-B+LTV": _l(
        "PAdES B-B with validation data: the status of its certificates is kept in the"
        " document, without a timestamp"
    ),
    "B-LTA": _l("PAdES B-LTA: a long-term signature with timestamps from a timestamp authority"),
}
# Controlled Identifiers 1.0: verificationMethod, assertionMethod, JsonWebKey, publicKeyJwk.
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"


def _audience(document: IssuedDocument) -> object:
    try:
        return AUDIENCE_LABELS[Audience(document.audience)]
    except ValueError:
        return document.audience


@bp.route("/verify")
@limiter.limit(LOOK_RATE)
@public
def start() -> str | Response:
    form = LookupForm(request.args)
    if request.args and form.validate():
        document_id = issued.parse_id(form.number.data)
        if document_id is None:
            form.number.errors = [_("This is not a document number. It has 16 letters and digits.")]
        elif issued.find(dbs(), document_id) is None:
            form.number.errors = [_("No document has this number. Please check it and try again.")]
        else:
            return redirect(url_for("verify.document", document_id=document_id))
    return render_template("verify/start.html", form=form)


@bp.route("/verify/<document_id>", methods=["GET", "POST"])
@limiter.limit(LOOK_RATE, methods=["GET"])
@limiter.limit(UPLOAD_RATE, methods=["POST"])
@public
def document(document_id: str) -> str | Response:
    parsed = issued.parse_id(document_id)
    found = issued.find(dbs(), parsed) if parsed else None
    if found is None:
        abort(404)
    if parsed != document_id:
        return redirect(url_for("verify.document", document_id=parsed))
    form = UploadForm()
    verdict = None
    if form.validate_on_submit():
        data = form.document.data.read()
        if not data.startswith(PDF_MAGIC):
            form.document.errors = [
                _("This file is not a PDF. Please choose the PDF document you received.")
            ]
        else:
            verdict = issued.check(found, data)
    return render_template(
        "verify/document.html",
        document=found,
        shown_id=issued.shown_id(found.id),
        fingerprint=issued.fingerprint(found.certificate_sha256),
        certificate_known=issued.signing_certificate(dbs(), found) is not None,
        audience=_audience(found),
        form=form,
        verdict=verdict,
        Verdict=issued.Verdict,
        signature_levels=SIGNATURE_LEVELS,
    )


@bp.route("/verify/<document_id>/certificate.pem")
@limiter.limit(LOOK_RATE)
@public
def certificate(document_id: str) -> Response:
    """The certificate the document was signed with, to check its signature in any PDF
    reader (only while the issuer still has it)."""
    parsed = issued.parse_id(document_id)
    found = issued.find(dbs(), parsed) if parsed else None
    der = issued.signing_certificate(dbs(), found) if found else None
    if der is None:
        abort(404)
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
    response = attachment(pem, "application/x-pem-file", f"certificate-{parsed}.pem")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _issuer(municipality_id: str) -> Municipality:
    org = dbs().get(Municipality, municipality_id) if len(municipality_id) <= 32 else None
    if org is None:
        abort(404)
    return org


def _public_json(data: dict[str, Any]) -> Response:
    response = jsonify(data)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/issuers/<municipality_id>")
@limiter.limit(LOOK_RATE)
@public
def issuer(municipality_id: str) -> Response:
    """The issuer's Open Badges Profile: who it is, the keys its credentials are secured
    with (``assertionMethod``: the ``kid`` of every VC-JWT, the Multikey of every Data
    Integrity proof) and the key of its endorsement statements (in the data export)."""
    org = _issuer(municipality_id)
    public_url = app_settings().public_url
    profile_id = credentials.issuer_id(public_url, org.id)
    methods = _methods(org, public_url, profile_id, in_did=False)
    endorsement_kid = profile_id + "#endorsement-key"
    methods.append(
        _method(
            endorsement_kid,
            profile_id,
            endorsement_jwk(org.signing_public_key, endorsement_kid),
        )
    )
    return _public_json(
        {
            "@context": [*credentials.CONTEXTS, CID_CONTEXT],
            "id": profile_id,
            "type": ["Profile"],
            "name": org.name,
            "otherIdentifier": [
                {
                    "type": "IdentifierEntry",
                    "identifier": did_of(public_url, org.id),
                    "identifierType": "identifier",
                }
            ],
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods[:-1]],
        }
    )


def did_of(public_url: str, municipality_id: str) -> str:
    """The municipality's did:web: its profile's address, ``.../did.json`` resolving it."""
    host = urlsplit(public_url).netloc.replace(":", "%3A")
    return f"did:web:{host}:issuers:{municipality_id}"


def _methods(
    org: Municipality, public_url: str, controller: str, *, in_did: bool
) -> list[dict[str, Any]]:
    """The keys credentials are secured with, as ``controller`` names them: the RS256
    key of the VC-JWTs (its ``kid`` in the profile, ``#credential-key`` in the DID
    document) and the Ed25519 Multikey of the Data Integrity proofs."""
    methods = []
    if org.credential_public_key:
        kid = credentials.key_id(public_url, org.id, org.credential_public_key)
        method_id = controller + "#credential-key" if in_did else kid
        methods.append(
            _method(method_id, controller, credentials.public_jwk(org.credential_public_key, kid))
        )
    # The Ed25519 key of the endorsement statements also makes the credentials' Data
    # Integrity proofs: as a Multikey, an assertion method.
    methods.append(
        {
            "id": controller + badges.PROOF_KEY,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": integrity.multikey(org.signing_public_key),
        }
    )
    return methods


@bp.route("/issuers/<municipality_id>/did.json")
@limiter.limit(LOOK_RATE)
@public
def did_document(municipality_id: str) -> Response:
    """The municipality as a did:web DID document: the same keys as its profile, for
    verifiers that resolve issuers by DID."""
    org = _issuer(municipality_id)
    public_url = app_settings().public_url
    did = did_of(public_url, org.id)
    methods = _methods(org, public_url, did, in_did=True)
    return _public_json(
        {
            "@context": [DID_CONTEXT, CID_CONTEXT],
            "id": did,
            "alsoKnownAs": [credentials.issuer_id(public_url, org.id)],
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }
    )


@bp.route("/issuers/<municipality_id>/keys/<name>")
@limiter.limit(LOOK_RATE)
@public
def issuer_key(municipality_id: str, name: str) -> Response:
    """What a credential's ``kid`` dereferences to: the bare public JWK (OB 3.0 §8.2)."""
    org = _issuer(municipality_id)
    key = org.credential_public_key
    if not key or credential_keys.thumbprint(key) != name:
        abort(404)
    kid = credentials.key_id(app_settings().public_url, org.id, key)
    return _public_json(credentials.public_jwk(key, kid))


@bp.route("/issuers/<municipality_id>/status/<int:list_number>")
@limiter.limit(LOOK_RATE)
@public
def status_list(municipality_id: str, list_number: int) -> Response:
    """The issuer's Bitstring Status List, signed like its credentials: verifiers read
    whether a credential's verification still holds."""
    org = _issuer(municipality_id)
    if not org.credential_public_key or not org.credential_key_encrypted:
        abort(404)  # no credential was ever issued: there is no list
    if not 1 <= list_number <= 1000:
        abort(404)
    public_url = app_settings().public_url
    issuer = credentials.issuer_id(public_url, org.id)
    indices = status.revoked_indices(dbs(), org.id, list_number)
    vc = status.list_credential(issuer, org.name, list_number, indices, utcnow())
    key = credential_keys.CredentialKey(org.credential_public_key, org.credential_key_encrypted)
    private = credential_keys.load_private_key(vault_context().app_keys, key, org.id)
    token = credentials.sign(private, vc, credentials.key_id(public_url, org.id, key.public_key))
    response = Response(token, mimetype=credentials.MEDIA_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _method(kid: str, controller: str, jwk: dict[str, str]) -> dict[str, Any]:
    return {"id": kid, "type": "JsonWebKey", "controller": controller, "publicKeyJwk": jwk}


def endorsement_jwk(public_key: bytes, kid: str) -> dict[str, str]:
    """The Ed25519 key of the municipality's endorsement statements, as a JWK."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": credentials.b64url(public_key),
        "kid": kid,
        "use": "sig",
        "alg": "EdDSA",
    }
