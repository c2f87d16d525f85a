"""The security baseline: headers, CSRF, error pages without traces, no secrets in logs."""

from __future__ import annotations

import logging
import os

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from portfolio.accounts.access import public
from portfolio.vault.kdf import KdfParams
from tests.conftest import PASSPHRASE, csrf_token, login, post_form


def test_headers_on_every_page(client: FlaskClient) -> None:
    response = client.get("/")
    h = response.headers
    csp = h["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "geolocation=()" in h["Permissions-Policy"]
    assert h["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in h  # not in development/testing


def test_hsts_in_production(app_factory) -> None:
    strong = KdfParams.production()
    app = app_factory(
        env="production", kdf=strong, kdf_floor=strong, public_url="https://localhost"
    )
    assert "max-age=" in app.test_client().get("/").headers["Strict-Transport-Security"]


def test_production_answers_only_for_its_own_host(app_factory) -> None:
    """A forged Host header gets a 400 in production, never a page with links to it."""
    strong = KdfParams.production()
    app = app_factory(
        env="production", kdf=strong, kdf_floor=strong, public_url="https://portfolio.example.nl"
    )
    client = app.test_client()
    assert client.get("/login", base_url="https://portfolio.example.nl").status_code == 200
    forged = client.get("/login", base_url="https://evil.example")
    assert forged.status_code == 400 and "evil.example" not in forged.get_data(as_text=True)
    other = client.get(
        "/login", headers={"Host": "evil.example"}, base_url="https://portfolio.example.nl"
    )
    assert other.status_code == 400


def test_authenticated_pages_not_stored(client: FlaskClient, make_owner) -> None:
    owner = make_owner()
    login(client, owner.username, owner.passphrase)
    for path in ("/home", "/account"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_static_files_cacheable(client: FlaskClient) -> None:
    response = client.get("/static/css/app.css?v=1")
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    response.close()


@pytest.mark.parametrize("path", ["/login", "/register", "/recover", "/language", "/logout"])
def test_forms_refuse_missing_or_forged_csrf(client: FlaskClient, path: str) -> None:
    for token in (None, "forged", csrf_token(client) + "x"):
        data = {"username": "amina", "passphrase": PASSPHRASE, "lang": "ar"}
        if token:
            data["csrf_token"] = token
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert "Something in the form was not right" in response.get_data(as_text=True)


def test_csrf_token_from_another_browser_refused(app: Flask) -> None:
    a, b = app.test_client(), app.test_client()
    token = csrf_token(a)
    assert (
        b.post("/login", data={"csrf_token": token, "username": "x", "passphrase": "y"}).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/does-not-exist", 404), ("PUT", "/login", 405), ("GET", "/logout", 405)],
)
def test_error_pages_translated_without_traces(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method, headers={"Accept-Language": "ar"})
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert 'dir="rtl"' in body and "Traceback" not in body


def test_500_page_and_log_hold_no_content(app_factory, caplog: pytest.LogCaptureFixture) -> None:
    app = app_factory()
    secret_text = "GEHEIM-verhaal-van-amina"

    @app.route("/boom")
    @public
    def boom() -> str:
        raise RuntimeError(secret_text)

    @app.route("/forbidden")
    @public
    def forbidden() -> str:
        abort(403)

    caplog.set_level(logging.INFO)
    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert secret_text not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "Something went wrong on our side" in body
    assert secret_text not in caplog.text and "Traceback" not in caplog.text
    assert "RuntimeError" in caplog.text  # the type and place are logged, for the operator
    assert client.get("/forbidden").status_code == 403


def test_too_large_request(client: FlaskClient) -> None:
    response = client.post(
        "/login", data=b"x" * (17 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


def test_passphrases_never_logged(app: Flask, caplog: pytest.LogCaptureFixture, make_owner) -> None:
    caplog.set_level(logging.DEBUG)
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, "wrong but secret words")
    login(client, owner.username, owner.passphrase)
    post_form(
        client,
        "/recover",
        {
            "username": owner.username,
            "code": owner.recovery_code,
            "passphrase": "nieuw geheim zinnetje",
            "passphrase_repeat": "nieuw geheim zinnetje",
        },
    )
    for secret in (
        owner.passphrase,
        "wrong but secret words",
        owner.recovery_code,
        "nieuw geheim zinnetje",
    ):
        assert secret not in caplog.text


def guess_logins(client: FlaskClient, token: str, count: int) -> list[int]:
    """Wrong passphrases for one account from one address; the statuses in order."""
    return [
        client.post(
            "/login", data={"csrf_token": token, "username": "amina", "passphrase": f"guess {n}"}
        ).status_code
        for n in range(count)
    ]


def test_rate_limit_on_login(app_factory, make_owner) -> None:
    app = app_factory(ratelimit_enabled=True)
    client = app.test_client()
    token = csrf_token(client)
    statuses = guess_logins(client, token, 12)
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "amina", "passphrase": "x"},
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 429


def test_rate_limit_on_recovery(app_factory) -> None:
    app = app_factory(ratelimit_enabled=True)
    client = app.test_client()
    token = csrf_token(client, "/recover")
    data = {
        "csrf_token": token,
        "username": "amina",
        "code": "A" * 28,
        "passphrase": PASSPHRASE,
        "passphrase_repeat": PASSPHRASE,
    }
    statuses = [client.post("/recover", data=data).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429


def test_derivation_cap_answers_busy(app_factory, make_owner) -> None:
    app = app_factory(kdf_max_concurrent=1, kdf_wait_seconds=0.01)
    owner = make_owner()
    gate = app.extensions["portfolio.vault"].gate
    with gate.slot():  # another login is deriving right now
        response = login(app.test_client(), owner.username, owner.passphrase)
    assert response.status_code == 503
    assert "busy" in response.get_data(as_text=True)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL (CI does)")
def test_rate_limits_stored_in_redis(app_factory) -> None:
    """With REDIS_URL the limits live in Redis, shared by every worker and server."""
    import redis

    url = os.environ["TEST_REDIS_URL"]
    store = redis.Redis.from_url(url)
    store.flushdb()
    app = app_factory(ratelimit_enabled=True, redis_url=url)
    client = app.test_client()
    token = csrf_token(client)
    statuses = guess_logins(client, token, 11)
    assert statuses[-1] == 429
    assert any(b"login" in key or b"LIMITER" in key.upper() for key in store.keys("*"))
    store.flushdb()


def test_rate_limit_on_the_public_verification_page(app_factory) -> None:
    """Anyone may check a document, but not guess numbers or upload files endlessly."""
    app = app_factory(ratelimit_enabled=True)
    client = app.test_client()
    looks = [client.get("/verify?number=0000-0000-0000-0000").status_code for _ in range(62)]
    assert looks[:60] == [200] * 60 and looks[-1] == 429


def test_redis_unreachable_falls_back_to_limits_in_the_process(app_factory, caplog) -> None:
    """A Redis that does not answer (nothing listens on the port) must not turn logins
    into 500s: the limits are counted in the process until it answers again."""
    app = app_factory(ratelimit_enabled=True, redis_url="redis://127.0.0.1:1/0")
    client = app.test_client()
    token = csrf_token(client)
    statuses = guess_logins(client, token, 11)
    assert 500 not in statuses
    assert statuses[0] == 200 and statuses[-1] == 429  # still limited
    assert any("falling back" in r.getMessage().lower() for r in caplog.records)


def _from(app, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_strangers_guessing_from_many_addresses_cannot_lock_the_owner_out(
    app_factory, make_owner
) -> None:
    """100 wrong passphrases for one account from 100 addresses reach the account-wide
    limit: a new address is refused, but the owner's own phone, where she logged in
    before, still gets in."""
    app = app_factory(ratelimit_enabled=True)
    owner = make_owner("amina")
    phone = _from(app, "192.0.2.7")
    assert login(phone, owner.username, owner.passphrase).status_code == 302
    phone.delete_cookie(app.config["AUTH_COOKIE_NAME"])  # her session ended; the phone stays
    statuses = []
    for n in range(400):  # until the account-wide limit refuses them
        stranger = _from(app, f"198.51.{n // 200}.{n % 200 + 1}")
        token = csrf_token(stranger)
        data = {"csrf_token": token, "username": "amina", "passphrase": "x"}
        statuses.append(stranger.post("/login", data=data).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and statuses.count(200) >= 100  # each from its own address
    assert login(phone, owner.username, owner.passphrase).status_code == 302


def test_right_passphrases_do_not_count_against_the_limit(app_factory, make_owner) -> None:
    app = app_factory(ratelimit_enabled=True)
    owner = make_owner("amina")
    client = _from(app, "192.0.2.8")
    for _ in range(12):  # more than the 10 tries per address and account
        assert login(client, owner.username, owner.passphrase).status_code == 302
        client.delete_cookie(app.config["AUTH_COOKIE_NAME"])


def test_the_login_cookie_ends_with_the_browser_session(app: Flask, make_owner) -> None:
    """No Max-Age or Expires: the cookie cannot outlive the 30-minute idle timeout by
    hours on a shared computer (the server ends idle and old sessions itself)."""
    owner = make_owner("amina")
    client = app.test_client()
    response = login(client, owner.username, owner.passphrase)
    [session_cookie] = [
        h
        for h in response.headers.getlist("Set-Cookie")
        if h.startswith(app.config["AUTH_COOKIE_NAME"] + "=")
    ]
    assert "max-age" not in session_cookie.lower() and "expires" not in session_cookie.lower()
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
