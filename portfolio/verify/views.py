"""The public verification page: anyone with a document number (from the QR code) sees
who issued it, when, whether it still holds and how many items were verified, and can
upload the PDF to learn whether it is exactly the issued document. No account, no
personal data beyond the name the owner allowed. Rate-limited per address.

Also public: each municipality's issuer profile with the public key its credentials are
signed with (a JWK), so that a verifier's own software can check them.
"""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portfolio.accounts.access import public
from portfolio.accounts.models import Municipality
from portfolio.db import dbs
from portfolio.export import credentials, issued
from portfolio.export.document import AUDIENCE_LABELS, Audience
from portfolio.export.forms import LookupForm, UploadForm
from portfolio.export.models import IssuedDocument
from portfolio.extensions import limiter
from portfolio.verify import bp

LOOK_RATE = "60 per minute;600 per hour"
UPLOAD_RATE = "10 per minute;100 per hour"
PDF_MAGIC = b"%PDF-"


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
        audience=_audience(found),
        form=form,
        verdict=verdict,
        Verdict=issued.Verdict,
    )


@bp.route("/issuers/<municipality_id>")
@limiter.limit(LOOK_RATE)
@public
def issuer(municipality_id: str) -> Response:
    org = dbs().get(Municipality, municipality_id) if len(municipality_id) <= 32 else None
    if org is None:
        abort(404)
    profile_id = credentials.issuer_id(request.url_root, org.id)
    response = jsonify(
        {
            "@context": list(credentials.CONTEXTS),
            "id": profile_id,
            "type": ["Profile"],
            "name": org.name,
            "verificationMethod": [
                {
                    "id": profile_id + "#key-1",
                    "type": "JsonWebKey",
                    "controller": profile_id,
                    "publicKeyJwk": credentials.public_jwk(
                        org.signing_public_key, profile_id + "#key-1"
                    ),
                }
            ],
        }
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
