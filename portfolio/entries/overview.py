"""What the owner's home page shows: a card per life domain and goals that are due."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portfolio.entries.domains import domain_name
from portfolio.entries.models import LifeDomain
from portfolio.entries.services import GoalItem

SOON = timedelta(days=30)


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
    upcoming: list[GoalItem]
    overdue: list[GoalItem]


def domain_summaries(
    domains: Sequence[LifeDomain], goals: Sequence[GoalItem]
) -> list[DomainSummary]:
    by_domain: dict[str | None, list[GoalItem]] = defaultdict(list)
    for entry in goals:
        by_domain[entry.item.domain_code].append(entry)
    summaries = []
    for domain in domains:
        mine = by_domain.get(domain.code, [])
        summaries.append(
            DomainSummary(
                code=domain.code,
                name=domain_name(domain.code, domain.name),
                icon=domain.icon,
                open_goals=sum(g.goal.is_open for g in mine),
                done_goals=sum(g.goal.status.value == "done" for g in mine),
                last_update=max((g.item.updated_at for g in mine), default=None),
            )
        )
    return summaries


def due_goals(goals: Sequence[GoalItem], today: date) -> Due:
    dated = [g for g in goals if g.goal.is_open and g.goal.target_date is not None]
    dated.sort(key=lambda g: g.goal.target_date or today)
    return Due(
        upcoming=[g for g in dated if today <= (g.goal.target_date or today) <= today + SOON],
        overdue=[g for g in dated if (g.goal.target_date or today) < today],
    )
