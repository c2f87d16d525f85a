"""Goals suggested by someone the newcomer shares with: only with a share that allows
proposing and covers goals in that life domain; the newcomer takes the suggestion (a
goal of their own) or not, once; the text is never in the database in the clear."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.sharing.models import AccessEvent, Grant
from tests.conftest import in_app, post_form
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client

SUGGESTION = {
    "title": "Een cursus Nederlands voor de zorg volgen",
    "domain": "work",
    "term": "medium",
    "note": "Dan kun je sneller aan de slag in de thuiszorg.",
}


def count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Item).where(Item.kind == kind))


@pytest.fixture
def pair(app: Flask, make_owner, make_staff):
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(owner, connect(owner, new_code(staff)), {**SHARE, "kinds": ["goal"], "may_propose": "y"})
    owner_id = in_app(app, lambda: db.session.scalar(select(Grant.owner_id)))
    return owner, staff, owner_id


def suggest(staff, owner_id: str, data: dict | None = None):
    return post_form(staff, f"/clients/{owner_id}/goals/suggest", data or SUGGESTION)


def suggestion_id(app: Flask) -> str:
    return in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "goal_suggestion"))
    )


def test_suggested_goal_taken_into_the_portfolio(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    goals_before = in_app(app, lambda: count("goal"))
    assert suggest(staff, owner_id).status_code == 302
    home = owner.get("/home").get_data(as_text=True)  # claims it, then lists it
    assert "Een cursus Nederlands voor de zorg volgen" in home
    assert "Suggested by Sanne de Vries" in home and "sneller aan de slag" in home
    item_id = suggestion_id(app)
    taken = post_form(owner, f"/sharing/suggestions/{item_id}", {"decision": "take"}, "/home")
    assert taken.status_code == 302 and "/portfolio/goals/" in taken.location
    goal = owner.get(taken.location).get_data(as_text=True)
    assert "Een cursus Nederlands voor de zorg volgen" in goal
    assert in_app(app, lambda: count("goal")) == goals_before + 1
    # Once: a second answer makes no second goal.
    again = post_form(owner, f"/sharing/suggestions/{item_id}", {"decision": "take"}, "/home")
    assert again.status_code == 302 and in_app(app, lambda: count("goal")) == goals_before + 1
    assert "Een cursus Nederlands" not in owner.get("/home").get_data(as_text=True)
    client = staff.get(f"/clients/{owner_id}").get_data(as_text=True)
    assert 'id="suggestions"' in client and "Een cursus Nederlands" in client
    actions = in_app(app, lambda: db.session.scalars(select(AccessEvent.action)).all())
    assert "propose" in actions


def test_declined_suggestion_makes_no_goal(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    goals_before = in_app(app, lambda: count("goal"))
    suggest(staff, owner_id)
    owner.get("/home")
    post_form(owner, f"/sharing/suggestions/{suggestion_id(app)}", {"decision": "decline"}, "/home")
    assert in_app(app, lambda: count("goal")) == goals_before
    assert "Een cursus Nederlands" not in owner.get("/home").get_data(as_text=True)


def test_only_within_the_share_and_with_permission(
    app: Flask, pair, make_owner, make_staff
) -> None:
    owner, staff, owner_id = pair
    outside = suggest(staff, owner_id, {**SUGGESTION, "domain": "health"})
    assert outside.status_code == 200 and 'class="field-error"' in outside.get_data(as_text=True)
    assert in_app(app, lambda: count("goal_suggestion")) == 0
    bad = post_form(owner, "/sharing/suggestions/" + "0" * 32, {"decision": "take"}, "/home")
    assert bad.status_code == 404
    other_owner = owner_with_items(app, make_owner, "bilal")
    share(other_owner, connect(other_owner, new_code(staff)), {**SHARE, "kinds": ["goal"]})
    other_id = in_app(
        app,
        lambda: db.session.scalar(select(Grant.owner_id).where(Grant.owner_id != owner_id)),
    )
    assert staff.get(f"/clients/{other_id}/goals/suggest").status_code == 403  # no permission
    assert suggest(staff, other_id).status_code == 403
    assert in_app(app, lambda: count("goal_suggestion")) == 0


def test_suggestions_are_capped_and_sealed(app: Flask, pair) -> None:
    from tests.web.test_dump import dump_everything

    _owner, staff, owner_id = pair
    for n in range(10):
        assert suggest(staff, owner_id, {**SUGGESTION, "title": f"Doel {n}"}).status_code == 302
    refused = suggest(staff, owner_id)
    assert refused.status_code == 200 and in_app(app, lambda: count("goal_suggestion")) == 10
    dump = dump_everything(app)
    assert b"cursus Nederlands" not in dump and b"thuiszorg" not in dump
