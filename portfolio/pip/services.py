"""Plan operations for both sides. The owner reads and writes with the user key; a
recipient reads through the grant and writes new items sealed to the owner (crypto.md:
"recipient proposes a new item"). Functions take the session, flush, never commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.models import Item, ItemKind
from portfolio.pip.errors import PlanConflictError, ProposalClosedError, TooManyProposalsError
from portfolio.pip.plan import (
    AWAITING_OWNER,
    AWAITING_RECIPIENT,
    Meeting,
    PlanContent,
    Proposal,
    ProposalStatus,
    Reason,
    Version,
)
from portfolio.sharing import grants, present, received, written
from portfolio.sharing.errors import NoAccessError
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)
T = TypeVar("T")


MAX_OPEN_PROPOSALS = 5


@dataclass(frozen=True)
class Side:
    """Who acts on a plan, and how they open and write its items."""

    user: User
    owner_id: str
    items: Callable[[ItemKind], Sequence[Item]]
    open: Callable[[Item], tuple[SymmetricKey, dict[str, Any]]]
    create: Callable[[ItemKind, dict[str, Any]], Item]


def owner_side(session: Session, owner: User, user_key: SymmetricKey) -> Side:
    return Side(
        owner,
        owner.id,
        lambda kind: entries.list_items(session, owner.id, kind),
        lambda item: entries.open_item(item, user_key),
        lambda kind, data: entries.create_item(session, owner.id, user_key, kind, None, data),
    )


def recipient_side(session: Session, recipient: User, opened: grants.OpenGrant) -> Side:
    owner = session.get(User, opened.grant.owner_id)
    if owner is None:
        raise ItemNotFoundError(opened.grant.owner_id)

    def open_(item: Item) -> tuple[SymmetricKey, dict[str, Any]]:
        try:
            _, item_key = received.shared_item_key(session, opened, item.id)
        except NoAccessError:
            raise ItemNotFoundError(item.id) from None  # not shared with this person
        return item_key, entries.read_with_item_key(item, item_key)

    shared: list[Item] = []  # one query per request: a plan page asks for eight kinds

    def items(kind: ItemKind) -> list[Item]:
        if not shared:
            shared.extend(received.shared_items(session, opened))
        return [i for i in shared if i.kind == kind.value]

    def create(kind: ItemKind, data: dict[str, Any]) -> Item:
        shared.clear()  # the next list sees what was just written
        return written.create_for_owner(session, opened, owner, recipient, kind, data)

    return Side(recipient, owner.id, items, open_, create)


@dataclass(frozen=True)
class VersionItem:
    item: Item
    version: Version


@dataclass(frozen=True)
class ProposalItem:
    item: Item
    proposal: Proposal


def decoded(
    side: Side, kind: ItemKind, parse: Callable[[dict[str, Any]], T]
) -> list[tuple[Item, T]]:
    """Every item of a kind that opens and fits; one that does not is left out (logged)."""
    found = []
    for item in side.items(kind):
        try:
            found.append((item, parse(side.open(item)[1])))
        except InvalidContentError:
            logger.warning("%s %s does not fit", kind.value, item.id)
    return found


def versions(side: Side) -> list[VersionItem]:
    """Oldest first."""
    found = [VersionItem(i, v) for i, v in decoded(side, ItemKind.PIP, Version.from_json)]
    return sorted(found, key=lambda v: (v.version.number, v.item.created_at))


def proposals(side: Side) -> list[ProposalItem]:
    """Newest first."""
    found = decoded(side, ItemKind.PIP_PROPOSAL, Proposal.from_json)
    return sorted(
        (ProposalItem(i, p) for i, p in found), key=lambda p: p.item.created_at, reverse=True
    )


def awaiting_of(proposal: Proposal, owner_id: str) -> str | None:
    """Whose answer an open proposal waits for: the owner's, or the recipients'."""
    if proposal.status is not ProposalStatus.OPEN:
        return None
    return AWAITING_RECIPIENT if proposal.author_id == owner_id else AWAITING_OWNER


def sync_awaiting(found: Sequence[ProposalItem], owner_id: str) -> bool:
    """Set the flag of proposals written before it existed; True when one changed."""
    changed = False
    for p in found:
        wanted = awaiting_of(p.proposal, owner_id)
        if p.item.awaiting != wanted:
            p.item.awaiting = wanted
            changed = True
    return changed


def propose(
    side: Side, content: PlanContent, reason: Reason, comment: str, current: VersionItem | None
) -> Item:
    waiting = [
        p
        for p in proposals(side)
        if p.proposal.status is ProposalStatus.OPEN and p.proposal.author_id == side.user.id
    ]
    if len(waiting) >= MAX_OPEN_PROPOSALS:
        raise TooManyProposalsError(side.user.id)
    proposal = Proposal(
        content, reason, comment, side.user.id, current.item.id if current else None
    )
    item = side.create(ItemKind.PIP_PROPOSAL, proposal.to_json())
    item.awaiting = awaiting_of(proposal, side.owner_id)
    logger.info("plan proposal %s by %s for %s", item.id, side.user.id, side.owner_id)
    return item


def _fresh_proposal(
    session: Session, side: Side, item_id: str
) -> tuple[Item, SymmetricKey, Proposal, bytes]:
    """The proposal as it is in the database now, and the envelope it was read from."""
    item = item_of(session, side, item_id, ItemKind.PIP_PROPOSAL, fresh=True)
    item_key, data = side.open(item)
    return item, item_key, Proposal.from_json(data), item.content


def item_of(session: Session, side: Side, item_id: str, kind: ItemKind, *, fresh: bool) -> Item:
    """An item of this plan of one kind, or ``ItemNotFoundError`` (also for other people's);
    ``fresh`` reads it again from the database, not from the session."""
    item = session.get(Item, item_id[:32], populate_existing=fresh) if len(item_id) <= 32 else None
    if item is None or item.owner_id != side.owner_id or item.kind != kind.value:
        raise ItemNotFoundError(item_id[:32])
    return item


def proposal_of(session: Session, side: Side, item_id: str) -> ProposalItem:
    item = item_of(session, side, item_id, ItemKind.PIP_PROPOSAL, fresh=False)
    try:
        return ProposalItem(item, Proposal.from_json(side.open(item)[1]))
    except InvalidContentError:
        raise ItemNotFoundError(item.id) from None


def may_answer(side: Side, proposal: Proposal) -> bool:
    """The other side answers: the owner answers proposals by others; a recipient answers
    only the owner's own proposals (never another recipient's)."""
    if side.user.id == side.owner_id:
        return proposal.author_id != side.owner_id
    return proposal.author_id == side.owner_id


def answer(
    session: Session, side: Side, item_id: str, accept: bool, text: str
) -> VersionItem | None:
    """The other side accepts (a new version) or declines, with a comment."""
    item, item_key, proposal, seen = _fresh_proposal(session, side, item_id)
    if proposal.status is not ProposalStatus.OPEN or not may_answer(side, proposal):
        raise ProposalClosedError(item.id)
    status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    answered = proposal.answered(status, text, side.user.id)
    if not entries.reseal_if_unchanged(session, item, item_key, answered.to_json(), seen):
        raise ProposalClosedError(item.id)  # answered or withdrawn at the same moment
    if not accept:
        return None
    history = versions(side)
    current = history[-1] if history else None
    version = Version(
        number=current.version.number + 1 if current else 1,
        content=proposal.content,
        reason=proposal.reason,
        previous=current.item.id if current else None,
        proposal=item.id,
    )
    created = side.create(ItemKind.PIP, version.to_json())
    logger.info("plan version %s (%d) of %s", created.id, version.number, side.owner_id)
    return VersionItem(created, version)


def withdraw(session: Session, side: Side, item_id: str) -> None:
    item, item_key, proposal, seen = _fresh_proposal(session, side, item_id)
    if proposal.status is not ProposalStatus.OPEN or proposal.author_id != side.user.id:
        raise ProposalClosedError(item.id)
    withdrawn = proposal.answered(ProposalStatus.WITHDRAWN, "", side.user.id)
    if not entries.reseal_if_unchanged(session, item, item_key, withdrawn.to_json(), seen):
        raise ProposalClosedError(item.id)


# -- proof of agreements -------------------------------------------------------------------

PROOF_KINDS = (
    ItemKind.CERTIFICATE,
    ItemKind.EXAM_RESULT,
    ItemKind.EXPERIENCE,
    ItemKind.LANGUAGE_LEVEL,
)


@dataclass(frozen=True)
class Proof:
    """A portfolio item this side sees that can prove an agreement."""

    item: Item
    title: str


def proofs(side: Side, among: Collection[str] | None = None) -> list[Proof]:
    """Certificates, exam results, work and volunteering, language levels, newest first:
    all of them (the choices of a form), or only those ``among`` these ids (a page that
    names them), so that nothing else is decrypted."""
    found = []
    for kind in PROOF_KINDS:
        for item in side.items(kind):
            if among is not None and item.id not in among:
                continue
            try:
                found.append(Proof(item, present.title_of(item, side.open(item)[1])))
            except (InvalidContentError, ItemNotFoundError, DecryptError):
                logger.warning("%s %s does not open as proof", kind.value, item.id)
    return sorted(found, key=lambda p: p.item.created_at, reverse=True)


# -- progress meetings ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingItem:
    item: Item
    meeting: Meeting


def meetings(side: Side) -> list[MeetingItem]:
    """The latest day first."""
    found = [MeetingItem(i, m) for i, m in decoded(side, ItemKind.MEETING, Meeting.from_json)]
    return sorted(found, key=lambda m: (m.meeting.day, m.item.created_at), reverse=True)


def plan_meeting(side: Side, day: date) -> Item:
    item = side.create(ItemKind.MEETING, Meeting(day).to_json())
    logger.info("meeting %s planned by %s for %s", item.id, side.user.id, side.owner_id)
    return item


def meeting_of(session: Session, side: Side, item_id: str, *, fresh: bool = False) -> MeetingItem:
    item = item_of(session, side, item_id, ItemKind.MEETING, fresh=fresh)
    try:
        return MeetingItem(item, Meeting.from_json(side.open(item)[1]))
    except InvalidContentError:
        raise ItemNotFoundError(item.id) from None


def update_meeting(
    session: Session, side: Side, item_id: str, change: Callable[[Meeting], Meeting]
) -> Meeting:
    """Change only one side's part of the meeting, on the content as it is now: if the
    other side saved in between, read it again and apply the change to that."""
    for _attempt in range(3):
        found = meeting_of(session, side, item_id, fresh=True)
        seen = found.item.content
        item_key, _ = side.open(found.item)
        changed = change(found.meeting)
        if entries.reseal_if_unchanged(session, found.item, item_key, changed.to_json(), seen):
            return changed
    raise PlanConflictError(item_id[:32])
