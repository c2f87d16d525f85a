"""Records in real Chromium on a Pixel 7, in Dutch and in Arabic: add a certificate from
a photo (the camera input) and see its thumbnail; add work and volunteering, an exam
result, about me and my integration; axe-core on every new page."""

from __future__ import annotations

import io
import re
from functools import partial
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_goals import _owner, _page

_axe = partial(assert_accessible, journey="records")


def _photo() -> bytes:
    """A phone photo taken sideways (EXIF orientation 6), with a place in its EXIF."""
    image = Image.new("RGB", (1600, 1200), "#f4efe1")
    for x in range(200, 1400):
        image.putpixel((x, 600), (40, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 5.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_certificate_from_a_photo_with_thumbnail(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    username = f"certificaat_{lang}"
    _owner(live_app, username, lang)
    page = _page(browser, playwright, base_url, username, lang)
    page.goto(base_url + "/portfolio/")
    _axe(page, "list-empty", lang)
    page.locator(".add-menu summary").click()
    page.locator(".add-menu a[href*='/portfolio/certificates/new']").click()
    expect(page.locator("#photo")).to_have_attribute("capture", "environment")
    _axe(page, "certificate-form", lang)
    page.locator("#title").fill("Certificaat EHBO")
    page.locator("#issuer").fill("Het Oranje Kruis")
    page.locator("#issued_on").fill("2026-03-14")
    page.locator("#photo").set_input_files(
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    expect(page.locator("output[for=photo]")).to_have_text("IMG_2041.jpg")
    page.locator("form.stack > button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portfolio/certificates/[0-9a-f]{32}$"))
    thumb = page.locator(".file-card img.thumb")
    expect(thumb).to_be_visible()
    # The thumbnail really loaded, and the sideways photo stands upright (portrait).
    size = thumb.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size[0] and 0 < size[1] < size[2] <= 320, size
    _axe(page, "certificate", lang)

    # A file that is not a photo is refused in the page's language; the fields stay.
    page.locator("a[href$='/edit']").click()
    page.locator("#upload").set_input_files(
        files=[{"name": "virus.jpg", "mimeType": "image/jpeg", "buffer": b"<html>hi</html>"}]
    )
    page.locator("form.stack > button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#title")).to_have_value("Certificaat EHBO")
    _axe(page, "certificate-refused", lang)


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_work_exam_about_me_integration_pages(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    username = f"verhaal_{lang}"
    _owner(live_app, username, lang)
    page = _page(browser, playwright, base_url, username, lang)
    page.goto(base_url + "/portfolio/experience/new")
    _axe(page, "experience-form", lang)
    page.locator("#organisation").fill("Voedselbank Utrecht")
    page.locator("#role").fill("Pakketten inpakken")
    page.locator("#hours_per_week").fill("6")
    page.locator("form.stack > button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Voedselbank Utrecht")
    _axe(page, "experience", lang)
    page.goto(base_url + "/portfolio/exams/new")
    _axe(page, "exam-form", lang)
    page.locator("#exam_date").fill("2026-10-02")
    page.locator("#result").select_option("passed")
    page.locator("form.stack > button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portfolio/exams/[0-9a-f]{32}$"))
    _axe(page, "exam", lang)
    page.goto(base_url + "/portfolio/reflections/new")
    expect(page.locator("#voice")).to_be_attached()
    _axe(page, "reflection-form", lang)
    page.goto(base_url + "/portfolio/me/about-me")
    _axe(page, "about-me-empty", lang)
    page.goto(base_url + "/portfolio/me/about-me/edit")
    page.locator("#ambition").fill("Verpleegkundige in een ziekenhuis")
    page.locator("input[name=needs][value=childcare]").check()
    _axe(page, "about-me-form", lang)
    page.locator("form.stack > button[type=submit]").click()
    expect(page.locator(".facts")).to_contain_text("Verpleegkundige in een ziekenhuis")
    _axe(page, "about-me", lang)
    page.goto(base_url + "/portfolio/me/integration/edit")
    page.locator("#route").select_option("b1")
    page.locator("#term_start").fill("2024-05-01")
    page.locator("#term_end").fill("2027-05-01")
    _axe(page, "integration-form", lang)
    page.locator("form.stack > button[type=submit]").click()
    _axe(page, "integration", lang)
    page.goto(base_url + "/portfolio/")
    expect(page.locator(".item-card")).to_have_count(2)
    _axe(page, "list", lang)
