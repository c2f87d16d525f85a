"""The plan's content, as stored (JSON under the item key): the plan's fixed parts, its
agreements, versions, proposals and progress meetings. Pure: no Flask, no database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from portfolio.entries.errors import InvalidContentError

SCHEMA = 1


MAX_AGREEMENTS = 40


class Party(enum.StrEnum):
    ME = "me"
    MUNICIPALITY = "municipality"
    PROVIDER = "provider"
    OTHER = "other"


class AgreementStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Reason(enum.StrEnum):
    START = "start"
    ROUTE = "route"  # route switch
    LEVEL = "level"  # lower level
    MOVE = "move"
    PROGRESS = "progress"
    OWN_PLAN = "own_plan"  # the newcomer's own plan proposal was approved
    OTHER = "other"


class ProposalStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


def text_value(data: dict[str, Any], name: str, limit: int = 500) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidContentError(f"{name} is not a short text")
    return value


def day_value(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise InvalidContentError("not a date") from error


@dataclass(frozen=True)
class Plan:
    """The fixed parts of the PIP (domain.md)."""

    route: str = ""  # b1, education, z
    main_goal: str = ""  # work, education, participation
    main_goal_text: str = ""
    provider: str = ""
    hours_per_week: int | None = None
    map_status: str = ""  # MAP: todo, busy, done, exempt
    pvt_status: str = ""  # PVT: todo, busy, done, exempt
    preconditions: str = ""
    contact: str = ""

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        if not isinstance(data, dict):
            raise InvalidContentError("plan is not an object")
        hours = data.get("hours_per_week")
        if hours is not None and (not isinstance(hours, int) or not 0 <= hours <= 60):
            raise InvalidContentError("hours out of range")
        texts = {
            f.name: text_value(data, f.name) for f in fields(cls) if f.name != "hours_per_week"
        }
        return cls(hours_per_week=hours, **texts)


@dataclass(frozen=True)
class Agreement:
    """Who does what by when, in which life domain (an afspraak)."""

    id: str
    description: str
    party: Party = Party.ME
    domain: str | None = None
    due: date | None = None
    status: AgreementStatus = AgreementStatus.OPEN
    evidence: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "party": self.party.value,
            "domain": self.domain,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status.value,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_json(cls, data: Any) -> Agreement:
        if not isinstance(data, dict):
            raise InvalidContentError("agreement is not an object")
        try:
            evidence = tuple(str(e) for e in data.get("evidence") or [])
            return cls(
                id=text_value(data, "id", 32),
                description=text_value(data, "description", 1000),
                party=Party(data.get("party", "me")),
                domain=str(data["domain"]) if data.get("domain") else None,
                due=day_value(data.get("due")),
                status=AgreementStatus(data.get("status", "open")),
                evidence=evidence,
            )
        except ValueError as error:
            raise InvalidContentError("agreement does not fit") from error


@dataclass(frozen=True)
class PlanContent:
    """A whole plan: the fixed parts and the agreements. A version and a proposal both
    hold one."""

    plan: Plan = field(default_factory=Plan)
    agreements: tuple[Agreement, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan.to_json(),
            "agreements": [a.to_json() for a in self.agreements],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanContent:
        raw = data.get("agreements") or []
        if not isinstance(raw, list) or len(raw) > MAX_AGREEMENTS:
            raise InvalidContentError("too many agreements")
        return cls(Plan.from_json(data.get("plan", {})), tuple(Agreement.from_json(a) for a in raw))


@dataclass(frozen=True)
class Version:
    """One agreed version of the PIP; never changed once written."""

    number: int
    content: PlanContent
    reason: Reason
    previous: str | None  # item id of the version before
    proposal: str | None  # item id of the proposal it came from

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "number": self.number,
            "reason": self.reason.value,
            "previous": self.previous,
            "proposal": self.proposal,
            **self.content.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        if data.get("schema") != SCHEMA or not isinstance(data.get("number"), int):
            raise InvalidContentError("unknown plan version")
        try:
            reason = Reason(data.get("reason", "other"))
        except ValueError as error:
            raise InvalidContentError("unknown reason") from error
        return cls(
            data["number"],
            PlanContent.from_json(data),
            reason,
            data.get("previous"),
            data.get("proposal"),
        )


@dataclass(frozen=True)
class Proposal:
    """A proposed change: the whole plan as it would be, why, and the answer."""

    content: PlanContent
    reason: Reason
    comment: str
    author_id: str
    base: str | None  # the version it changes (None: the first plan)
    status: ProposalStatus = ProposalStatus.OPEN
    answer: str = ""
    answered_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "reason": self.reason.value,
            "comment": self.comment,
            "author": self.author_id,
            "base": self.base,
            "status": self.status.value,
            "answer": self.answer,
            "answered_by": self.answered_by,
            **self.content.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        if data.get("schema") != SCHEMA:
            raise InvalidContentError("unknown proposal")
        try:
            return cls(
                PlanContent.from_json(data),
                Reason(data.get("reason", "other")),
                text_value(data, "comment", 2000),
                str(data["author"]),
                data.get("base"),
                ProposalStatus(data.get("status", "open")),
                text_value(data, "answer", 2000),
                data.get("answered_by"),
            )
        except (KeyError, ValueError) as error:
            raise InvalidContentError("proposal does not fit") from error

    def answered(self, status: ProposalStatus, answer: str, by: str) -> Proposal:
        return replace(self, status=status, answer=answer, answered_by=by)


@dataclass(frozen=True)
class Meeting:
    """A progress meeting (voortgangsgesprek): the owner prepares, the regievoerder writes
    the summary, which the owner can always read."""

    day: date
    went_well: str = ""
    hard: str = ""
    discuss: str = ""
    summary: str = ""
    agreed: str = ""
    next_day: date | None = None
    summary_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "day": self.day.isoformat(),
            "went_well": self.went_well,
            "hard": self.hard,
            "discuss": self.discuss,
            "summary": self.summary,
            "agreed": self.agreed,
            "next_day": self.next_day.isoformat() if self.next_day else None,
            "summary_by": self.summary_by,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meeting:
        day = day_value(data.get("day"))
        if data.get("schema") != SCHEMA or day is None:
            raise InvalidContentError("unknown meeting")
        return cls(
            day,
            went_well=text_value(data, "went_well", 2000),
            hard=text_value(data, "hard", 2000),
            discuss=text_value(data, "discuss", 2000),
            summary=text_value(data, "summary", 2000),
            agreed=text_value(data, "agreed", 2000),
            next_day=day_value(data.get("next_day")),
            summary_by=data.get("summary_by"),
        )

    @property
    def prepared(self) -> bool:
        return bool(self.went_well or self.hard or self.discuss)


# Who acts next, kept in the clear on the item so that a caseload can count what waits
# without opening every proposal (``Item.awaiting``).
AWAITING_OWNER = "owner"


AWAITING_RECIPIENT = "recipient"
