"""axe-core: zero WCAG 2.1 A/AA violations on every page, on a phone, in Dutch and Arabic.
Installability: Chromium reports no installability errors."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from portfolio.accounts import municipalities, services
from portfolio.accounts.models import Role
from portfolio.db import db
from portfolio.vault import totp
from tests.browser.conftest import axe_violations, shoot

PASS = "een veilige zin voor axe"
LANGS = ["nl", "ar"]
PUBLIC = [
    "/",
    "/privacy",
    "/accessibility",
    "/language",
    "/login",
    "/register",
    "/recover",
    "/offline",
    "/no-such-page",
]


def _context(browser: Browser, playwright: Any, lang: str) -> BrowserContext:
    context = browser.new_context(
        **playwright.devices["Pixel 7"], bypass_csp=True, locale="ar" if lang == "ar" else "nl-NL"
    )
    context.add_cookies([{"name": "lang", "value": lang, "url": "http://127.0.0.1"}])
    return context


def check(page: Page, url: str, name: str, lang: str) -> None:
    if url:
        page.goto(url)
    if not url.endswith("/offline"):  # the offline page speaks all languages at once
        expect(page.locator("html")).to_have_attribute("lang", lang)
    violations = axe_violations(page)
    shoot(page, f"axe-{name}-{lang}")
    assert violations == [], f"{name} ({lang}): {violations}"


@pytest.fixture(scope="module")
def accounts(live_app: Flask) -> dict[str, str]:
    with live_app.app_context():
        ctx = live_app.extensions["portfolio.vault"]
        made = {}
        for lang in LANGS:
            unlocked, _ = services.register_owner(db.session, ctx, f"axe_{lang}", PASS, lang)
            services.confirm_recovery_saved(db.session, unlocked.user)
            org = municipalities.get_or_create_municipality(db.session, ctx, "Amersfoort")
            for role in (Role.REGIEVOERDER, Role.ADMIN):
                _, initial = services.create_staff(
                    db.session,
                    ctx,
                    username=f"axe_{role.value}_{lang}",
                    display_name="Fatima El Amrani",
                    role=role,
                    municipality=org,
                    locale=lang,
                )
                made[f"{role.value}_{lang}"] = initial
        db.session.commit()
    return made


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages(browser: Browser, playwright: Any, base_url: str, lang: str) -> None:
    context = _context(browser, playwright, lang)
    page = context.new_page()
    for path in PUBLIC:
        check(page, base_url + path, path.strip("/").replace("/", "-") or "home", lang)
    # A form with errors: the summary and the fields' messages must pass too.
    page.goto(base_url + "/register")
    page.locator("#passphrase").fill("short")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "", "register-errors", lang)
    context.close()


def _login(page: Page, base_url: str, username: str, passphrase: str) -> None:
    page.goto(base_url + "/login")
    page.locator("#username").fill(username)
    page.locator("#passphrase").fill(passphrase)
    page.locator("form.stack button[type=submit]").click()


@pytest.mark.parametrize("lang", LANGS)
def test_owner_pages(
    browser: Browser, playwright: Any, base_url: str, accounts: dict[str, str], lang: str
) -> None:
    context = _context(browser, playwright, lang)
    page = context.new_page()
    _login(page, base_url, f"axe_{lang}", PASS)
    expect(page).to_have_url(re.compile("/home$"))
    for path in ["/home", "/account", "/account/passphrase"]:
        check(page, base_url + path, path.strip("/").replace("/", "-"), lang)
    # A new recovery code: the code page and the printable sheet.
    page.goto(base_url + "/account")
    page.locator("#current").fill(PASS)
    page.locator("form[action$='/account/recovery-code'] button").click()
    expect(page).to_have_url(re.compile("/recovery-code$"))
    check(page, "", "recovery-code", lang)
    check(page, base_url + "/recovery-code/sheet", "recovery-sheet", lang)
    page.goto(base_url + "/recovery-code")
    code = page.locator(".recovery-code").inner_text().strip()
    page.locator("#last_group").fill(code[-4:])
    page.locator("input[type=checkbox]").check()
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/home$"))
    context.close()


@pytest.mark.parametrize("role", ["regievoerder", "admin"])
@pytest.mark.parametrize("lang", LANGS)
def test_staff_pages(
    browser: Browser, playwright: Any, base_url: str, accounts: dict[str, str], lang: str, role: str
) -> None:
    context = _context(browser, playwright, lang)
    page = context.new_page()
    _login(page, base_url, f"axe_{role}_{lang}", accounts[f"{role}_{lang}"])
    expect(page).to_have_url(re.compile("/staff/setup$"))
    check(page, "", f"staff-passphrase-{role}", lang)
    new = "mijn eigen sterke zin"
    page.locator("#passphrase").fill(new)
    page.locator("#passphrase_repeat").fill(new)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".qr svg")).to_be_visible()
    check(page, "", f"staff-totp-{role}", lang)
    key = page.locator(".qr code").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.locator("#code").fill(totp.code_at(secret, int(time.time() // 30)))
    page.locator("form.stack button[type=submit]").click()
    home = "/workspace" if role == "regievoerder" else "/admin/"
    expect(page).to_have_url(re.compile(re.escape(home) + "$"))
    check(page, "", f"staff-home-{role}", lang)
    check(page, base_url + "/account", f"staff-account-{role}", lang)
    page.locator("nav.main-nav button").click()
    _login(page, base_url, f"axe_{role}_{lang}", new)
    expect(page).to_have_url(re.compile("/login/code$"))
    check(page, "", f"second-factor-{role}", lang)
    context.close()


@pytest.fixture
def fresh_page(browser: Browser, playwright: Any) -> Iterator[Page]:
    context = browser.new_context(**playwright.devices["Pixel 7"])
    yield context.new_page()
    context.close()


def test_installable(
    playwright: Any, browser_type_launch_args: dict[str, Any], base_url: str, tmp_path: Path
) -> None:
    """Installability needs a normal (not incognito) profile: a persistent context."""
    launch = {k: v for k, v in browser_type_launch_args.items() if k in ("executable_path", "args")}
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), **launch, **device
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(base_url + "/")
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null || "
        "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))",
        timeout=15000,
    )
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors")
    context.close()


def test_service_worker_never_caches_pages(
    fresh_page: Page, base_url: str, live_app: Flask
) -> None:
    page = fresh_page
    with live_app.app_context():
        unlocked, _ = services.register_owner(
            db.session, live_app.extensions["portfolio.vault"], "cachecheck", PASS, "nl"
        )
        services.confirm_recovery_saved(db.session, unlocked.user)
        db.session.commit()
    page.goto(base_url + "/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    _login(page, base_url, "cachecheck", PASS)
    expect(page).to_have_url(re.compile("/home$"))
    page.goto(base_url + "/account")
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert cached, "the shell was not cached at all"
    assert all(path == "/offline" or path.startswith("/static/") for path in cached), cached
    # Offline, a navigation shows the offline page, not a cached personal page.
    page.context.set_offline(True)
    page.goto(base_url + "/account")
    expect(page.locator("main.offline")).to_be_visible()
    page.context.set_offline(False)
