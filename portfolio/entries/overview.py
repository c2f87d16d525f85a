"""What the owner's home page shows: a card per life domain and goals that are due.

It works on goal digests (id, domain, status, target date, title), which live together in
one encrypted summary item per owner: the dashboard opens one envelope, not every goal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from portfolio.entries.domains import domain_name
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.goals import OPEN_STATUSES, Goal, GoalStatus
from portfolio.entries.models import Item, LifeDomain

SOON = timedelta(days=30)
SUMMARY_SCHEMA = 1


@dataclass(frozen=True)
class GoalDigest:
    id: str
    domain: str | None
    status: str
    target_date: date | None
    title: str
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def of(cls, item: Item, goal: Goal) -> GoalDigest:
        return cls(
            item.id,
            item.domain_code,
            goal.status.value,
            goal.target_date,
            goal.title,
            item.updated_at,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target_date"] = self.target_date.isoformat() if self.target_date else None
        data["updated_at"] = self.updated_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GoalDigest:
        try:
            target = data.get("target_date")
            return cls(
                str(data["id"]),
                str(data["domain"]) if data.get("domain") else None,
                GoalStatus(data["status"]).value,
                date.fromisoformat(target) if target else None,
                str(data["title"]),
                datetime.fromisoformat(data["updated_at"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidContentError("goal digest does not fit") from error


def summary_json(digests: Iterable[GoalDigest]) -> dict[str, Any]:
    return {"schema": SUMMARY_SCHEMA, "goals": {d.id: d.to_json() for d in digests}}


def digests_from(data: Mapping[str, Any]) -> dict[str, GoalDigest]:
    goals = data.get("goals")
    if data.get("schema") != SUMMARY_SCHEMA or not isinstance(goals, dict):
        raise InvalidContentError("unknown summary schema")
    return {key: GoalDigest.from_json(value) for key, value in goals.items()}


@dataclass(frozen=True)
class DomainSummary:
    code: str
    name: str
    icon: str
    open_goals: int
    done_goals: int
    last_update: datetime | None


@dataclass(frozen=True)
class Due:
    upcoming: list[GoalDigest]
    overdue: list[GoalDigest]


def domain_summaries(
    domains: Sequence[LifeDomain], goals: Iterable[GoalDigest]
) -> list[DomainSummary]:
    by_domain: dict[str | None, list[GoalDigest]] = defaultdict(list)
    for goal in goals:
        by_domain[goal.domain].append(goal)
    summaries = []
    for domain in domains:
        mine = by_domain.get(domain.code, [])
        summaries.append(
            DomainSummary(
                code=domain.code,
                name=domain_name(domain.code, domain.name),
                icon=domain.icon,
                open_goals=sum(g.is_open for g in mine),
                done_goals=sum(g.status == GoalStatus.DONE.value for g in mine),
                last_update=max((g.updated_at for g in mine), default=None),
            )
        )
    return summaries


def due_goals(goals: Iterable[GoalDigest], today: date) -> Due:
    dated = sorted(
        (g for g in goals if g.is_open and g.target_date is not None),
        key=lambda g: g.target_date or today,
    )
    return Due(
        upcoming=[g for g in dated if today <= (g.target_date or today) <= today + SOON],
        overdue=[g for g in dated if (g.target_date or today) < today],
    )
