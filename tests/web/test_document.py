"""The portfolio document: the owner chooses audience, parts, items and languages; the
PDF parses with the chosen parts, carries a PAdES signature that validates (intact,
valid, trusted against the municipality's certificate) and the endorsements as Open
Badges credentials; the public page tells the issued file from a changed one and shows
a revoked one as revoked."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from portfolio.admin.models import Municipality
from portfolio.db import db
from portfolio.export import pades
from portfolio.export.models import IssuedDocument
from tests.conftest import in_app, post_form
from tests.web.test_feedback import pair  # noqa: F401  (fixture)

EMPLOYER = {
    "audience": "employer",
    "sections": ["language", "goals", "certificates", "experience"],
    "language": "nl",
    "shown_name": "Amal Haddad",
}


def done_goal(owner: FlaskClient) -> None:
    response = post_form(
        owner,
        "/portfolio/goals/new",
        {"title": "Fietsen in de stad", "domain": "daily_life", "term": "short", "status": "done"},
    )
    assert response.status_code == 302


def item_ids(owner: FlaskClient, audience: str = "employer") -> list[str]:
    page = owner.get(f"/documents/new/{audience}").get_data(as_text=True)
    return re.findall(r'name="items" id="item-\w+" value="(\w+)" checked', page)


def make_document(owner: FlaskClient, data: dict, audience: str = "employer"):
    items = item_ids(owner, audience)
    return post_form(owner, f"/documents/new/{audience}", {**data, "items": items})


@pytest.fixture
def verified(pair):  # noqa: F811
    owner, staff, owner_id, cert_id, cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    done_goal(owner)
    return owner, staff, owner_id, cert_id


def test_employer_document_signed_and_checkable(app: Flask, verified) -> None:
    owner, _staff, _owner_id, _cert = verified
    response = make_document(owner, {**EMPLOYER, "language": "ar"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Type"] == "application/pdf"
    data = response.data
    open("/tmp/out/doc.pdf", "wb").write(data)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    print(text[:3000])
    cert = in_app(app, lambda: db.session.scalar(select(Municipality.certificate)))
    check = pades.check(data, cert)
    assert check is not None and check.intact and check.valid and check.trusted
    print(reader.attachments.keys())
