"""Journeys in real Chromium on a Pixel 7: a newcomer's account from start to recovery,
and a regievoerder's first login with TOTP enrolment."""

from __future__ import annotations

import base64
import re
import time

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from portfolio.accounts import municipalities, services
from portfolio.accounts.models import Role
from portfolio.db import db
from portfolio.vault import totp
from tests.browser.conftest import shoot

PASS = "mijn fiets staat bij het station"
NEW = "de zon schijnt op de markt"
NEWER = "ik heb mijn code nog"


def read_code(page: Page) -> str:
    return page.locator(".recovery-code").first.inner_text().strip()


def confirm_code(page: Page, code: str) -> None:
    page.get_by_label(re.compile("4")).fill(code[-4:])
    page.locator("input[type=checkbox]").check()
    page.locator("form.stack button[type=submit]").click()


def test_newcomer_account_journey(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    shoot(page, "home-nl")
    page.locator("a.button.primary").click()  # make an account
    page.locator("#username").fill("amina")
    page.locator("#passphrase").fill(PASS)
    page.locator("#passphrase_repeat").fill(PASS)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/recovery-code$"))
    code = read_code(page)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", code)
    shoot(page, "recovery-code-nl")
    # Confirming with the wrong characters is refused with an error tied to the field.
    page.locator("#last_group").fill("ZZZZ")
    page.locator("input[type=checkbox]").check()
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("#last_group")).to_have_attribute("aria-invalid", "true")
    confirm_code(page, code)
    expect(page).to_have_url(re.compile("/home$"))

    # Log out, log in again.
    page.locator("nav.main-nav button").click()
    expect(page).to_have_url(base_url + "/")
    page.goto(base_url + "/login")
    page.locator("#username").fill("amina")
    page.locator("#passphrase").fill(PASS)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/home$"))

    # Switch to Arabic: the page is right-to-left, and the choice is saved.
    page.locator("details.lang-switch summary").click()
    page.locator("details.lang-switch button[value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    shoot(page, "home-ar")

    # Change passphrase.
    page.goto(base_url + "/account/passphrase")
    page.locator("#current").fill(PASS)
    page.locator("#passphrase").fill(NEW)
    page.locator("#passphrase_repeat").fill(NEW)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/account$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shoot(page, "account-ar")
    page.locator("nav.main-nav button").click()

    # "Forget" the passphrase: recover with the code, get a new one.
    page.goto(base_url + "/recover")
    page.locator("#username").fill("amina")
    page.locator("#code").fill(code.lower().replace("-", " "))
    page.locator("#passphrase").fill(NEWER)
    page.locator("#passphrase_repeat").fill(NEWER)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/recovery-code$"))
    new_code = read_code(page)
    assert new_code != code
    confirm_code(page, new_code)
    expect(page).to_have_url(re.compile("/home$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_staff_first_login_with_totp(
    browser: Browser, live_app: Flask, base_url: str, playwright
) -> None:
    with live_app.app_context():
        ctx = live_app.extensions["portfolio.vault"]
        org = municipalities.get_or_create_municipality(db.session, ctx, "Utrecht")
        _, initial = services.create_staff(
            db.session,
            ctx,
            username="sanne",
            display_name="Sanne de Vries",
            role=Role.REGIEVOERDER,
            municipality=org,
        )
        db.session.commit()
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="nl-NL")
    page = context.new_page()
    page.goto(base_url + "/login")
    page.locator("#username").fill("sanne")
    page.locator("#passphrase").fill(initial)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/staff/setup$"))
    page.locator("#passphrase").fill(NEW)
    page.locator("#passphrase_repeat").fill(NEW)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".qr svg")).to_be_visible()
    shoot(page, "staff-totp-nl")
    key = page.locator(".qr code").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.locator("#code").fill(totp.code_at(secret, int(time.time() // 30)))
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/workspace$"))
    expect(page.locator(".fingerprint")).to_be_visible()
    # Log out and back in: the code is asked every time.
    page.locator("nav.main-nav button").click()
    page.goto(base_url + "/login")
    page.locator("#username").fill("sanne")
    page.locator("#passphrase").fill(NEW)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/login/code$"))
    page.locator("#code").fill(totp.code_at(secret, int(time.time() // 30) + 1))
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/workspace$"))
    context.close()


def test_keyboard_only_login(page: Page, base_url: str, live_app: Flask) -> None:
    with live_app.app_context():
        services.register_owner(
            db.session, live_app.extensions["portfolio.vault"], "keyboard", PASS, "nl"
        )
        db.session.commit()
    page.goto(base_url + "/login")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.locator("#username").focus()
    page.keyboard.type("keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type(PASS)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/recovery-code$"))
