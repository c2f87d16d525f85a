"""What moved between two versions of the plan: the changes, then the same in words as
each side reads them (labels of values, titles of the proof items this side sees).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from flask_babel import gettext as _

from portfolio.pip.labels import (
    AGREEMENT_FIELD_LABELS,
    AGREEMENT_STATUSES,
    MAIN_GOALS,
    PART_STATUSES,
    PARTIES,
    PLAN_LABELS,
    REASON_LABELS,
    ROUTES,
)
from portfolio.pip.plan import Plan, PlanContent


@dataclass(frozen=True)
class Change:
    """One readable line of a version's history: a field of the plan that changed, an
    agreement added or removed, or one field of an agreement that changed."""

    kind: str  # plan, added, removed, agreement
    what: str  # the plan field's name, or the agreement's description
    field: str = ""  # for "agreement": which of its fields
    before: str = ""
    after: str = ""


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # evidence: item ids
        return ",".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if isinstance(value, enum.Enum) else value)


def changes(before: PlanContent | None, after: PlanContent) -> list[Change]:
    """Field by field, then agreement by agreement (matched by id)."""
    old = before or PlanContent()
    result = [
        Change(
            "plan",
            f.name,
            before=_shown(getattr(old.plan, f.name)),
            after=_shown(getattr(after.plan, f.name)),
        )
        for f in fields(Plan)
        if getattr(old.plan, f.name) != getattr(after.plan, f.name)
    ]
    old_by_id = {a.id: a for a in old.agreements}
    new_by_id = {a.id: a for a in after.agreements}
    for agreement in after.agreements:
        earlier = old_by_id.get(agreement.id)
        if earlier is None:
            result.append(Change("added", agreement.description))
            continue
        for name in ("description", "party", "domain", "due", "status", "evidence"):
            if getattr(earlier, name) != getattr(agreement, name):
                result.append(
                    Change(
                        "agreement",
                        agreement.description,
                        name,
                        _shown(getattr(earlier, name)),
                        _shown(getattr(agreement, name)),
                    )
                )
    result += [Change("removed", a.description) for a in old.agreements if a.id not in new_by_id]
    return result


# -- the same, in words ------------------------------------------------------------------

VALUE_LABELS: dict[str, dict[str, Any]] = {
    "route": dict(ROUTES),
    "main_goal": dict(MAIN_GOALS),
    "map_status": dict(PART_STATUSES),
    "pvt_status": dict(PART_STATUSES),
    "party": dict(PARTIES),
    "status": dict(AGREEMENT_STATUSES),
    "reason": REASON_LABELS,
}


@dataclass(frozen=True)
class Line:
    """One change, in words: label, before and after (values as people read them)."""

    kind: str
    label: str
    before: str
    after: str


def readable(
    found: list[Change], domains: dict[str, str], labels: dict[str, dict[str, Any]]
) -> list[Line]:
    """``labels["evidence"]`` names the proof items this side sees."""

    def _value(name: str, value: str, domains: dict[str, str]) -> str:
        if name == "domain":
            return domains.get(value, value)
        if name == "evidence":
            titles = labels.get("evidence", {})
            return ", ".join(
                str(titles.get(i) or _("an item not shared with you"))
                for i in value.split(",")
                if i
            )
        return str(labels.get(name, {}).get(value, value))

    lines = []
    for change in found:
        if change.kind == "plan":
            label = str(PLAN_LABELS.get(change.what, change.what))
            lines.append(
                Line(
                    "plan",
                    label,
                    _value(change.what, change.before, domains),
                    _value(change.what, change.after, domains),
                )
            )
        elif change.kind == "agreement":
            label = f"{change.what} · {AGREEMENT_FIELD_LABELS.get(change.field, change.field)}"
            lines.append(
                Line(
                    "agreement",
                    label,
                    _value(change.field, change.before, domains),
                    _value(change.field, change.after, domains),
                )
            )
        else:
            lines.append(Line(change.kind, change.what, "", ""))
    return lines
