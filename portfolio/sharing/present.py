"""How a shared item reads for its recipient: a title, an icon and plain facts, for every
shareable kind. Read-only; self-assessments show only the life domains in scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.entries import records
from portfolio.entries.domains import domain_name
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.forms import STATUS_LABELS, TERM_LABELS
from portfolio.entries.goals import Goal, Step
from portfolio.entries.models import Item, ItemKind
from portfolio.pip.forms import OWN_PLAN_LABELS, OWN_PLAN_STATUSES
from portfolio.pip.plan import OwnPlan
from portfolio.progress.assessment import SCALE, SelfAssessment
from portfolio.progress.language import SKILL_NAMES, LanguageLevels
from portfolio.sharing.scope import Scope

KIND_LABELS = {
    ItemKind.GOAL.value: _l("Goals"),
    ItemKind.CERTIFICATE.value: _l("Certificates and diplomas"),
    ItemKind.EXPERIENCE.value: _l("Work and volunteering"),
    ItemKind.EXAM_RESULT.value: _l("Exam results"),
    ItemKind.LANGUAGE_LEVEL.value: _l("Language levels"),
    ItemKind.SELF_ASSESSMENT.value: _l("How I am doing (self-assessment)"),
    ItemKind.REFLECTION.value: _l("Reflections (my diary)"),
    ItemKind.ABOUT_ME.value: _l("About me and my future"),
    ItemKind.INTEGRATION.value: _l("My integration: route and term"),
    ItemKind.PIP.value: _l("My plan (PIP) and proposals to change it"),
    ItemKind.PIP_PROPOSAL.value: _l("My plan (PIP) and proposals to change it"),
    ItemKind.MEETING.value: _l("Progress meetings: my preparation and the summaries"),
    ItemKind.OWN_PLAN.value: _l("My plan (PIP) and proposals to change it"),
}
PLAN_KINDS = frozenset({ItemKind.PIP.value, ItemKind.PIP_PROPOSAL.value, ItemKind.MEETING.value})
KIND_ICONS = {
    ItemKind.GOAL.value: "star",
    ItemKind.LANGUAGE_LEVEL.value: "language",
    ItemKind.SELF_ASSESSMENT.value: "chart",
}


@dataclass(frozen=True)
class Shown:
    item: Item
    title: str
    icon: str
    kind_label: str
    facts: list[records.Fact] = field(default_factory=list)
    steps: tuple[Step, ...] = ()
    files: list[dict[str, str]] = field(default_factory=list)


def _fact(name: str, label: Any, value: Any, long: bool = False) -> records.Fact:
    return records.Fact(name, str(label), str(value), long)


def _goal(item: Item, data: dict[str, Any]) -> Shown:
    goal = Goal.from_json(data)
    facts = [
        _fact("status", _("Status"), STATUS_LABELS[goal.status.value]),
        _fact("term", _("Term"), TERM_LABELS[goal.term.value]),
    ]
    if goal.target_date:
        facts.append(_fact("target", _("Target date"), format_date(goal.target_date, "long")))
    if goal.notes:
        facts.append(_fact("notes", _("Notes"), goal.notes, True))
    return Shown(item, goal.title, "star", str(KIND_LABELS[item.kind]), facts, goal.steps)


def _language(item: Item, data: dict[str, Any]) -> Shown:
    levels = LanguageLevels.from_json(data)
    facts = [_fact(s, SKILL_NAMES[s], lvl) for s, lvl in levels.levels.items()]
    if levels.target:
        facts.append(_fact("target", _("Target level"), levels.target))
    if levels.note:
        facts.append(_fact("note", _("Notes"), levels.note, True))
    title = _("Language levels of %(date)s", date=format_date(item.created_at.date(), "long"))
    return Shown(item, title, "language", str(KIND_LABELS[item.kind]), facts)


def _assessment(item: Item, data: dict[str, Any], scope: Scope) -> Shown:
    assessment = SelfAssessment.from_json(data)
    facts = [
        _fact(code, domain_name(code, code), f"{score} – {SCALE[score]}")
        for code, score in assessment.scores.items()
        if scope.shows_domain(code)
    ]
    title = _("Self-assessment of %(date)s", date=format_date(item.created_at.date(), "long"))
    return Shown(item, title, "chart", str(KIND_LABELS[item.kind]), facts)


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


def _plan(item: Item, data: dict[str, Any]) -> Shown:
    if item.kind == ItemKind.PIP.value:
        title = _("Plan (PIP), version %(number)s", number=data.get("number", "?"))
    elif item.kind == ItemKind.MEETING.value:
        title = _("Progress meeting (voortgangsgesprek) of %(date)s", date=data.get("day", "?"))
    else:
        title = _("Proposal to change the plan (PIP)")
    return Shown(item, title, "route", str(KIND_LABELS[item.kind]))


def _own_plan(item: Item, data: dict[str, Any]) -> Shown:
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
        _fact(name, OWN_PLAN_LABELS[name], value, long)
        for name, value, long in values
        if value not in (None, "")
    ]
    facts.append(_fact("status", _("Status"), dict(OWN_PLAN_STATUSES)[plan.status.value]))
    return Shown(
        item,
        _("Own plan proposal: %(course)s", course=plan.course),
        "route",
        str(KIND_LABELS[item.kind]),
        facts,
    )


def _suggestion(item: Item, data: dict[str, Any]) -> Shown:
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    facts = (
        [_fact("note", _("Why it is suggested"), data["note"], True)] if data.get("note") else []
    )
    return Shown(
        item, _("Suggested goal: %(title)s", title=title), "star", str(KIND_LABELS["goal"]), facts
    )


def shown(item: Item, data: dict[str, Any], scope: Scope) -> Shown:
    if item.kind == ItemKind.GOAL_SUGGESTION.value:
        return _suggestion(item, data)
    if item.kind == ItemKind.OWN_PLAN.value:
        return _own_plan(item, data)
    if item.kind in PLAN_KINDS:
        return _plan(item, data)
    if item.kind == ItemKind.GOAL.value:
        return _goal(item, data)
    if item.kind == ItemKind.LANGUAGE_LEVEL.value:
        return _language(item, data)
    if item.kind == ItemKind.SELF_ASSESSMENT.value:
        return _assessment(item, data, scope)
    return _record(item, data)


def title_of(item: Item, data: dict[str, Any]) -> str:
    """The item's name in a list (a self-assessment names no scores)."""
    if item.kind == ItemKind.SELF_ASSESSMENT.value:
        return str(
            _("Self-assessment of %(date)s", date=format_date(item.created_at.date(), "long"))
        )
    return shown(item, data, Scope()).title
