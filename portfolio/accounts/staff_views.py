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

from portfolio.accounts import bp, services
from portfolio.accounts.access import pending, pending_live_session
from portfolio.accounts.errors import InvalidTotpError, WeakPassphraseError
from portfolio.accounts.forms import StaffPassphraseForm, TotpForm
from portfolio.accounts.models import SessionStage
from portfolio.accounts.sessions import LiveSession, end_session
from portfolio.accounts.web import (
    clear_session_cookie,
    failed,
    home_for,
    pending_key,
    start_full_session,
    weak_message,
)
from portfolio.db import db, dbs
from portfolio.extensions import limiter
from portfolio.vault import totp
from portfolio.vault.errors import DecryptError
from portfolio.web import vault_context

ENROL_KEY = "totp_enrolment"
# A six-digit code: few guesses per login, and few per day per account, in every worker.
CODE_LIMITS = "5 per 10 minutes;20 per day"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMITS, key_func=pending_key, methods=["POST"], deduct_when=failed)
@pending
def second_factor() -> str | Response:
    live = pending_live_session()
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
@limiter.limit(CODE_LIMITS, key_func=pending_key, methods=["POST"], deduct_when=failed)
@pending
def staff_setup() -> str | Response:
    live = pending_live_session()
    user = live.user
    if live.row.stage != SessionStage.SETUP.value:
        return redirect(url_for("accounts.second_factor"))
    if user.must_change_passphrase:
        return _staff_passphrase_step(live)
    if user.totp_enrolled_at is not None:
        # A set-up session left over from before the set-up was finished elsewhere.
        end_session(dbs(), live)
        db.session.commit()
        flask_session.clear()
        return clear_session_cookie(redirect(url_for("accounts.login")))
    return _staff_totp_step(live)


def _staff_passphrase_step(live: LiveSession) -> str | Response:
    form = StaffPassphraseForm()
    if form.validate_on_submit():
        try:
            services.set_passphrase(
                dbs(),
                vault_context(),
                live.user,
                live.user_key(),
                form.passphrase.data,
                keep=live.row.id_hash,
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
    secret = _enrolment_secret(live)
    if secret is None:
        sealed = services.new_totp_secret_for(user, ctx, live.row.id_hash)
        flask_session[ENROL_KEY] = base64.b64encode(sealed).decode()
        secret = services.enrolment_secret(ctx, user, sealed, live.row.id_hash)
    form = TotpForm()
    if form.validate_on_submit():
        try:
            services.confirm_totp_enrolment(
                dbs(), ctx, user, secret, form.code.data, keep=live.row.id_hash
            )
        except InvalidTotpError:
            form.code.errors.append(
                _("This code is not right. Check the time on your phone and try the newest code.")
            )
        else:
            flash(_("Your second step is set up. You will need a code at every login."), "success")
            return _promote(live)
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


def _enrolment_secret(live: LiveSession) -> bytes | None:
    """The secret shown in this login session, if any; one from another session or
    person (a shared computer) does not open and is replaced."""
    value = flask_session.get(ENROL_KEY)
    if not isinstance(value, str):
        return None
    try:
        sealed = base64.b64decode(value, validate=True)
        return services.enrolment_secret(vault_context(), live.user, sealed, live.row.id_hash)
    except (ValueError, DecryptError):
        return None
