"""Download all my data: the owner confirms with the passphrase (a session alone is not
enough to carry everything away), gets one zip, and the download is in their access
log."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.errors import InvalidCredentialsError
from portfolio.accounts.forms import ConfirmPassphraseForm
from portfolio.accounts.models import Role
from portfolio.accounts.services import authenticate
from portfolio.accounts.web import account_key, vault_context
from portfolio.db import db, dbs, utcnow
from portfolio.entries.record_views import blob_store
from portfolio.export import data
from portfolio.extensions import limiter
from portfolio.sharing import audit
from portfolio.sharing.models import Action

bp = Blueprint("export", __name__)
EXPORT_RATE = "10 per hour"  # per account: each one derives a key and reads everything


@bp.route("/account/data", methods=["GET", "POST"])
@limiter.limit(EXPORT_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def download() -> str | Response:
    form = ConfirmPassphraseForm()
    if form.validate_on_submit():
        try:
            authenticate(dbs(), vault_context(), current_user.username, form.current.data)
        except InvalidCredentialsError:
            form.current.errors = [_("This passphrase is not right. Please try again.")]
        else:
            now = utcnow()
            archive = data.build(dbs(), current_user, current_user_key(), blob_store(), now)
            audit.record(
                dbs(),
                actor=current_user,
                owner_id=current_user.id,
                action=Action.EXPORT,
                object_type="account",
            )
            db.session.commit()
            response = make_response(archive)
            response.headers["Content-Type"] = "application/zip"
            response.headers["Content-Disposition"] = (
                f'attachment; filename="my-portfolio-{now:%Y-%m-%d}.zip"'
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("export/download.html", form=form)
