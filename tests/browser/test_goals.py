"""Goals in real Chromium on a Pixel 7, in Dutch and in Arabic: add a goal with steps,
tick one, see the home page change; axe-core on every goal page."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from portfolio.accounts import services
from portfolio.db import db
from tests.browser.conftest import assert_accessible, shoot

PASS = "mijn doelen zijn van mij"


def _owner(live_app: Flask, username: str, lang: str) -> None:
    with live_app.app_context():
        unlocked, _ = services.register_owner(
            db.session, live_app.extensions["portfolio.vault"], username, PASS, lang
        )
        services.confirm_recovery_saved(db.session, unlocked.user)
        db.session.commit()


def _page(browser: Browser, playwright: Any, base_url: str, username: str, lang: str) -> Page:
    context = browser.new_context(**playwright.devices["Pixel 7"], bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + "/login")
    page.locator("#username").fill(username)
    page.locator("#passphrase").fill(PASS)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/home$"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


_axe = partial(assert_accessible, journey="goals")


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_add_goal_tick_step_dashboard(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    username = f"doelen_{lang}"
    _owner(live_app, username, lang)
    page = _page(browser, playwright, base_url, username, lang)
    _axe(page, "home-empty", lang)
    # Start from the work card on the home page: the form opens with that domain chosen.
    page.locator(".domain-cards a[href$='domain=work']").click()
    expect(page.locator("#domain")).to_have_value("work")
    _axe(page, "form", lang)
    page.locator("#title").fill("Werken als verpleegkundige")
    page.locator("#term-2").check()
    page.locator("#target_date").fill("2027-03-01")
    page.locator("#steps-0-text").fill("Diploma laten waarderen")
    page.locator("#steps-1-text").fill("NT2 B2 halen")
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portfolio/goals/[0-9a-f]{32}$"))
    expect(page.locator("progress")).to_have_attribute("value", "0")
    _axe(page, "goal", lang)
    # Tick the second step: it is marked done and the goal is in progress.
    page.locator("#step-1 button").click()
    expect(page.locator("#step-1 button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("progress")).to_have_attribute("value", "1")
    shoot(page, f"goals-goal-ticked-{lang}")
    # The home page shows it under Work & career.
    page.goto(base_url + "/home")
    expect(page.locator(".domain-cards a[href*='domain=work'] .count")).to_contain_text("1")
    _axe(page, "home", lang)
    page.goto(base_url + "/portfolio/")
    expect(page.locator(".item-card")).to_have_count(1)
    _axe(page, "list", lang)
    page.locator(".item-card a").click()
    page.locator("a.button.danger").click()
    _axe(page, "delete", lang)
    page.locator("form.actions button.danger").click()
    expect(page).to_have_url(re.compile("/portfolio/$"))
    expect(page.locator(".item-card")).to_have_count(0)
    page.context.close()


def test_form_errors_are_accessible(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask
) -> None:
    _owner(live_app, "fouten_ar", "ar")
    page = _page(browser, playwright, base_url, "fouten_ar", "ar")
    page.goto(base_url + "/portfolio/goals/new")
    page.locator("#target_date").fill("1800-01-01")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    _axe(page, "form-errors", "ar")
    page.context.close()


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_self_assessment_changes_the_chart(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    username = f"voortgang_{lang}"
    _owner(live_app, username, lang)
    page = _page(browser, playwright, base_url, username, lang)
    page.goto(base_url + "/progress/self-assessment")
    _axe(page, "self-assessment", lang)
    # Keyboard: faces are radio buttons; their labels are the large touch targets.
    page.locator("label[for='score_language-1']").click()
    page.locator("label[for='score_work-0']").click()
    page.locator("label[for='score_housing-2']").click()
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/progress/$"))
    expect(page.locator("svg.radar polygon.latest")).to_have_count(1)
    _axe(page, "history-one", lang)
    page.goto(base_url + "/progress/self-assessment")
    page.locator("label[for='score_language-3']").click()
    page.locator("label[for='score_work-2']").click()
    page.locator("form.stack button[type=submit]").click()
    page.goto(base_url + "/home")
    expect(page.locator("svg.radar polygon.first")).to_have_count(1)
    first = page.locator("svg.radar polygon.first").get_attribute("points")
    latest = page.locator("svg.radar polygon.latest").get_attribute("points")
    assert first != latest  # the chart changed
    _axe(page, "home-chart", lang)
    page.context.close()


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_language_levels_timeline(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    username = f"taal_{lang}"
    _owner(live_app, username, lang)
    page = _page(browser, playwright, base_url, username, lang)
    page.goto(base_url + "/progress/language")
    _axe(page, "language-empty", lang)
    page.locator("a.button.primary").click()
    _axe(page, "language-form", lang)
    page.locator("label[for='skill_reading-1']").click()
    page.locator("label[for='skill_speaking-0']").click()
    page.locator("#target").select_option("B1")
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/progress/language$"))
    page.locator("a.button.primary").click()
    page.locator("label[for='skill_reading-2']").click()  # A1 -> A2
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("svg.timeline polyline.reading")).to_have_count(1)
    expect(page.locator("svg.timeline line.target")).to_have_count(1)
    _axe(page, "language", lang)
    page.context.close()
