"""Account views: thin. Validate, call a service, commit once, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portfolio.accounts import bp, services
from portfolio.accounts.access import (
    ALL_ROLES,
    PEOPLE,
    live_session,
    public,
    require_live_session,
    roles,
    timeouts,
)
from portfolio.accounts.errors import (
    InvalidCredentialsError,
    InvalidRecoveryError,
    UsernameTakenError,
    WeakPassphraseError,
)
from portfolio.accounts.forms import (
    ChangePassphraseForm,
    ConfirmRecoveryForm,
    EmptyForm,
    LoginForm,
    RecoverForm,
    RegisterForm,
    RenewRecoveryForm,
)
from portfolio.accounts.models import AuthSession, SessionStage
from portfolio.accounts.sessions import end_session, start_session
from portfolio.accounts.web import (
    clear_session_cookie,
    failed,
    home_for,
    known_device,
    redirect_with_session,
    remember_device,
    safe_next,
    start_full_session,
    username_ip_key,
    username_key,
    weak_message,
)
from portfolio.db import db, dbs
from portfolio.extensions import limiter
from portfolio.i18n import select_locale
from portfolio.vault import keys, signing
from portfolio.web import account_key, vault_context

# -- registration and the recovery code -----------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@public
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            unlocked, code = services.register_owner(
                dbs(),
                vault_context(),
                form.username.data,
                form.passphrase.data,
                select_locale(),
            )
        except UsernameTakenError:
            form.username.errors.append(_("This username is already taken. Please choose another."))
        except WeakPassphraseError as error:
            form.passphrase.errors.append(weak_message(error))
        else:
            return _show_new_code(unlocked, code)
    return render_template("accounts/register.html", form=form)


def _show_new_code(unlocked: services.Unlocked, code: str) -> Response:
    """Log in with a fresh session that holds the new recovery code until it is confirmed."""
    live = start_session(dbs(), unlocked.user, unlocked.user_key, SessionStage.FULL, timeouts())
    live.hold_recovery_code(code)
    db.session.commit()
    return redirect_with_session(url_for("accounts.recovery_code"), live)


@bp.route("/recovery-code", methods=["GET", "POST"])
@roles(*PEOPLE)
def recovery_code() -> str | Response:
    live = require_live_session()
    code = live.pending_recovery_code()
    if code is not None and not services.recovery_code_is_current(
        vault_context(), current_user, code
    ):
        live.row.pending_recovery_code = None  # replaced by a newer code meanwhile
        db.session.commit()
        code = None
    if code is None:
        if current_user.recovery_confirmed_at is None:
            # The code was shown in a session that ended: a new one needs the passphrase.
            return render_template("accounts/recovery_code_renew.html", form=RenewRecoveryForm())
        return redirect(url_for("pages.dashboard"))
    form = ConfirmRecoveryForm()
    if form.validate_on_submit():
        typed = form.last_group.data.strip().upper().translate(keys.CONFUSABLE)
        if typed != code[-4:]:
            form.last_group.errors.append(_("These are not the last 4 characters of your code."))
        else:
            services.confirm_recovery_saved(dbs(), current_user)
            live.row.pending_recovery_code = None
            db.session.commit()
            flash(_("Well done. Your account is ready."), "success")
            return redirect(url_for("pages.dashboard"))
    return render_template("accounts/recovery_code.html", form=form, code=code)


@bp.route("/recovery-code/sheet")
@roles(*PEOPLE)
def recovery_sheet() -> str | Response:
    code = require_live_session().pending_recovery_code()
    if code is None:
        return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/recovery_sheet.html",
        code=code,
        username=current_user.username,
        issued_at=current_user.passphrase_changed_at,
    )


# -- login and logout ------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute;200 per hour", methods=["POST"])
@limiter.limit("10 per 15 minutes", key_func=username_ip_key, methods=["POST"], deduct_when=failed)
@limiter.limit(
    "100 per day",
    key_func=username_key,
    methods=["POST"],
    deduct_when=failed,
    exempt_when=known_device,
)
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            unlocked = services.authenticate(
                dbs(), vault_context(), form.username.data, form.passphrase.data
            )
        except InvalidCredentialsError:
            form.form_errors.append(_("Username or passphrase is not right."))
        else:
            return remember_device(_after_passphrase(unlocked), form.username.data)
    return render_template("accounts/login.html", form=form)


def _after_passphrase(unlocked: services.Unlocked) -> Response:
    flask_session.clear()  # a fresh signed cookie for the new login, too
    user = unlocked.user
    if not user.is_staff:
        if user.recovery_confirmed_at is None:
            # Never confirmed (browser closed after registering): issue a fresh code now.
            code = services.new_recovery_code(dbs(), vault_context(), user, unlocked.user_key)
            return _show_new_code(unlocked, code)
        return start_full_session(user, unlocked.user_key, safe_next(home_for(user)))
    needs_setup = user.must_change_passphrase or user.totp_enrolled_at is None
    stage = SessionStage.SETUP if needs_setup else SessionStage.SECOND_FACTOR
    live = start_session(dbs(), user, unlocked.user_key, stage, timeouts())
    db.session.commit()
    target = "accounts.staff_setup" if needs_setup else "accounts.second_factor"
    return redirect_with_session(url_for(target), live)


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    live = live_session()
    if live is not None:
        end_session(dbs(), live)
        db.session.commit()
    flask_session.clear()  # nothing of this person stays for the next one (shared computers)
    flash(_("You are logged out."), "success")
    return clear_session_cookie(redirect(url_for("pages.index")))


# -- recovery -------------------------------------------------------------------------------


@bp.route("/recover", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=username_ip_key, methods=["POST"])
@limiter.limit("20 per day", key_func=username_key, methods=["POST"])
@public
def recover() -> str | Response:
    form = RecoverForm()
    if form.validate_on_submit():
        try:
            unlocked, code = services.recover(
                dbs(),
                vault_context(),
                form.username.data,
                form.code.data,
                form.passphrase.data,
            )
        except InvalidRecoveryError:
            form.form_errors.append(_("Username or recovery code is not right."))
        except WeakPassphraseError as error:
            db.session.rollback()
            form.passphrase.errors.append(weak_message(error))
        else:
            flash(
                _(
                    "Your new passphrase is saved. Here is your new recovery code. "
                    "Your old code does not work any more."
                ),
                "success",
            )
            return _show_new_code(unlocked, code)
    return render_template("accounts/recover.html", form=form)


# -- the account page -----------------------------------------------------------------------


@bp.route("/account")
@roles(*ALL_ROLES)
def account() -> str:
    live = live_session()
    sessions = db.session.scalars(
        select(AuthSession)
        .where(AuthSession.user_id == current_user.id, AuthSession.stage == SessionStage.FULL.value)
        .order_by(AuthSession.created_at.desc())
    ).all()
    fingerprint = signing.fingerprint(current_user.public_key)
    return render_template(
        "accounts/account.html",
        sessions=sessions,
        this_session=live.row.id_hash if live else None,
        fingerprint=fingerprint,
        renew_form=RenewRecoveryForm(),
        form=EmptyForm(),
    )


@bp.route("/account/passphrase", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("10 per hour", key_func=account_key, methods=["POST"])
@roles(*ALL_ROLES)
def change_passphrase() -> str | Response:
    form = ChangePassphraseForm()
    if form.validate_on_submit():
        try:
            unlocked = services.change_passphrase(
                dbs(), vault_context(), current_user, form.current.data, form.passphrase.data
            )
        except InvalidCredentialsError:
            form.current.errors.append(_("This is not your current passphrase."))
        except WeakPassphraseError as error:
            db.session.rollback()
            form.passphrase.errors.append(weak_message(error))
        else:
            flash(
                _("Your passphrase is changed. You are logged out on all other devices."), "success"
            )
            return start_full_session(unlocked.user, unlocked.user_key, url_for("accounts.account"))
    return render_template("accounts/change_passphrase.html", form=form)


@bp.route("/account/recovery-code", methods=["POST"])
@limiter.limit("10 per hour")
@limiter.limit("10 per hour", key_func=account_key)
@roles(*PEOPLE)
def renew_recovery_code() -> str | Response:
    form = RenewRecoveryForm()
    live = live_session()
    if form.validate_on_submit() and live is not None:
        try:
            code = services.renew_recovery_code(
                dbs(), vault_context(), current_user, form.current.data
            )
        except InvalidCredentialsError:
            flash(_("This is not your current passphrase."), "error")
        else:
            live.hold_recovery_code(code)
            db.session.commit()
            return redirect(url_for("accounts.recovery_code"))
    else:
        flash(_("Please fill in your current passphrase."), "error")
    if current_user.recovery_confirmed_at is None:
        return redirect(url_for("accounts.recovery_code"))
    return redirect(url_for("accounts.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@roles(*ALL_ROLES)
def end_other_sessions() -> Response:
    form = EmptyForm()
    live = live_session()
    if not form.validate_on_submit() or live is None:
        abort(400)
    services.end_other_sessions(dbs(), current_user, keep=live.row.id_hash)
    db.session.commit()
    flash(_("You are logged out on all other devices."), "success")
    return redirect(url_for("accounts.account"))
