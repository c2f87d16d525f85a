"""Lost everything: a new account shows a hand-back code in person; the regievoerder
enters it, compares the new account's key fingerprint and hands the shared items back.
They arrive sealed to the new account's key (files too) and open there; the code works
once; nobody else can do it."""

from __future__ import annotations

import io
import re

from flask import Flask
from sqlalchemy import select

from portfolio.accounts.models import User
from portfolio.db import db
from portfolio.entries.models import Item, ItemFile
from portfolio.vault import signing
from tests.conftest import in_app, login, post_form
from tests.corpus import jpeg_with_gps
from tests.web.test_feedback import add_certificate
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client

BIG_CODE = re.compile(r'class="big-code"[^>]*>([0-9A-Z-]+)<')


def test_shared_items_go_back_to_a_new_account(app: Flask, make_owner, make_staff) -> None:
    old = owner_with_items(app, make_owner)
    add_certificate(old, (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg"))
    staff = staff_client(app, make_staff("sanne"))
    share(
        old,
        connect(old, new_code(staff)),
        {**SHARE, "kinds": ["goal", "experience", "certificate"]},
    )
    old_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))

    fresh = make_owner("amal-nieuw")
    new = app.test_client()
    login(new, fresh.username, fresh.passphrase)
    page = post_form(new, "/sharing/handback", {}).get_data(as_text=True)
    code = BIG_CODE.search(page).group(1)
    fingerprint = in_app(
        app, lambda: signing.fingerprint(db.session.get(User, fresh.user_id).public_key)
    )
    assert fingerprint in page

    url = f"/clients/{old_id}/handback"
    wrong = post_form(staff, url, {"code": "AAAA-AAAA"}).get_data(as_text=True)
    assert 'class="field-error"' in wrong
    check = post_form(staff, url, {"code": code}).get_data(as_text=True)
    assert fingerprint in check and "amal-nieuw" in check
    unconfirmed = post_form(staff, url, {"code": code, "confirm": "1"}).get_data(as_text=True)
    assert 'class="field-error"' in unconfirmed
    done = post_form(staff, url, {"code": code, "confirm": "1", "same": "y"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    again = post_form(staff, url, {"code": code, "confirm": "1", "same": "y"})
    assert 'class="field-error"' in again.get_data(as_text=True)  # once only

    portfolio = new.get("/portfolio/").get_data(as_text=True)  # claims what arrived
    assert "Read the newspaper" in portfolio and "Find a job" in portfolio
    copies = in_app(
        app,
        lambda: db.session.scalars(select(Item).where(Item.owner_id == fresh.user_id)).all(),
    )
    kinds = sorted(i.kind for i in copies if i.kind != "summary")
    # health was never shared, so it is not handed back
    assert kinds.count("goal") == 2 and "certificate" in kinds and "experience" in kinds
    assert "See a doctor" not in portfolio
    assert all(i.wrapped_key is not None for i in copies)
    certificate = next(i for i in copies if i.kind == "certificate")
    row = in_app(
        app,
        lambda: db.session.scalars(
            select(ItemFile).where(ItemFile.item_id == certificate.id)
        ).one(),
    )
    photo = new.get(f"/portfolio/certificates/{certificate.id}/files/{row.id}")
    assert photo.status_code == 200 and photo.data[:2] == b"\xff\xd8"
    assert "Certificaat EHBO" in new.get(f"/portfolio/certificates/{certificate.id}").get_data(
        as_text=True
    )
    # the new account is connected to the regievoerder
    assert "Sanne de Vries" in new.get("/sharing/").get_data(as_text=True)


def test_only_the_regievoerder_with_a_share_can_hand_back(
    app: Flask, make_owner, make_staff
) -> None:
    old = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(old, connect(old, new_code(staff)), SHARE)
    old_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    other_staff = staff_client(app, make_staff("piet"))
    assert other_staff.get(f"/clients/{old_id}/handback").status_code == 403
    assert old.get(f"/clients/{old_id}/handback").status_code == 403
    # an old owner's own code is not a way to copy to themselves
    page = post_form(old, "/sharing/handback", {}).get_data(as_text=True)
    code = BIG_CODE.search(page).group(1)
    same = post_form(staff, f"/clients/{old_id}/handback", {"code": code}).get_data(as_text=True)
    assert 'class="field-error"' in same
