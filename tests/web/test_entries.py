"""Goals through the web client: add, list, filter, tick steps, edit, archive, delete;
other people's ids; fuzzed input never gives a 500 or a half-stored goal."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portfolio.accounts.models import Role
from portfolio.db import db
from portfolio.entries.models import Item
from tests.conftest import csrf_token, in_app, login, post_form
from tests.web.test_dump import dump_everything

GOAL = {
    "title": "Ik werk als verpleegkundige in Utrecht",
    "domain": "work",
    "term": "long",
    "target_date": "2028-06-30",
    "status": "planned",
    "steps-0-text": "Diploma laten waarderen bij IDW",
    "steps-1-text": "Staatsexamen NT2 B2 halen",
    "steps-2-text": "",
    "notes": "Mijn regievoerder helpt met de BIG-registratie.",
}


def item_ids(app: Flask) -> list[str]:
    """The ids of listed items (the dashboard's summary item is kept apart)."""
    return in_app(
        app, lambda: list(db.session.scalars(select(Item.id).where(Item.kind != "summary")))
    )


def add_goal(client: FlaskClient, **changes: str):
    return post_form(client, "/portfolio/goals/new", {**GOAL, **changes})


def test_add_list_show_goal(app: Flask, owner_client: FlaskClient) -> None:
    response = add_goal(owner_client)
    assert response.status_code == 302
    item_id = response.location.rsplit("/", 1)[-1]
    page = owner_client.get(response.location).get_data(as_text=True)
    assert GOAL["title"] in page and "Staatsexamen NT2 B2 halen" in page
    assert "0 of 2 done" in page
    listing = owner_client.get("/portfolio/").get_data(as_text=True)
    assert GOAL["title"] in listing
    assert GOAL["title"] not in owner_client.get("/portfolio/?domain=health").get_data(as_text=True)
    assert GOAL["title"] in owner_client.get("/portfolio/?domain=work").get_data(as_text=True)
    assert owner_client.get("/portfolio/?domain=<script>").status_code == 200
    home = owner_client.get("/home").get_data(as_text=True)
    assert "1 open · 0 done" in home
    assert item_ids(app) == [item_id]


def test_tick_step_and_edit_keeps_ticks(app: Flask, owner_client: FlaskClient) -> None:
    location = add_goal(owner_client).location
    item_id = location.rsplit("/", 1)[-1]
    response = post_form(
        owner_client, f"/portfolio/goals/{item_id}/steps/1", {}, form_page=location
    )
    assert response.status_code == 302
    page = owner_client.get(location).get_data(as_text=True)
    assert "1 of 2 done" in page and "Working on it" in page  # a ticked step starts the goal
    assert (
        post_form(
            owner_client, f"/portfolio/goals/{item_id}/steps/7", {}, form_page=location
        ).status_code
        == 404
    )
    form = owner_client.get(f"/portfolio/goals/{item_id}/edit").get_data(as_text=True)
    assert 'value="Staatsexamen NT2 B2 halen"' in form
    assert re.search(r'id="steps-1-done"[^>]*checked|checked[^>]*id="steps-1-done"', form)
    response = post_form(
        owner_client,
        f"/portfolio/goals/{item_id}/edit",
        {
            **GOAL,
            "title": "Werken in de zorg",
            "status": "in_progress",
            "steps-1-done": "y",
            "steps-2-text": "Stage lopen",
        },
    )
    assert response.location == location
    page = owner_client.get(location).get_data(as_text=True)
    assert "Werken in de zorg" in page and "1 of 3 done" in page


def test_archive_restore_delete(app: Flask, owner_client: FlaskClient) -> None:
    location = add_goal(owner_client).location
    item_id = location.rsplit("/", 1)[-1]
    post_form(owner_client, f"/portfolio/items/{item_id}/archive", {}, form_page=location)
    assert GOAL["title"] not in owner_client.get("/portfolio/").get_data(as_text=True)
    assert GOAL["title"] in owner_client.get("/portfolio/?archived=1").get_data(as_text=True)
    post_form(owner_client, f"/portfolio/items/{item_id}/archive", {}, form_page=location)
    assert GOAL["title"] in owner_client.get("/portfolio/").get_data(as_text=True)
    confirm = owner_client.get(f"/portfolio/items/{item_id}/delete")
    assert confirm.status_code == 200 and GOAL["title"] in confirm.get_data(as_text=True)
    assert item_ids(app) == [item_id]  # asking is not deleting
    response = post_form(owner_client, f"/portfolio/items/{item_id}/delete", {})
    assert response.location == "/portfolio/"
    assert item_ids(app) == []
    assert owner_client.get(location).status_code == 404


def test_other_people_get_404_and_staff_403(
    app: Flask, owner_client: FlaskClient, make_owner, make_staff
) -> None:
    location = add_goal(owner_client).location
    item_id = location.rsplit("/", 1)[-1]
    other = make_owner("bilal")
    intruder = app.test_client()
    login(intruder, other.username, other.passphrase)
    token = csrf_token(intruder, "/home")
    for path in (
        f"/portfolio/goals/{item_id}",
        f"/portfolio/goals/{item_id}/edit",
        f"/portfolio/items/{item_id}/delete",
    ):
        assert intruder.get(path).status_code == 404
    for path in (
        f"/portfolio/goals/{item_id}/steps/0",
        f"/portfolio/items/{item_id}/archive",
        f"/portfolio/items/{item_id}/delete",
        f"/portfolio/goals/{item_id}/edit",
    ):
        assert intruder.post(path, data={"csrf_token": token, **GOAL}).status_code == 404
    assert GOAL["title"] not in intruder.get("/portfolio/").get_data(as_text=True)
    assert item_ids(app) == [item_id]
    page = owner_client.get(location).get_data(as_text=True)
    assert GOAL["title"] in page and "0 of 2 done" in page  # untouched
    anonymous = app.test_client()
    assert anonymous.get(location).status_code == 302
    staff = make_staff("sanne", role=Role.REGIEVOERDER)
    staff_client = app.test_client()
    login(staff_client, staff.username, staff.passphrase)
    assert staff_client.get(location).status_code == 302  # halfway login: back to set-up


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Please write your goal."),
        ({"title": "x" * 201}, "at most 200"),
        ({"domain": "nowhere"}, "Not a valid choice"),
        ({"term": "forever"}, "Not a valid choice"),
        ({"status": "lost"}, "Not a valid choice"),
        ({"target_date": "31-02-2027"}, "Not a valid date"),
        ({"target_date": "2027-02-31"}, "Not a valid date"),
        ({"target_date": "0001-01-01"}, "between 1900 and 2100"),
        ({"title": "a\x00b"}, "invisible special characters"),
        ({"steps-0-text": "line\nbreak"}, "one line"),
        ({"notes": "n" * 4001}, "at most 4000"),
    ],
)
def test_bad_goal_input_is_explained_and_nothing_stored(
    app: Flask, owner_client: FlaskClient, changes: dict[str, str], message: str
) -> None:
    response = add_goal(owner_client, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert item_ids(app) == []


def test_bad_input_in_arabic_is_translated(app: Flask, owner_client: FlaskClient) -> None:
    token = csrf_token(owner_client, "/portfolio/goals/new")
    response = owner_client.post(
        "/portfolio/goals/new",
        data={"csrf_token": token, **GOAL, "domain": "x"},
        headers={"Accept-Language": "ar"},
    )
    body = response.get_data(as_text=True)
    assert 'class="error-summary"' in body
    # The owner's saved language (English) wins over the header, so switch it first.
    post_form(owner_client, "/language", {"lang": "ar", "next": "/home"}, form_page="/home")
    token = csrf_token(owner_client, "/portfolio/goals/new")
    body = owner_client.post(
        "/portfolio/goals/new", data={"csrf_token": token, **GOAL, "domain": "x"}
    ).get_data(as_text=True)
    assert 'dir="rtl"' in body and "Not a valid choice" not in body


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(sorted(GOAL) + ["steps-29-text", "steps-99-text", "steps-0-done"]),
        st.text(max_size=250),
    )
)
def test_fuzz_goal_form_never_500_never_half_stored(
    app: Flask, owner_client: FlaskClient, data: dict[str, str]
) -> None:
    before = len(item_ids(app))
    token = csrf_token(owner_client, "/portfolio/goals/new")
    response = owner_client.post("/portfolio/goals/new", data={"csrf_token": token, **GOAL, **data})
    assert response.status_code in (200, 302)
    after = len(item_ids(app))
    assert after == before + (1 if response.status_code == 302 else 0)
    if response.status_code == 302:
        assert owner_client.get(response.location).status_code == 200


def test_goal_text_is_encrypted_at_rest(app: Flask, owner_client: FlaskClient) -> None:
    add_goal(owner_client)
    dump = dump_everything(app)
    for value in (
        GOAL["title"],
        GOAL["steps-0-text"],
        GOAL["notes"],
        "2028-06-30",
        "verpleegkundige",
    ):
        assert value.encode() not in dump
    assert len(item_ids(app)) == 1


def test_goal_routes_refuse_other_kinds_of_item(app: Flask, owner_client: FlaskClient) -> None:
    post_form(owner_client, "/progress/self-assessment", {"score_work": "3"})
    (item_id,) = item_ids(app)
    for path in (
        f"/portfolio/goals/{item_id}",
        f"/portfolio/goals/{item_id}/edit",
        f"/portfolio/items/{item_id}/delete",
    ):
        assert owner_client.get(path).status_code == 404
    for path in (
        f"/portfolio/items/{item_id}/archive",
        f"/portfolio/items/{item_id}/delete",
        f"/portfolio/goals/{item_id}/steps/0",
    ):
        assert post_form(owner_client, path, {}, form_page="/home").status_code == 404
    assert item_ids(app) == [item_id]
