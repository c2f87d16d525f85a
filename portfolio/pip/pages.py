"""What the plan's pages share on both sides (the owner at /plan, a recipient at
/clients/<id>/plan): the page with the current version, open proposals, proof and
meetings; the history in words; making a proposal from the plan form; answering and
withdrawing one; planning a meeting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.accounts.forms import EmptyForm
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.links import item_url
from portfolio.pip import own_plans
from portfolio.pip import services as plans
from portfolio.pip.changes import VALUE_LABELS, Line, changes, readable
from portfolio.pip.errors import ProposalClosedError, TooManyProposalsError
from portfolio.pip.forms import AnswerForm, MeetingForm, PlanForm
from portfolio.pip.labels import (
    AGREEMENT_FIELD_LABELS,
    OWN_PLAN_STATUSES,
    PARTIES_FOR_OTHERS,
    PLAN_LABELS,
)
from portfolio.pip.plan import PlanContent, ProposalStatus, Reason

logger = logging.getLogger(__name__)


PLAN_RATE = "30 per hour"  # per account: plan writes are deliberate, not a stream


@dataclass(frozen=True)
class PlanPage:
    """Everything one plan page shows, for either side."""

    current: plans.VersionItem | None
    open_proposals: list[tuple[plans.ProposalItem, list[Line]]]
    proofs: list[plans.Proof]  # only those the page names
    labels: dict[str, dict[str, Any]]
    answered: list[plans.ProposalItem]
    own_plans: list[own_plans.OwnPlanItem]
    flags_fixed: bool = False  # proposals from before ``Item.awaiting`` got their flag


def page_of(side: plans.Side, domains: dict[str, str]) -> PlanPage:
    history = plans.versions(side)
    current = history[-1] if history else None
    base = current.version.content if current else None
    found = plans.proposals(side)
    waiting = [p for p in found if p.proposal.status is ProposalStatus.OPEN]
    shown = [base] if base else []
    proofs = plans.proofs(side, among=evidence_of([*shown, *(p.proposal.content for p in waiting)]))
    labels = value_labels(side, proofs)
    return PlanPage(
        current,
        [(p, readable(changes(base, p.proposal.content), domains, labels)) for p in waiting],
        proofs,
        labels,
        [p for p in found if p.proposal.status is not ProposalStatus.OPEN][:10],
        own_plans.own_plans(side),
        side.user.id == side.owner_id and plans.sync_awaiting(found, side.owner_id),
    )


def evidence_of(contents: Iterable[PlanContent]) -> set[str]:
    """The proof items these plans name: only their titles are needed on a page."""
    return {e for content in contents for a in content.agreements for e in a.evidence}


def life_domain_names() -> dict[str, str]:
    return dict(named(entries.life_domains(dbs())))


def value_labels(side: plans.Side, proofs: list[plans.Proof]) -> dict[str, dict[str, Any]]:
    """Values as this side reads them, with the titles of the proof items it sees."""
    labels = {**VALUE_LABELS, "evidence": {p.item.id: p.title for p in proofs}}
    if side.user.id != side.owner_id:
        labels["party"] = dict(PARTIES_FOR_OTHERS)
    return labels


def proof_links(side: plans.Side, proofs: list[plans.Proof]) -> dict[str, tuple[str, str]]:
    """Each proof item's title and where this side reads it."""
    if side.user.id == side.owner_id:
        return {p.item.id: (p.title, item_url(p.item)) for p in proofs}
    prefix = url_for("workspace.item", owner_id=side.owner_id, item_id="-")[:-1]
    return {p.item.id: (p.title, prefix + p.item.id) for p in proofs}


def render_plan(template: str, side: plans.Side, urls: dict[str, str], **extra: Any) -> str:
    domains = life_domain_names()
    page = page_of(side, domains)
    if page.flags_fixed:
        db.session.commit()
    return render_template(
        template,
        page=page,
        own_statuses=dict(OWN_PLAN_STATUSES),
        domains=domains,
        labels=PLAN_LABELS,
        value_labels=page.labels,
        agreement_labels=AGREEMENT_FIELD_LABELS,
        proof_links=proof_links(side, page.proofs),
        urls=urls,
        me=current_user.id,
        owner_id=side.owner_id,
        answer_form=AnswerForm(formdata=None),
        meeting_form=MeetingForm(formdata=None),
        meetings=plans.meetings(side),
        form=EmptyForm(),
        **extra,
    )


def history_lines(side: plans.Side) -> list[tuple[plans.VersionItem, list[Line]]]:
    domains = life_domain_names()
    found = plans.versions(side)
    labels = value_labels(
        side, plans.proofs(side, among=evidence_of(v.version.content for v in found))
    )
    result = []
    for index, version in enumerate(found):
        before = found[index - 1].version.content if index else None
        lines = readable(changes(before, version.version.content), domains, labels)
        result.append((version, lines))
    return list(reversed(result))


def propose_from_form(side: plans.Side) -> tuple[PlanForm, plans.VersionItem | None, bool]:
    """The plan form, filled from the current version; True when a proposal was made."""
    history = plans.versions(side)
    current = history[-1] if history else None
    form = PlanForm()
    domain_pairs = list(life_domain_names().items())
    owner_view = side.user.id == side.owner_id
    proofs = [(p.item.id, p.title) for p in plans.proofs(side)]
    if not form.is_submitted():
        form.fill_from(
            current.version.content if current else PlanContent(),
            domain_pairs,
            owner_view=owner_view,
            proofs=proofs,
        )
        form.reason.data = Reason.PROGRESS.value if current else Reason.START.value
        return form, current, False
    form.prepare(domain_pairs, owner_view=owner_view, proofs=proofs)
    if not form.validate_on_submit():
        return form, current, False
    content = form.to_content(current.version.content if current else None)
    if current is not None and content == current.version.content:
        form.comment.errors = [_("Nothing is changed yet. Change the plan or an agreement.")]
        return form, current, False
    comment = (form.comment.data or "").strip()
    try:
        plans.propose(side, content, Reason(form.reason.data), comment, current)
    except TooManyProposalsError:
        form.comment.errors = [
            _(
                "You already have %(num)d open proposals. Please wait for an answer first.",
                num=plans.MAX_OPEN_PROPOSALS,
            )
        ]
        return form, current, False
    return form, current, True


def answer_from_form(side: plans.Side, proposal_id: str) -> bool:
    """True when the answer was stored; flashes what happened."""
    try:
        plans.proposal_of(dbs(), side, proposal_id)
    except ItemNotFoundError:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for f in form for e in f.errors) or _("Please try again."), "error")
        return False
    try:
        made = plans.answer(
            dbs(),
            side,
            proposal_id,
            form.decision.data == "accept",
            (form.answer.data or "").strip(),
        )
    except ItemNotFoundError:
        abort(404)
    except ProposalClosedError:
        db.session.rollback()
        flash(_("This proposal was already answered."), "info")
        return False
    if made is not None:
        flash(
            _("Agreed. This is now version %(number)d of the plan.", number=made.version.number),
            "success",
        )
    else:
        flash(_("You said no. The plan stays as it was."), "success")
    return True


def withdraw_from_form(side: plans.Side, proposal_id: str) -> None:
    try:
        plans.proposal_of(dbs(), side, proposal_id)
    except ItemNotFoundError:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        plans.withdraw(dbs(), side, proposal_id)
    except ItemNotFoundError:
        abort(404)
    except ProposalClosedError:
        db.session.rollback()
        flash(_("This proposal was already answered."), "info")
        return
    db.session.commit()
    flash(_("Your proposal is withdrawn."), "success")


def meeting_from_form(side: plans.Side) -> str | None:
    """The new meeting's id, or None (with a message) when the date is not right."""
    form = MeetingForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for f in form for e in f.errors) or _("Please try again."), "error")
        return None
    return plans.plan_meeting(side, form.day.data).id


def meeting_or_404(side: plans.Side, meeting_id: str) -> plans.MeetingItem:
    try:
        return plans.meeting_of(dbs(), side, meeting_id)
    except ItemNotFoundError:
        abort(404)
