"""Who looked at my data: the owner's access log, filtered by person, action and period."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask_login import current_user

from portfolio.accounts.access import roles
from portfolio.accounts.models import Role
from portfolio.accounts.services import people_by_id
from portfolio.db import dbs, utcnow
from portfolio.sharing import audit, bp
from portfolio.sharing.labels import ACTION_LABELS, PERIODS, PURPOSE_LABELS, event_label
from portfolio.sharing.models import Action

LOG_PERIODS = {"7": 7, "30": 30, "365": 365}


@bp.route("/log")
@roles(Role.OWNER)
def log() -> str:
    session = dbs()
    actor = request.args.get("who", "")[:32] or None
    action = request.args.get("what", "")
    period = request.args.get("period", "")
    wanted = audit.LogFilter(
        actor_id=actor,
        action=action if action in {a.value for a in Action} else None,
        since=utcnow() - timedelta(days=LOG_PERIODS[period]) if period in LOG_PERIODS else None,
    )
    number = request.args.get("page", "1")
    number_int = int(number) if number.isdecimal() and len(number) < 6 else 1
    events, has_next = audit.events_for_owner(session, current_user.id, wanted, number=number_int)
    people = people_by_id(dbs(), set(audit.actors_for_owner(session, current_user.id)))
    return render_template(
        "sharing/log.html",
        events=events,
        has_next=has_next,
        number=number_int,
        people=people,
        wanted=wanted,
        period=period,
        action_labels=ACTION_LABELS,
        event_label=event_label,
        purpose_labels=PURPOSE_LABELS,
        periods=PERIODS,
    )
