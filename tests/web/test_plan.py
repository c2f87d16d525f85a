"""The plan (PIP) through the web client: either side proposes, the other accepts (a new
version) or declines with a reason; recipients' proposals are sealed to the owner and
claimed at the owner's next request; the history shows what moved."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from portfolio.accounts.models import User
from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.sharing.models import AccessEvent, Grant, GrantItemKey
from tests.conftest import in_app, post_form
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client

FIRST_PLAN = {
    "route": "b1",
    "main_goal": "work",
    "provider": "Taalschool Utrecht",
    "hours_per_week": "12",
    "map_status": "todo",
    "pvt_status": "done",
    "agreements-0-description": "Elke week naar de taalschool",
    "agreements-0-party": "me",
    "agreements-0-domain": "language",
    "agreements-0-due": "2027-03-01",
    "agreements-0-status": "open",
    "agreements-1-description": "Kinderopvang regelen",
    "agreements-1-party": "municipality",
    "agreements-1-status": "open",
    "reason": "start",
    "comment": "Zoals besproken in het intakegesprek",
}


def count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Item).where(Item.kind == kind))


def form_values(page: str) -> dict[str, str]:
    """The plan form's current values, as a browser would send them back."""
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body
        )
        first = re.search(r'<option[^>]*value="([^"]*)"', body)  # what a browser sends
        if chosen:
            values[name] = chosen.group(1) if chosen.group(1) is not None else chosen.group(2)
        else:
            values[name] = first.group(1)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = body.strip()
    values.pop("csrf_token", None)
    return values


def accept_first_proposal(app: Flask, staff, owner_id: str):
    proposal_id = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "pip_proposal"))
    )
    return post_form(
        staff,
        f"/clients/{owner_id}/plan/proposals/{proposal_id}/answer",
        {"decision": "accept"},
        f"/clients/{owner_id}/plan",
    )


@pytest.fixture
def pair(app: Flask, make_owner, make_staff):
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {**SHARE, "kinds": ["goal", "pip", "meeting"], "may_propose": "y", "may_comment": "y"},
    )
    owner_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    return owner, staff, owner_id


def test_owner_proposes_first_plan_regievoerder_accepts(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    response = post_form(owner, "/plan/propose", FIRST_PLAN)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)
    assert "Elke week naar de taalschool" in page and "Zoals besproken" in page
    proposal_id = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "pip_proposal"))
    )
    done = post_form(
        staff,
        f"/clients/{owner_id}/plan/proposals/{proposal_id}/answer",
        {"decision": "accept", "answer": ""},
        f"/clients/{owner_id}/plan",
    )
    assert done.status_code == 302
    # The version the regievoerder made is sealed to the owner until the owner's next request.
    sealed = in_app(app, lambda: db.session.scalar(select(Item).where(Item.kind == "pip")))
    assert sealed.wrapped_key is None and sealed.sealed_key is not None
    mine = owner.get("/plan/").get_data(as_text=True)
    assert "Version 1, agreed on" in mine and "Kinderopvang regelen" in mine
    claimed = in_app(app, lambda: db.session.scalar(select(Item).where(Item.kind == "pip")))
    assert claimed.wrapped_key is not None and claimed.sealed_key is None
    staff_page = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)  # in Dutch
    assert "Kinderopvang regelen" in staff_page and "/answer" not in staff_page
    actions = in_app(app, lambda: db.session.scalars(select(AccessEvent.action)).all())
    assert "decide" in actions


def test_regievoerder_proposes_agreement_owner_accepts_and_history(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    post_form(owner, "/plan/propose", FIRST_PLAN)
    accept_first_proposal(app, staff, owner_id)
    owner.get("/plan/")  # claims version 1
    form_page = staff.get(f"/clients/{owner_id}/plan/propose").get_data(as_text=True)
    values = form_values(form_page)
    assert values["provider"] == "Taalschool Utrecht"
    empty_row = next(
        n.split("-")[1] for n, v in values.items() if n.endswith("-description") and not v
    )
    values.update(
        {
            f"agreements-{empty_row}-description": "Solliciteren bij de thuiszorg",
            f"agreements-{empty_row}-party": "me",
            f"agreements-{empty_row}-domain": "work",
            f"agreements-{empty_row}-status": "open",
            "agreements-1-status": "done",
            "reason": "progress",
            "comment": "Na het voortgangsgesprek",
        }
    )
    response = post_form(staff, f"/clients/{owner_id}/plan/propose", values)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = owner.get("/plan/").get_data(as_text=True)
    assert "A proposal for you to answer" in page
    assert "New agreement: Solliciteren bij de thuiszorg" in page
    assert "Kinderopvang regelen · Status: was To do, now Done" in page
    second = in_app(
        app,
        lambda: db.session.scalars(
            select(Item.id).where(Item.kind == "pip_proposal").order_by(Item.created_at.desc())
        ).first(),
    )
    refused = post_form(
        owner, f"/plan/proposals/{second}/answer", {"decision": "decline"}, "/plan/"
    )
    assert refused.status_code == 302
    assert "Please say why" in owner.get("/plan/").get_data(as_text=True)
    post_form(
        owner,
        f"/plan/proposals/{second}/answer",
        {"decision": "accept", "answer": "Goed"},
        "/plan/",
    )
    history = owner.get("/plan/history").get_data(as_text=True)
    assert "Version 2" in history and "Version 1" in history
    assert "New agreement: Solliciteren bij de thuiszorg" in history
    staff_history = staff.get(f"/clients/{owner_id}/plan/history").get_data(as_text=True)
    assert "Solliciteren bij de thuiszorg" in staff_history
    # A second answer to the same proposal changes nothing.
    post_form(owner, f"/plan/proposals/{second}/answer", {"decision": "accept"}, "/plan/")
    assert in_app(app, lambda: count("pip")) == 2


def test_without_permission_or_scope_no_plan(app: Flask, make_owner, make_staff) -> None:
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(owner, connect(owner, new_code(staff)), {**SHARE, "kinds": ["goal"]})
    owner_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    assert staff.get(f"/clients/{owner_id}/plan").status_code == 403
    assert staff.get(f"/clients/{owner_id}/plan/propose").status_code == 403


def test_bad_plan_input_keeps_everything(app: Flask, pair) -> None:
    owner, _staff, _ = pair
    bad = post_form(owner, "/plan/propose", {**FIRST_PLAN, "hours_per_week": "500"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "0 to 60 hours" in page
    assert "Elke week naar de taalschool" in page
    bad = post_form(owner, "/plan/propose", {**FIRST_PLAN, "agreements-0-domain": "mars"})
    assert bad.status_code == 200
    bad = post_form(owner, "/plan/propose", {**FIRST_PLAN, "agreements-0-party": "king"})
    assert bad.status_code == 200
    assert in_app(app, lambda: count("pip_proposal")) == 0


def test_plan_text_is_not_in_the_dump(app: Flask, pair) -> None:
    from tests.web.test_dump import dump_everything

    owner, staff, owner_id = pair
    post_form(owner, "/plan/propose", FIRST_PLAN)
    staff.get(f"/clients/{owner_id}/plan")
    dump = dump_everything(app)
    for text in ("Taalschool Utrecht", "Kinderopvang regelen", "Zoals besproken"):
        assert text.encode() not in dump
    assert (
        in_app(app, lambda: db.session.scalar(select(func.count()).select_from(GrantItemKey))) >= 1
    )


def test_meeting_preparation_and_summary_keep_each_other(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    made = post_form(owner, "/plan/meetings/new", {"day": "2027-01-15"}, "/plan/")
    assert made.status_code == 302 and "/plan/meetings/" in made.location
    meeting_id = made.location.rsplit("/", 1)[1]
    saved = post_form(
        owner,
        made.location,
        {"went_well": "Ik spreek meer Nederlands", "hard": "De brieven", "discuss": "Werk"},
    )
    assert saved.status_code == 302
    url = f"/clients/{owner_id}/plan/meetings/{meeting_id}"
    page = staff.get(url).get_data(as_text=True)
    assert "Ik spreek meer Nederlands" in page and "De brieven" in page
    post_form(
        staff,
        url,
        {"summary": "Goed gesprek over werk", "agreed": "Stage zoeken", "next_day": "2027-04-01"},
    )
    mine = owner.get(made.location).get_data(as_text=True)
    assert "Goed gesprek over werk" in mine and "Stage zoeken" in mine
    assert "Ik spreek meer Nederlands" in mine  # the summary did not overwrite the preparation
    # The owner saves again: the summary stays.
    post_form(owner, made.location, {"went_well": "Nog beter", "hard": "", "discuss": ""})
    assert "Goed gesprek over werk" in staff.get(url).get_data(as_text=True)
    plan = owner.get("/plan/").get_data(as_text=True)
    assert "January 15, 2027" in plan and "summary written" in plan
    bad = post_form(owner, "/plan/meetings/new", {"day": "1066-10-14"}, "/plan/")
    assert bad.status_code == 302
    assert in_app(app, lambda: count("meeting")) == 1


def test_only_a_regievoerder_who_may_propose_writes_the_summary(
    app: Flask, make_owner, make_staff
) -> None:
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(owner, connect(owner, new_code(staff)), {**SHARE, "kinds": ["goal", "pip", "meeting"]})
    owner_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    made = post_form(owner, "/plan/meetings/new", {"day": "2027-01-15"}, "/plan/")
    url = f"/clients/{owner_id}/plan/meetings/{made.location.rsplit('/', 1)[1]}"
    assert staff.get(url).status_code == 200  # may read
    assert post_form(staff, url, {"summary": "x"}, url).status_code == 403
    assert (
        post_form(
            staff, f"/clients/{owner_id}/plan/meetings/new", {"day": "2027-02-01"}, url
        ).status_code
        == 403
    )


def test_a_recipient_cannot_answer_another_recipients_proposal(
    app: Flask, pair, make_staff
) -> None:
    owner, staff, owner_id = pair
    other = staff_client(app, make_staff("piet"))
    code = new_code(other)
    post_form(owner, "/sharing/connect", {"code": code, "confirm": "1"}, "/sharing/")
    piet_id = in_app(app, lambda: db.session.scalar(select(User.id).where(User.username == "piet")))
    share(owner, f"/sharing/new/{piet_id}", {**SHARE, "kinds": ["goal", "pip"], "may_propose": "y"})
    post_form(staff, f"/clients/{owner_id}/plan/propose", {**FIRST_PLAN})
    owner.get("/plan/")  # claims the proposal: now wrapped under Piet's grant too
    proposal_id = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "pip_proposal"))
    )
    post_form(
        other,
        f"/clients/{owner_id}/plan/proposals/{proposal_id}/answer",
        {"decision": "accept"},
        f"/clients/{owner_id}/plan",
    )
    assert in_app(app, lambda: count("pip")) == 0  # only the newcomer answers it


def test_an_answer_loses_a_race_cleanly(app: Flask, pair) -> None:
    from portfolio.accounts import services as accounts
    from portfolio.entries import services as entries
    from tests.conftest import PASSPHRASE

    owner, _staff, _ = pair
    post_form(owner, "/plan/propose", FIRST_PLAN)

    def race() -> bool:
        ctx = app.extensions["portfolio.vault"]
        key = accounts.authenticate(db.session, ctx, "amal", PASSPHRASE).user_key
        item = db.session.scalar(select(Item).where(Item.kind == "pip_proposal"))
        item_key, data = entries.open_item(item, key)
        seen = item.content  # two requests read the same envelope
        assert entries.reseal_if_unchanged(db.session, item, item_key, data, seen)
        return entries.reseal_if_unchanged(db.session, item, item_key, data, seen)

    assert in_app(app, race) is False  # the second writer sees the change and stops


def test_open_proposals_are_capped(app: Flask, pair) -> None:
    owner, _staff, _ = pair
    from portfolio.pip.services import MAX_OPEN_PROPOSALS

    for n in range(MAX_OPEN_PROPOSALS):
        assert (
            post_form(owner, "/plan/propose", {**FIRST_PLAN, "provider": f"School {n}"}).status_code
            == 302
        )
    refused = post_form(owner, "/plan/propose", {**FIRST_PLAN, "provider": "School x"})
    assert refused.status_code == 200 and "open proposals" in refused.get_data(as_text=True)
    assert in_app(app, lambda: count("pip_proposal")) == MAX_OPEN_PROPOSALS


def test_caseload_shows_what_waits_and_what_is_due(app: Flask, pair) -> None:
    owner, staff, owner_id = pair
    post_form(
        owner,
        "/plan/propose",
        {**FIRST_PLAN, "agreements-1-due": "2020-05-01"},  # childcare: long overdue
    )
    workspace = staff.get("/workspace").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", workspace, re.S).group(0)
    assert f'href="/clients/{owner_id}/plan">1</a>' in row  # one proposal to answer
    accept_first_proposal(app, staff, owner_id)
    workspace = staff.get("/workspace?sort=attention").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", workspace, re.S).group(0)
    assert '/plan">1</a>' not in row
    assert "1 te laat" in row and "volgende: 1 mrt 2027" in row  # staff read Dutch


def test_proof_of_an_agreement_links_what_each_side_sees(app: Flask, pair) -> None:
    owner, staff, owner_id = pair  # Sanne sees goals and the plan, not work experience
    proof = in_app(app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "experience")))
    bad = post_form(owner, "/plan/propose", {**FIRST_PLAN, "agreements-0-evidence": "0" * 32})
    assert bad.status_code == 200 and in_app(app, lambda: count("pip_proposal")) == 0
    form = owner.get("/plan/propose").get_data(as_text=True)
    assert f'value="{proof}">volunteer · Voedselbank Utrecht' in form
    post_form(owner, "/plan/propose", {**FIRST_PLAN, "agreements-0-evidence": proof})
    accept_first_proposal(app, staff, owner_id)
    mine = owner.get("/plan/").get_data(as_text=True)  # claims version 1
    assert f'href="/portfolio/experience/{proof}"' in mine and "Voedselbank Utrecht" in mine
    theirs = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)
    assert "Voedselbank" not in theirs and proof not in theirs
    assert 'class="item-meta proof"' in theirs  # "an item not shared with you"
    # Sanne changes the agreement's text; the proof she cannot see stays with it.
    values = form_values(staff.get(f"/clients/{owner_id}/plan/propose").get_data(as_text=True))
    assert values["agreements-0-evidence"] == ""
    values.update({"agreements-0-description": "Twee keer per week naar de taalschool"})
    assert post_form(staff, f"/clients/{owner_id}/plan/propose", values).status_code == 302
    owner.get("/plan/")
    second = in_app(
        app,
        lambda: db.session.scalars(
            select(Item.id).where(Item.kind == "pip_proposal").order_by(Item.created_at.desc())
        ).first(),
    )
    post_form(owner, f"/plan/proposals/{second}/answer", {"decision": "accept"}, "/plan/")
    mine = owner.get("/plan/").get_data(as_text=True)
    assert "Version 2" in mine and "Twee keer per week" in mine
    assert f'href="/portfolio/experience/{proof}"' in mine
    history = owner.get("/plan/history").get_data(as_text=True)
    assert "now Twee keer per week naar de taalschool" in history
    assert "Proof (from the portfolio): was" not in history  # the proof did not move


def test_meetings_are_shared_only_when_chosen(app: Flask, make_owner, make_staff) -> None:
    """A share of the plan alone (a buddy helping with an own plan) shows no meeting: the
    newcomer's preparation is personal."""
    owner = owner_with_items(app, make_owner)
    staff = staff_client(app, make_staff("sanne"))
    share(owner, connect(owner, new_code(staff)), {**SHARE, "kinds": ["goal", "pip"]})
    owner_id = in_app(app, lambda: db.session.scalar(select(Item.owner_id).limit(1)))
    made = post_form(owner, "/plan/meetings/new", {"day": "2027-01-15"}, "/plan/")
    post_form(owner, made.location, {"hard": "Mijn zoon is ziek geweest"})
    meeting_id = made.location.rsplit("/", 1)[1]
    plan = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)
    assert plan.count('id="meetings"') == 0 and meeting_id not in plan
    url = f"/clients/{owner_id}/plan/meetings/{meeting_id}"
    assert staff.get(url).status_code == 403
    client = staff.get(f"/clients/{owner_id}").get_data(as_text=True)
    assert meeting_id not in client
    assert staff.get(f"/clients/{owner_id}/items/{meeting_id}").status_code == 404
    # Only the meetings shared: the plan page shows them, and nothing of the plan.
    grant_url = in_app(app, lambda: "/sharing/" + db.session.scalar(select(Grant.id)))
    changed = post_form(
        owner,
        grant_url + "/change",
        {**SHARE, "kinds": ["goal", "meeting"], "step": "confirm"},
        grant_url + "/change",
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)[:500]
    plan = staff.get(f"/clients/{owner_id}/plan").get_data(as_text=True)
    assert meeting_id in plan and 'id="own-plans"' not in plan
    page = staff.get(url).get_data(as_text=True)
    assert "Mijn zoon is ziek geweest" in page
    assert staff.get(f"/clients/{owner_id}/plan/history").status_code == 403
