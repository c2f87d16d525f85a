"""The newcomer's own plan proposal, both sides: the owner drafts, edits, submits, takes
back and deletes at /plan/own; the regievoerder it was sent to answers at
/clients/<id>/plan/own; a supporter who sees the plan reads it (and comments on the item
page). Routes on the plan blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.db import db, dbs, utcnow
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.extensions import limiter
from portfolio.pip import bp, own_plans
from portfolio.pip import services as plans
from portfolio.pip.client_views import log_plan, recipient_plan_side
from portfolio.pip.errors import (
    NoRegievoerderError,
    PlanConflictError,
    PlanNotSharedError,
    ProposalClosedError,
)
from portfolio.pip.forms import OwnAnswerForm, OwnPlanForm, SubmitOwnPlanForm
from portfolio.pip.labels import OWN_PLAN_LABELS, OWN_PLAN_STATUSES
from portfolio.pip.own_plan import OwnPlanStatus
from portfolio.pip.pages import PLAN_RATE, life_domain_names
from portfolio.pip.views import owner_plan_side
from portfolio.sharing.access import RECIPIENTS, deny
from portfolio.sharing.models import Action
from portfolio.web import account_key


def _found(side: plans.Side, item_id: str) -> own_plans.OwnPlanItem:
    try:
        return own_plans.own_plan_of(dbs(), side, item_id)
    except ItemNotFoundError:
        abort(404)


def _render(
    found: own_plans.OwnPlanItem, side: plans.Side, *, owner_view: bool, **extra: object
) -> str:
    return render_template(
        "pip/own_plan.html",
        found=found,
        labels=OWN_PLAN_LABELS,
        statuses=dict(OWN_PLAN_STATUSES),
        domains=life_domain_names(),
        owner_view=owner_view,
        names=_names(found),
        form=EmptyForm(),
        **extra,
    )


def _names(found: own_plans.OwnPlanItem) -> dict[str, str]:
    """Display names of the staff who answered (not content: staff names are public)."""
    ids = {r.by for r in found.plan.rounds} | (
        {found.plan.submitted_to} if found.plan.submitted_to else set()
    )
    people = [dbs().get(User, i) for i in ids]
    return {p.id: p.display_name or p.username for p in people if p is not None}


# -- the owner ----------------------------------------------------------------------------


@bp.route("/plan/own/new", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def own_new() -> str | Response:
    form = OwnPlanForm()
    form.prepare(list(life_domain_names().items()))
    if form.validate_on_submit():
        item = own_plans.create(dbs(), current_user, current_user_key(), form.to_plan())
        db.session.commit()
        flash(_("Your plan is saved as a draft. Send it when it is ready."), "success")
        return redirect(url_for("pip.own_plan", item_id=item.id))
    return render_template("pip/own_plan_form.html", form=form, back=url_for("pip.index"))


@bp.route("/plan/own/<item_id>")
@roles(Role.OWNER)
def own_plan(item_id: str) -> str:
    side = owner_plan_side()
    found = _found(side, item_id)
    submit = SubmitOwnPlanForm(formdata=None)
    return _render(found, side, owner_view=True, **_submit_context(submit))


def _submit_context(form: SubmitOwnPlanForm) -> dict[str, object]:
    addressees = own_plans.addressees(dbs(), current_user.id)
    form.recipient.choices = [(a.person.id, a.person.display_name or "") for a in addressees]
    return {
        "submit_form": form,
        "addressees": addressees,
        "needs_consent": [a for a in addressees if not a.sees_plan],
    }


@bp.route("/plan/own/<item_id>/edit", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def own_edit(item_id: str) -> str | Response:
    side = owner_plan_side()
    found = _found(side, item_id)
    back = url_for("pip.own_plan", item_id=found.item.id)
    if not found.plan.editable:
        flash(_("This plan is sent. Take it back first to change it."), "info")
        return redirect(back)
    form = OwnPlanForm()
    form.prepare(list(life_domain_names().items()))
    if not form.is_submitted():
        form.fill_from(found.plan)
    elif form.validate_on_submit():
        try:
            own_plans.edit(dbs(), side, found.item.id, form.to_plan())
        except (ProposalClosedError, PlanConflictError):
            db.session.rollback()
            flash(
                _("This plan was changed at the same moment. Please look and try again."), "error"
            )
            return redirect(back)
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(back)
    return render_template("pip/own_plan_form.html", form=form, back=back)


@bp.route("/plan/own/<item_id>/submit", methods=["POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def own_submit(item_id: str) -> str | Response:
    side = owner_plan_side()
    found = _found(side, item_id)
    form = SubmitOwnPlanForm()
    context = _submit_context(form)
    if form.validate_on_submit():
        try:
            own_plans.submit(
                dbs(),
                side,
                current_user_key(),
                found.item.id,
                form.recipient.data or "",
                include_plan=bool(form.include_plan.data),
            )
        except NoRegievoerderError:
            form.recipient.errors = [_("Please choose your regievoerder.")]
        except PlanNotSharedError:
            form.include_plan.errors = [
                _("Your regievoerder needs to see your plan to answer. Please tick the box.")
            ]
        except (ProposalClosedError, PlanConflictError):
            db.session.rollback()
            flash(
                _("This plan was changed at the same moment. Please look and try again."), "error"
            )
            return redirect(url_for("pip.own_plan", item_id=found.item.id))
        else:
            db.session.commit()
            flash(_("Your plan is sent. Your regievoerder answers it."), "success")
            return redirect(url_for("pip.own_plan", item_id=found.item.id))
    db.session.rollback()
    return _render(found, side, owner_view=True, **context)


@bp.route("/plan/own/<item_id>/take-back", methods=["POST"])
@roles(Role.OWNER)
def own_take_back(item_id: str) -> Response:
    side = owner_plan_side()
    found = _found(side, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        own_plans.take_back(dbs(), side, found.item.id)
    except (ProposalClosedError, PlanConflictError):
        db.session.rollback()
        flash(_("Your regievoerder already answered this plan."), "info")
    else:
        db.session.commit()
        flash(_("Your plan is back with you. You can change it and send it again."), "success")
    return redirect(url_for("pip.own_plan", item_id=found.item.id))


@bp.route("/plan/own/<item_id>/delete", methods=["POST"])
@roles(Role.OWNER)
def own_delete(item_id: str) -> Response:
    side = owner_plan_side()
    found = _found(side, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not own_plans.may_delete(found.plan):
        flash(_("A plan that is sent or approved cannot be deleted."), "info")
        return redirect(url_for("pip.own_plan", item_id=found.item.id))
    entries.delete_item(dbs(), found.item, current_user_key())
    db.session.commit()
    flash(_("Your plan proposal is deleted."), "success")
    return redirect(url_for("pip.index") + "#own-plans")


# -- a recipient: the regievoerder answers; a supporter reads --------------------------------


@bp.route("/clients/<owner_id>/plan/own/<item_id>", methods=["GET", "POST"])
@limiter.limit(PLAN_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def client_own_plan(owner_id: str, item_id: str) -> str | Response:
    side, opened = recipient_plan_side(owner_id)
    found = _found(side, item_id)
    answers = own_plans.may_answer(side, found.plan) and opened.grant.may_propose
    form = OwnAnswerForm()
    if form.is_submitted() and not answers:
        deny(owner_id, "plan", found.item.id)
        abort(403)
    if form.validate_on_submit():
        status = OwnPlanStatus(form.decision.data)
        try:
            own_plans.answer(
                dbs(),
                side,
                found.item.id,
                status,
                (form.answer.data or "").strip(),
                utcnow().date(),
            )
        except InvalidContentError:
            db.session.rollback()
            form.decision.errors = [
                _("The plan has too many agreements to add these. Please ask for changes.")
            ]
        except (ProposalClosedError, PlanConflictError):
            db.session.rollback()
            flash(_("This plan was taken back or answered at the same moment."), "info")
            return redirect(url_for("pip.client_plan", owner_id=owner_id))
        else:
            log_plan(opened, Action.DECIDE, found.item.id)
            db.session.commit()
            flash(_ANSWERED[status](), "success")
            return redirect(url_for("pip.client_plan", owner_id=owner_id) + "#own-plans")
    log_plan(opened, Action.READ, found.item.id)
    db.session.commit()
    return _render(
        found,
        side,
        owner_view=False,
        name=opened.note.shown_name,
        answer_form=form if answers else None,
        back=url_for("pip.client_plan", owner_id=owner_id),
        comments_url=url_for("workspace.item", owner_id=owner_id, item_id=found.item.id),
    )


_ANSWERED = {
    OwnPlanStatus.APPROVED: lambda: _("Approved. The agreements are now in the plan."),
    OwnPlanStatus.CHANGES: lambda: _("Sent back with your questions. The newcomer can change it."),
    OwnPlanStatus.DECLINED: lambda: _("Declined. The newcomer sees your reasons."),
}
