"""How the plan's items read for the people the plan is shared with (registered with
``sharing.present`` at the composition root)."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from portfolio.entries.domains import domain_name
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.labels import KIND_LABELS
from portfolio.entries.models import Item, ItemKind
from portfolio.pip.labels import OWN_PLAN_LABELS, OWN_PLAN_STATUSES
from portfolio.pip.own_plan import OwnPlan
from portfolio.sharing.present import Presenter, Shown, fact
from portfolio.sharing.scope import Scope


def _plan(item: Item, data: dict[str, Any], _scope: Scope) -> Shown:
    if item.kind == ItemKind.PIP.value:
        title = _("Plan (PIP), version %(number)s", number=data.get("number", "?"))
    elif item.kind == ItemKind.MEETING.value:
        title = _("Progress meeting (voortgangsgesprek) of %(date)s", date=data.get("day", "?"))
    else:
        title = _("Proposal to change the plan (PIP)")
    return Shown(item, title, "route", str(KIND_LABELS[item.kind]))


def _own_plan(item: Item, data: dict[str, Any], _scope: Scope) -> Shown:
    """The newcomer's own plan proposal as plain facts, so that a supporter can read it on
    the item page and comment on it."""
    try:
        plan = OwnPlan.from_json(data)
    except InvalidContentError:
        return Shown(item, _("Own plan proposal"), "route", str(KIND_LABELS[item.kind]))
    values: list[tuple[str, Any, bool]] = [
        ("course", plan.course, False),
        ("provider", plan.provider, False),
        ("domain", domain_name(plan.domain, plan.domain) if plan.domain else "", False),
        ("hours", plan.hours, False),
        ("hours_per_week", plan.hours_per_week, False),
        ("cost", f"€ {plan.cost}" if plan.cost is not None else "", False),
        ("start", format_date(plan.start, "long") if plan.start else "", False),
        ("why", plan.why, True),
        ("helper", plan.helper, False),
    ]
    facts = [
        fact(name, OWN_PLAN_LABELS[name], value, long)
        for name, value, long in values
        if value not in (None, "")
    ]
    facts.append(fact("status", _("Status"), dict(OWN_PLAN_STATUSES)[plan.status.value]))
    return Shown(
        item,
        _("Own plan proposal: %(course)s", course=plan.course),
        "route",
        str(KIND_LABELS[item.kind]),
        facts,
    )


PRESENTERS: dict[ItemKind, Presenter] = {
    ItemKind.PIP: _plan,
    ItemKind.PIP_PROPOSAL: _plan,
    ItemKind.MEETING: _plan,
    ItemKind.OWN_PLAN: _own_plan,
}
