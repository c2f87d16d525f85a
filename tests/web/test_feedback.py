"""Feedback and verification through the web client: a regievoerder comments, the owner
sees a badge and answers, the regievoerder sees the reply; a certificate verified with the
municipality's key, shown to the owner, undone by a change, withdrawn; permissions."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.sharing.models import AccessEvent, Comment, Endorsement
from portfolio.vault import signing
from tests.conftest import in_app, post_form
from tests.web.test_records import post_multipart
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client


def add_certificate(owner: FlaskClient, photo: tuple | None = None) -> str:
    """Certificaat EHBO (work), with a photo when one is given: (bytes io, file name)."""
    response = post_multipart(
        owner,
        "/portfolio/certificates/new",
        {
            "title": "Certificaat EHBO",
            "kind": "course",
            "issuer": "Het Oranje Kruis",
            "domain": "work",
            **({"photo": photo} if photo else {}),
        },
    )
    assert response.status_code == 302
    return response.location


@pytest.fixture
def pair(app: Flask, make_owner, make_staff):
    owner = owner_with_items(app, make_owner)
    certificate_url = add_certificate(owner)
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {
            **SHARE,
            "kinds": ["goal", "experience", "certificate"],
            "may_comment": "y",
            "may_verify": "y",
        },
    )
    ids = in_app(
        app,
        lambda: (
            db.session.scalar(select(Item.owner_id).limit(1)),
            db.session.scalar(select(Item.id).where(Item.kind == "certificate")),
        ),
    )
    return owner, staff, ids[0], ids[1], certificate_url


def test_comment_badge_reply_and_nothing_in_the_clear(app: Flask, pair) -> None:
    owner, staff, owner_id, cert_id, cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    sent = post_form(
        staff, f"{item_url}/comments", {"text": "Mooi! Neem het origineel mee."}, item_url
    )
    assert sent.status_code == 302
    home = owner.get("/home").get_data(as_text=True)
    assert 'class="badge">1' in home and "New feedback" in home
    page = owner.get(cert_url).get_data(as_text=True)
    assert "1 new" in page
    feedback = owner.get(f"/sharing/items/{cert_id}/feedback").get_data(as_text=True)
    assert "Neem het origineel mee." in feedback and "Sanne de Vries" in feedback
    assert 'class="badge"' not in owner.get("/home").get_data(as_text=True)  # seen now
    staff_id = in_app(app, lambda: db.session.scalar(select(Comment.partner_id)))
    reply = post_form(
        owner,
        f"/sharing/items/{cert_id}/feedback",
        {"text": "Dank je, dat doe ik.", "partner": staff_id},
    )
    assert reply.status_code == 302
    workspace = staff.get("/workspace").get_data(as_text=True)
    assert 'class="badge">1</span>' in workspace
    assert "Dank je, dat doe ik." in staff.get(item_url).get_data(as_text=True)
    bodies = in_app(app, lambda: db.session.scalars(select(Comment.body)).all())
    assert all(b"origineel" not in b and b"Dank" not in b for b in bodies)
    actions = in_app(app, lambda: db.session.scalars(select(AccessEvent.action)).all())
    assert "comment" in actions


def test_bad_comment_keeps_the_text_and_stores_nothing(app: Flask, pair) -> None:
    owner, staff, owner_id, cert_id, _ = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    # The regievoerder reads Dutch (staff accounts are made in Dutch).
    page = post_form(staff, f"{item_url}/comments", {"text": "x" * 2001}, item_url)
    assert page.status_code == 200 and "maximaal 2000" in page.get_data(as_text=True)
    assert "x" * 2001 in page.get_data(as_text=True)  # nothing typed is lost
    page = post_form(staff, f"{item_url}/comments", {"text": "a\x00b"}, item_url)
    assert 'class="field-error"' in page.get_data(as_text=True)
    empty = post_form(staff, f"{item_url}/comments", {"text": "  "}, item_url)
    assert 'class="field-error"' in empty.get_data(as_text=True)
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(Comment))) == 0


def test_owner_cannot_write_to_someone_without_access(app: Flask, pair, make_owner) -> None:
    owner, _staff, _owner_id, cert_id, _ = pair
    other = make_owner("bilal")
    refused = post_form(
        owner, f"/sharing/items/{cert_id}/feedback", {"text": "hoi", "partner": other.user_id}
    )
    assert refused.status_code == 404


def test_verify_shows_to_owner_signature_checks_and_change_undoes_it(app: Flask, pair) -> None:
    owner, staff, owner_id, cert_id, cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    assert f'action="{item_url}/verify"' in staff.get(item_url).get_data(as_text=True)
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    page = owner.get(cert_url).get_data(as_text=True)
    assert re.search(r"Verified by Sanne de Vries, Utrecht, on", page)
    row = in_app(app, lambda: db.session.scalars(select(Endorsement)).one())
    statement = json.loads(row.statement)
    from portfolio.accounts.models import Municipality

    public = in_app(
        app, lambda: db.session.get(Municipality, row.municipality_id).signing_public_key
    )
    signing.verify(public, statement, row.signature)
    with pytest.raises(signing.SignatureError):
        signing.verify(public, {**statement, "verified_on": "2020-01-01"}, row.signature)
    assert "Certificaat" not in row.statement and "Oranje" not in row.statement
    # A second verification by the same person is not made.
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    assert (
        in_app(app, lambda: db.session.scalar(select(func.count()).select_from(Endorsement))) == 1
    )
    # The owner changes the certificate: the verification no longer holds.
    post_multipart(
        owner,
        cert_url + "/edit",
        {
            "title": "Certificaat EHBO (nieuw)",
            "kind": "course",
            "issuer": "Het Oranje Kruis",
            "domain": "work",
        },
    )
    assert "no longer holds" in owner.get(cert_url).get_data(as_text=True)


def test_withdraw_and_permissions(app: Flask, pair, make_owner) -> None:
    owner, staff, owner_id, cert_id, cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    post_form(staff, f"{item_url}/verify", {}, item_url)
    endorsement_id = in_app(app, lambda: db.session.scalar(select(Endorsement.id)))
    done = post_form(staff, f"{item_url}/endorsements/{endorsement_id}/withdraw", {}, item_url)
    assert done.status_code == 302
    assert "Verified by" not in owner.get(cert_url).get_data(as_text=True)
    # Without the permission: no button, and a POST is refused.
    grant_id = re.search(
        r"/sharing/([0-9a-f]{32})", owner.get("/sharing/").get_data(as_text=True)
    ).group(1)
    share(
        owner,
        f"/sharing/{grant_id}/change",
        {**SHARE, "kinds": ["certificate"], "domains": ["work"]},
    )
    page = staff.get(item_url).get_data(as_text=True)  # the regievoerder reads Dutch
    assert f'action="{item_url}/verify"' not in page
    assert f'action="{item_url}/comments"' not in page
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 403
    assert post_form(staff, f"{item_url}/comments", {"text": "hoi"}, item_url).status_code == 403


def test_dump_after_sharing_holds_no_names_notes_or_messages(app: Flask, pair) -> None:
    from tests.web.test_dump import dump_everything

    owner, staff, owner_id, cert_id, _ = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    post_form(
        staff,
        f"{item_url}/comments",
        {"text": "Breng het origineel mee naar ons gesprek"},
        item_url,
    )
    post_form(staff, f"{item_url}/verify", {}, item_url)
    staff.get(f"/clients/{owner_id}")
    dump = dump_everything(app)
    for text in (
        "Amal Haddad",  # the name the owner shows the regievoerder
        "Voor het voortgangsgesprek",  # the purpose in the owner's words
        "Breng het origineel mee",
        "Read the newspaper",
        "Voedselbank Utrecht",
        "Certificaat EHBO",
    ):
        assert text.encode() not in dump, text
