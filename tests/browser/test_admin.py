"""The municipal administrator on a laptop, in Dutch and Arabic: the overview with counts,
a new staff account with its one-time passphrase, deactivating with a successor, the
name; axe-core on every page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from portfolio.accounts.models import Role
from tests.browser.conftest import axe_violations, shoot
from tests.browser.test_sharing import _staff, _staff_page
from tests.corpus import jpeg_with_gps


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_admin_pages(browser: Browser, base_url: str, live_app: Flask, lang: str) -> None:
    username = f"beheer_{lang}"
    page = _staff_page(
        browser, base_url, username, _staff(live_app, username, lang, Role.ADMIN), lang, "/admin/"
    )

    def axe(name: str) -> None:
        shoot(page, f"admin-{name}-{lang}")
        assert axe_violations(page) == [], name

    axe("index")
    page.locator("a[href='/admin/staff/new']").click()
    page.locator("#display_name").fill(f"Pieter Jansen {lang}")
    page.locator("#username").fill(f"pieter_{lang}")
    axe("staff-new")
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator(".big-code")).to_have_text(re.compile(r"^[0-9a-z]{5}(-[0-9a-z]{5}){3}$"))
    axe("staff-created")
    page.goto(base_url + "/admin/")
    page.locator("main a[href$='/deactivate']", has_text=f"Pieter Jansen {lang}").click()
    axe("deactivate")
    page.locator("main form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/admin/$"))
    page.goto(base_url + "/admin/settings")
    axe("settings")
    page.locator("#logo").set_input_files(
        files=[{"name": "logo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.locator("form[action$='/settings/logo'] button").click()
    expect(page.locator("img.org-logo")).to_be_visible()
    axe("settings-logo")
