"""The access matrix: every route x every role x other people's ids.

Owner A has goals, a certificate with a photo, a share with regievoerder R1 and a
language-only share with supporter S. Every other actor (owner B, S outside its scope,
R2 of the same municipality without a grant, R3 of another municipality, the
administrator, anonymous) tries every route with A's ids, by GET and by POST with a
valid CSRF token of their own. Each attempt must be refused (403 or 404; anonymous is
sent to the login page), must be logged, must show none of A's content, and nothing of
A's may change."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portfolio.accounts.access import PENDING, PUBLIC
from portfolio.accounts.models import Role, User
from portfolio.db import db
from portfolio.entries.models import Item, ItemFile
from portfolio.export.models import IssuedDocument
from portfolio.sharing.models import Connection, Grant, GrantItemKey
from tests.conftest import csrf_token, in_app
from tests.corpus import jpeg_with_gps
from tests.web.test_sharing import (
    SHARE,
    connect,
    new_code,
    owner_with_items,
    share,
    staff_client,
    supporter_client,
)

OUT_OF_SUPPORTER_SCOPE = (
    "Find a job",
    "See a doctor",
    "Voedselbank",
    "Certificaat EHBO",
    "Cursus logistiek",
)
SECRETS = (
    "Read the newspaper",
    "Amal Haddad",
    "Taalschool Utrecht",
    "Kinderopvang",
    *OUT_OF_SUPPORTER_SCOPE,
)
SUPPORTER = "supporter out of scope"
# The supporter holds a language-only share: the client page itself is theirs to read.
GRANTED = "regievoerder with grant"
ALLOWED = {
    (SUPPORTER, "workspace.client"),
    (GRANTED, "workspace.client"),
    (GRANTED, "workspace.item"),
    (GRANTED, "workspace.file"),
    (GRANTED, "pip.client_plan"),
    (GRANTED, "pip.client_history"),
    (GRANTED, "pip.client_meeting"),
    (GRANTED, "pip.client_own_plan"),  # a draft: read-only, it was not sent to them
    (GRANTED, "workspace.hand_back"),  # to a new account, with its code (tested on its own)
}
# Forms the granted regievoerder may post; without a right code they are refused as forms.
ALLOWED_FORMS = {(GRANTED, "workspace.hand_back")}
# Endpoints that are nobody's data: public pages, the staff login halfway, the language.
SKIPPED = {"static", "pwa.service_worker", "pwa.manifest", "pwa.offline"}


@dataclass
class Ids:
    owner_id: str
    goal_id: str
    certificate_id: str
    file_id: str
    grant_id: str
    connection_id: str
    r1_id: str
    proposal_id: str
    meeting_id: str
    own_plan_id: str
    handover_id: str
    document_id: str
    foreign_staff_id: str  # a staff member of another municipality (admin routes)


@pytest.fixture
def world(app: Flask, make_owner, make_staff):
    owner = owner_with_items(app, make_owner, "amal")
    from tests.web.test_feedback import add_certificate
    from tests.web.test_plan import FIRST_PLAN

    add_certificate(owner, (io.BytesIO(jpeg_with_gps()), "IMG.jpg"))
    r1 = staff_client(app, make_staff("sanne"))
    grant_url = share(
        owner,
        connect(owner, new_code(r1)),
        {**SHARE, "kinds": ["goal", "experience", "certificate", "pip", "meeting"]},
    )
    proposed = owner.post(
        "/plan/propose",
        data={
            "csrf_token": csrf_token(owner, "/plan/propose"),
            **FIRST_PLAN,
        },
    )
    assert proposed.status_code == 302, proposed.get_data(as_text=True)[:500]
    meeting = owner.post(
        "/plan/meetings/new",
        data={"csrf_token": csrf_token(owner, "/plan/"), "day": "2027-01-15"},
    )
    assert meeting.status_code == 302
    from tests.web.test_own_plan import OWN

    own = owner.post(
        "/plan/own/new", data={"csrf_token": csrf_token(owner, "/plan/own/new"), **OWN}
    )
    assert own.status_code == 302
    owner.post(
        meeting.location,
        data={"csrf_token": csrf_token(owner, "/plan/"), "went_well": "Kinderopvang geregeld"},
    )
    _coach_id, supporter = supporter_client(app, make_owner)
    page = owner.post(
        "/sharing/invite",
        data={"csrf_token": csrf_token(owner, "/sharing/invite"), "relation": "language_coach"},
    ).get_data(as_text=True)
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4})</p>", page).group(1)
    token = csrf_token(supporter, "/sharing/connect")
    supporter.post("/sharing/connect", data={"csrf_token": token, "code": code, "confirm": "1"})
    coach_id = in_app(
        app, lambda: db.session.scalar(select(User.id).where(User.username == "coach"))
    )
    share(
        owner,
        f"/sharing/new/{coach_id}",
        {**SHARE, "kinds": ["goal"], "domains": ["language"], "purpose": "language"},
    )

    def handover() -> str:
        from portfolio.sharing.models import Handover

        owner_id = db.session.scalar(select(User.id).where(User.username == "amal"))
        r1_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
        row = Handover(owner_id=owner_id, from_id=r1_id, to_id=r1_id)
        db.session.add(row)
        db.session.commit()
        return row.id

    handover_id = in_app(app, handover)
    from tests.web.test_document import EMPLOYER, make_document

    assert make_document(owner, EMPLOYER).status_code == 200

    def ids() -> Ids:
        owner_id = db.session.scalar(select(User.id).where(User.username == "amal"))
        certificate = db.session.scalar(select(Item).where(Item.kind == "certificate"))
        return Ids(
            owner_id=owner_id,
            goal_id=db.session.scalar(
                select(Item.id).where(Item.kind == "goal", Item.domain_code == "work")
            ),
            certificate_id=certificate.id,
            file_id=db.session.scalar(select(ItemFile.id)),
            grant_id=grant_url.rsplit("/", 1)[1],
            connection_id=db.session.scalar(
                select(Connection.id).where(Connection.recipient_id != coach_id)
            ),
            r1_id=db.session.scalar(select(User.id).where(User.username == "sanne")),
            proposal_id=db.session.scalar(select(Item.id).where(Item.kind == "pip_proposal")),
            meeting_id=db.session.scalar(select(Item.id).where(Item.kind == "meeting")),
            own_plan_id=db.session.scalar(select(Item.id).where(Item.kind == "own_plan")),
            handover_id=handover_id,
            document_id=db.session.scalar(select(IssuedDocument.id)),
            foreign_staff_id=db.session.scalar(select(User.id).where(User.username == "joost")),
        )

    actors: dict[str, FlaskClient | None] = {
        "owner B": owner_with_items(app, make_owner, "bilal"),
        GRANTED: r1,
        SUPPORTER: supporter,
        "regievoerder without grant": staff_client(app, make_staff("pieter")),
        "regievoerder other municipality": staff_client(
            app, make_staff("joost", municipality="Amsterdam")
        ),
        "administrator": staff_client(app, make_staff("admin", role=Role.ADMIN)),
        "anonymous": app.test_client(),
    }
    return in_app(app, ids), actors


# Path parameters and which of owner A's ids (or others') fill them.
FILLED = {
    "file_id": lambda ids: ids.file_id,
    "grant_id": lambda ids: ids.grant_id,
    "connection_id": lambda ids: ids.connection_id,
    "owner_id": lambda ids: ids.owner_id,
    "recipient_id": lambda ids: ids.r1_id,
    "index": lambda ids: 0,
    "proposal_id": lambda ids: ids.proposal_id,
    "meeting_id": lambda ids: ids.meeting_id,
    "handover_id": lambda ids: ids.handover_id,
    "document_id": lambda ids: ids.document_id,
    "user_id": lambda ids: ids.foreign_staff_id,  # a staff member of another municipality
    "endorsement_id": lambda ids: "0" * 32,
    "linked_data": lambda ids: True,  # a default of the .json rule, not in its path
}


def _url(rule, ids: Ids) -> str | None:
    values = {}
    for name in rule.arguments:
        if name == "item_id" and "own" in rule.endpoint:
            values[name] = ids.own_plan_id
        elif name == "item_id":
            values[name] = (
                ids.certificate_id
                if "slug" in rule.arguments or rule.endpoint.startswith("workspace.")
                else ids.goal_id
            )
        elif name == "slug":
            values[name] = "about-me" if rule.rule.startswith("/portfolio/me/") else "certificates"
        elif name in FILLED:
            values[name] = FILLED[name](ids)
        else:
            return None
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return path


def _snapshot() -> tuple:
    items = db.session.execute(select(Item.id, Item.content, Item.domain_code, Item.archived)).all()
    grants = db.session.execute(
        select(Grant.id, Grant.sealed_key, Grant.ends_at, Grant.scope_kinds, Grant.revoked_at)
    ).all()
    return (
        sorted(items),
        sorted(grants),
        sorted(db.session.execute(select(GrantItemKey.grant_id, GrantItemKey.item_id)).all()),
        sorted(db.session.execute(select(ItemFile.id)).all()),
        sorted(db.session.execute(select(Connection.id)).all()),
        sorted(db.session.execute(select(IssuedDocument.id, IssuedDocument.revoked_at)).all()),
    )


def _routes(app: Flask, ids: Ids):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "_access", None)
        if rule.endpoint in SKIPPED or access in (PUBLIC, PENDING):
            continue
        if not rule.arguments - {"slug", "audience"}:
            continue  # the actor's own pages (a kind of record, a new document): no ids
        url = _url(rule, ids)
        assert url is not None, f"the matrix does not know how to fill {rule.rule}"
        yield rule, url


def test_nobody_else_reads_or_writes_owner_a(app: Flask, world, caplog) -> None:
    ids, actors = world
    before = in_app(app, _snapshot)
    checked = 0
    caplog.set_level(logging.INFO, logger="portfolio")
    for name, client in actors.items():
        token = (
            csrf_token(client, "/login") if name == "anonymous" else csrf_token(client, "/account")
        )
        for rule, url in _routes(app, ids):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                caplog.clear()
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(
                        url, data={"csrf_token": token, "title": "x", "period": "12"}
                    )
                where = (name, method, url)
                body = response.get_data().decode("utf-8", "replace")
                secrets = (
                    ("See a doctor",)
                    if name == GRANTED
                    else OUT_OF_SUPPORTER_SCOPE
                    if name == SUPPORTER
                    else SECRETS
                )
                assert not any(s in body for s in secrets), where
                if (name, rule.endpoint) in ALLOWED and method == "GET":
                    assert response.status_code == 200, where
                    continue
                if (name, rule.endpoint) in ALLOWED_FORMS:
                    assert 'class="field-error"' in body, where  # refused as a form
                    continue
                if name == "anonymous":
                    assert response.status_code in (302, 403), where
                    if response.status_code == 302:
                        assert response.location.startswith("/login"), where
                    continue
                assert response.status_code in (403, 404), (*where, response.status_code)
                assert any(
                    r.getMessage().startswith(f"http {response.status_code} on")
                    for r in caplog.records
                ), where
                checked += 1
    assert checked > 100
    assert in_app(app, _snapshot) == before


def test_granted_readers_see_only_their_scope(app: Flask, world) -> None:
    ids, actors = world
    supporter = actors[SUPPORTER]
    page = supporter.get(f"/clients/{ids.owner_id}").get_data(as_text=True)
    assert "Read the newspaper" in page  # the language goal is in its scope
    assert "Find a job" not in page and "Certificaat" not in page
    assert supporter.get(f"/clients/{ids.owner_id}/items/{ids.goal_id}").status_code == 404
    file_url = f"/clients/{ids.owner_id}/items/{ids.certificate_id}/files/{ids.file_id}"
    assert supporter.get(file_url).status_code == 404
    from portfolio.sharing.models import AccessEvent

    denials = in_app(
        app,
        lambda: db.session.scalars(select(AccessEvent).where(AccessEvent.action == "deny")).all(),
    )
    assert {d.object_id for d in denials} >= {ids.goal_id, ids.certificate_id}


def test_denials_of_recipients_reach_the_owners_log(app: Flask, world) -> None:
    ids, actors = world
    actors["regievoerder without grant"].get(f"/clients/{ids.owner_id}")
    actors["regievoerder other municipality"].get(f"/clients/{ids.owner_id}")
    from portfolio.sharing.models import AccessEvent

    rows = in_app(
        app,
        lambda: db.session.execute(
            select(AccessEvent.actor_id, AccessEvent.municipality_id, AccessEvent.outcome).where(
                AccessEvent.action == "deny", AccessEvent.object_type == "portfolio"
            )
        ).all(),
    )
    assert len(rows) == 2 and all(r.outcome == "denied" and r.municipality_id for r in rows)
