"""Who may open what, enforced in one place.

Every view declares its access with ``@public``, ``@pending`` (a staff login halfway)
or ``@roles(...)``. A single ``before_request`` hook checks the declaration; a view
without one is refused (fail closed), and a test walks the URL map to make sure every
endpoint has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.models import Role, SessionStage, User
from portfolio.accounts.sessions import LiveSession, Timeouts, load_session
from portfolio.db import dbs
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"
PENDING = "pending"
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.REGIEVOERDER, Role.ADMIN})
PEOPLE = frozenset({Role.OWNER, Role.SUPPORTER})


def public(view: F) -> F:
    view._access = PUBLIC  # type: ignore[attr-defined]
    return view


def pending(view: F) -> F:
    """Only for a staff login between passphrase and second factor."""
    view._access = PENDING  # type: ignore[attr-defined]
    return view


def roles(*allowed: Role) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view._access = frozenset(allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def cookie_name() -> str:
    return str(current_app.config["AUTH_COOKIE_NAME"])


def timeouts() -> Timeouts:
    return current_app.extensions["portfolio.timeouts"]  # type: ignore[no-any-return]


def live_session() -> LiveSession | None:
    """The request's session row and cookie token, loaded once per request."""
    if "live_session" not in g:
        session = dbs()
        g.live_session = load_session(session, request.cookies.get(cookie_name()), timeouts())
        if session.dirty or session.deleted:
            # The request boundary of authentication: save the activity time (idle
            # timeout) and the removal of expired rows, whatever the view does next.
            session.commit()
    return g.live_session  # type: ignore[no-any-return]


def require_live_session() -> LiveSession:
    """The request's fully logged-in session (never a staff login halfway)."""
    live = live_session()
    if live is None or live.row.stage != SessionStage.FULL.value:
        abort(403)
    return live


def pending_live_session() -> LiveSession:
    """The request's session for the staff set-up and second-factor pages only."""
    live = live_session()
    if live is None or live.row.stage == SessionStage.FULL.value:
        abort(403)
    return live


def load_user_from_request(_request: Any) -> User | None:
    """Flask-Login's request loader: only a fully logged-in session is a user."""
    live = live_session()
    if live is None or live.row.stage != SessionStage.FULL.value:
        return None
    return live.user


def current_user_key() -> SymmetricKey:
    """The user key of this request (cookie secret x server row), opened once."""
    return require_live_session().user_key()


def _needs_recovery_confirmation(user: User) -> bool:
    return user.wrapped_key_recovery is not None and user.recovery_confirmed_at is None


def enforce_access() -> Response | None:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # routing fails with 404/405 on its own
    view = current_app.view_functions.get(endpoint)
    access = getattr(view, "_access", None)
    if access == PUBLIC:
        return None
    if access == PENDING:
        live = live_session()
        if live is None or live.row.stage == SessionStage.FULL.value:
            return redirect(url_for("accounts.login"))
        return None
    if not isinstance(access, frozenset):
        logger.error("endpoint %s declares no access; refused", endpoint)
        abort(403)
    if not current_user.is_authenticated:
        live = live_session()
        if live is not None:  # a staff login halfway: back to the second factor
            return redirect(url_for("accounts.second_factor"))
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if current_user.role_enum not in access:
        logger.info("role %s refused on %s [user %s]", current_user.role, endpoint, current_user.id)
        abort(403)
    if _needs_recovery_confirmation(current_user) and endpoint not in RECOVERY_FLOW:
        return redirect(url_for("accounts.recovery_code"))
    return None


RECOVERY_FLOW = frozenset(
    {
        "accounts.recovery_code",
        "accounts.recovery_sheet",
        "accounts.renew_recovery_code",
        "accounts.logout",
        "pages.set_language",
    }
)


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
    static = app.view_functions.get("static")
    if static is not None:
        public(static)
