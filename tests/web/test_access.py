"""Roles are enforced in one place: every endpoint declares its access, and each role
reaches exactly the pages meant for it."""

from __future__ import annotations

import pytest
from flask import Flask

from portfolio.accounts.access import PENDING, PUBLIC
from portfolio.accounts.models import Role
from tests.conftest import login, post_form
from tests.web.test_staff import NEW, current_code, manual_secret

PAGES = {
    "/home": {Role.OWNER, Role.SUPPORTER},
    "/recovery-code/sheet": {Role.OWNER, Role.SUPPORTER},
    "/workspace": {Role.REGIEVOERDER},
    "/admin/": {Role.ADMIN},
    "/account": set(Role),
    "/account/passphrase": set(Role),
}


def test_every_endpoint_declares_access(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "_access", None) not in (PUBLIC, PENDING)
        and not isinstance(getattr(view, "_access", None), frozenset)
    ]
    assert undeclared == []


def test_undeclared_view_is_refused(app_factory) -> None:
    app = app_factory()

    @app.route("/forgot-to-declare")
    def forgot() -> str:
        return "secret"

    assert app.test_client().get("/forgot-to-declare").status_code == 403


@pytest.mark.parametrize("path", list(PAGES))
def test_anonymous_is_sent_to_login(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302 and response.location.startswith("/login")


def _logged_in(app: Flask, role: Role, make_owner, make_staff):
    client = app.test_client()
    if role in (Role.OWNER, Role.SUPPORTER):
        account = make_owner("person")
        if role is Role.SUPPORTER:
            from sqlalchemy import update

            from portfolio.accounts.models import User
            from portfolio.db import db

            with app.app_context():
                db.session.execute(update(User).values(role="supporter"))
                db.session.commit()
        login(client, account.username, account.passphrase)
        return client
    account = make_staff("staff", role=role)
    login(client, account.username, account.passphrase)
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    secret = manual_secret(client.get("/staff/setup").get_data(as_text=True))
    post_form(client, "/staff/setup", {"code": current_code(secret)})
    return client


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(app: Flask, role: Role, make_owner, make_staff) -> None:
    client = _logged_in(app, role, make_owner, make_staff)
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        if path == "/recovery-code/sheet" and role in allowed:
            assert status == 302  # no code waiting: back to the account page
        elif role in allowed:
            assert status == 200, (role, path)
        else:
            assert status == 403, (role, path)
