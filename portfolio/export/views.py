"""Download all my data: the owner confirms with the passphrase (a session alone is not
enough to carry everything away), gets one zip, and the download is in their access
log."""

from __future__ import annotations

from datetime import datetime

from flask import redirect, render_template, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, public, roles
from portfolio.accounts.errors import InvalidCredentialsError
from portfolio.accounts.forms import ConfirmPassphraseForm
from portfolio.accounts.models import Role
from portfolio.accounts.services import authenticate
from portfolio.accounts.web import clear_session_cookie
from portfolio.db import db, dbs, utcnow
from portfolio.export import badges, bp, data, erasure
from portfolio.export.forms import DeleteAccountForm
from portfolio.extensions import limiter
from portfolio.i18n import is_supported, remember_language
from portfolio.sharing import audit
from portfolio.sharing.models import Action
from portfolio.web import account_key, app_settings, attachment, blob_store, vault_context

EXPORT_RATE = "10 per hour"  # per account: each one derives a key and reads everything


def passphrase_confirmed(form: ConfirmPassphraseForm) -> bool:
    """The form is filled in and its passphrase is the account's: a session alone is not
    enough to carry everything away or to delete it."""
    if not form.validate_on_submit():
        return False
    try:
        authenticate(dbs(), vault_context(), current_user.username, form.current.data)
    except InvalidCredentialsError:
        form.current.errors = [_("This passphrase is not right. Please try again.")]
        return False
    return True


@bp.route("/account/data", methods=["GET", "POST"])
@limiter.limit(EXPORT_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def download() -> str | Response:
    form = ConfirmPassphraseForm()
    if not passphrase_confirmed(form):
        return render_template("export/download.html", form=form)
    now = utcnow()
    ctx, public_url = vault_context(), app_settings().public_url
    archive = data.build(
        dbs(),
        current_user,
        current_user_key(),
        blob_store(),
        now,
        lambda item, key, content: badges.of_item(dbs(), ctx, item, key, content, public_url),
    )
    audit.record(
        dbs(),
        actor=current_user,
        owner_id=current_user.id,
        action=Action.EXPORT,
        object_type="account",
    )
    db.session.commit()
    return attachment(archive, "application/zip", f"my-portfolio-{now:%Y-%m-%d}.zip")


RECEIPT_KEY = "erasure_receipt"


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(EXPORT_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def delete_account() -> str | Response:
    form = DeleteAccountForm()
    if not passphrase_confirmed(form):
        return render_template("export/delete.html", form=form)
    locale = current_user.locale  # the receipt is read in it, without an account
    erased = erasure.erase(dbs(), current_user._get_current_object(), utcnow())
    db.session.commit()
    erasure.remove_blobs(blob_store(), erased.blob_ids)
    flask_session.clear()
    flask_session[RECEIPT_KEY] = erased.receipt.to_json()
    response = clear_session_cookie(redirect(url_for("export.account_deleted")))
    return remember_language(response, locale) if is_supported(locale) else response


@bp.route("/account/deleted")
@public
def account_deleted() -> str | Response:
    """The final receipt, shown once (it lives only in the signed session cookie)."""
    receipt = flask_session.pop(RECEIPT_KEY, None)
    if not isinstance(receipt, dict):
        return redirect(url_for("pages.index"))
    return render_template(
        "export/deleted.html",
        receipt=receipt,
        at=datetime.fromisoformat(str(receipt.get("at"))),
        backup_days=app_settings().backup_retention_days,
    )
