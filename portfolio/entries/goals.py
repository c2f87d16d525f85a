"""The content of a goal: what the owner wrote, as a typed value with a JSON form."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from portfolio.entries.errors import InvalidContentError

SCHEMA = 1
MAX_STEPS = 30
MAX_EVIDENCE = 20


class Term(enum.StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class GoalStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    STOPPED = "stopped"


OPEN_STATUSES = frozenset({GoalStatus.PLANNED, GoalStatus.IN_PROGRESS})


@dataclass(frozen=True)
class Step:
    text: str
    done: bool = False


@dataclass(frozen=True)
class Goal:
    title: str
    term: Term = Term.SHORT
    status: GoalStatus = GoalStatus.PLANNED
    target_date: date | None = None
    steps: tuple[Step, ...] = field(default_factory=tuple)
    notes: str = ""
    evidence: tuple[str, ...] = ()  # ids of the owner's items that show progress

    @property
    def steps_done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def with_step_toggled(self, index: int) -> Goal:
        if not 0 <= index < len(self.steps):
            raise InvalidContentError("no such step")
        steps = list(self.steps)
        steps[index] = replace(steps[index], done=not steps[index].done)
        status = self.status
        if status is GoalStatus.PLANNED and any(s.done for s in steps):
            status = GoalStatus.IN_PROGRESS
        return replace(self, steps=tuple(steps), status=status)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["schema"] = SCHEMA
        data["target_date"] = self.target_date.isoformat() if self.target_date else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Goal:
        try:
            if data.get("schema") != SCHEMA:
                raise InvalidContentError("unknown goal schema")
            target = data.get("target_date")
            return cls(
                title=str(data["title"]),
                term=Term(data["term"]),
                status=GoalStatus(data["status"]),
                target_date=date.fromisoformat(target) if target else None,
                steps=tuple(Step(str(s["text"]), bool(s["done"])) for s in data["steps"]),
                notes=str(data.get("notes", "")),
                evidence=tuple(str(i) for i in data.get("evidence", [])[:MAX_EVIDENCE]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidContentError("goal content does not fit") from error
