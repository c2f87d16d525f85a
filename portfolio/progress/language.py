"""Language levels: per skill (reading, listening, writing, speaking) and KNM, a
self-assessed level from A0 to B2 over time, with plain "I can ..." descriptions, and
the target level of the learning route."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portfolio.entries.errors import InvalidContentError

SCHEMA = 1
LEVELS = ("A0", "A1", "A2", "B1", "B2")
SKILLS: tuple[tuple[str, LazyString], ...] = (
    ("reading", _l("Reading")),
    ("listening", _l("Listening")),
    ("writing", _l("Writing")),
    ("speaking", _l("Speaking")),
    ("knm", _l("Knowing Dutch society (KNM)")),
)
SKILL_NAMES = dict(SKILLS)

I_CAN: dict[str, dict[str, LazyString]] = {
    "reading": {
        "A0": _l("I cannot read Dutch yet."),
        "A1": _l("I can read names, signs and very short texts."),
        "A2": _l("I can read short, simple texts, like a message or a timetable."),
        "B1": _l("I can read letters and texts about daily life and work."),
        "B2": _l("I can read long texts and newspaper articles."),
    },
    "listening": {
        "A0": _l("I do not understand spoken Dutch yet."),
        "A1": _l("I understand simple words when people speak slowly."),
        "A2": _l("I understand short conversations about simple things."),
        "B1": _l("I understand most of what people say about daily life and work."),
        "B2": _l("I understand the news and long conversations."),
    },
    "writing": {
        "A0": _l("I cannot write Dutch yet."),
        "A1": _l("I can fill in my name and address on a form."),
        "A2": _l("I can write a short, simple message."),
        "B1": _l("I can write a letter or an e-mail about daily things."),
        "B2": _l("I can write clear texts, for example for work or school."),
    },
    "speaking": {
        "A0": _l("I cannot speak Dutch yet."),
        "A1": _l("I can say who I am and ask simple questions."),
        "A2": _l("I can talk about simple things, like shopping or my family."),
        "B1": _l("I can talk about my life, my work and my plans."),
        "B2": _l("I can join a discussion and explain my opinion."),
    },
    "knm": {
        "A0": _l("I know very little about how things work in the Netherlands."),
        "A1": _l("I know a few things, like how to make an appointment with a doctor."),
        "A2": _l("I know the basics: health care, school, work and money."),
        "B1": _l("I know my way around: rules, rights and duties, and where to find help."),
        "B2": _l("I can explain to others how things work in the Netherlands."),
    },
}


@dataclass(frozen=True)
class LanguageLevels:
    levels: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "levels": dict(self.levels),
            "target": self.target,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LanguageLevels:
        try:
            if data.get("schema") != SCHEMA:
                raise InvalidContentError("unknown language-level schema")
            levels = {str(k): str(v) for k, v in dict(data["levels"]).items()}
            target = data.get("target")
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidContentError("language levels do not fit") from error
        check(levels, target)
        return cls(
            levels=levels, target=str(target) if target else None, note=str(data.get("note", ""))
        )


def check(levels: dict[str, str], target: str | None) -> None:
    if not levels or set(levels) - set(SKILL_NAMES) or set(levels.values()) - set(LEVELS):
        raise InvalidContentError("unknown skill or level")
    if target is not None and target not in LEVELS:
        raise InvalidContentError("unknown target level")
