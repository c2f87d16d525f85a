"""The plan (PIP), a recipient's side at /clients/<id>/plan: a regievoerder, or a supporter
who may propose. Either side proposes a change (the whole plan as it would be); the
other side accepts, which makes a new version, or declines with a reason. Every read is
in the owner's access log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import roles
from portfolio.accounts.models import Role
from portfolio.db import db, dbs
from portfolio.entries.models import ItemKind
from portfolio.extensions import limiter
from portfolio.pip import bp
from portfolio.pip import services as plans
from portfolio.pip.errors import PlanConflictError
from portfolio.pip.forms import SummaryForm
from portfolio.pip.labels import REASON_LABELS
from portfolio.pip.pages import (
    PLAN_RATE,
    answer_from_form,
    history_lines,
    meeting_from_form,
    meeting_or_404,
    propose_from_form,
    render_plan,
    withdraw_from_form,
)
from portfolio.sharing import grants
from portfolio.sharing.access import RECIPIENTS, deny, log_for_owner, opened_for
from portfolio.sharing.models import Action
from portfolio.web import account_key

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
    page = render_plan(
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
    form, current, made = propose_from_form(side)
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
        versions=history_lines(side),
        back=url_for("pip.client_plan", owner_id=owner_id),
        name=opened.note.shown_name,
    )


@bp.route("/clients/<owner_id>/plan/proposals/<proposal_id>/answer", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_answer(owner_id: str, proposal_id: str) -> Response:
    side, opened = recipient_plan_side(owner_id, writing=True)
    if answer_from_form(side, proposal_id):
        log_plan(opened, Action.DECIDE, proposal_id[:32])
        db.session.commit()
    return redirect(url_for("pip.client_plan", owner_id=owner_id))


@bp.route("/clients/<owner_id>/plan/proposals/<proposal_id>/withdraw", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_withdraw(owner_id: str, proposal_id: str) -> Response:
    side, _opened = recipient_plan_side(owner_id, writing=True)
    withdraw_from_form(side, proposal_id)
    return redirect(url_for("pip.client_plan", owner_id=owner_id))


@bp.route("/clients/<owner_id>/plan/meetings/new", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.REGIEVOERDER)
def client_new_meeting(owner_id: str) -> Response:
    side, opened = recipient_plan_side(owner_id, writing=True, needs=MEETINGS)
    made = meeting_from_form(side)
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
    found = meeting_or_404(side, meeting_id)
    writes = current_user.role == Role.REGIEVOERDER.value and opened.grant.may_propose
    form = SummaryForm(obj=found.meeting)
    if form.is_submitted() and not writes:
        deny(owner_id, "plan", found.item.id)
        abort(403)
    if form.validate_on_submit():
        author = current_user.id
        try:
            plans.update_meeting(dbs(), side, found.item.id, lambda m: form.applied_to(m, author))
        except PlanConflictError:
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
