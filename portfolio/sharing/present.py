"""How a shared item reads for its recipient: a title, an icon and plain facts, for every
shareable kind. Goals, records and suggestions are presented here; the plan's and
progress's kinds by presenters those packages register (``register``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from portfolio.entries import records
from portfolio.entries.goals import Goal, Step
from portfolio.entries.labels import KIND_LABELS, STATUS_LABELS, TERM_LABELS
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing.scope import Scope


@dataclass(frozen=True)
class Shown:
    item: Item
    title: str
    icon: str
    kind_label: str
    facts: list[records.Fact] = field(default_factory=list)
    steps: tuple[Step, ...] = ()
    files: list[dict[str, str]] = field(default_factory=list)


def fact(name: str, label: Any, value: Any, long: bool = False) -> records.Fact:
    return records.Fact(name, str(label), str(value), long)


def _goal(item: Item, data: dict[str, Any]) -> Shown:
    goal = Goal.from_json(data)
    facts = [
        fact("status", _("Status"), STATUS_LABELS[goal.status.value]),
        fact("term", _("Term"), TERM_LABELS[goal.term.value]),
    ]
    if goal.target_date:
        facts.append(fact("target", _("Target date"), format_date(goal.target_date, "long")))
    if goal.notes:
        facts.append(fact("notes", _("Notes"), goal.notes, True))
    return Shown(item, goal.title, "star", str(KIND_LABELS[item.kind]), facts, goal.steps)


def _record(item: Item, data: dict[str, Any]) -> Shown:
    spec = records.BY_KIND[ItemKind(item.kind)]
    fields, names = records.split(data)
    return Shown(
        item,
        records.title(spec, fields),
        spec.icon,
        str(KIND_LABELS[item.kind]),
        records.facts(spec.display_form(fields)),
        files=names,
    )


def _suggestion(item: Item, data: dict[str, Any]) -> Shown:
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    facts = [fact("note", _("Why it is suggested"), data["note"], True)] if data.get("note") else []
    return Shown(
        item, _("Suggested goal: %(title)s", title=title), "star", str(KIND_LABELS["goal"]), facts
    )


Presenter = Callable[[Item, dict[str, Any], Scope], Shown]
# Kinds of higher packages (the plan, progress) are presented by those packages, which
# register here at the composition root (``create_app``).
_presenters: dict[str, Presenter] = {}


def register(kind: ItemKind, presenter: Presenter) -> None:
    _presenters[kind.value] = presenter


def shown(item: Item, data: dict[str, Any], scope: Scope) -> Shown:
    if item.kind == ItemKind.GOAL_SUGGESTION.value:
        return _suggestion(item, data)
    if item.kind == ItemKind.GOAL.value:
        return _goal(item, data)
    presenter = _presenters.get(item.kind)
    if presenter is not None:
        return presenter(item, data, scope)
    return _record(item, data)


def title_of(item: Item, data: dict[str, Any]) -> str:
    """The item's name in a list (a self-assessment names no scores)."""
    if item.kind == ItemKind.SELF_ASSESSMENT.value:
        return str(
            _("Self-assessment of %(date)s", date=format_date(item.created_at.date(), "long"))
        )
    return shown(item, data, Scope()).title
