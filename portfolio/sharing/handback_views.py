"""Lost everything: the new account's hand-back code (owner side) and the regievoerder's
hand-back of what the old account shared (staff side)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role
from portfolio.accounts.web import account_key
from portfolio.db import db, dbs, utcnow
from portfolio.entries.record_views import blob_store
from portfolio.extensions import limiter
from portfolio.sharing import handback
from portfolio.sharing.errors import CodeNotValidError
from portfolio.sharing.forms import CodeForm, HandbackConfirmForm
from portfolio.sharing.recipient_views import bp as clients_bp
from portfolio.sharing.recipient_views import opened_for
from portfolio.sharing.views import bp as sharing_bp
from portfolio.vault import signing


@sharing_bp.route("/handback", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def handback_code() -> str:
    form = EmptyForm()
    code = None
    if form.validate_on_submit():
        code = handback.issue_code(dbs(), current_user, utcnow())
        db.session.commit()
    return render_template(
        "sharing/handback.html",
        form=form,
        code=code,
        fingerprint=signing.fingerprint(current_user.public_key),
    )


@clients_bp.route("/clients/<owner_id>/handback", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", key_func=account_key, methods=["POST"])
@roles(Role.REGIEVOERDER)
def hand_back(owner_id: str) -> str | Response:
    opened = opened_for(owner_id)
    form = CodeForm()
    confirm = HandbackConfirmForm()
    account = None
    if form.validate_on_submit():
        try:
            account = handback.look_up(dbs(), form.code.data, opened.grant.owner_id, utcnow())
        except CodeNotValidError:
            form.code.errors = [_("This code is not right, used or too old. Ask for a new one.")]
        else:
            if confirm.confirm.data and confirm.validate():
                done = handback.hand_back(
                    dbs(), blob_store(), opened, current_user, account, utcnow()
                )
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d item was handed back to the new account.",
                        "%(num)d items were handed back to the new account.",
                        done.items,
                    ),
                    "success",
                )
                return redirect(url_for("clients.client", owner_id=opened.grant.owner_id))
    return render_template(
        "clients/handback.html",
        form=form,
        confirm=confirm,
        account=account,
        owner_id=opened.grant.owner_id,
        shown_name=opened.note.shown_name,
    )
