"""The portfolio document in real Chromium on a Pixel 7, in Dutch and in Arabic: the
newcomer makes a document for an employer, the verifier opens the verification page
from the QR code on the PDF (read back with zbarimg), uploads the PDF and sees "valid";
a changed copy is refused. axe-core on every new page; deleting the account at the end
makes the page say the document no longer holds."""

from __future__ import annotations

import re
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from portfolio.accounts import services
from portfolio.db import db
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal, GoalStatus
from tests.browser.conftest import assert_accessible
from tests.browser.test_goals import PASS, _owner, _page
from tests.browser.test_sharing import _portfolio

_axe = partial(assert_accessible, journey="document")


def _achieved(live_app: Flask, username: str) -> None:
    with live_app.app_context():
        ctx = live_app.extensions["portfolio.vault"]
        unlocked = services.authenticate(db.session, ctx, username, PASS)
        goal = Goal(title="Fietsen in de stad", status=GoalStatus.DONE)
        entries.create_goal(db.session, unlocked.user.id, unlocked.user_key, "daily_life", goal)
        db.session.commit()


def _qr_link(pdf: Path) -> str:
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", pdf.name, "cover"],
        cwd=pdf.parent,
        check=True,
    )
    cover = next(pdf.parent.glob("cover*.png"))
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(cover)], capture_output=True, text=True, check=True
    )
    return read.stdout.strip()


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_export_for_an_employer_and_verify_it(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str, tmp_path: Path
) -> None:
    username = f"document_{lang}"
    _owner(live_app, username, lang)
    _portfolio(live_app, username)
    _achieved(live_app, username)
    owner = _page(browser, playwright, base_url, username, lang)

    owner.goto(base_url + "/account")
    owner.locator("a[href='/documents/new']").first.click()
    _axe(owner, "audience", lang)
    owner.locator("main form button[type=submit]").click()  # nothing chosen
    expect(owner.locator(".field-error")).to_be_visible()
    owner.locator("input[name=audience][value=employer]").check()
    owner.locator("main form button[type=submit]").click()
    expect(owner).to_have_url(re.compile("/documents/new/employer$"))
    _axe(owner, "choose", lang)
    expect(owner.locator("input[name=sections][value=pip]")).not_to_be_checked()
    expect(owner.locator(f"input[name=language][value={lang}]")).to_be_checked()
    owner.locator("#shown_name").fill("Amal Haddad")
    with owner.expect_download() as download:
        owner.locator("main form.stack button[type=submit]").click()
    pdf = tmp_path / "portfolio.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    link = _qr_link(pdf)
    assert link.startswith(base_url + "/verify/")
    verifier = browser.new_context(**playwright.devices["Pixel 7"], bypass_csp=True).new_page()
    verifier.context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])
    verifier.goto(link)
    expect(verifier.locator("html")).to_have_attribute("lang", lang)
    expect(verifier.locator("main dl")).to_contain_text("Portfolio")  # no municipality yet
    _axe(verifier, "verify", lang)
    verifier.locator("input[type=file]").set_input_files(str(pdf))
    verifier.locator("main form.stack button[type=submit]").click()
    expect(verifier.locator(".callout.success")).to_be_visible()
    _axe(verifier, "verify-valid", lang)

    changed = bytearray(pdf.read_bytes())
    changed[len(changed) // 3] ^= 0x20
    other = tmp_path / "changed.pdf"
    other.write_bytes(bytes(changed))
    verifier.locator("input[type=file]").set_input_files(str(other))
    verifier.locator("main form.stack button[type=submit]").click()
    expect(verifier.locator(".callout.success")).to_have_count(0)
    expect(verifier.locator(".callout[role=status]")).to_be_visible()
    status_before = verifier.locator("main dl dd").first.inner_text()

    owner.goto(base_url + "/documents")
    _axe(owner, "documents", lang)

    # Deleting the account: the page, the receipt, and the document shown as revoked.
    owner.goto(base_url + "/account/delete")
    _axe(owner, "delete", lang)
    owner.locator("#current").fill(PASS)
    owner.locator("#understood").check()
    owner.locator("main form.stack button[type=submit]").click()
    expect(owner).to_have_url(re.compile("/account/deleted$"))
    expect(owner.locator("html")).to_have_attribute("lang", lang)  # still their language
    _axe(owner, "deleted", lang)
    verifier.goto(link)
    expect(verifier.locator("main dl dd").first).not_to_have_text(status_before)
