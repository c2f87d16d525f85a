"""The content of the newcomer's own plan proposal (a self-composed trajectory plan), as
stored, with the rounds of answers. Pure: no Flask, no database.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from portfolio.entries.errors import InvalidContentError
from portfolio.pip.plan import (
    AWAITING_OWNER,
    AWAITING_RECIPIENT,
    MAX_AGREEMENTS,
    SCHEMA,
    Agreement,
    Party,
    PlanContent,
    day_value,
    text_value,
)


class OwnPlanStatus(enum.StrEnum):
    DRAFT = "draft"  # the owner (and a supporter, through comments) still works on it
    SUBMITTED = "submitted"  # waiting for the regievoerder
    CHANGES = "changes"  # the regievoerder asked for changes: the owner's turn again
    APPROVED = "approved"  # its agreements are in the plan (PIP)
    DECLINED = "declined"


MAX_ROUNDS = 20


MAX_HOURS = 3000


MAX_COST = 100_000  # euros


def _count(data: dict[str, Any], name: str, top: int) -> int | None:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidContentError(f"{name} is not a number")
    if value is not None and not 0 <= value <= top:
        raise InvalidContentError(f"{name} out of range")
    return value


@dataclass(frozen=True)
class Round:
    """One answer of the regievoerder, kept so that both sides see the conversation."""

    status: OwnPlanStatus
    text: str
    by: str
    day: date

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "text": self.text,
            "by": self.by,
            "day": self.day.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Any) -> Round:
        if not isinstance(data, dict):
            raise InvalidContentError("round is not an object")
        day = day_value(data.get("day"))
        if day is None:
            raise InvalidContentError("round without a day")
        try:
            return cls(
                OwnPlanStatus(str(data.get("status"))),
                text_value(data, "text", 2000),
                str(data["by"]),
                day,
            )
        except (KeyError, ValueError) as error:
            raise InvalidContentError("round does not fit") from error


@dataclass(frozen=True)
class OwnPlan:
    """A plan the newcomer composes (course, provider, hours, cost, why it fits) and
    submits to the regievoerder, who approves it, asks for changes or declines it."""

    course: str
    why: str
    provider: str = ""
    domain: str | None = None
    hours: int | None = None  # in total
    hours_per_week: int | None = None
    cost: int | None = None  # estimate in euros
    start: date | None = None
    helper: str = ""  # who helped to write it (an inburgeringsmakelaar, a friend)
    status: OwnPlanStatus = OwnPlanStatus.DRAFT
    submitted_to: str | None = None
    rounds: tuple[Round, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "course": self.course,
            "why": self.why,
            "provider": self.provider,
            "domain": self.domain,
            "hours": self.hours,
            "hours_per_week": self.hours_per_week,
            "cost": self.cost,
            "start": self.start.isoformat() if self.start else None,
            "helper": self.helper,
            "status": self.status.value,
            "submitted_to": self.submitted_to,
            "rounds": [r.to_json() for r in self.rounds],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OwnPlan:
        rounds = data.get("rounds") or []
        if data.get("schema") != SCHEMA or not isinstance(rounds, list) or len(rounds) > MAX_ROUNDS:
            raise InvalidContentError("unknown own plan")
        try:
            return cls(
                course=text_value(data, "course", 200),
                why=text_value(data, "why", 2000),
                provider=text_value(data, "provider", 200),
                domain=str(data["domain"])[:32] if data.get("domain") else None,
                hours=_count(data, "hours", MAX_HOURS),
                hours_per_week=_count(data, "hours_per_week", 60),
                cost=_count(data, "cost", MAX_COST),
                start=day_value(data.get("start")),
                helper=text_value(data, "helper", 200),
                status=OwnPlanStatus(data.get("status", "draft")),
                submitted_to=str(data["submitted_to"]) if data.get("submitted_to") else None,
                rounds=tuple(Round.from_json(r) for r in rounds),
            )
        except ValueError as error:
            raise InvalidContentError("own plan does not fit") from error

    @property
    def editable(self) -> bool:
        return self.status in (OwnPlanStatus.DRAFT, OwnPlanStatus.CHANGES)

    @property
    def awaiting(self) -> str | None:
        if self.status is OwnPlanStatus.SUBMITTED:
            return AWAITING_RECIPIENT
        if self.status is OwnPlanStatus.CHANGES:
            return AWAITING_OWNER
        return None

    def submitted(self, recipient_id: str) -> OwnPlan:
        return replace(self, status=OwnPlanStatus.SUBMITTED, submitted_to=recipient_id)

    def answered(self, status: OwnPlanStatus, text: str, by: str, day: date) -> OwnPlan:
        kept = self.rounds[-(MAX_ROUNDS - 1) :]
        return replace(self, status=status, rounds=(*kept, Round(status, text, by, day)))

    def agreements(self, new_id: Callable[[], str]) -> tuple[Agreement, ...]:
        """What an approved plan adds to the PIP: the newcomer follows the course; the
        municipality pays it when there is a cost."""
        where = f" ({self.provider})" if self.provider else ""
        made = [
            Agreement(new_id()[:32], f"{self.course}{where}", Party.ME, self.domain, self.start)
        ]
        if self.cost:
            made.append(
                Agreement(
                    new_id()[:32],
                    f"{self.course}: € {self.cost}",
                    Party.MUNICIPALITY,
                    self.domain,
                    self.start,
                )
            )
        return tuple(made)

    def with_agreements(self, content: PlanContent, new_id: Callable[[], str]) -> PlanContent:
        """The plan as it is, with this plan's agreements added (room permitting)."""
        added = self.agreements(new_id)
        if len(content.agreements) + len(added) > MAX_AGREEMENTS:
            raise InvalidContentError("too many agreements")
        plan = content.plan
        if not plan.provider and self.provider:
            plan = replace(plan, provider=self.provider)
        if plan.hours_per_week is None and self.hours_per_week is not None:
            plan = replace(plan, hours_per_week=self.hours_per_week)
        return PlanContent(plan, (*content.agreements, *added))
