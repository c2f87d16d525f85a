"""Sharing through the web client: connect by code, share with a preview, what the
regievoerder sees, change, extend, revoke, the access log, supporters."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio.accounts.models import User
from portfolio.db import db
from portfolio.sharing.models import AccessEvent, Grant, GrantItemKey
from tests.conftest import Account, in_app, login, post_form, sql_statements
from tests.web.test_staff import NEW, current_code, manual_secret

CODE = re.compile(r'<p class="big-code" dir="ltr" translate="no">([0-9A-Z]{4}-[0-9A-Z]{4})</p>')


def staff_client(app: Flask, account: Account) -> FlaskClient:
    client = app.test_client()
    login(client, account.username, account.passphrase)
    post_form(client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    secret = manual_secret(client.get("/staff/setup").get_data(as_text=True))
    post_form(client, "/staff/setup", {"code": current_code(secret)})
    return client


def owner_with_items(
    app: Flask, make_owner: Callable[..., Account], name: str = "amal"
) -> FlaskClient:
    owner = make_owner(name)
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    for title, domain in (
        ("Read the newspaper", "language"),
        ("Find a job", "work"),
        ("See a doctor", "health"),
    ):
        response = post_form(
            client,
            "/portfolio/goals/new",
            {"title": title, "domain": domain, "term": "short", "status": "planned"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    response = post_form(
        client,
        "/portfolio/experience/new",
        {"organisation": "Voedselbank Utrecht", "role": "volunteer", "domain": "work"},
    )
    assert response.status_code == 302
    return client


def supporter_client(app: Flask, make_owner: Callable[..., Account], name: str = "coach"):
    """An account turned supporter, logged in: (its id, its client)."""
    account = make_owner(name)

    def to_supporter() -> None:
        db.session.get(User, account.user_id).role = "supporter"
        db.session.commit()

    in_app(app, to_supporter)
    client = app.test_client()
    login(client, account.username, account.passphrase)
    return account.user_id, client


def new_code(staff: FlaskClient) -> str:
    page = post_form(staff, "/workspace/code", {}).get_data(as_text=True)
    assert "<svg" in page
    return CODE.search(page).group(1)


def connect(owner: FlaskClient, code: str) -> str:
    page = post_form(owner, "/sharing/connect", {"code": code}, "/sharing/").get_data(as_text=True)
    assert "Is this the right person?" in page and "Sanne de Vries" in page
    done = post_form(owner, "/sharing/connect", {"code": code, "confirm": "1"}, "/sharing/")
    assert done.status_code == 302 and "/sharing/new/" in done.location
    return done.location


SHARE = {
    "shown_name": "Amal Haddad",
    "kinds": ["goal", "experience"],
    "domains": ["language", "work"],
    "purpose": "pip",
    "purpose_text": "Voor het voortgangsgesprek",
    "period": "3",
}


def share(owner: FlaskClient, path: str, data: dict | None = None) -> str:
    data = dict(data or SHARE)
    preview = post_form(owner, path, data).get_data(as_text=True)
    assert "will see" in preview, preview[:2000]
    done = post_form(owner, path, {**data, "step": "confirm"})
    assert done.status_code == 302, done.get_data(as_text=True)[:1000]
    return done.location


@pytest.fixture
def pair(app: Flask, make_owner, make_staff) -> tuple[FlaskClient, FlaskClient, str]:
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    new_path = connect(owner, new_code(staff))
    grant_url = share(owner, new_path)
    return owner, staff, grant_url


def owner_id_of(app: Flask) -> str:
    return in_app(app, lambda: db.session.scalar(select(Grant.owner_id)))


def test_share_form_defaults_leave_out_health_and_need_an_end(
    app: Flask, make_owner, make_staff
) -> None:
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    path = connect(owner, new_code(staff))
    page = owner.get(path).get_data(as_text=True)
    assert 'value="health"' in page
    assert not re.search(r'checked[^>]*value="health"|value="health"[^>]*checked', page)
    assert re.search(r'value="6"[^>]*checked|checked[^>]*value="6"', page)  # 6 months
    refused = post_form(owner, path, {**SHARE, "period": ""}).get_data(as_text=True)
    assert "Please choose until when." in refused
    refused = post_form(owner, path, {**SHARE, "period": "date", "until": "2001-01-01"})
    assert "after today" in refused.get_data(as_text=True)
    nothing = post_form(owner, path, {**SHARE, "kinds": [], "items": []}).get_data(as_text=True)
    assert "Please choose what you share" in nothing
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(Grant))) == 0


def test_preview_shows_exactly_what_will_be_shared(app: Flask, make_owner, make_staff) -> None:
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    path = connect(owner, new_code(staff))
    preview = post_form(owner, path, SHARE).get_data(as_text=True)
    assert "Read the newspaper" in preview and "Find a job" in preview
    assert "Voedselbank Utrecht" in preview and "See a doctor" not in preview
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(Grant))) == 0


def test_regievoerder_sees_exactly_the_shared_items(app: Flask, pair) -> None:
    owner, staff, _ = pair
    workspace = staff.get("/workspace").get_data(as_text=True)
    assert "Amal Haddad" in workspace
    owner_id = owner_id_of(app)
    page = staff.get(f"/clients/{owner_id}").get_data(as_text=True)
    assert "Read the newspaper" in page and "Voedselbank Utrecht" in page
    assert "See a doctor" not in page
    assert "Voor het voortgangsgesprek" in page
    item_ids = re.findall(rf"/clients/{owner_id}/items/([0-9a-f]{{32}})", page)
    assert len(item_ids) == 3
    for item_id in item_ids:
        assert staff.get(f"/clients/{owner_id}/items/{item_id}").status_code == 200
    health = in_app(
        app,
        lambda: db.session.scalar(select(func.count()).select_from(GrantItemKey)),
    )
    assert health == 3


def test_out_of_scope_item_is_404_and_logged(app: Flask, pair) -> None:
    owner, staff, _ = pair
    owner_id = owner_id_of(app)
    from portfolio.entries.models import Item

    health_id = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.domain_code == "health"))
    )
    assert staff.get(f"/clients/{owner_id}/items/{health_id}").status_code == 404
    log = owner.get("/sharing/log?what=deny").get_data(as_text=True)
    assert "Tried to open something, refused" in log and "Sanne de Vries" in log


def test_revoke_is_immediate_and_leaves_the_caseload(app: Flask, pair) -> None:
    owner, staff, grant_url = pair
    owner_id = owner_id_of(app)
    grant_page = owner.get(grant_url).get_data(as_text=True)
    assert "Stop sharing now" in grant_page
    grant_id = grant_url.rstrip("/").rsplit("/", 1)[1]
    response = post_form(owner, f"/sharing/{grant_id}/revoke", {}, grant_url)
    assert response.status_code == 302
    assert staff.get(f"/clients/{owner_id}").status_code == 403
    assert "Amal Haddad" not in staff.get("/workspace").get_data(as_text=True)
    wraps = in_app(app, lambda: db.session.scalar(select(func.count()).select_from(GrantItemKey)))
    assert wraps == 0
    log = owner.get("/sharing/log").get_data(as_text=True)
    for words in (
        "Started a share",
        "Looked at what you share",
        "Stopped a share",
        "Tried to open something, refused",
    ):
        assert words in log, words


def test_change_scope_and_extend(app: Flask, pair) -> None:
    owner, staff, grant_url = pair
    grant_id = grant_url.rsplit("/", 1)[1]
    owner_id = owner_id_of(app)
    share(
        owner, f"/sharing/{grant_id}/change", {**SHARE, "kinds": ["goal"], "domains": ["language"]}
    )
    page = staff.get(f"/clients/{owner_id}").get_data(as_text=True)
    assert "Read the newspaper" in page and "Find a job" not in page
    response = post_form(owner, f"/sharing/{grant_id}/extend", {"period": "12"}, grant_url)
    assert response.status_code == 302
    assert "Active until" in owner.get(grant_url).get_data(as_text=True)


def test_new_item_in_scope_is_seen_at_once(app: Flask, pair) -> None:
    owner, staff, _ = pair
    post_form(
        owner,
        "/portfolio/goals/new",
        {
            "title": "Speak at the market",
            "domain": "language",
            "term": "short",
            "status": "planned",
        },
    )
    page = staff.get(f"/clients/{owner_id_of(app)}").get_data(as_text=True)
    assert "Speak at the market" in page


def test_codes_are_checked_and_rate_limited_message_is_clear(app: Flask, make_owner) -> None:
    owner = owner_with_items(app, make_owner)
    page = post_form(owner, "/sharing/connect", {"code": "ABCD-EFGH"}, "/sharing/")
    assert "This code is not right" in page.get_data(as_text=True)
    page = post_form(owner, "/sharing/connect", {"code": "<script>"}, "/sharing/")
    assert page.status_code == 200 and "<script>" not in page.get_data(as_text=True)


def test_supporter_connects_with_an_invite_code(app: Flask, make_owner) -> None:
    owner = owner_with_items(app, make_owner)
    page = post_form(owner, "/sharing/invite", {"relation": "language_coach"}).get_data(
        as_text=True
    )
    code = CODE.search(page).group(1)
    _coach_id, supporter = supporter_client(app, make_owner)
    confirm = post_form(supporter, "/sharing/connect", {"code": code}).get_data(as_text=True)
    assert "Is this the right person?" in confirm
    done = post_form(supporter, "/sharing/connect", {"code": code, "confirm": "1"})
    assert done.location == "/clients/"
    sharing_page = owner.get("/sharing/").get_data(as_text=True)
    assert "coach" in sharing_page and "Sees nothing of your portfolio." in sharing_page


def test_access_log_rows_name_no_content(app: Flask, pair) -> None:
    owner, staff, _ = pair
    staff.get(f"/clients/{owner_id_of(app)}")
    rows = in_app(app, lambda: db.session.scalars(select(AccessEvent)).all())
    text = repr([(r.action, r.object_type, r.object_id, r.purpose) for r in rows])
    assert "Amal" not in text and "newspaper" not in text
    assert {r.action for r in rows} >= {"connect", "share", "list"}


def test_every_logged_action_has_words() -> None:
    from portfolio.sharing.labels import ACTION_LABELS
    from portfolio.sharing.models import Action

    assert set(ACTION_LABELS) == {a.value for a in Action}


def test_the_client_page_reads_every_wrap_in_one_query(app: Flask, pair) -> None:
    """However many items are shared, the client page asks for the grant's wraps once
    (they come with the items), not once per item."""
    owner, staff, _grant_url = pair
    owner_id = in_app(
        app, lambda: db.session.scalar(select(User.id).where(User.username == "amal"))
    )

    def wrap_queries() -> int:
        with sql_statements(app) as seen:
            assert staff.get(f"/clients/{owner_id}").status_code == 200
        return sum(1 for s in seen if s.startswith("SELECT") and "grant_item_keys" in s)

    few = wrap_queries()
    for number in range(6):
        post_form(
            owner,
            "/portfolio/goals/new",
            {
                "title": f"Leren {number}",
                "domain": "language",
                "term": "short",
                "status": "planned",
            },
        )
    wraps = in_app(app, lambda: db.session.scalar(select(func.count()).select_from(GrantItemKey)))
    assert wraps >= 9
    assert wrap_queries() == few == 1
