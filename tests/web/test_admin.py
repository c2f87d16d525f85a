"""Municipal administration in the browser's place (Flask client): staff accounts made,
deactivated with a successor (consent renewed, never moved), reactivated; the name; counts
without content; and the newcomer's answer to a handover."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio.accounts.models import Role, User
from portfolio.db import db
from portfolio.sharing.models import AccessEvent, Connection, Grant, Handover
from tests.conftest import in_app, login, post_form
from tests.web.test_records import post_multipart
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client
from tests.web.test_staff import NEW, current_code, manual_secret


@pytest.fixture
def world(app: Flask, make_owner, make_staff):
    admin = staff_client(app, make_staff("beheer", role=Role.ADMIN))
    owner = owner_with_items(app, make_owner)
    sanne = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(sanne)),
        {**SHARE, "kinds": ["goal", "pip"], "may_propose": "y"},
    )
    pieter = staff_client(app, make_staff("pieter"))
    return admin, owner, sanne, pieter


def user_id(app: Flask, username: str) -> str:
    return in_app(app, lambda: db.session.scalar(select(User.id).where(User.username == username)))


def test_admin_makes_a_staff_account_that_must_enrol(app: Flask, world) -> None:
    admin, *_ = world
    page = post_form(
        admin,
        "/admin/staff/new",
        {"display_name": "Ayla Yilmaz", "username": "ayla", "role": "regievoerder"},
    ).get_data(as_text=True)
    initial = re.search(r'<p class="big-code" dir="ltr" translate="no">([^<]+)</p>', page).group(1)
    again = post_form(
        admin,
        "/admin/staff/new",
        {"display_name": "Ander", "username": "ayla", "role": "regievoerder"},
    )
    assert again.status_code == 200 and 'class="field-error"' in again.get_data(as_text=True)
    bad = post_form(
        admin, "/admin/staff/new", {"display_name": "X", "username": "a b", "role": "king"}
    )
    assert bad.status_code == 200
    client = app.test_client()
    assert login(client, "ayla", initial).location == "/staff/setup"
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    secret = manual_secret(client.get("/staff/setup").get_data(as_text=True))
    assert (
        post_form(client, "/staff/setup", {"code": current_code(secret)}).location == "/workspace"
    )
    person = in_app(
        app, lambda: db.session.scalars(select(User).where(User.username == "ayla")).one()
    )
    assert person.municipality_id is not None and person.key_certificate is not None


def test_deactivate_ends_shares_and_asks_newcomers_about_the_successor(app: Flask, world) -> None:
    admin, owner, sanne, pieter = world
    sanne_id, pieter_id = user_id(app, "sanne"), user_id(app, "pieter")
    page = admin.get(f"/admin/staff/{sanne_id}/deactivate").get_data(as_text=True)
    assert pieter_id in page
    done = post_form(admin, f"/admin/staff/{sanne_id}/deactivate", {"successor": pieter_id})
    assert done.status_code == 302
    assert sanne.get("/workspace").status_code in (302, 403)  # her session is gone
    assert in_app(app, lambda: db.session.scalar(select(Grant.sealed_key))) is None
    # Nothing moved: Pieter sees nobody until the newcomer says yes.
    assert "Amal Haddad" not in pieter.get("/workspace").get_data(as_text=True)
    sharing_page = owner.get("/sharing/").get_data(as_text=True)
    assert "You have a new regievoerder" in sharing_page
    handover_id = in_app(app, lambda: db.session.scalar(select(Handover.id)))
    yes = post_form(owner, f"/sharing/handovers/{handover_id}", {"answer": "yes"}, "/sharing/")
    assert yes.location == f"/sharing/new/{pieter_id}"
    form = owner.get(yes.location).get_data(as_text=True)
    assert re.search(r'checked[^>]*value="pip"|value="pip"[^>]*checked', form)  # as before
    share(owner, yes.location, {**SHARE, "kinds": ["goal", "pip"]})
    assert "Amal Haddad" in pieter.get("/workspace").get_data(as_text=True)
    log = owner.get("/sharing/log").get_data(as_text=True)
    assert "Stopped a share" in log and "Beheer de Vries" in log


def test_no_answer_means_no_connection(app: Flask, world) -> None:
    admin, owner, _sanne, _pieter = world
    post_form(
        admin,
        f"/admin/staff/{user_id(app, 'sanne')}/deactivate",
        {"successor": user_id(app, "pieter")},
    )
    handover_id = in_app(app, lambda: db.session.scalar(select(Handover.id)))
    no = post_form(owner, f"/sharing/handovers/{handover_id}", {"answer": "no"}, "/sharing/")
    assert no.location == "/sharing/"
    pieter_id = user_id(app, "pieter")
    connections = in_app(
        app,
        lambda: db.session.scalars(
            select(Connection).where(Connection.recipient_id == pieter_id)
        ).all(),
    )
    assert connections == []
    assert (
        post_form(
            owner, f"/sharing/handovers/{handover_id}", {"answer": "yes"}, "/sharing/"
        ).status_code
        == 404
    )


def test_reactivate_the_last_admin_and_counts(app: Flask, world) -> None:
    admin, *_ = world
    sanne_id = user_id(app, "sanne")
    post_form(admin, f"/admin/staff/{sanne_id}/deactivate", {"successor": ""})
    assert post_form(admin, f"/admin/staff/{sanne_id}/reactivate", {}, "/admin/").status_code == 302
    assert in_app(app, lambda: db.session.get(User, sanne_id).active)
    # The only administrator cannot deactivate themselves.
    assert admin.get(f"/admin/staff/{user_id(app, 'beheer')}/deactivate").status_code == 404
    page = admin.get("/admin/").get_data(as_text=True)
    counts = re.findall(r"<dd>(\d+)</dd>", page)
    assert counts == ["1", "0", "0"]  # newcomers connected, active shares, meetings
    assert "Read the newspaper" not in page and "Amal" not in page
    renamed = post_form(admin, "/admin/settings", {"name": "Gemeente Utrecht"})
    assert renamed.status_code == 302
    assert "Gemeente Utrecht" in admin.get("/admin/").get_data(as_text=True)


def test_admin_of_another_municipality_cannot_touch_our_staff(
    app: Flask, world, make_staff
) -> None:
    other = staff_client(app, make_staff("zwolle", role=Role.ADMIN, municipality="Zwolle"))
    sanne_id = user_id(app, "sanne")
    assert other.get(f"/admin/staff/{sanne_id}/deactivate").status_code == 404
    assert post_form(other, f"/admin/staff/{sanne_id}/reactivate", {}, "/admin/").status_code == 404
    assert "Sanne" not in other.get("/admin/").get_data(as_text=True)
    actions = in_app(app, lambda: db.session.scalars(select(AccessEvent.action)).all())
    assert "revoke" not in actions


def test_certificate_development_then_own_then_back(app: Flask, world) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.unit.test_vault_certificates import p12, self_signed

    admin, *_ = world
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'class="callout"' in page and "CN=Utrecht" in page  # the development warning
    pem = admin.get("/admin/settings/certificate.pem")
    assert pem.headers["Content-Type"] == "application/x-pem-file"
    first = x509.load_pem_x509_certificate(pem.data)
    post_form(admin, "/admin/settings", {"name": "Gemeente Utrecht"})
    renamed = x509.load_pem_x509_certificate(admin.get("/admin/settings/certificate.pem").data)
    assert "CN=Gemeente Utrecht" in renamed.subject.rfc4514_string()
    assert renamed.serial_number != first.serial_number

    key = ec.generate_private_key(ec.SECP256R1())
    own = self_signed(key, "Gemeente Utrecht (productie)")
    upload = {"certificate": (io.BytesIO(p12(key, own)), "utrecht.p12"), "password": "fout"}
    refused = post_multipart(admin, "/admin/settings/certificate", upload, "/admin/settings")
    assert refused.status_code == 200
    assert 'class="field-error"' in refused.get_data(as_text=True)
    assert (
        x509.load_pem_x509_certificate(admin.get("/admin/settings/certificate.pem").data) == renamed
    )
    upload = {"certificate": (io.BytesIO(p12(key, own)), "utrecht.p12"), "password": "geheim"}
    taken = post_multipart(admin, "/admin/settings/certificate", upload, "/admin/settings")
    assert taken.status_code == 302
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'class="callout"' not in page and "(productie)" in page
    # A rename keeps a real certificate: it is the issuer's word, not ours.
    post_form(admin, "/admin/settings", {"name": "Utrecht"})
    kept = x509.load_pem_x509_certificate(admin.get("/admin/settings/certificate.pem").data)
    assert kept == own
    back = post_form(admin, "/admin/settings/certificate/development", {}, "/admin/settings")
    assert back.status_code == 302
    assert 'class="callout"' in admin.get("/admin/settings").get_data(as_text=True)


def test_logo_is_cleaned_shown_and_removed(app: Flask, world) -> None:
    from tests.corpus import jpeg_with_gps

    admin, _owner, sanne, _ = world
    bad = post_multipart(
        admin,
        "/admin/settings/logo",
        {"logo": (io.BytesIO(b"%PDF-1.7 not a picture"), "logo.pdf")},
        "/admin/settings",
    )
    assert bad.status_code == 200 and 'class="field-error"' in bad.get_data(as_text=True)
    assert admin.get("/admin/settings/logo.jpg").status_code == 404
    done = post_multipart(
        admin,
        "/admin/settings/logo",
        {"logo": (io.BytesIO(jpeg_with_gps()), "logo.jpg")},
        "/admin/settings",
    )
    assert done.status_code == 302
    image = admin.get("/admin/settings/logo.jpg")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert b"Exif" not in image.data and b"GPS" not in image.data
    assert sanne.get("/admin/settings/logo.jpg").status_code == 403
    assert post_form(admin, "/admin/settings/logo/remove", {}, "/admin/settings").status_code == 302
    assert admin.get("/admin/settings/logo.jpg").status_code == 404
