"""The plan's content, as stored (JSON under the item key) and compared between versions.
Pure: no Flask, no database."""

from __future__ import annotations

import enum
from collections.abc import Callable
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


def _text(data: dict[str, Any], name: str, limit: int = 500) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidContentError(f"{name} is not a short text")
    return value


def _day(value: Any) -> date | None:
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
        texts = {f.name: _text(data, f.name) for f in fields(cls) if f.name != "hours_per_week"}
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
                id=_text(data, "id", 32),
                description=_text(data, "description", 1000),
                party=Party(data.get("party", "me")),
                domain=str(data["domain"]) if data.get("domain") else None,
                due=_day(data.get("due")),
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
                _text(data, "comment", 2000),
                str(data["author"]),
                data.get("base"),
                ProposalStatus(data.get("status", "open")),
                _text(data, "answer", 2000),
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
        day = _day(data.get("day"))
        if data.get("schema") != SCHEMA or day is None:
            raise InvalidContentError("unknown meeting")
        return cls(
            day,
            went_well=_text(data, "went_well", 2000),
            hard=_text(data, "hard", 2000),
            discuss=_text(data, "discuss", 2000),
            summary=_text(data, "summary", 2000),
            agreed=_text(data, "agreed", 2000),
            next_day=_day(data.get("next_day")),
            summary_by=data.get("summary_by"),
        )

    @property
    def prepared(self) -> bool:
        return bool(self.went_well or self.hard or self.discuss)


# -- the newcomer's own plan proposal (self-composed trajectory plan) ----------------------


class OwnPlanStatus(enum.StrEnum):
    DRAFT = "draft"  # the owner (and a supporter, through comments) still works on it
    SUBMITTED = "submitted"  # waiting for the regievoerder
    CHANGES = "changes"  # the regievoerder asked for changes: the owner's turn again
    APPROVED = "approved"  # its agreements are in the plan (PIP)
    DECLINED = "declined"


# Who acts next, kept in the clear on the item so that a caseload can count what waits
# without opening every proposal (``Item.awaiting``).
AWAITING_OWNER = "owner"
AWAITING_RECIPIENT = "recipient"
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
        day = _day(data.get("day"))
        if day is None:
            raise InvalidContentError("round without a day")
        try:
            return cls(
                OwnPlanStatus(str(data.get("status"))),
                _text(data, "text", 2000),
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
                course=_text(data, "course", 200),
                why=_text(data, "why", 2000),
                provider=_text(data, "provider", 200),
                domain=str(data["domain"])[:32] if data.get("domain") else None,
                hours=_count(data, "hours", MAX_HOURS),
                hours_per_week=_count(data, "hours_per_week", 60),
                cost=_count(data, "cost", MAX_COST),
                start=_day(data.get("start")),
                helper=_text(data, "helper", 200),
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


# -- what moved between two versions -------------------------------------------------------


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
