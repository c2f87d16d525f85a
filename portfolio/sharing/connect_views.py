"""Connecting, the owner's and the supporter's side: enter (or scan) a code and confirm
who made it, invite a supporter with a code, answer a handover question.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role
from portfolio.db import db, dbs, utcnow
from portfolio.extensions import limiter
from portfolio.sharing import bp, connections, handback, handovers
from portfolio.sharing.errors import CodeNotValidError, GrantNotFoundError, KeyNotCertifiedError
from portfolio.sharing.forms import CodeForm, ConfirmCodeForm, InviteForm
from portfolio.sharing.labels import RELATION_LABELS
from portfolio.sharing.models import CodePurpose, Relation
from portfolio.vault import signing
from portfolio.web import account_key

CODE_RATE = "10 per hour"  # per account: typing mistakes, not guessing


@bp.route("/handovers/<handover_id>", methods=["POST"])
@roles(Role.OWNER)
def handover(handover_id: str) -> Response:
    """Yes: connect with the successor and choose what to share. No: nothing happens."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    accept = request.form.get("answer") == "yes"
    try:
        row = handovers.answer_handover(dbs(), current_user, handover_id, accept, utcnow())
    except GrantNotFoundError:
        abort(404)
    db.session.commit()
    if accept:
        flash(_("You are connected. Now choose what you share."), "success")
        return redirect(url_for("sharing.new", recipient_id=row.to_id))
    flash(_("Nothing is shared. You can always connect later with a code."), "success")
    return redirect(url_for("sharing.index"))


@bp.route("/connect", methods=["GET", "POST"])
@limiter.limit(CODE_RATE, key_func=account_key, methods=["POST"])
@roles(*PEOPLE)
def connect() -> str | Response:
    """Enter (or scan) a code, see who made it, and confirm. Owners enter a regievoerder's
    code; supporters enter the code a newcomer gave them."""
    form = ConfirmCodeForm() if request.form.get("confirm") else CodeForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args.get("code", "")[:20]
    if not form.validate_on_submit():
        return render_template("sharing/connect.html", form=form)
    session, now = dbs(), utcnow()
    try:
        if isinstance(form, ConfirmCodeForm):
            connection = connections.redeem_code(session, form.code.data, current_user, now)
            db.session.commit()
            return _after_connect(connection.owner_id, connection.recipient_id)
        holder = connections.look_up_code(session, form.code.data, current_user, now)
    except CodeNotValidError:
        db.session.rollback()
        form.code.errors = [_("This code is not right, was already used or has expired.")]
        return render_template("sharing/connect.html", form=form)
    except KeyNotCertifiedError:
        db.session.rollback()
        form.code.errors = [_("This person's key cannot be checked. Do not share; ask them.")]
        return render_template("sharing/connect.html", form=form)
    confirm = ConfirmCodeForm(formdata=None, code=form.code.data)
    return render_template(
        "sharing/connect_confirm.html",
        holder=holder,
        form=confirm,
        relation=RELATION_LABELS.get(holder.code.relation, ""),
    )


def _after_connect(owner_id: str, recipient_id: str) -> Response:
    if current_user.id == owner_id:
        flash(_("You are connected. Now choose what you share."), "success")
        return redirect(url_for("sharing.new", recipient_id=recipient_id))
    flash(_("You are connected. You will see what this person shares with you."), "success")
    return redirect(url_for("workspace.caseload"))


@bp.route("/invite", methods=["GET", "POST"])
@roles(Role.OWNER)
def invite() -> str:
    """A code for a supporter (language coach, buddy, family, broker), valid two days."""
    form = InviteForm()
    code = None
    if form.validate_on_submit():
        code, _row = connections.issue_code(
            dbs(), current_user, CodePurpose.INVITE, Relation(form.relation.data), utcnow()
        )
        db.session.commit()
    return render_template("sharing/invite.html", form=form, code=code)


@bp.route("/handback", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def handback_code() -> str:
    form = EmptyForm()
    code = None
    if form.validate_on_submit():
        code = handback.issue_code(dbs(), current_user, utcnow())
        db.session.commit()
    return render_template(
        "sharing/handback.html",
        form=form,
        code=code,
        fingerprint=signing.fingerprint(current_user.public_key),
    )
