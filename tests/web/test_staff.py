"""Staff accounts: created by a command, first login with a new passphrase and TOTP
enrolment, a code at every login, each code once."""

from __future__ import annotations

import base64
import re
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portfolio.accounts.models import Role, User
from portfolio.db import db
from portfolio.vault import signing, totp
from tests.conftest import in_app, login, post_form

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
MANUAL_KEY = re.compile(r'<code dir="ltr" translate="no">([A-Z2-7 ]+)</code>')
NEW = "de regie ligt bij de inburgeraar"


def manual_secret(page: str) -> bytes:
    key = MANUAL_KEY.search(page).group(1).replace(" ", "")
    return base64.b32decode(key + "=" * (-len(key) % 8))


def current_code(secret: bytes, offset: int = 0) -> str:
    return totp.code_at(secret, int(time.time() // 30) + offset)


def enrol(client: FlaskClient, initial: str, username: str = "sanne") -> bytes:
    assert login(client, username, initial).location == "/staff/setup"
    page = client.get("/staff/setup").get_data(as_text=True)
    assert "Choose your passphrase" in page
    assert (
        post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW}).location
        == "/staff/setup"
    )
    page = client.get("/staff/setup").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = manual_secret(page)
    wrong = post_form(
        client, "/staff/setup", {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert "not right" in wrong.get_data(as_text=True)
    done = post_form(client, "/staff/setup", {"code": current_code(secret)})
    assert done.location == "/workspace"
    return secret


def test_cli_creates_staff_with_one_time_passphrase(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--username",
            "sanne",
            "--name",
            "Sanne de Vries",
            "--role",
            "regievoerder",
            "--municipality",
            "Utrecht",
        ]
    )
    assert result.exit_code == 0, result.output
    initial = re.search(r"initial passphrase: (\S+)", result.output).group(1)
    assert len(initial.replace("-", "")) == 20
    again = runner.invoke(
        args=["staff", "create", "--username", "sanne", "--name", "X", "--municipality", "Utrecht"]
    )
    assert again.exit_code != 0 and "taken" in again.output
    bad = runner.invoke(
        args=["staff", "create", "--username", "a b", "--name", "X", "--municipality", "U"]
    )
    assert bad.exit_code != 0

    def check() -> None:
        user = db.session.scalar(select(User).where(User.username == "sanne"))
        assert user is not None and user.role == "regievoerder" and user.must_change_passphrase
        org = user.municipality
        signing.verify_staff_key(
            org.signing_public_key, org.id, user.id, user.public_key, user.key_certificate
        )

    in_app(app, check)
    client = app.test_client()
    secret = enrol(client, initial)
    assert secret


def test_staff_first_login_then_code_every_time_once(app: Flask, make_staff) -> None:
    staff = make_staff()
    client = app.test_client()
    # Halfway through set-up, no staff page opens.
    login(client, staff.username, staff.passphrase)
    assert client.get("/workspace").location == "/login/code"
    assert client.get("/account").location == "/login/code"
    secret = enrol(client, staff.passphrase)
    assert client.get("/workspace").status_code == 200
    post_form(client, "/logout", {}, form_page="/workspace")

    # The initial passphrase works once only.
    assert "not right" in login(client, staff.username, staff.passphrase).get_data(as_text=True)
    # The enrolment code was step N; a login now needs a newer step.
    assert login(client, staff.username, NEW).location == "/login/code"
    assert client.get("/workspace").location == "/login/code"
    # The code spent at enrolment (its step is stored), whatever the clock says now.
    used = in_app(
        app, lambda: totp.code_at(secret, db.session.get(User, staff.user_id).totp_last_step)
    )
    refused = post_form(client, "/login/code", {"code": used})
    assert "already used" in refused.get_data(as_text=True)
    fresh = current_code(secret, +1)
    assert post_form(client, "/login/code", {"code": fresh}).location == "/workspace"
    post_form(client, "/logout", {}, form_page="/workspace")
    # The same code again: refused, even with the right passphrase.
    login(client, staff.username, NEW)
    assert "already used" in post_form(client, "/login/code", {"code": fresh}).get_data(
        as_text=True
    )


def test_pending_staff_session_expires_with_cancel(app: Flask, make_staff) -> None:
    staff = make_staff()
    client = app.test_client()
    login(client, staff.username, staff.passphrase)
    assert post_form(client, "/logout", {}, form_page="/staff/setup").location == "/"
    assert client.get("/staff/setup").location == "/login"


def test_admin_sees_staff_list_not_content(app: Flask, make_staff) -> None:
    make_staff("sanne")
    admin = make_staff("beheer", role=Role.ADMIN)
    client = app.test_client()
    secret = None
    assert login(client, admin.username, admin.passphrase).location == "/staff/setup"
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    page = client.get("/staff/setup").get_data(as_text=True)
    secret = manual_secret(page)
    assert post_form(client, "/staff/setup", {"code": current_code(secret)}).location == "/admin/"
    page = client.get("/admin/").get_data(as_text=True)
    assert "Sanne de Vries" in page and "Utrecht" in page
    assert client.get("/workspace").status_code == 403
    assert client.get("/home").status_code == 403


def test_a_time_step_is_spent_once_even_when_racing(app: Flask, make_staff) -> None:
    """The conditional UPDATE is what makes a code single-use under concurrency."""
    from portfolio.accounts.services import _spend_step

    staff = make_staff()
    with app.app_context():
        user = db.session.get(User, staff.user_id)
        assert _spend_step(db.session, user, 1000)
        assert not _spend_step(db.session, user, 1000)  # the same code, a second time
        assert not _spend_step(db.session, user, 999)  # an older code
        assert _spend_step(db.session, user, 1001)
        db.session.commit()


def test_initial_passphrase_holder_cannot_enrol_after_the_owner(app: Flask, make_staff) -> None:
    """Whoever else saw the one-time passphrase loses their half-done login as soon as
    the staff member sets a passphrase, and a second enrolment is refused."""
    staff = make_staff()
    intruder, real = app.test_client(), app.test_client()
    assert login(intruder, staff.username, staff.passphrase).location == "/staff/setup"
    secret = enrol(real, staff.passphrase)
    assert intruder.get("/staff/setup").location == "/login"
    response = post_form(
        intruder, "/staff/setup", {"code": current_code(secret, +1)}, form_page="/login"
    )
    assert response.status_code == 302 and response.location == "/login"
    assert intruder.get("/workspace").location.startswith("/login")
    # The real second factor still works.
    post_form(real, "/logout", {}, form_page="/workspace")
    login(real, staff.username, NEW)
    assert (
        post_form(real, "/login/code", {"code": current_code(secret, +1)}).location == "/workspace"
    )


def test_logout_clears_enrolment_for_the_next_person(app: Flask, make_staff) -> None:
    first, second = make_staff("anna"), make_staff("bram")
    client = app.test_client()  # one shared computer at the town hall
    login(client, first.username, first.passphrase)
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    first_secret = manual_secret(client.get("/staff/setup").get_data(as_text=True))
    post_form(client, "/logout", {}, form_page="/staff/setup")
    login(client, second.username, second.passphrase)
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    page = client.get("/staff/setup")
    assert page.status_code == 200
    assert manual_secret(page.get_data(as_text=True)) != first_secret


def test_https_forms_work_without_referer(app: Flask, make_owner) -> None:
    """Referrer-Policy is no-referrer, so browsers send no Referer: HTTPS posts must work."""
    owner = make_owner()
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    page = client.get("/login", base_url="https://localhost")
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"csrf_token": token, "username": owner.username, "passphrase": owner.passphrase},
    )
    assert response.status_code == 302 and response.location == "/home"
