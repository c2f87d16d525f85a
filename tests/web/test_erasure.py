"""Delete my account (GDPR article 17): confirmed with the passphrase and a tick; every
share stops, issued documents show as revoked, and the database keeps no wrap, key or
content row of the owner; the blobs are gone from disk; a receipt is shown once."""

from __future__ import annotations

import io
import re

from flask import Flask
from sqlalchemy import func, select

from portfolio.accounts.models import AuthSession, User
from portfolio.db import db
from portfolio.entries.models import Item, ItemFile
from portfolio.export.models import IssuedDocument
from portfolio.sharing.models import (
    AccessEvent,
    Comment,
    Connection,
    Endorsement,
    Grant,
    GrantItemKey,
)
from tests.conftest import PASSPHRASE, in_app, login, post_form
from tests.corpus import jpeg_with_gps
from tests.web.test_document import EMPLOYER, document_id, done_goal, make_document
from tests.web.test_feedback import add_certificate
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client


def _count(model: type, column, owner_id: str) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(column == owner_id))


def test_delete_my_account_shreds_everything_and_revokes_documents(
    app: Flask, make_owner, make_staff
) -> None:
    owner = owner_with_items(app, make_owner)
    add_certificate(owner, (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg"))
    done_goal(owner)
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {**SHARE, "kinds": ["goal", "certificate"], "may_comment": "y", "may_verify": "y"},
    )
    owner_id, cert_id = in_app(
        app,
        lambda: (
            db.session.scalar(select(Grant.owner_id)),
            db.session.scalar(select(Item.id).where(Item.kind == "certificate")),
        ),
    )
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    post_form(staff, f"{item_url}/comments", {"text": "Neem het origineel mee."}, item_url)
    number = document_id(make_document(owner, EMPLOYER).data)
    blob_ids = in_app(
        app,
        lambda: [
            b
            for row in db.session.scalars(select(ItemFile))
            for b in (row.id, row.thumbnail_id)
            if b
        ],
    )
    blob_dir = app.extensions["portfolio.settings"].blob_dir
    assert blob_ids and all(any(blob_dir.rglob(f"{b}*")) for b in blob_ids)

    wrong = post_form(owner, "/account/delete", {"current": "not my passphrase", "understood": "y"})
    assert 'class="field-error"' in wrong.get_data(as_text=True)
    unticked = post_form(owner, "/account/delete", {"current": PASSPHRASE})
    assert 'class="field-error"' in unticked.get_data(as_text=True)
    assert in_app(app, lambda: db.session.get(User, owner_id)) is not None

    done = post_form(owner, "/account/delete", {"current": PASSPHRASE, "understood": "y"})
    assert done.status_code == 302 and done.location.endswith("/account/deleted")
    receipt = owner.get("/account/deleted").get_data(as_text=True)
    assert re.search(r'<dd dir="ltr">[0-9A-F]{12}</dd>', receipt)  # the receipt number
    assert owner.get("/account/deleted").status_code == 302  # shown once

    def left() -> dict[str, int]:
        return {
            "users": _count(User, User.id, owner_id),
            "items": _count(Item, Item.owner_id, owner_id),
            "files": _count(ItemFile, ItemFile.owner_id, owner_id),
            "grants": _count(Grant, Grant.owner_id, owner_id),
            "grant wraps": db.session.scalar(select(func.count()).select_from(GrantItemKey)),
            "connections": _count(Connection, Connection.owner_id, owner_id),
            "comments": _count(Comment, Comment.owner_id, owner_id),
            "endorsements": _count(Endorsement, Endorsement.owner_id, owner_id),
            "sessions": _count(AuthSession, AuthSession.user_id, owner_id),
        }

    assert set(in_app(app, left).values()) == {0}

    # no column anywhere still holds the owner's id, except the access log
    def mentions() -> list[str]:
        found = []
        for table in db.metadata.sorted_tables:
            if table.name == "access_log":
                continue
            for column in table.columns:
                if column.type.python_type is str:
                    hit = db.session.execute(
                        select(func.count()).select_from(table).where(column == owner_id)
                    ).scalar()
                    if hit:
                        found.append(f"{table.name}.{column.name}")
        return found

    assert in_app(app, mentions) == []
    assert not any(any(blob_dir.rglob(f"{b}*")) for b in blob_ids)
    erased = in_app(
        app,
        lambda: db.session.scalar(
            select(func.count()).select_from(AccessEvent).where(AccessEvent.action == "erase")
        ),
    )
    assert erased == 1

    document = in_app(app, lambda: db.session.scalars(select(IssuedDocument)).one())
    assert document.revoked_at is not None and document.owner_id is None
    assert document.revoked_reason == "account_deleted"
    page = app.test_client().get(f"/verify/{number}").get_data(as_text=True)
    assert "Valid, not revoked" not in page and "Geldig, niet ingetrokken" not in page
    assert staff.get(f"/clients/{owner_id}").status_code in (403, 404)
    again = app.test_client()
    assert login(again, "amal", PASSPHRASE).status_code == 200  # the form again: refused
    assert again.get("/portfolio/").status_code == 302  # not logged in
