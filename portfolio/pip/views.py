"""The plan (PIP) for both sides: the owner at /plan, a recipient at /clients/<id>/plan.
Either side proposes a change (the whole plan as it would be); the other side accepts,
which makes a new version, or declines with a reason; the history shows what moved."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.links import item_url
from portfolio.entries.models import ItemKind
from portfolio.extensions import limiter
from portfolio.pip import bp, own_plans
from portfolio.pip import services as plans
from portfolio.pip.forms import AnswerForm, MeetingForm, PlanForm, PreparationForm, SummaryForm
from portfolio.pip.labels import (
    AGREEMENT_FIELD_LABELS,
    AGREEMENT_STATUSES,
    MAIN_GOALS,
    OWN_PLAN_STATUSES,
    PART_STATUSES,
    PARTIES,
    PARTIES_FOR_OTHERS,
    PLAN_LABELS,
    REASON_LABELS,
    ROUTES,
)
from portfolio.pip.plan import Change, PlanContent, ProposalStatus, Reason, changes
from portfolio.sharing import grants
from portfolio.sharing.access import RECIPIENTS, deny, log_for_owner, opened_for
from portfolio.sharing.models import Action
from portfolio.web import account_key

logger = logging.getLogger(__name__)
PLAN_RATE = "30 per hour"  # per account: plan writes are deliberate, not a stream

VALUE_LABELS: dict[str, dict[str, Any]] = {
    "route": dict(ROUTES),
    "main_goal": dict(MAIN_GOALS),
    "map_status": dict(PART_STATUSES),
    "pvt_status": dict(PART_STATUSES),
    "party": dict(PARTIES),
    "status": dict(AGREEMENT_STATUSES),
    "reason": REASON_LABELS,
}


@dataclass(frozen=True)
class Line:
    """One change, in words: label, before and after (values as people read them)."""

    kind: str
    label: str
    before: str
    after: str


def readable(
    found: list[Change], domains: dict[str, str], labels: dict[str, dict[str, Any]]
) -> list[Line]:
    """``labels["evidence"]`` names the proof items this side sees."""

    def _value(name: str, value: str, domains: dict[str, str]) -> str:
        if name == "domain":
            return domains.get(value, value)
        if name == "evidence":
            titles = labels.get("evidence", {})
            return ", ".join(
                str(titles.get(i) or _("an item not shared with you"))
                for i in value.split(",")
                if i
            )
        return str(labels.get(name, {}).get(value, value))

    lines = []
    for change in found:
        if change.kind == "plan":
            label = str(PLAN_LABELS.get(change.what, change.what))
            lines.append(
                Line(
                    "plan",
                    label,
                    _value(change.what, change.before, domains),
                    _value(change.what, change.after, domains),
                )
            )
        elif change.kind == "agreement":
            label = f"{change.what} · {AGREEMENT_FIELD_LABELS.get(change.field, change.field)}"
            lines.append(
                Line(
                    "agreement",
                    label,
                    _value(change.field, change.before, domains),
                    _value(change.field, change.after, domains),
                )
            )
        else:
            lines.append(Line(change.kind, change.what, "", ""))
    return lines


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


def _page(side: plans.Side, domains: dict[str, str]) -> PlanPage:
    history = plans.versions(side)
    current = history[-1] if history else None
    base = current.version.content if current else None
    found = plans.proposals(side)
    waiting = [p for p in found if p.proposal.status is ProposalStatus.OPEN]
    shown = [base] if base else []
    proofs = plans.proofs(
        side, among=_evidence_of([*shown, *(p.proposal.content for p in waiting)])
    )
    labels = _value_labels(side, proofs)
    return PlanPage(
        current,
        [(p, readable(changes(base, p.proposal.content), domains, labels)) for p in waiting],
        proofs,
        labels,
        [p for p in found if p.proposal.status is not ProposalStatus.OPEN][:10],
        own_plans.own_plans(side),
        side.user.id == side.owner_id and plans.sync_awaiting(found, side.owner_id),
    )


def _evidence_of(contents: Iterable[PlanContent]) -> set[str]:
    """The proof items these plans name: only their titles are needed on a page."""
    return {e for content in contents for a in content.agreements for e in a.evidence}


def life_domain_names() -> dict[str, str]:
    return dict(named(entries.life_domains(dbs())))


def _value_labels(side: plans.Side, proofs: list[plans.Proof]) -> dict[str, dict[str, Any]]:
    """Values as this side reads them, with the titles of the proof items it sees."""
    labels = {**VALUE_LABELS, "evidence": {p.item.id: p.title for p in proofs}}
    if side.user.id != side.owner_id:
        labels["party"] = dict(PARTIES_FOR_OTHERS)
    return labels


def _proof_links(side: plans.Side, proofs: list[plans.Proof]) -> dict[str, tuple[str, str]]:
    """Each proof item's title and where this side reads it."""
    if side.user.id == side.owner_id:
        return {p.item.id: (p.title, item_url(p.item)) for p in proofs}
    prefix = url_for("workspace.item", owner_id=side.owner_id, item_id="-")[:-1]
    return {p.item.id: (p.title, prefix + p.item.id) for p in proofs}


def _render(template: str, side: plans.Side, urls: dict[str, str], **extra: Any) -> str:
    domains = life_domain_names()
    page = _page(side, domains)
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
        proof_links=_proof_links(side, page.proofs),
        urls=urls,
        me=current_user.id,
        owner_id=side.owner_id,
        answer_form=AnswerForm(formdata=None),
        meeting_form=MeetingForm(formdata=None),
        meetings=plans.meetings(side),
        form=EmptyForm(),
        **extra,
    )


def _history(side: plans.Side) -> list[tuple[plans.VersionItem, list[Line]]]:
    domains = life_domain_names()
    found = plans.versions(side)
    labels = _value_labels(
        side, plans.proofs(side, among=_evidence_of(v.version.content for v in found))
    )
    result = []
    for index, version in enumerate(found):
        before = found[index - 1].version.content if index else None
        lines = readable(changes(before, version.version.content), domains, labels)
        result.append((version, lines))
    return list(reversed(result))


def _propose(side: plans.Side) -> tuple[PlanForm, plans.VersionItem | None, bool]:
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
    except plans.TooManyProposalsError:
        form.comment.errors = [
            _(
                "You already have %(num)d open proposals. Please wait for an answer first.",
                num=plans.MAX_OPEN_PROPOSALS,
            )
        ]
        return form, current, False
    return form, current, True


# -- the owner ----------------------------------------------------------------------------


def owner_plan_side() -> plans.Side:
    return plans.owner_side(dbs(), current_user, current_user_key())


def _owner_urls() -> dict[str, str]:
    return {
        "propose": url_for("pip.propose"),
        "history": url_for("pip.history"),
        "answer": url_for("pip.answer", proposal_id="__id__"),
        "withdraw": url_for("pip.withdraw", proposal_id="__id__"),
        "new_meeting": url_for("pip.new_meeting"),
        "meeting": url_for("pip.meeting", meeting_id="__id__"),
        "own": url_for("pip.own_plan", item_id="__id__"),
        "own_new": url_for("pip.own_new"),
    }


@bp.route("/plan/")
@roles(Role.OWNER)
def index() -> str:
    return _render(
        "pip/plan.html",
        owner_plan_side(),
        _owner_urls(),
        owner_view=True,
        name=None,
        sees_plan=True,
        sees_meetings=True,
    )


@bp.route("/plan/propose", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def propose() -> str | Response:
    form, current, made = _propose(owner_plan_side())
    if made:
        db.session.commit()
        flash(_("Your proposal is sent. The other side answers it."), "success")
        return redirect(url_for("pip.index"))
    back = url_for("pip.index")
    return render_template("pip/propose.html", form=form, back=back, current=current)


@bp.route("/plan/history")
@roles(Role.OWNER)
def history() -> str:
    return render_template(
        "pip/history.html",
        reasons=REASON_LABELS,
        versions=_history(owner_plan_side()),
        back=url_for("pip.index"),
        name=None,
    )


def _answer(side: plans.Side, proposal_id: str) -> bool:
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
    except plans.ProposalClosedError:
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


@bp.route("/plan/proposals/<proposal_id>/answer", methods=["POST"])
@roles(Role.OWNER)
def answer(proposal_id: str) -> Response:
    if _answer(owner_plan_side(), proposal_id):
        db.session.commit()
    return redirect(url_for("pip.index"))


@bp.route("/plan/proposals/<proposal_id>/withdraw", methods=["POST"])
@roles(Role.OWNER)
def withdraw(proposal_id: str) -> Response:
    _withdraw(owner_plan_side(), proposal_id)
    return redirect(url_for("pip.index"))


def _withdraw(side: plans.Side, proposal_id: str) -> None:
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
    except plans.ProposalClosedError:
        db.session.rollback()
        flash(_("This proposal was already answered."), "info")
        return
    db.session.commit()
    flash(_("Your proposal is withdrawn."), "success")


# -- progress meetings, both sides ---------------------------------------------------------


def _new_meeting(side: plans.Side) -> str | None:
    """The new meeting's id, or None (with a message) when the date is not right."""
    form = MeetingForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for f in form for e in f.errors) or _("Please try again."), "error")
        return None
    return plans.plan_meeting(side, form.day.data).id


def _meeting_of(side: plans.Side, meeting_id: str) -> plans.MeetingItem:
    try:
        return plans.meeting_of(dbs(), side, meeting_id)
    except ItemNotFoundError:
        abort(404)


@bp.route("/plan/meetings/new", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def new_meeting() -> Response:
    made = _new_meeting(owner_plan_side())
    if made is None:
        return redirect(url_for("pip.index") + "#meetings")
    db.session.commit()
    flash(_("The meeting is in your plan. You can prepare it now."), "success")
    return redirect(url_for("pip.meeting", meeting_id=made))


@bp.route("/plan/meetings/<meeting_id>", methods=["GET", "POST"])
@roles(Role.OWNER)
def meeting(meeting_id: str) -> str | Response:
    side = owner_plan_side()
    found = _meeting_of(side, meeting_id)
    form = PreparationForm(obj=found.meeting)
    if form.validate_on_submit():
        try:
            plans.update_meeting(dbs(), side, found.item.id, form.applied_to)
        except plans.PlanConflictError:
            db.session.rollback()
            flash(_("Please try again."), "error")
            return redirect(url_for("pip.meeting", meeting_id=found.item.id))
        db.session.commit()
        flash(_("Your preparation is saved."), "success")
        return redirect(url_for("pip.meeting", meeting_id=found.item.id))
    return render_template(
        "pip/meeting.html", found=found, form=form, owner_view=True, back=url_for("pip.index")
    )


# -- a recipient (regievoerder, or a supporter who may propose) ----------------------------


PLAN = frozenset({ItemKind.PIP.value})
MEETINGS = frozenset({ItemKind.MEETING.value})


def recipient_plan_side(
    owner_id: str, *, writing: bool = False, needs: frozenset[str] = PLAN
) -> tuple[plans.Side, grants.OpenGrant]:
    """The plan as this recipient sees it; 403 (logged) unless the share holds one of
    ``needs`` (the plan, or the progress meetings) and, to write, may propose."""
    opened = opened_for(owner_id)
    if not opened.scope.kinds & needs:
        deny(owner_id, "portfolio", None)
        abort(403)
    if writing and not opened.grant.may_propose:
        deny(owner_id, "portfolio", None)
        abort(403)
    return plans.recipient_side(dbs(), current_user, opened), opened


def _recipient_urls(owner_id: str) -> dict[str, str]:
    return {
        "propose": url_for("pip.client_propose", owner_id=owner_id),
        "history": url_for("pip.client_history", owner_id=owner_id),
        "answer": url_for("pip.client_answer", owner_id=owner_id, proposal_id="__id__"),
        "withdraw": url_for("pip.client_withdraw", owner_id=owner_id, proposal_id="__id__"),
        "new_meeting": url_for("pip.client_new_meeting", owner_id=owner_id),
        "meeting": url_for("pip.client_meeting", owner_id=owner_id, meeting_id="__id__"),
        "own": url_for("pip.client_own_plan", owner_id=owner_id, item_id="__id__"),
        "back": url_for("workspace.client", owner_id=owner_id),
    }


def log_plan(opened: grants.OpenGrant, action: Action, object_id: str | None = None) -> None:
    log_for_owner(opened, action, "plan", object_id)


@bp.route("/clients/<owner_id>/plan")
@roles(*RECIPIENTS)
def client_plan(owner_id: str) -> str:
    side, opened = recipient_plan_side(owner_id, needs=PLAN | MEETINGS)
    log_plan(opened, Action.READ)
    page = _render(
        "pip/plan.html",
        side,
        _recipient_urls(owner_id),
        owner_view=False,
        name=opened.note.shown_name,
        may_propose=opened.grant.may_propose,
        sees_plan=bool(opened.scope.kinds & PLAN),
        sees_meetings=bool(opened.scope.kinds & MEETINGS),
    )
    db.session.commit()
    return page


@bp.route("/clients/<owner_id>/plan/propose", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_propose(owner_id: str) -> str | Response:
    side, opened = recipient_plan_side(owner_id, writing=True)
    back = url_for("pip.client_plan", owner_id=owner_id)
    form, current, made = _propose(side)
    if made:
        log_plan(opened, Action.PROPOSE)
        db.session.commit()
        flash(_("Your proposal is sent. The newcomer decides."), "success")
        return redirect(back)
    return render_template("pip/propose.html", form=form, back=back, current=current)


@bp.route("/clients/<owner_id>/plan/history")
@roles(*RECIPIENTS)
def client_history(owner_id: str) -> str:
    side, opened = recipient_plan_side(owner_id)
    log_plan(opened, Action.READ)
    db.session.commit()
    return render_template(
        "pip/history.html",
        reasons=REASON_LABELS,
        versions=_history(side),
        back=url_for("pip.client_plan", owner_id=owner_id),
        name=opened.note.shown_name,
    )


@bp.route("/clients/<owner_id>/plan/proposals/<proposal_id>/answer", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_answer(owner_id: str, proposal_id: str) -> Response:
    side, opened = recipient_plan_side(owner_id, writing=True)
    if _answer(side, proposal_id):
        log_plan(opened, Action.DECIDE, proposal_id[:32])
        db.session.commit()
    return redirect(url_for("pip.client_plan", owner_id=owner_id))


@bp.route("/clients/<owner_id>/plan/proposals/<proposal_id>/withdraw", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_withdraw(owner_id: str, proposal_id: str) -> Response:
    side, _opened = recipient_plan_side(owner_id, writing=True)
    _withdraw(side, proposal_id)
    return redirect(url_for("pip.client_plan", owner_id=owner_id))


@bp.route("/clients/<owner_id>/plan/meetings/new", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.REGIEVOERDER)
def client_new_meeting(owner_id: str) -> Response:
    side, opened = recipient_plan_side(owner_id, writing=True, needs=MEETINGS)
    made = _new_meeting(side)
    if made is None:
        return redirect(url_for("pip.client_plan", owner_id=owner_id) + "#meetings")
    log_plan(opened, Action.MEETING, made)
    db.session.commit()
    flash(_("The meeting is planned. The newcomer can prepare it."), "success")
    return redirect(url_for("pip.client_meeting", owner_id=owner_id, meeting_id=made))


@bp.route("/clients/<owner_id>/plan/meetings/<meeting_id>", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_meeting(owner_id: str, meeting_id: str) -> str | Response:
    side, opened = recipient_plan_side(owner_id, needs=MEETINGS)
    found = _meeting_of(side, meeting_id)
    writes = current_user.role == Role.REGIEVOERDER.value and opened.grant.may_propose
    form = SummaryForm(obj=found.meeting)
    if form.is_submitted() and not writes:
        deny(owner_id, "plan", found.item.id)
        abort(403)
    if form.validate_on_submit():
        author = current_user.id
        try:
            plans.update_meeting(dbs(), side, found.item.id, lambda m: form.applied_to(m, author))
        except plans.PlanConflictError:
            db.session.rollback()
            flash(_("Please try again."), "error")
            return redirect(
                url_for("pip.client_meeting", owner_id=owner_id, meeting_id=found.item.id)
            )
        log_plan(opened, Action.MEETING, found.item.id)
        db.session.commit()
        flash(_("The summary is saved. The newcomer can read it."), "success")
        return redirect(url_for("pip.client_meeting", owner_id=owner_id, meeting_id=found.item.id))
    log_plan(opened, Action.READ, found.item.id)
    db.session.commit()
    return render_template(
        "pip/meeting.html",
        found=found,
        form=form if writes else None,
        owner_view=False,
        name=opened.note.shown_name,
        back=url_for("pip.client_plan", owner_id=owner_id),
    )
