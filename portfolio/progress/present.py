"""How language levels and self-assessments read for the people they are shared with
(registered with ``sharing.present`` at the composition root). A self-assessment shows
only the life domains in the share's scope."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from portfolio.entries.domains import domain_name
from portfolio.entries.labels import KIND_LABELS
from portfolio.entries.models import Item, ItemKind
from portfolio.progress.assessment import SCALE, SelfAssessment
from portfolio.progress.language import SKILL_NAMES, LanguageLevels
from portfolio.sharing.present import Presenter, Shown, fact
from portfolio.sharing.scope import Scope


def _language(item: Item, data: dict[str, Any], _scope: Scope) -> Shown:
    levels = LanguageLevels.from_json(data)
    facts = [fact(s, SKILL_NAMES[s], lvl) for s, lvl in levels.levels.items()]
    if levels.target:
        facts.append(fact("target", _("Target level"), levels.target))
    if levels.note:
        facts.append(fact("note", _("Notes"), levels.note, True))
    title = _("Language levels of %(date)s", date=format_date(item.created_at.date(), "long"))
    return Shown(item, title, "language", str(KIND_LABELS[item.kind]), facts)


def _assessment(item: Item, data: dict[str, Any], scope: Scope) -> Shown:
    assessment = SelfAssessment.from_json(data)
    facts = [
        fact(code, domain_name(code, code), f"{score} – {SCALE[score]}")
        for code, score in assessment.scores.items()
        if scope.shows_domain(code)
    ]
    title = _("Self-assessment of %(date)s", date=format_date(item.created_at.date(), "long"))
    return Shown(item, title, "chart", str(KIND_LABELS[item.kind]), facts)


PRESENTERS: dict[ItemKind, Presenter] = {
    ItemKind.LANGUAGE_LEVEL: _language,
    ItemKind.SELF_ASSESSMENT: _assessment,
}
