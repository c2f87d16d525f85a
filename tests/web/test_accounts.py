"""Registration, recovery code, login, passphrase change and recovery through the web client."""

from __future__ import annotations

import base64
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio.accounts.models import AuthSession, User
from portfolio.db import db
from portfolio.vault import keys
from portfolio.vault.errors import DecryptError
from tests.conftest import PASSPHRASE, Account, csrf_token, in_app, login, post_form

CODE_RE = re.compile(r'class="recovery-code"[^>]*>([^<]+)<')


def register(client: FlaskClient, username: str = "amina", passphrase: str = PASSPHRASE):
    return post_form(
        client,
        "/register",
        {"username": username, "passphrase": passphrase, "passphrase_repeat": passphrase},
    )


def shown_code(client: FlaskClient) -> str:
    match = CODE_RE.search(client.get("/recovery-code").get_data(as_text=True))
    assert match
    return match.group(1).strip()


def confirm_code(client: FlaskClient, code: str):
    return post_form(client, "/recovery-code", {"last_group": code[-4:], "saved": "y"})


def session_count(app: Flask, user_id: str) -> int:
    return in_app(
        app,
        lambda: db.session.scalar(select(func.count()).where(AuthSession.user_id == user_id)) or 0,
    )


def test_register_shows_code_once_and_requires_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    response = register(client)
    assert response.status_code == 302 and response.location == "/recovery-code"
    code = shown_code(client)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", code)
    # Until confirmed, every other page leads back to the code.
    assert client.get("/home").location == "/recovery-code"
    sheet = client.get("/recovery-code/sheet").get_data(as_text=True)
    assert code in sheet and "amina" in sheet
    wrong = post_form(client, "/recovery-code", {"last_group": "ZZZZ", "saved": "y"})
    assert wrong.status_code == 200 and "not the last 4 characters" in wrong.get_data(as_text=True)
    unticked = post_form(client, "/recovery-code", {"last_group": code[-4:]})
    assert "Please confirm" in unticked.get_data(as_text=True)
    assert confirm_code(client, code).location == "/home"
    assert client.get("/home").status_code == 200
    # Shown once: after confirmation the code is gone from the server.
    assert client.get("/recovery-code").location == "/home"
    assert in_app(app, lambda: db.session.scalar(select(AuthSession.pending_recovery_code))) is None


def test_register_refuses_taken_weak_and_mismatched(
    app: Flask, client: FlaskClient, make_owner
) -> None:
    make_owner("amina")
    page = register(client, "AMINA").get_data(as_text=True)
    assert "already taken" in page
    page = register(client, "bilal", "password1234").get_data(as_text=True)
    assert "too easy to guess" in page
    page = register(client, "bilal", "short").get_data(as_text=True)
    assert "at least 12" in page
    page = post_form(
        client,
        "/register",
        {"username": "bilal", "passphrase": PASSPHRASE, "passphrase_repeat": PASSPHRASE + "!"},
    ).get_data(as_text=True)
    assert "not the same" in page
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(User))) == 1


def test_long_passphrase_allowed(client: FlaskClient) -> None:
    long_one = "ik woon sinds twee jaar in Utrecht en leer elke dag Nederlands " * 3
    assert register(client, "yonas", long_one).location == "/recovery-code"


def test_login_logout_and_generic_error(app: Flask, client: FlaskClient, make_owner) -> None:
    owner: Account = make_owner()
    unknown = login(client, "nobody", PASSPHRASE).get_data(as_text=True)
    wrong = login(client, owner.username, "not my passphrase").get_data(as_text=True)
    message = "Username or passphrase is not right."
    assert message in unknown and message in wrong
    response = login(client, owner.username, owner.passphrase)
    assert response.location == "/home"
    cookie = client.get_cookie("__Host-pf_session")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert client.get("/home").status_code == 200
    response = post_form(client, "/logout", {}, form_page="/home")
    assert response.location == "/"
    assert client.get("/home").status_code == 302
    assert session_count(app, owner.user_id) == 0


def test_login_redirects_only_to_local_next(client: FlaskClient, make_owner) -> None:
    owner = make_owner()
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_token(client)
        response = client.post(
            "/login?next=" + evil,
            data={"csrf_token": token, "username": owner.username, "passphrase": owner.passphrase},
        )
        assert response.location == "/home"
        post_form(client, "/logout", {}, form_page="/home")
    token = csrf_token(client)
    response = client.post(
        "/login?next=/account",
        data={"csrf_token": token, "username": owner.username, "passphrase": owner.passphrase},
    )
    assert response.location == "/account"


def test_session_cookie_alone_or_row_alone_unlocks_nothing(
    app: Flask, client: FlaskClient, make_owner
) -> None:
    owner = make_owner()
    login(client, owner.username, owner.passphrase)
    row = in_app(app, lambda: db.session.scalars(select(AuthSession)).one())
    cookie = client.get_cookie("__Host-pf_session")
    assert cookie is not None
    session_id, secret = cookie.value.split(".")
    # A forged secret with the right id does not open the session.
    client.set_cookie("__Host-pf_session", session_id + "." + "A" * 43, domain="localhost")
    response = client.get("/account")
    assert response.status_code in (302, 403)
    # The row alone opens only with the cookie's real secret, never with another one.
    real = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    args = (row.id_hash, row.user_id, row.expires_at.isoformat(), row.stage)
    assert keys.unwrap_for_session(row.wrapped_user_key, real, *args)
    with pytest.raises(DecryptError):
        keys.unwrap_for_session(row.wrapped_user_key, bytes(32), *args)


def test_change_passphrase_ends_all_sessions(app: Flask, make_owner) -> None:
    owner = make_owner()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, owner.username, owner.passphrase)
    login(laptop, owner.username, owner.passphrase)
    assert session_count(app, owner.user_id) == 2
    new = "een nieuwe zin voor mij"
    response = post_form(
        phone,
        "/account/passphrase",
        {"current": "wrong passphrase", "passphrase": new, "passphrase_repeat": new},
    )
    assert "not your current passphrase" in response.get_data(as_text=True)
    response = post_form(
        phone,
        "/account/passphrase",
        {"current": owner.passphrase, "passphrase": new, "passphrase_repeat": new},
    )
    assert response.location == "/account"
    assert session_count(app, owner.user_id) == 1  # only the fresh session of this phone
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    fresh = app.test_client()
    assert "not right" in login(fresh, owner.username, owner.passphrase).get_data(as_text=True)
    assert login(fresh, owner.username, new).location == "/home"


def test_recover_with_code_sets_new_passphrase_and_code(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    new = "ik ben mijn zin vergeten"
    bad = post_form(
        client,
        "/recover",
        {
            "username": owner.username,
            "code": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
            "passphrase": new,
            "passphrase_repeat": new,
        },
    )
    assert "Username or recovery code is not right." in bad.get_data(as_text=True)
    unknown = post_form(
        client,
        "/recover",
        {
            "username": "ghost",
            "code": owner.recovery_code,
            "passphrase": new,
            "passphrase_repeat": new,
        },
    )
    assert "Username or recovery code is not right." in unknown.get_data(as_text=True)
    response = post_form(
        client,
        "/recover",
        {
            "username": owner.username,
            "code": owner.recovery_code.lower(),
            "passphrase": new,
            "passphrase_repeat": new,
        },
    )
    assert response.location == "/recovery-code"
    new_code = shown_code(client)
    assert new_code != owner.recovery_code
    confirm_code(client, new_code)
    # The old code and the old passphrase no longer work; the new ones do.
    other = app.test_client()
    again = post_form(
        other,
        "/recover",
        {
            "username": owner.username,
            "code": owner.recovery_code,
            "passphrase": "nog een andere zin",
            "passphrase_repeat": "nog een andere zin",
        },
    )
    assert "not right" in again.get_data(as_text=True)
    assert "not right" in login(other, owner.username, owner.passphrase).get_data(as_text=True)
    assert login(other, owner.username, new).location == "/home"


def test_weak_new_passphrase_in_recovery_keeps_old_code(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    response = post_form(
        client,
        "/recover",
        {
            "username": owner.username,
            "code": owner.recovery_code,
            "passphrase": "password1234",
            "passphrase_repeat": "password1234",
        },
    )
    assert "too easy to guess" in response.get_data(as_text=True)
    assert login(app.test_client(), owner.username, owner.passphrase).location == "/home"


def test_renew_recovery_code(client: FlaskClient, make_owner) -> None:
    owner = make_owner()
    login(client, owner.username, owner.passphrase)
    response = post_form(
        client, "/account/recovery-code", {"current": "wrong"}, form_page="/account"
    )
    assert response.location == "/account"
    response = post_form(
        client, "/account/recovery-code", {"current": owner.passphrase}, form_page="/account"
    )
    assert response.location == "/recovery-code"
    code = shown_code(client)
    assert code != owner.recovery_code
    assert client.get("/home").location == "/recovery-code"
    confirm_code(client, code)
    assert client.get("/home").status_code == 200


def test_end_other_sessions(app: Flask, make_owner) -> None:
    owner = make_owner()
    a, b = app.test_client(), app.test_client()
    login(a, owner.username, owner.passphrase)
    login(b, owner.username, owner.passphrase)
    assert (
        post_form(a, "/account/sessions/end-others", {}, form_page="/account").location
        == "/account"
    )
    assert a.get("/account").status_code == 200
    assert b.get("/account").status_code == 302


def test_unconfirmed_code_is_replaced_at_next_login(app: Flask, make_owner) -> None:
    """Registered, closed the browser before saving the code: the next login shows a
    new code (the unconfirmed one stops working) instead of locking them out."""
    owner = make_owner(confirmed=False)
    client = app.test_client()
    assert login(client, owner.username, owner.passphrase).location == "/recovery-code"
    new_code = shown_code(client)
    assert new_code != owner.recovery_code
    assert client.get("/home").location == "/recovery-code"
    confirm_code(client, new_code)
    assert client.get("/home").status_code == 200
    other = app.test_client()
    response = post_form(
        other,
        "/recover",
        {
            "username": owner.username,
            "code": owner.recovery_code,
            "passphrase": "een andere zin hier",
            "passphrase_repeat": "een andere zin hier",
        },
    )
    assert "not right" in response.get_data(as_text=True)


def test_unconfirmed_without_waiting_code_asks_for_passphrase(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)

    def unconfirm() -> None:
        db.session.get(User, owner.user_id).recovery_confirmed_at = None
        db.session.commit()

    in_app(app, unconfirm)
    for path in ("/home", "/account"):
        assert client.get(path).location == "/recovery-code"
    page = client.get("/recovery-code")
    assert page.status_code == 200 and "Make a new recovery code" in page.get_data(as_text=True)
    response = post_form(
        client, "/account/recovery-code", {"current": owner.passphrase}, form_page="/recovery-code"
    )
    assert response.location == "/recovery-code"
    confirm_code(client, shown_code(client))
    assert client.get("/home").status_code == 200


def _age_sessions(app: Flask, **delta: int) -> None:
    from datetime import timedelta

    def age() -> None:
        for row in db.session.scalars(select(AuthSession)):
            row.last_seen_at -= timedelta(**delta)
            if "hours" in delta:
                row.expires_at -= timedelta(**delta)
                row.created_at -= timedelta(**delta)
        db.session.commit()

    in_app(app, age)


def test_idle_timeout_ends_session(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    _age_sessions(app, minutes=29)
    assert client.get("/home").status_code == 200  # 29 minutes idle: still in
    _age_sessions(app, minutes=29)
    assert client.get("/home").status_code == 200  # activity (even a GET) reset the clock
    _age_sessions(app, minutes=31)
    assert client.get("/home").location.startswith("/login")
    assert session_count(app, owner.user_id) == 0


def test_absolute_timeout_ends_busy_session(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    # Busy all day (never idle), but the 12-hour limit ends it anyway. The expiry is
    # bound into the wrapped key, so moving it in the database would break the unwrap.
    from datetime import timedelta

    def expire() -> None:
        row = db.session.scalars(select(AuthSession)).one()
        row.expires_at = row.expires_at - timedelta(hours=13)
        db.session.commit()

    in_app(app, expire)
    assert client.get("/home").location.startswith("/login")
    assert session_count(app, owner.user_id) == 0


def test_extending_a_session_in_the_database_does_not_work(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    from datetime import timedelta

    def extend() -> None:
        row = db.session.scalars(select(AuthSession)).one()
        row.expires_at = row.expires_at + timedelta(days=30)
        db.session.commit()

    in_app(app, extend)
    assert client.get("/home").location.startswith("/login")


def test_pepper_rotation_rewraps_at_next_login(app_factory, make_owner) -> None:
    import os

    first = app_factory()
    owner = make_owner()
    old_peppers = dict(first.extensions["portfolio.settings"].peppers)
    rotated = {"new": os.urandom(32), **old_peppers}
    second = app_factory(peppers=rotated)
    assert login(second.test_client(), owner.username, owner.passphrase).location == "/home"
    assert in_app(second, lambda: db.session.get(User, owner.user_id).pepper_id) == "new"
    # The old pepper may now go: the account opens with the new one alone.
    third = app_factory(peppers={"new": rotated["new"]})
    assert login(third.test_client(), owner.username, owner.passphrase).location == "/home"


def test_a_replaced_code_cannot_be_confirmed(app: Flask, make_owner) -> None:
    """Device A shows code X; a login on device B issues code Y (X dies). Confirming X on A
    must not mark the account as safe."""
    owner = make_owner(confirmed=False)
    a, b = app.test_client(), app.test_client()
    login(a, owner.username, owner.passphrase)
    code_x = shown_code(a)
    login(b, owner.username, owner.passphrase)
    code_y = shown_code(b)
    assert code_x != code_y
    response = post_form(a, "/recovery-code", {"last_group": code_x[-4:], "saved": "y"})
    assert response.status_code == 200
    assert "Make a new recovery code" in response.get_data(as_text=True)
    assert in_app(app, lambda: db.session.get(User, owner.user_id).recovery_confirmed_at) is None
    confirm_code(b, code_y)
    assert (
        in_app(app, lambda: db.session.get(User, owner.user_id).recovery_confirmed_at) is not None
    )
