"""Staff logins: the first-login set-up (own passphrase, TOTP enrolment) and the
second factor at every login."""

from __future__ import annotations

import base64

import segno
from flask import current_app, flash, redirect, render_template, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from portfolio.accounts import services
from portfolio.accounts.access import pending, require_live_session
from portfolio.accounts.blueprint import bp
from portfolio.accounts.errors import InvalidTotpError, WeakPassphraseError
from portfolio.accounts.forms import StaffPassphraseForm, TotpForm
from portfolio.accounts.models import SessionStage
from portfolio.accounts.sessions import LiveSession, end_session
from portfolio.accounts.web import (
    home_for,
    pending_key,
    start_full_session,
    vault_context,
    weak_message,
)
from portfolio.db import db, dbs
from portfolio.extensions import limiter
from portfolio.vault import totp

ENROL_KEY = "totp_enrolment"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per 5 minutes", key_func=pending_key, methods=["POST"])
@pending
def second_factor() -> str | Response:
    live = require_live_session()
    if live.row.stage != SessionStage.SECOND_FACTOR.value:
        return redirect(url_for("accounts.staff_setup"))
    form = TotpForm()
    if form.validate_on_submit():
        try:
            services.verify_totp(dbs(), vault_context(), live.user, form.code.data)
        except InvalidTotpError:
            db.session.commit()
            form.code.errors.append(
                _("This code is not right or was already used. Wait for a new code and try again.")
            )
        else:
            return _promote(live)
    return render_template("accounts/second_factor.html", form=form)


def _promote(live: LiveSession) -> Response:
    """Second factor done: replace the pending session by a new, full one."""
    user, user_key = live.user, live.user_key()
    end_session(dbs(), live)
    flask_session.pop(ENROL_KEY, None)
    return start_full_session(user, user_key, home_for(user))


@bp.route("/staff/setup", methods=["GET", "POST"])
@limiter.limit("10 per 5 minutes", key_func=pending_key, methods=["POST"])
@pending
def staff_setup() -> str | Response:
    live = require_live_session()
    user = live.user
    if live.row.stage != SessionStage.SETUP.value:
        return redirect(url_for("accounts.second_factor"))
    if user.must_change_passphrase:
        return _staff_passphrase_step(live)
    return _staff_totp_step(live)


def _staff_passphrase_step(live: LiveSession) -> str | Response:
    form = StaffPassphraseForm()
    if form.validate_on_submit():
        try:
            services.set_passphrase(
                dbs(), vault_context(), live.user, live.user_key(), form.passphrase.data
            )
        except WeakPassphraseError as error:
            form.passphrase.errors.append(weak_message(error))
        else:
            db.session.commit()
            flash(_("Your passphrase is saved."), "success")
            return redirect(url_for("accounts.staff_setup"))
    return render_template("accounts/staff_passphrase.html", form=form)


def _staff_totp_step(live: LiveSession) -> str | Response:
    ctx, user = vault_context(), live.user
    encrypted = _enrolment_secret()
    if encrypted is None:
        encrypted = services.new_totp_secret_for(user, ctx)
        flask_session[ENROL_KEY] = base64.b64encode(encrypted).decode()
    form = TotpForm()
    if form.validate_on_submit():
        try:
            services.confirm_totp_enrolment(dbs(), ctx, user, encrypted, form.code.data)
        except InvalidTotpError:
            form.code.errors.append(
                _("This code is not right. Check the time on your phone and try the newest code.")
            )
        else:
            flash(_("Your second step is set up. You will need a code at every login."), "success")
            return _promote(live)
    secret = services.totp_secret(ctx, user, encrypted)
    uri = totp.provisioning_uri(secret, user.username, current_app.config["TOTP_ISSUER"])
    qr_svg = segno.make(uri, error="m").svg_inline(
        border=4, dark="#000", light="#fff", omitsize=True
    )
    manual = base64.b32encode(secret).decode().rstrip("=")
    return render_template(
        "accounts/staff_totp.html",
        form=form,
        qr_svg=Markup(qr_svg),  # noqa: S704  (SVG we generated, no user input)
        manual_key=" ".join(manual[i : i + 4] for i in range(0, len(manual), 4)),
    )


def _enrolment_secret() -> bytes | None:
    value = flask_session.get(ENROL_KEY)
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None
