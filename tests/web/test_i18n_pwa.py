"""Languages (choice, cookie, Accept-Language, RTL) and the installable shell."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio.i18n import CODES
from tests.conftest import login, post_form


def lang_of(html: str) -> tuple[str, str]:
    head = html.split("<head>")[0]
    lang = head.split('lang="')[1].split('"')[0]
    direction = head.split('dir="')[1].split('"')[0]
    return lang, direction


def test_default_is_dutch(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert lang_of(html) == ("nl", "ltr")
    assert "Account maken" in html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar", ("ar", "rtl")),
        ("fa-AF,fa;q=0.9", ("fa", "rtl")),
        ("ti-ER", ("ti", "ltr")),
        ("so", ("so", "ltr")),
        ("tr-TR,en;q=0.5", ("tr", "ltr")),
        ("de-DE,fr;q=0.5", ("nl", "ltr")),
        ("*", ("nl", "ltr")),
        ("x" * 500, ("nl", "ltr")),
        (";;;q=abc,,", ("nl", "ltr")),
    ],
)
def test_accept_language(client: FlaskClient, header: str, expected: tuple[str, str]) -> None:
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert lang_of(response.get_data(as_text=True)) == expected


def test_every_language_renders_translated(client: FlaskClient) -> None:
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for code in CODES:
        html = client.get("/login", headers={"Accept-Language": code}).get_data(as_text=True)
        assert lang_of(html)[0] == code
        if code != "en":
            assert "Forgot your passphrase? Use your recovery code" not in html, code
    assert "Make an account" in english


def test_switch_language_before_login_sets_cookie(client: FlaskClient) -> None:
    response = post_form(client, "/language", {"lang": "ar", "next": "/login"}, form_page="/")
    assert response.status_code == 302 and response.location == "/login"
    assert lang_of(client.get("/login").get_data(as_text=True)) == ("ar", "rtl")


@pytest.mark.parametrize("value", ["xx", "", "../../etc", "ar\x00", "nl" * 1000])
def test_unknown_language_refused(client: FlaskClient, value: str) -> None:
    response = post_form(client, "/language", {"lang": value}, form_page="/")
    assert response.status_code == 400
    client.set_cookie("lang", "zz")
    assert (
        lang_of(client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True))[0] == "nl"
    )


def test_next_after_language_stays_local(client: FlaskClient) -> None:
    response = post_form(
        client, "/language", {"lang": "tr", "next": "https://evil.example/"}, form_page="/"
    )
    assert response.location == "/"


def test_saved_choice_wins_after_login(app: Flask, make_owner) -> None:
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    post_form(client, "/language", {"lang": "fa", "next": "/home"}, form_page="/home")
    other = app.test_client()
    other.set_cookie("lang", "tr")
    login(other, owner.username, owner.passphrase)
    html = other.get("/home", headers={"Accept-Language": "so"}).get_data(as_text=True)
    assert lang_of(html) == ("fa", "rtl")


def test_switcher_names_languages_in_own_script(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for name in ("Nederlands", "English", "العربية", "فارسی", "ትግርኛ", "Türkçe", "Soomaali"):
        assert name in html


def test_manifest_is_installable(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.get_data(as_text=True))
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        icon_response = client.get(icon["src"])
        assert icon_response.status_code == 200 and icon_response.mimetype == "image/png"
        icon_response.close()


def test_service_worker_from_root_caches_only_the_shell(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    shell = json.loads(body.split("const SHELL = ")[1].split(";\n")[0])
    assert "/offline" in shell
    assert all(path == "/offline" or path.startswith("/static/") for path in shell)
    for path in shell:
        assert client.get(path).status_code == 200
    # Navigations go to the network; only /static/ responses are ever put in the cache.
    assert body.count("cache.put(") == 1 and 'startsWith("/static/")' in body


def test_offline_page_in_every_language(client: FlaskClient) -> None:
    html = client.get("/offline").get_data(as_text=True)
    for code in CODES:
        assert f'lang="{code}"' in html
