"""Glue between the account services and HTTP: the session cookie, the redirect after a
login, the rate-limit keys of the login forms."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from portfolio.accounts.access import cookie_name, live_session, timeouts
from portfolio.accounts.errors import WeakPassphraseError
from portfolio.accounts.models import Role, SessionStage, User
from portfolio.accounts.services import normalise_username
from portfolio.accounts.sessions import LiveSession, start_session
from portfolio.db import db, dbs
from portfolio.vault.envelope import SymmetricKey


def _set_cookie(response: Response, name: str, value: str, max_age: int | None) -> Response:
    """A cookie of ours: the whole site, HTTPS only in production, never for scripts."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=bool(current_app.config["AUTH_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response


def set_session_cookie(response: Response, live: LiveSession) -> Response:
    """A cookie for this browser session only (no Max-Age): it never outlives the
    server's idle timeout by hours; the server ends the session idle or at its end."""
    return _set_cookie(response, cookie_name(), live.token.encode(), None)


def clear_session_cookie(response: Response) -> Response:
    response.delete_cookie(
        cookie_name(),
        path="/",
        secure=bool(current_app.config["AUTH_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response


def safe_next(default: str) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default


def home_for(user: User) -> str:
    if user.role_enum is Role.ADMIN:
        return url_for("admin.index")
    if user.role_enum is Role.REGIEVOERDER:
        return url_for("workspace.workspace")
    return url_for("pages.dashboard")


def redirect_with_session(target: str, live: LiveSession) -> Response:
    g.live_session = live
    return set_session_cookie(redirect(target), live)


def username_key() -> str:
    """Rate-limit key for the account being tried, whoever tries it."""
    return "user:" + normalise_username(request.form.get("username", ""))[:64]


DEVICE_COOKIE_DAYS = 400
DEVICES_KEPT = 5  # a shared phone: the last five people who logged in on it


def _device_mark(username: str) -> str:
    """What a device remembers of an account: a keyed hash of its username, so that the
    cookie names nobody."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"device:" + username.encode(), hashlib.sha256).hexdigest()[:24]


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt="known-device")


def _known_marks() -> list[str]:
    raw = request.cookies.get(device_cookie_name(), "")
    try:
        marks = _device_serializer().loads(raw) if raw else []
    except BadSignature:
        return []
    return (
        [m for m in marks if isinstance(m, str)][:DEVICES_KEPT] if isinstance(marks, list) else []
    )


def device_cookie_name() -> str:
    return cookie_name() + "_device"


def known_device() -> bool:
    """Whether someone logged in to the account being tried on this device before: the
    account-wide limit of failed logins then does not apply, so that strangers guessing
    from many addresses cannot lock the owner out (the per-address limits still do)."""
    username = normalise_username(request.form.get("username", ""))[:64]
    return bool(username) and _device_mark(username) in _known_marks()


def remember_device(response: Response, username: str) -> Response:
    """After a right passphrase: this device knows the account from now on."""
    mark = _device_mark(normalise_username(username)[:64])
    marks = [mark, *(m for m in _known_marks() if m != mark)][:DEVICES_KEPT]
    value = _device_serializer().dumps(marks)
    return _set_cookie(response, device_cookie_name(), value, DEVICE_COOKIE_DAYS * 24 * 3600)


def failed(response: Response) -> bool:
    """Only failures count against a login or code limit: a form shown again (200)."""
    return response.status_code == 200


def username_ip_key() -> str:
    """Rate-limit key for one account tried from one address: strict, and a stranger
    elsewhere cannot use it to lock the owner out."""
    return username_key() + "@" + (request.remote_addr or "?")


def pending_key() -> str:
    live = live_session()
    return "pending:" + (live.row.user_id if live else request.remote_addr or "?")


def weak_message(error: WeakPassphraseError) -> str:
    if error.reason == "too_short":
        return str(_("Use at least 12 characters."))
    if error.reason == "too_long":
        return str(_("Use at most 256 characters."))
    return str(_("This passphrase is too easy to guess. Please choose another one."))


def start_full_session(user: User, user_key: SymmetricKey, target: str) -> Response:
    live = start_session(dbs(), user, user_key, SessionStage.FULL, timeouts())
    db.session.commit()
    return redirect_with_session(target, live)
