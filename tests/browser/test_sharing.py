"""The sharing journey in real Chromium: a newcomer on a Pixel 7 connects with a
regievoerder by code, shares language and work for 3 months; the regievoerder (logged
in with TOTP, on a laptop) sees exactly those items; the newcomer revokes and the
regievoerder gets a 403 at once; the access log shows every step. axe-core on every
new page, in Dutch and in Arabic."""

from __future__ import annotations

import base64
import re
import time
from functools import partial
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from portfolio.accounts import municipalities, services
from portfolio.accounts.models import Role, User
from portfolio.db import db
from portfolio.entries import records
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal
from portfolio.entries.models import ItemKind
from portfolio.vault import totp
from tests.browser.conftest import assert_accessible
from tests.browser.test_goals import PASS, _owner, _page

NEW = "de regie ligt bij de inburgeraar"
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


_axe = partial(assert_accessible, journey="sharing")


def _portfolio(live_app: Flask, username: str) -> None:
    with live_app.app_context():
        ctx = live_app.extensions["portfolio.vault"]
        unlocked = services.authenticate(db.session, ctx, username, PASS)
        owner, key = unlocked.user.id, unlocked.user_key
        for title, domain in (
            ("Read a Dutch newspaper", "language"),
            ("Find work in care", "work"),
            ("Sleep better", "health"),
        ):
            entries.create_goal(db.session, owner, key, domain, Goal(title=title))
        fields = {"organisation": "Voedselbank Utrecht", "role": "Volunteer"}
        entries.create_item(
            db.session, owner, key, ItemKind.EXPERIENCE, "work", records.content(fields, [])
        )
        certificate = {"title": "Diploma verpleegkunde", "certificate_type": "foreign"}
        entries.create_item(
            db.session, owner, key, ItemKind.CERTIFICATE, "work", records.content(certificate, [])
        )
        db.session.commit()


def _staff(live_app: Flask, username: str, lang: str, role: Role = Role.REGIEVOERDER) -> str:
    with live_app.app_context():
        ctx = live_app.extensions["portfolio.vault"]
        org = municipalities.get_or_create_municipality(db.session, ctx, "Utrecht")
        _, initial = services.create_staff(
            db.session,
            ctx,
            username=username,
            display_name="Sanne de Vries" if role is Role.REGIEVOERDER else "Bea Beheer",
            role=role,
            municipality=org,
            locale=lang,
        )
        db.session.commit()
    return initial


def _staff_page(
    browser: Browser,
    base_url: str,
    username: str,
    initial: str,
    lang: str,
    home: str = "/workspace",
) -> Page:
    """First login on a laptop: own passphrase, TOTP enrolment, then the workspace."""
    context = browser.new_context(**LAPTOP, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + "/login")
    page.locator("#username").fill(username)
    page.locator("#passphrase").fill(initial)
    page.locator("form.stack button[type=submit]").click()
    page.locator("#passphrase").fill(NEW)
    page.locator("#passphrase_repeat").fill(NEW)
    page.locator("form.stack button[type=submit]").click()
    key = page.locator(".qr code").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.locator("#code").fill(totp.code_at(secret, int(time.time() // 30)))
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile(home + "$"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_connect_share_see_revoke(
    browser: Browser, playwright: Any, base_url: str, live_app: Flask, lang: str
) -> None:
    owner_name, staff_name = f"amal_{lang}", f"sanne_{lang}"
    _owner(live_app, owner_name, lang)
    _portfolio(live_app, owner_name)
    staff = _staff_page(browser, base_url, staff_name, _staff(live_app, staff_name, lang), lang)
    _axe(staff, "workspace-empty", lang)

    # The regievoerder makes a code; the newcomer types it on the phone.
    staff.goto(base_url + "/workspace/code")
    staff.locator("main form button[type=submit]").click()
    expect(staff.locator(".qr svg")).to_be_visible()
    _axe(staff, "connect-code", lang)
    code = staff.locator(".big-code").inner_text()
    fingerprint = staff.locator(".fingerprint").inner_text()

    owner = _page(browser, playwright, base_url, owner_name, lang)
    owner.goto(base_url + "/sharing/")
    _axe(owner, "index-empty", lang)
    owner.locator("#code").fill(code.lower())
    owner.locator("main form.stack button[type=submit]").click()
    expect(owner.locator(".fingerprint")).to_have_text(fingerprint)
    expect(owner.locator("main")).to_contain_text("Sanne de Vries")
    _axe(owner, "connect-confirm", lang)
    owner.locator("main form.actions button[type=submit]").click()

    # The share: language and work, goals and work experience, for 3 months.
    expect(owner).to_have_url(re.compile("/sharing/new/"))
    expect(owner.locator("input[name=domains][value=health]")).not_to_be_checked()
    _axe(owner, "share-form", lang)
    owner.locator("#shown_name").fill("Amal Haddad")
    for box in owner.locator("input[name=kinds]").all():
        box.uncheck()
    for box in owner.locator("input[name=domains]").all():
        box.uncheck()
    for value in ("goal", "experience", "certificate", "pip", "meeting"):
        owner.locator(f"input[name=kinds][value={value}]").check()
    for value in ("language", "work"):
        owner.locator(f"input[name=domains][value={value}]").check()
    owner.locator("input[name=period][value='3']").check()
    owner.locator("main form.stack > button[type=submit]").click()
    expect(owner.locator("main")).to_contain_text("Read a Dutch newspaper")
    expect(owner.locator("main")).to_contain_text("Voedselbank Utrecht")
    expect(owner.locator("main")).not_to_contain_text("Sleep better")
    _axe(owner, "preview", lang)
    owner.locator("button[name=step][value=confirm]").click()
    expect(owner).to_have_url(re.compile(r"/sharing/[0-9a-f]{32}$"))
    grant_url = owner.url
    _axe(owner, "grant", lang)

    # The regievoerder sees exactly those items.
    staff.goto(base_url + "/workspace")
    staff.locator("table.caseload a", has_text="Amal Haddad").click()
    main = staff.locator("main")
    expect(main).to_contain_text("Read a Dutch newspaper")
    expect(main).to_contain_text("Find work in care")
    expect(main).to_contain_text("Voedselbank Utrecht")
    expect(main).not_to_contain_text("Sleep better")
    _axe(staff, "client", lang)
    client_url = staff.url
    staff.locator("main a", has_text="Voedselbank Utrecht").click()
    expect(staff.locator("h1")).to_contain_text("Voedselbank Utrecht")
    _axe(staff, "client-item", lang)

    # Feedback and verification on the certificate.
    staff.goto(client_url)
    staff.locator("main a", has_text="Diploma verpleegkunde").click()
    staff.locator("#text").fill("Neem het originele diploma mee naar ons gesprek.")
    staff.locator("form[action$='/comments'] button").click()
    expect(staff.locator(".thread")).to_contain_text("Neem het originele diploma mee")
    staff.locator("form[action$='/verify'] button").click()
    expect(staff.locator(".verified")).to_contain_text("Sanne de Vries")
    _axe(staff, "client-certificate", lang)

    owner.goto(base_url + "/home")
    expect(owner.locator("nav .badge")).to_contain_text("1")
    _axe(owner, "dashboard-feedback", lang)
    owner.locator("main a", has_text="Diploma verpleegkunde").click()
    expect(owner.locator(".thread")).to_contain_text("Neem het originele diploma mee")
    _axe(owner, "feedback", lang)
    owner.locator("textarea[name=text]").fill("Dank je, dat doe ik.")
    owner.locator("main form.stack button[type=submit]").click()
    expect(owner.locator(".thread")).to_contain_text("Dank je, dat doe ik.")
    owner.locator("main > p > a").last.click()  # back to the certificate
    expect(owner.locator(".verified")).to_contain_text("Sanne de Vries")
    _axe(owner, "certificate-verified", lang)
    staff.goto(base_url + "/workspace")
    expect(staff.locator("table.caseload .badge")).to_have_text("1")

    # The regievoerder proposes the first plan with an agreement; the newcomer accepts.
    staff.goto(client_url + "/plan")
    _axe(staff, "plan-empty", lang)
    staff.locator(f"a[href='{client_url[len(base_url) :]}/plan/propose']").click()
    staff.locator("#provider").fill("Taalschool Utrecht")
    staff.locator("#agreements-0-description").fill("Solliciteren bij de thuiszorg")
    staff.locator("#agreements-0-domain").select_option("work")
    staff.locator("#agreements-0-evidence").select_option(index=1)  # a shared item as proof
    _axe(staff, "plan-propose", lang)
    staff.locator("main form.stack > button[type=submit]").click()
    expect(staff.locator(".proposal")).to_contain_text("Solliciteren bij de thuiszorg")

    owner.goto(base_url + "/plan/")
    proposal = owner.locator(".proposal")
    expect(proposal).to_contain_text("Solliciteren bij de thuiszorg")
    _axe(owner, "plan-proposal", lang)
    proposal.locator("input[name=decision][value=accept]").check()
    proposal.locator("button[type=submit]").click()
    expect(owner.locator(".agreements")).to_contain_text("Solliciteren bij de thuiszorg")
    expect(owner.locator(".agreements .proof a")).to_be_visible()
    expect(owner.locator(".proposal")).to_have_count(0)
    _axe(owner, "plan-version", lang)
    owner.goto(base_url + "/plan/history")
    expect(owner.locator("main")).to_contain_text("Solliciteren bij de thuiszorg")
    _axe(owner, "plan-history", lang)
    staff.goto(client_url + "/plan")
    expect(staff.locator(".agreements")).to_contain_text("Solliciteren bij de thuiszorg")
    _axe(staff, "plan-version", lang)

    # A progress meeting: the newcomer prepares, the regievoerder writes the summary.
    owner.goto(base_url + "/plan/")
    owner.locator("#day").fill("2027-01-15")
    owner.locator("form[action$='/plan/meetings/new'] button").click()
    owner.locator("#went_well").fill("Ik spreek meer Nederlands")
    _axe(owner, "meeting-prepare", lang)
    owner.locator("main form.stack button[type=submit]").click()
    meeting_path = owner.url[len(base_url) :]
    staff.goto(client_url + "/plan")
    staff.locator(f"a[href$='{meeting_path.rsplit('/', 1)[1]}']").click()
    expect(staff.locator("main")).to_contain_text("Ik spreek meer Nederlands")
    staff.locator("#summary").fill("Goed gesprek. Volgende stap: een stage.")
    _axe(staff, "meeting-summary", lang)
    staff.locator("main form.stack button[type=submit]").click()
    owner.reload()
    expect(owner.locator("main")).to_contain_text("Volgende stap: een stage.")

    # The newcomer's own plan proposal: drafted on the phone, sent, approved into the plan.
    owner.goto(base_url + "/plan/own/new")
    owner.locator("#course").fill("Cursus helpende zorg en welzijn")
    owner.locator("#provider").fill("ROC Midden Nederland")
    owner.locator("#domain").select_option("work")
    owner.locator("#cost").fill("1850")
    owner.locator("#why").fill("Ik werkte in Syrië in de zorg.")
    _axe(owner, "own-plan-form", lang)
    owner.locator("main form.stack button[type=submit]").click()
    expect(owner.locator("h1")).to_contain_text("Cursus helpende zorg en welzijn")
    owner.locator("input[name=recipient]").first.check()
    if owner.locator("#include_plan").count():
        owner.locator("#include_plan").check()
    _axe(owner, "own-plan", lang)
    owner.locator("form[action$='/submit'] button[type=submit]").click()
    expect(owner.locator("main .tag-submitted")).to_be_visible()
    staff.goto(base_url + "/workspace")
    staff.locator("table.caseload a.badge").click()
    staff.locator("#own-plans a", has_text="Cursus helpende zorg").click()
    expect(staff.locator("main")).to_contain_text("Ik werkte in Syrië in de zorg.")
    staff.locator("input[name=decision][value=approved]").check()
    _axe(staff, "own-plan-answer", lang)
    staff.locator("main form.stack button[type=submit]").click()
    expect(staff.locator(".agreements")).to_contain_text(
        "Cursus helpende zorg en welzijn (ROC Midden Nederland)"
    )
    owner.goto(base_url + "/plan/")
    expect(owner.locator(".agreements")).to_contain_text("Cursus helpende zorg en welzijn: € 1850")
    expect(owner.locator("#own-plans .tag-approved")).to_be_visible()

    # The regievoerder suggests a goal; the newcomer takes it into the portfolio.
    staff.goto(client_url + "/goals/suggest")
    staff.locator("#title").fill("Een EVC-traject voor de zorg")
    staff.locator("#domain").select_option("work")
    _axe(staff, "suggest-goal", lang)
    staff.locator("main form.stack button[type=submit]").click()
    expect(staff.locator("#suggestions")).to_contain_text("Een EVC-traject voor de zorg")
    _axe(staff, "client-suggestions", lang)
    owner.goto(base_url + "/home")
    suggested = owner.locator("#suggestions")
    expect(suggested).to_contain_text("Een EVC-traject voor de zorg")
    _axe(owner, "dashboard-suggestion", lang)
    suggested.locator("button[value=take]").click()
    expect(owner.locator("h1")).to_contain_text("Een EVC-traject voor de zorg")
    owner.goto(grant_url)

    # The newcomer stops sharing: a 403 at once, and off the caseload.
    owner.locator("form[action$='/revoke'] button").click()
    expect(owner).to_have_url(re.compile("/sharing/$"))
    _axe(owner, "index-connected", lang)
    response = staff.goto(client_url)
    assert response is not None and response.status == 403
    staff.goto(base_url + "/workspace")
    expect(staff.locator("main")).not_to_contain_text("Amal Haddad")

    # The access log shows every step.
    owner.goto(base_url + "/sharing/log")
    log = owner.locator("ol.log-list")
    # connect, share, lists and reads, a comment, a verification, the revocation, a refusal
    expect(log.locator("li.refused")).to_have_count(1)
    assert log.locator("li").count() >= 10
    _axe(owner, "log", lang)

    # Download all my data: the page, a wrong passphrase, and the zip.
    owner.goto(base_url + "/account")
    owner.locator("a[href='/account/data']").click()
    _axe(owner, "data-export", lang)
    owner.locator("#current").fill("niet mijn wachtwoordzin")
    owner.locator("main form.stack button[type=submit]").click()
    expect(owner.locator(".field-error")).to_be_visible()
    _axe(owner, "data-export-error", lang)
    owner.locator("#current").fill(PASS)
    with owner.expect_download() as download:
        owner.locator("main form.stack button[type=submit]").click()
    assert download.value.suggested_filename.startswith("my-portfolio-")
    with live_app.app_context():
        assert db.session.query(User).filter_by(username=owner_name).one()
