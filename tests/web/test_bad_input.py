"""Bad input gets a clear, translated error and never a 500: empty, huge, control
characters, wrong types, odd encodings, fuzzed by hypothesis."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token

FORMS = {
    "/login": ("username", "passphrase"),
    "/register": ("username", "passphrase", "passphrase_repeat"),
    "/recover": ("username", "code", "passphrase", "passphrase_repeat"),
}
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\u202eevil",
    "x" * 1_000_000,
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(name)s",
    "١٢٣٤٥٦٧٨",
]


@pytest.mark.parametrize("path", list(FORMS))
@pytest.mark.parametrize("value", NASTY)
def test_nasty_values_never_500(client: FlaskClient, path: str, value: str) -> None:
    token = csrf_token(client, path)
    data = {name: value for name in FORMS[path]}
    response = client.post(
        path, data={"csrf_token": token, **data}, headers={"Accept-Language": "ar"}
    )
    assert response.status_code in (200, 400, 413), response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    if value == "{{ 7*7 }}" and response.status_code == 200 and "username" in FORMS[path]:
        assert 'value="{{ 7*7 }}"' in body  # shown back literally, never evaluated
    if response.status_code == 200:
        assert 'class="error-summary"' in body and 'dir="rtl"' in body


@pytest.mark.parametrize("path", list(FORMS))
def test_missing_and_repeated_fields(client: FlaskClient, path: str) -> None:
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token}).status_code == 200
    multi = MultiDict(
        [("csrf_token", token)] + [(name, v) for name in FORMS[path] for v in ("a", "b")]
    )
    assert client.post(path, data=multi).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded; charset=latin-1",
    ],
)
def test_wrong_content_types(client: FlaskClient, content_type: str) -> None:
    response = client.post("/login", data=b'{"username": "a"}\xff\xfe', content_type=content_type)
    assert response.status_code in (400, 413)


def test_invalid_utf8_in_form(client: FlaskClient) -> None:
    token = csrf_token(client)
    body = f"csrf_token={token}&username=%ff%fe&passphrase=%c3%28".encode()
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    ["/login?next=%00", "/login?next=" + "a" * 5000, "/%ff%fe", "/language?next=\r\nSet-Cookie:x"],
)
def test_odd_urls(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code in (200, 302, 400, 404)


@pytest.mark.parametrize(
    "cookie", ["", ".", "a.b", "x" * 4000, "%%%.%%%", "AAAAAAAAAAAAAAAAAAAAAA." + "A" * 43]
)
def test_forged_session_cookies(client: FlaskClient, cookie: str) -> None:
    client.set_cookie("__Host-pf_session", cookie)
    assert client.get("/home").status_code == 302
    assert client.get("/").status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["username", "passphrase", "passphrase_repeat", "code", "lang", "next", "extra"]
        ),
        st.text(max_size=300),
    )
)
def test_fuzz_public_forms(app: Flask, data: dict[str, str]) -> None:
    for path in (*FORMS, "/language"):
        client = app.test_client()  # a fresh visitor: a fuzzed login may well succeed
        token = csrf_token(client, "/login")
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code in (200, 302, 400), (path, response.status_code)


def _every_route_with_nul(app: Flask) -> list[str]:
    """Each GET route with every path argument a NUL byte, and a NUL in its query."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+(?:\([^)]*\))?:)?{name}>", "%00", path)
        if "<" not in path:
            paths.append(path)
            paths.append(path + "?who=%00&next=%00&page=%00")
    return sorted(set(paths))


@pytest.mark.parametrize("who", ["visitor", "owner", "staff"])
def test_a_nul_byte_anywhere_is_refused_before_the_database(
    app: Flask, make_owner, make_staff, who: str
) -> None:
    """PostgreSQL cannot hold a NUL byte: every route, with NUL in each path argument and
    in its query, for a visitor, an owner and a regievoerder, answers 400 or 404 (or the
    page itself when no argument is read), never 500."""
    from tests.conftest import login
    from tests.web.test_sharing import staff_client

    if who == "owner":
        account = make_owner("amal")
        client = app.test_client()
        login(client, account.username, account.passphrase)
    elif who == "staff":
        client = staff_client(app, make_staff("sanne"))
    else:
        client = app.test_client()
    paths = _every_route_with_nul(app)
    assert len(paths) > 60
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if "%00" in path.split("?")[0] or "?" in path:
            assert response.status_code in (302, 400, 404), (path, response.status_code)


def test_a_nul_byte_in_a_form_is_explained_in_a_cookie_refused(client: FlaskClient) -> None:
    token = csrf_token(client)
    typed = {"csrf_token": token, "username": "a\x00b", "passphrase": "x"}
    answered = client.post("/login", data=typed)
    assert answered.status_code == 200 and 'class="error-summary"' in answered.get_data(
        as_text=True
    )
    client.set_cookie("__Host-pf_session", "abc\x00def")
    assert client.get("/home").status_code == 400
