"""The newcomer's own plan proposal (the self-composed trajectory plan): the owner drafts
it (a supporter who sees the plan can comment on it), submits it to a regievoerder, who
approves it (its agreements join the PIP as a new version), asks for changes or declines
it with reasons. Functions take the session, flush, never commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from portfolio.accounts.models import Role, User
from portfolio.db import new_id, utcnow
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.models import Item, ItemKind
from portfolio.pip.errors import (
    NoRegievoerderError,
    PlanConflictError,
    PlanNotSharedError,
    ProposalClosedError,
)
from portfolio.pip.own_plan import OwnPlan, OwnPlanStatus
from portfolio.pip.plan import PlanContent, Reason, Version
from portfolio.pip.services import Side, VersionItem, decoded, item_of, versions
from portfolio.sharing import connections, grants
from portfolio.sharing.models import Grant
from portfolio.sharing.scope import Scope
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
ANSWERS = (OwnPlanStatus.APPROVED, OwnPlanStatus.CHANGES, OwnPlanStatus.DECLINED)


@dataclass(frozen=True)
class OwnPlanItem:
    item: Item
    plan: OwnPlan


def own_plans(side: Side) -> list[OwnPlanItem]:
    """Newest first."""
    found = decoded(side, ItemKind.OWN_PLAN, OwnPlan.from_json)
    return sorted(
        (OwnPlanItem(i, p) for i, p in found), key=lambda p: p.item.created_at, reverse=True
    )


def own_plan_of(session: Session, side: Side, item_id: str, *, fresh: bool = False) -> OwnPlanItem:
    item = item_of(session, side, item_id, ItemKind.OWN_PLAN, fresh=fresh)
    try:
        return OwnPlanItem(item, OwnPlan.from_json(side.open(item)[1]))
    except InvalidContentError:
        raise ItemNotFoundError(item.id) from None


def create(session: Session, owner: User, user_key: SymmetricKey, plan: OwnPlan) -> Item:
    item = entries.create_item(session, owner.id, user_key, ItemKind.OWN_PLAN, None, plan.to_json())
    logger.info("own plan %s drafted by %s", item.id, owner.id)
    return item


def _change(
    session: Session, side: Side, item_id: str, change: Callable[[OwnPlan], OwnPlan]
) -> OwnPlan:
    """Apply ``change`` to the plan as it is in the database now (compare-and-set): a
    change that no longer fits the plan's state raises ``ProposalClosedError``."""
    found = own_plan_of(session, side, item_id, fresh=True)
    seen = found.item.content
    item_key, _ = side.open(found.item)
    changed = change(found.plan)
    if not entries.reseal_if_unchanged(
        session, found.item, item_key, changed.to_json(), seen, awaiting=changed.awaiting
    ):
        raise PlanConflictError(found.item.id)
    return changed


def edit(session: Session, side: Side, item_id: str, text: OwnPlan) -> OwnPlan:
    """The owner's new text; the status, the addressee and the answers stay."""

    def _edited(plan: OwnPlan) -> OwnPlan:
        if not plan.editable:
            raise ProposalClosedError(item_id[:32])
        return replace(text, status=plan.status, submitted_to=plan.submitted_to, rounds=plan.rounds)

    return _change(session, side, item_id, _edited)


# -- submitting to a regievoerder -----------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """A regievoerder the owner shares with now, and whether the share lets them answer
    (the plan in scope, and permission to answer plan proposals)."""

    person: User
    grant: Grant

    @property
    def sees_plan(self) -> bool:
        return "pip" in grants.scope_of(self.grant).kinds and self.grant.may_propose


def addressees(session: Session, owner_id: str) -> list[Addressee]:
    moment = utcnow()
    found = []
    for connected in connections.connections_of(session, owner_id):
        person = connected.person
        if person.role != Role.REGIEVOERDER.value or not person.active:
            continue
        grant = grants.active_grant(session, owner_id, person.id, moment)
        if grant is not None:
            found.append(Addressee(person, grant))
    return found


def _include_plan(session: Session, owner: User, user_key: SymmetricKey, grant: Grant) -> None:
    """Add the plan (PIP) and the permission to answer proposals to this share: the owner
    agreed to it on the submit form. Logged as a change of the share."""
    opened = grants.open_as_owner(grant, user_key)
    scope = opened.scope
    terms = grants.ShareTerms(
        scope=Scope(scope.kinds | {ItemKind.PIP.value}, scope.domains, scope.items),
        purpose=grant.purpose,
        purpose_text=opened.note.purpose_text,
        shown_name=opened.note.shown_name,
        ends_at=grant.ends_at,
        may_comment=grant.may_comment,
        may_propose=True,
        may_verify=grant.may_verify,
    )
    grants.change_grant(session, owner, user_key, grant, terms, utcnow())


def submit(
    session: Session,
    side: Side,
    user_key: SymmetricKey,
    item_id: str,
    recipient_id: str,
    *,
    include_plan: bool,
) -> OwnPlan:
    """Send the plan to one regievoerder; when their share does not cover the plan yet,
    only with the owner's consent to add it."""
    chosen = next(
        (a for a in addressees(session, side.owner_id) if a.person.id == recipient_id), None
    )
    if chosen is None:
        raise NoRegievoerderError(recipient_id[:32])
    if not chosen.sees_plan:
        if not include_plan:
            raise PlanNotSharedError(chosen.grant.id)
        _include_plan(session, side.user, user_key, chosen.grant)

    def _submitted(plan: OwnPlan) -> OwnPlan:
        if not plan.editable:
            raise ProposalClosedError(item_id[:32])
        return plan.submitted(chosen.person.id)

    changed = _change(session, side, item_id, _submitted)
    logger.info("own plan %s submitted to %s", item_id[:32], chosen.person.id)
    return changed


def take_back(session: Session, side: Side, item_id: str) -> OwnPlan:
    """The owner takes a submitted plan back to work on it (before it is answered)."""

    def _back(plan: OwnPlan) -> OwnPlan:
        if plan.status is not OwnPlanStatus.SUBMITTED:
            raise ProposalClosedError(item_id[:32])
        return replace(plan, status=OwnPlanStatus.DRAFT, submitted_to=None)

    return _change(session, side, item_id, _back)


def may_delete(plan: OwnPlan) -> bool:
    """A submitted plan is taken back first; an approved one stays with its agreements."""
    return plan.status not in (OwnPlanStatus.SUBMITTED, OwnPlanStatus.APPROVED)


# -- the regievoerder's answer ------------------------------------------------------------


def may_answer(side: Side, plan: OwnPlan) -> bool:
    return (
        side.user.id != side.owner_id
        and side.user.role == Role.REGIEVOERDER.value
        and plan.status is OwnPlanStatus.SUBMITTED
        and plan.submitted_to == side.user.id
    )


def answer(
    session: Session, side: Side, item_id: str, status: OwnPlanStatus, text: str, today: date
) -> VersionItem | None:
    """Approve (its agreements join the plan as a new version), ask for changes or
    decline. The answer is written first, compare-and-set, so two answers cannot both
    count."""
    if status not in ANSWERS:
        raise ValueError(status)
    history = versions(side)
    current = history[-1] if history else None
    approving = status is OwnPlanStatus.APPROVED
    base = current.version.content if current else PlanContent()
    made: list[PlanContent] = []

    def _answered(plan: OwnPlan) -> OwnPlan:
        if not may_answer(side, plan):
            raise ProposalClosedError(item_id[:32])
        if approving:  # from the plan as stored now; too many agreements: nothing written
            made.append(plan.with_agreements(base, new_id))
        return plan.answered(status, text, side.user.id, today)

    _change(session, side, item_id, _answered)
    if not approving:
        logger.info("own plan %s answered %s by %s", item_id[:32], status.value, side.user.id)
        return None
    version = Version(
        number=current.version.number + 1 if current else 1,
        content=made[-1],
        reason=Reason.OWN_PLAN,
        previous=current.item.id if current else None,
        proposal=item_id[:32],
    )
    created = side.create(ItemKind.PIP, version.to_json())
    logger.info(
        "own plan %s approved: plan version %s of %s", item_id[:32], created.id, side.owner_id
    )
    return VersionItem(created, version)
