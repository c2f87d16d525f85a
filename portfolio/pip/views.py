"""The plan (PIP), the owner's side at /plan: the plan page, a proposal, the history,
answering and withdrawing proposals, progress meetings and their preparation.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.models import Role
from portfolio.db import db, dbs
from portfolio.extensions import limiter
from portfolio.pip import bp
from portfolio.pip import services as plans
from portfolio.pip.errors import PlanConflictError
from portfolio.pip.forms import PreparationForm
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
from portfolio.web import account_key


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
    return render_plan(
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
    form, current, made = propose_from_form(owner_plan_side())
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
        versions=history_lines(owner_plan_side()),
        back=url_for("pip.index"),
        name=None,
    )


@bp.route("/plan/proposals/<proposal_id>/answer", methods=["POST"])
@roles(Role.OWNER)
def answer(proposal_id: str) -> Response:
    if answer_from_form(owner_plan_side(), proposal_id):
        db.session.commit()
    return redirect(url_for("pip.index"))


@bp.route("/plan/proposals/<proposal_id>/withdraw", methods=["POST"])
@roles(Role.OWNER)
def withdraw(proposal_id: str) -> Response:
    withdraw_from_form(owner_plan_side(), proposal_id)
    return redirect(url_for("pip.index"))


@bp.route("/plan/meetings/new", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def new_meeting() -> Response:
    made = meeting_from_form(owner_plan_side())
    if made is None:
        return redirect(url_for("pip.index") + "#meetings")
    db.session.commit()
    flash(_("The meeting is in your plan. You can prepare it now."), "success")
    return redirect(url_for("pip.meeting", meeting_id=made))


@bp.route("/plan/meetings/<meeting_id>", methods=["GET", "POST"])
@roles(Role.OWNER)
def meeting(meeting_id: str) -> str | Response:
    side = owner_plan_side()
    found = meeting_or_404(side, meeting_id)
    form = PreparationForm(obj=found.meeting)
    if form.validate_on_submit():
        try:
            plans.update_meeting(dbs(), side, found.item.id, form.applied_to)
        except PlanConflictError:
            db.session.rollback()
            flash(_("Please try again."), "error")
            return redirect(url_for("pip.meeting", meeting_id=found.item.id))
        db.session.commit()
        flash(_("Your preparation is saved."), "success")
        return redirect(url_for("pip.meeting", meeting_id=found.item.id))
    return render_template(
        "pip/meeting.html", found=found, form=form, owner_view=True, back=url_for("pip.index")
    )
