"""The newcomer's own plan proposal through the web client: drafted (bad input keeps
everything), sent to the regievoerder (adding the plan to the share only with consent),
sent back with questions, changed, sent again, approved into a new PIP version; taken
back, deleted; supporters read and comment but do not answer; nobody else answers."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.sharing.models import AccessEvent, Grant
from tests.conftest import in_app, post_form
from tests.web.test_sharing import (
    CODE,
    SHARE,
    connect,
    new_code,
    owner_with_items,
    share,
    staff_client,
    supporter_client,
)

OWN = {
    "course": "Cursus logistiek medewerker",
    "provider": "ROC Midden Nederland",
    "domain": "work",
    "hours": "240",
    "hours_per_week": "8",
    "cost": "1850",
    "start": "2027-02-01",
    "why": "Ik heb in Syrië in een magazijn gewerkt en wil dat hier ook doen.",
    "helper": "Mijn buurman Kees",
}


def own_item(app: Flask) -> Item:
    return in_app(app, lambda: db.session.scalar(select(Item).where(Item.kind == "own_plan")))


def draft(app: Flask, owner: FlaskClient, data: dict[str, str] | None = None) -> str:
    done = post_form(owner, "/plan/own/new", data or OWN)
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    return own_item(app).id


@pytest.fixture
def pair(app: Flask, make_owner, make_staff) -> tuple[FlaskClient, FlaskClient, str]:
    """A newcomer who shares goals (not the plan) with regievoerder Sanne."""
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(owner, connect(owner, new_code(staff)), {**SHARE, "kinds": ["goal"]})
    owner_id = in_app(app, lambda: db.session.scalar(select(Grant.owner_id)))
    return owner, staff, owner_id


def submit(owner: FlaskClient, item_id: str, staff_id: str, consent: bool = True):
    data = {"recipient": staff_id, **({"include_plan": "y"} if consent else {})}
    return post_form(owner, f"/plan/own/{item_id}/submit", data, f"/plan/own/{item_id}")


def staff_id_of(app: Flask) -> str:
    return in_app(app, lambda: db.session.scalar(select(Grant.recipient_id)))


def answer(staff: FlaskClient, owner_id: str, item_id: str, decision: str, text: str = ""):
    path = f"/clients/{owner_id}/plan/own/{item_id}"
    return post_form(staff, path, {"decision": decision, "answer": text})


def test_bad_input_keeps_everything_and_says_why(app: Flask, pair) -> None:
    owner, _staff, _ = pair
    bad = post_form(owner, "/plan/own/new", {**OWN, "why": "", "cost": "9999999"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Please say why this fits you." in page and "0 to 100000 euros" in page
    assert "Cursus logistiek medewerker" in page and "Mijn buurman Kees" in page
    bad = post_form(owner, "/plan/own/new", {**OWN, "domain": "mars"})
    assert bad.status_code == 200 and "life domain from the list" in bad.get_data(as_text=True)
    bad = post_form(owner, "/plan/own/new", {**OWN, "course": "Twee\nregels"})
    assert bad.status_code == 200
    assert own_item(app) is None


def test_the_whole_round_from_draft_to_plan_version(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    item_id = draft(app, owner)
    staff_id = staff_id_of(app)
    # The share holds no plan yet: the regievoerder cannot see the draft.
    assert staff.get(f"/clients/{owner_id}/plan/own/{item_id}").status_code == 403
    refused = submit(owner, item_id, staff_id, consent=False)
    assert refused.status_code == 200 and "Please tick the box" in refused.get_data(as_text=True)
    assert "pip" not in in_app(app, lambda: db.session.scalar(select(Grant.scope_kinds)))
    sent = submit(owner, item_id, staff_id)
    assert sent.status_code == 302
    grant = in_app(app, lambda: db.session.scalar(select(Grant)))
    assert "pip" in grant.scope_kinds.split(",") and grant.may_propose
    assert own_item(app).awaiting == "recipient"
    workspace = staff.get("/workspace").get_data(as_text=True)
    assert f'href="/clients/{owner_id}/plan">1</a>' in workspace  # waits for Sanne

    page = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)
    assert "Cursus logistiek medewerker" in page
    page = staff.get(f"/clients/{owner_id}/plan/own/{item_id}").get_data(as_text=True)
    assert "ROC Midden Nederland" in page and 'value="changes"' in page  # staff read Dutch
    missing = answer(staff, owner_id, item_id, "changes")
    assert missing.status_code == 200 and 'class="field-error"' in missing.get_data(as_text=True)
    assert own_item(app).awaiting == "recipient"  # nothing changed
    asked = answer(staff, owner_id, item_id, "changes", "Kun je ook een BBL-variant zoeken?")
    assert asked.status_code == 302
    assert own_item(app).awaiting == "owner"

    mine = owner.get(f"/plan/own/{item_id}").get_data(as_text=True)
    assert "Kun je ook een BBL-variant zoeken?" in mine and "Sanne de Vries" in mine
    edited = post_form(
        owner, f"/plan/own/{item_id}/edit", {**OWN, "course": "BBL logistiek niveau 2"}
    )
    assert edited.status_code == 302
    assert submit(owner, item_id, staff_id).status_code == 302  # the plan is shared now
    approved = answer(staff, owner_id, item_id, "approved", "Prima plan.")
    assert approved.status_code == 302
    assert own_item(app).awaiting is None

    plan = owner.get("/plan/").get_data(as_text=True)  # claims the version Sanne made
    assert "Version 1, agreed on" in plan
    assert "BBL logistiek niveau 2 (ROC Midden Nederland)" in plan
    assert "BBL logistiek niveau 2: € 1850" in plan
    history = owner.get("/plan/history").get_data(as_text=True)
    assert "An own plan proposal was approved" in history
    # Answered: no second answer, no more changes, no delete.
    again = answer(staff, owner_id, item_id, "declined", "Toch niet")
    assert again.status_code == 403
    assert owner.get(f"/plan/own/{item_id}/edit").status_code == 302
    post_form(owner, f"/plan/own/{item_id}/delete", {}, f"/plan/own/{item_id}")
    assert own_item(app) is not None
    actions = in_app(
        app, lambda: db.session.scalars(select(AccessEvent.action).order_by(AccessEvent.at)).all()
    )
    assert "change" in actions and actions.count("decide") == 2


def test_take_back_then_an_answer_is_refused_and_a_draft_can_go(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    item_id = draft(app, owner)
    submit(owner, item_id, staff_id_of(app))
    kept = post_form(owner, f"/plan/own/{item_id}/delete", {}, f"/plan/own/{item_id}")
    assert kept.status_code == 302 and own_item(app) is not None
    back = post_form(owner, f"/plan/own/{item_id}/take-back", {}, f"/plan/own/{item_id}")
    assert back.status_code == 302 and own_item(app).awaiting is None
    late = answer(staff, owner_id, item_id, "approved")
    assert late.status_code == 403
    gone = post_form(owner, f"/plan/own/{item_id}/delete", {}, f"/plan/own/{item_id}")
    assert gone.status_code == 302
    assert own_item(app) is None


def test_a_supporter_reads_and_comments_but_does_not_answer(app: Flask, pair, make_owner) -> None:
    owner, _staff, owner_id = pair
    item_id = draft(app, owner)
    coach_id, supporter = supporter_client(app, make_owner)
    page = post_form(owner, "/sharing/invite", {"relation": "broker"}, "/sharing/")
    code = CODE.search(page.get_data(as_text=True)).group(1)
    post_form(supporter, "/sharing/connect", {"code": code, "confirm": "1"}, "/sharing/connect")
    share(
        owner,
        f"/sharing/new/{coach_id}",
        {**SHARE, "kinds": ["pip"], "purpose": "other", "may_comment": "y"},
    )
    page = supporter.get(f"/clients/{owner_id}/plan/own/{item_id}").get_data(as_text=True)
    assert "Cursus logistiek medewerker" in page and "Send my answer" not in page
    assert answer(supporter, owner_id, item_id, "approved").status_code == 403
    item_page = supporter.get(f"/clients/{owner_id}/items/{item_id}").get_data(as_text=True)
    assert "Own plan proposal: Cursus logistiek medewerker" in item_page
    assert "ROC Midden Nederland" in item_page
    said = post_form(
        supporter,
        f"/clients/{owner_id}/items/{item_id}/comments",
        {"text": "Vraag ook naar de reiskosten."},
        f"/clients/{owner_id}/items/{item_id}",
    )
    assert said.status_code == 302
    feedback = owner.get(f"/sharing/items/{item_id}/feedback").get_data(as_text=True)
    assert "Vraag ook naar de reiskosten." in feedback


def test_another_regievoerder_cannot_answer(app: Flask, pair, make_staff) -> None:
    owner, _staff, owner_id = pair
    item_id = draft(app, owner)
    submit(owner, item_id, staff_id_of(app))
    other = staff_client(app, make_staff("bram"))
    assert other.get(f"/clients/{owner_id}/plan/own/{item_id}").status_code in (403, 404)
    assert answer(other, owner_id, item_id, "approved").status_code in (403, 404)
    assert own_item(app).awaiting == "recipient"


def test_own_plan_text_is_not_in_the_dump(app: Flask, pair) -> None:
    from tests.web.test_dump import dump_everything

    owner, staff, owner_id = pair
    item_id = draft(app, owner)
    submit(owner, item_id, staff_id_of(app))
    staff.get(f"/clients/{owner_id}/plan/own/{item_id}")
    dump = dump_everything(app)
    for text in ("Cursus logistiek", "ROC Midden", "magazijn", "buurman Kees"):
        assert text.encode() not in dump
