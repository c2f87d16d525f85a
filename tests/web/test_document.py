"""The portfolio document: the owner chooses audience, parts, items and languages; the
PDF parses with the chosen parts, carries a PAdES signature that validates (intact,
valid, trusted against the municipality's certificate) and the endorsements as Open
Badges credentials that an independent JOSE library verifies; the public page tells the
issued file from a changed one and shows a revoked one as revoked."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jwcrypto import jwk, jws
from pypdf import PdfReader
from sqlalchemy import select

from portfolio.accounts.models import Municipality
from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.export import pades
from portfolio.export.document import DEFAULT_SECTIONS, Audience
from portfolio.export.models import IssuedDocument
from portfolio.sharing.models import Endorsement
from tests.conftest import in_app, login, post_form
from tests.web.test_feedback import pair  # noqa: F401  (fixture)

EMPLOYER = {
    "audience": "employer",
    "sections": ["language", "goals", "certificates", "experience"],
    "language": "nl",
    "shown_name": "Amal Haddad",
}
# Headings as the Dutch catalog has them.
HEADINGS = {
    "language": "Nederlandse taal",
    "goals": "Behaalde doelen",
    "certificates": "Certificaten en diploma's",
    "experience": "Werk en vrijwilligerswerk",
    "pip": "Persoonlijk plan (PIP), samenvatting",
    "domains": "Samenvatting per leefgebied",
}


def done_goal(
    owner: FlaskClient, title: str = "Fietsen in de stad", domain: str = "daily_life"
) -> None:
    response = post_form(
        owner,
        "/portfolio/goals/new",
        {"title": title, "domain": domain, "term": "short", "status": "done"},
    )
    assert response.status_code == 302


def is_checked(page: str, value: str) -> bool:
    tags = re.findall(rf'<input[^>]*value="{value}"[^>]*>', page)
    assert tags, value
    return any(" checked" in tag for tag in tags)


def checked_items(owner: FlaskClient, audience: str = "employer") -> list[str]:
    page = owner.get(f"/documents/new/{audience}").get_data(as_text=True)
    return re.findall(r'name="items" id="item-\w+" value="(\w+)" checked', page)


def make_document(owner: FlaskClient, data: dict, audience: str = "employer"):
    items = data.get("items", checked_items(owner, audience))
    return post_form(owner, f"/documents/new/{audience}", {**data, "items": items})


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def document_id(data: bytes) -> str:
    match = re.search(r"/verify/([0-9A-Z]{16})", text_of(data))
    assert match
    return match.group(1)


@pytest.fixture
def verified(pair):  # noqa: F811
    owner, staff, owner_id, cert_id, _cert_url = pair
    item_url = f"/clients/{owner_id}/items/{cert_id}"
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    done_goal(owner)
    return owner, staff, owner_id, cert_id


def test_the_choice_starts_from_the_audience_and_leaves_health_out(app: Flask, verified) -> None:
    owner, *_ = verified
    done_goal(owner, "Huisarts gevonden", domain="health")
    health_goal = in_app(
        app,
        lambda: db.session.scalar(
            select(Item.id)
            .where(Item.kind == "goal", Item.domain_code == "health")
            .order_by(Item.created_at.desc())
            .limit(1)
        ),
    )
    step = owner.get("/documents/new")
    assert step.status_code == 200 and 'name="audience"' in step.get_data(as_text=True)
    assert owner.get("/documents/new?audience=employer").location.endswith(
        "/documents/new/employer"
    )
    refused = owner.get("/documents/new?audience=spy").get_data(as_text=True)
    assert 'class="field-error"' in refused or "error-summary" in refused
    page = owner.get("/documents/new/employer").get_data(as_text=True)
    assert not is_checked(page, "pip") and is_checked(page, "certificates")
    assert not is_checked(page, health_goal)
    municipality = owner.get("/documents/new/municipality").get_data(as_text=True)
    assert is_checked(municipality, "pip")


def test_employer_document_parses_is_signed_and_carries_credentials(app: Flask, verified) -> None:
    owner, *_ = verified
    response = make_document(owner, {**EMPLOYER, "language": "ar"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    data = response.data
    text = text_of(data)
    for section in ("language", "goals", "certificates", "experience"):
        assert HEADINGS[section] in text, section
    assert HEADINGS["pip"] not in text and HEADINGS["domains"] not in text
    for value in ("Amal Haddad", "Certificaat EHBO", "Fietsen in de stad", "Voedselbank Utrecht"):
        assert value in text, value
    assert "Sanne de Vries" in text  # the verification, with who did it

    org = in_app(app, lambda: db.session.scalars(select(Municipality)).one())
    check = pades.check(data, org.certificate)
    assert check is not None and (check.intact, check.valid, check.trusted) == (True,) * 3
    assert "Utrecht" in check.signer

    reader = PdfReader(io.BytesIO(data))
    attached = {name: contents for name, contents in reader.attachments.items()}
    assert len(attached) == 1
    token = next(iter(attached.values()))[0].decode()
    profile = app.test_client().get(f"/issuers/{org.id}").get_json()
    key = jwk.JWK(**profile["verificationMethod"][0]["publicKeyJwk"])
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key)  # jwcrypto, not our code
    credential = json.loads(signed.payload)
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Certificaat EHBO"
    assert credential["issuer"]["id"] == profile["id"]

    stored = in_app(app, lambda: db.session.scalars(select(IssuedDocument)).one())
    assert stored.verified_count == 1 and stored.item_count == 3
    assert stored.shown_name is None  # not allowed by the owner
    assert stored.languages == "nl+ar"


def test_municipality_document_has_the_plan_and_the_domains(app: Flask, verified) -> None:
    owner, *_ = verified
    response = make_document(
        owner,
        {**EMPLOYER, "audience": "municipality", "sections": list(HEADINGS)},
        audience="municipality",
    )
    assert response.status_code == 200
    text = text_of(response.data)
    for heading in HEADINGS.values():
        assert heading in text, heading


def test_only_the_owners_chosen_items_go_in(app: Flask, verified, make_owner) -> None:
    owner, _staff, _owner_id, cert_id = verified
    chosen = [i for i in checked_items(owner) if i != cert_id]
    text = text_of(make_document(owner, {**EMPLOYER, "items": chosen}).data)
    assert "Certificaat EHBO" not in text and "Fietsen in de stad" in text
    # another person's item id is not a way into someone's portfolio
    other = make_owner("bilal")
    stranger = app.test_client()
    login(stranger, other.username, other.passphrase)
    done_goal(stranger, "Mijn eigen doel")
    refused = make_document(stranger, {**EMPLOYER, "items": [cert_id]})
    assert 'class="field-error"' in refused.get_data(as_text=True)
    assert in_app(app, lambda: len(db.session.scalars(select(IssuedDocument)).all())) == 1


def test_bad_choices_get_translated_errors_and_no_document(app: Flask, verified) -> None:
    owner, *_ = verified
    for bad in (
        {**EMPLOYER, "sections": []},
        {**EMPLOYER, "shown_name": ""},
        {**EMPLOYER, "shown_name": "x" * 81},
        {**EMPLOYER, "language": "xx"},
        {**EMPLOYER, "sections": ["language", "secrets"]},
        {**EMPLOYER, "items": ["nope"]},
    ):
        response = make_document(owner, bad)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert 'class="field-error"' in response.get_data(as_text=True), bad
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument)).all()) == []
    assert owner.get("/documents/new/spy").status_code == 302


def test_verification_page_exact_changed_and_revoked(app: Flask, verified) -> None:
    owner, *_ = verified
    data = make_document(owner, {**EMPLOYER, "name_on_page": "y"}).data
    number = document_id(data)
    visitor = app.test_client()
    page = visitor.get(f"/verify/{number}").get_data(as_text=True)
    assert "Utrecht" in page and "Amal Haddad" in page  # the owner allowed the name
    assert "3 items, 1 verified" in page

    def upload(payload: bytes, name: str = "portfolio.pdf"):
        return post_form(
            visitor,
            f"/verify/{number}",
            {"document": (io.BytesIO(payload), name)},
        )

    exact = upload(data).get_data(as_text=True)
    assert 'class="callout success"' in exact
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    different = upload(bytes(changed)).get_data(as_text=True)
    assert 'class="callout success"' not in different and 'role="status"' in different
    not_pdf = upload(b"hello", "a.pdf").get_data(as_text=True)
    assert 'class="field-error"' in not_pdf

    stored_id = in_app(app, lambda: db.session.scalars(select(IssuedDocument.id)).one())
    assert post_form(owner, f"/documents/{stored_id}/revoke", {}, "/documents").status_code == 302
    revoked = upload(data).get_data(as_text=True)
    assert 'class="callout success"' not in revoked and 'role="status"' in revoked
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument.revoked_at)).one())


def test_lookup_by_number_as_people_type_it(app: Flask, verified) -> None:
    owner, *_ = verified
    number = document_id(make_document(owner, EMPLOYER).data)
    visitor = app.test_client()
    typed = "-".join(number[i : i + 4] for i in range(0, 16, 4)).lower()
    assert visitor.get(f"/verify?number={typed}").location.endswith(f"/verify/{number}")
    unknown = visitor.get("/verify?number=0000-0000-0000-0000").get_data(as_text=True)
    assert 'class="field-error"' in unknown
    assert visitor.get("/verify?number=hello").status_code == 200
    assert visitor.get("/verify/NOTADOCUMENT").status_code == 404


def test_others_cannot_revoke_or_download_credentials(app: Flask, verified, make_owner) -> None:
    owner, staff, _owner_id, cert_id = verified
    make_document(owner, EMPLOYER)
    stored_id = in_app(app, lambda: db.session.scalars(select(IssuedDocument.id)).one())
    other = make_owner("bilal")
    stranger = app.test_client()
    login(stranger, other.username, other.passphrase)
    assert (
        post_form(stranger, f"/documents/{stored_id}/revoke", {}, "/documents").status_code == 404
    )
    assert in_app(app, lambda: db.session.scalars(select(IssuedDocument.revoked_at)).one()) is None
    endorsement = in_app(
        app,
        lambda: db.session.scalar(select(Endorsement.id)),
    )
    assert stranger.get(f"/items/{cert_id}/credentials/{endorsement}").status_code == 404
    own = owner.get(f"/items/{cert_id}/credentials/{endorsement}")
    assert own.status_code == 200 and own.headers["Content-Type"] == "application/vc+jwt"
    assert staff.get(f"/items/{cert_id}/credentials/{endorsement}").status_code in (403, 404)


@pytest.mark.parametrize("audience", ["employer", "school", "municipality", "other"])
def test_each_audience_gets_its_default_parts(app: Flask, verified, audience: str) -> None:
    owner, *_ = verified
    page = owner.get(f"/documents/new/{audience}").get_data(as_text=True)
    sections = [s for s in HEADINGS if is_checked(page, s)]
    expected = DEFAULT_SECTIONS[Audience(audience)]
    assert set(sections) == {s.value for s in expected}
    data = {**EMPLOYER, "audience": audience, "sections": sections}
    text = text_of(make_document(owner, data, audience=audience).data)
    for section, heading in HEADINGS.items():
        assert (heading in text) == (section in sections), (audience, section)
