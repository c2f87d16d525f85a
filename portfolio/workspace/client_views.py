"""One client's shared portfolio, read-only, for the people it is shared with: the list
by life domain, one item with its files and its feedback thread, a regievoerder's
verification of a certificate, a suggested goal, and the hand-back to a new account.
Every list and read is logged for the owner; so is every refusal (``sharing.access``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.blobs import BlobNotFoundError
from portfolio.db import db, dbs, utcnow
from portfolio.entries import files
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.goals import Term
from portfolio.entries.models import Item, ItemKind
from portfolio.extensions import limiter
from portfolio.sharing import (
    access,
    comments,
    endorsements,
    grants,
    handback,
    present,
    received,
    suggestions,
)
from portfolio.sharing.errors import (
    CodeNotValidError,
    NoAccessError,
    NotVerifiableError,
    TooManySuggestionsError,
)
from portfolio.sharing.forms import CodeForm, CommentForm, HandbackConfirmForm, SuggestGoalForm
from portfolio.sharing.labels import PURPOSE_LABELS
from portfolio.sharing.models import Action
from portfolio.vault.envelope import SymmetricKey
from portfolio.web import account_key, blob_store, file_response, vault_context
from portfolio.workspace import bp

logger = logging.getLogger(__name__)


def _log(
    opened: grants.OpenGrant, action: Action, object_type: str, object_id: str | None = None
) -> None:
    access.log_for_owner(opened, action, object_type, object_id)
    db.session.commit()


@bp.route("/clients/<owner_id>")
@roles(*access.RECIPIENTS)
def client(owner_id: str) -> str:
    opened = access.opened_for(owner_id)
    session = dbs()
    grouped: dict[str, list[present.Shown]] = defaultdict(list)
    shared = received.shared_items(session, opened)
    for item in shared:
        if item.kind == ItemKind.GOAL_SUGGESTION.value:
            continue  # listed apart, below
        _, item_key = received.shared_item_key(session, opened, item.id)
        data = entries.read_with_item_key(item, item_key)
        grouped[item.domain_code or ""].append(present.shown(item, data, opened.scope))
    _log(opened, Action.LIST, "portfolio")
    domains = named(entries.life_domains(session))
    return render_template(
        "workspace/client.html",
        opened=opened,
        grouped=grouped,
        domains=domains,
        purpose=PURPOSE_LABELS.get(opened.grant.purpose, ""),
        may_suggest=suggestions.may_suggest(opened),
        suggested=suggestions.written_by(session, opened, current_user.id, shared),
    )


@bp.route("/clients/<owner_id>/items/<item_id>")
@roles(*access.RECIPIENTS)
def item(owner_id: str, item_id: str) -> str:
    opened = access.opened_for(owner_id)
    shared, data, item_key = access.shared_item(opened, item_id)
    _log(opened, Action.READ, "item", shared.id)
    return _render_item(opened, shared, data, item_key, CommentForm())


def _render_item(
    opened: grants.OpenGrant,
    shared: Item,
    data: dict[str, Any],
    item_key: SymmetricKey,
    form: CommentForm,
) -> str:
    session, now = dbs(), utcnow()
    shown = present.shown(shared, data, opened.scope)
    stored = files.files_of(session, shared, shown.files) if shown.files else []
    verified = endorsements.shown(session, shared, item_key, data)
    page = render_template(
        "workspace/item.html",
        opened=opened,
        shown=shown,
        files=stored,
        domain=dict(named(entries.life_domains(session))).get(shared.domain_code or "", ""),
        thread=comments.thread(session, shared, item_key, current_user.id),
        form=form,
        verified=verified,
        may_verify=_may_verify(opened, shared)
        and not any(v.endorsement.endorser_id == current_user.id for v in verified),
    )
    comments.mark_seen(session, shared.id, current_user.id, current_user.id, now)
    db.session.commit()
    return page


def _may_verify(opened: grants.OpenGrant, shared: Item) -> bool:
    return (
        opened.grant.may_verify
        and current_user.role_enum is Role.REGIEVOERDER
        and shared.kind in endorsements.VERIFIABLE
    )


@bp.route("/clients/<owner_id>/items/<item_id>/comments", methods=["POST"])
@limiter.limit(comments.MESSAGE_RATE, key_func=account_key, methods=["POST"])
@roles(*access.RECIPIENTS)
def comment(owner_id: str, item_id: str) -> str | Response:
    opened = access.opened_for(owner_id)
    shared, data, item_key = access.shared_item(opened, item_id)
    if not opened.grant.may_comment:
        access.deny(owner_id, "item", shared.id)
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_item(opened, shared, data, item_key, form)
    comments.add(
        dbs(), shared, item_key, current_user, current_user.id, form.text.data.strip(), utcnow()
    )
    _log(opened, Action.COMMENT, "item", shared.id)
    flash(_("Your message is sent."), "success")
    return redirect(url_for("workspace.item", owner_id=owner_id, item_id=shared.id) + "#thread")


@bp.route("/clients/<owner_id>/items/<item_id>/verify", methods=["POST"])
@roles(Role.REGIEVOERDER)
def verify(owner_id: str, item_id: str) -> Response:
    """Mark a certificate as checked: signed with the municipality's key."""
    opened = access.opened_for(owner_id)
    shared, data, item_key = access.shared_item(opened, item_id)
    if not _may_verify(opened, shared) or not EmptyForm().validate_on_submit():
        access.deny(owner_id, "item", shared.id)
        abort(403)
    try:
        endorsements.endorse(
            dbs(),
            vault_context().app_keys,
            current_user,
            shared,
            item_key,
            data,
            utcnow(),
            holder_name=opened.note.shown_name,
        )
    except NotVerifiableError:
        db.session.rollback()
        flash(_("You already verified this."), "info")
    else:
        _log(opened, Action.VERIFY, "item", shared.id)
        flash(_("You marked this as verified."), "success")
    return redirect(url_for("workspace.item", owner_id=owner_id, item_id=shared.id))


@bp.route(
    "/clients/<owner_id>/items/<item_id>/endorsements/<endorsement_id>/withdraw",
    methods=["POST"],
)
@roles(Role.REGIEVOERDER)
def withdraw(owner_id: str, item_id: str, endorsement_id: str) -> Response:
    opened = access.opened_for(owner_id)
    shared, _data, _key = access.shared_item(opened, item_id)
    endorsement = next(
        (e for e in endorsements.active(dbs(), shared) if e.id == endorsement_id), None
    )
    if endorsement is None or endorsement.endorser_id != current_user.id:
        access.deny(owner_id, "item", shared.id)
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    endorsements.withdraw(dbs(), endorsement, current_user, utcnow())
    _log(opened, Action.WITHDRAW, "item", shared.id)
    flash(_("Your verification is withdrawn."), "success")
    return redirect(url_for("workspace.item", owner_id=owner_id, item_id=shared.id))


@bp.route("/clients/<owner_id>/items/<item_id>/files/<file_id>")
@roles(*access.RECIPIENTS)
def file(owner_id: str, item_id: str, file_id: str) -> Response:
    opened = access.opened_for(owner_id)
    shared, data, item_key = access.shared_item(opened, item_id)
    thumbnail = request.args.get("size") == "thumb"
    try:
        row = files.get_file(dbs(), shared, file_id)
        content = files.read_with_item_key(
            blob_store(),
            shared,
            row,
            item_key,
            thumbnail=thumbnail,
        )
    except (ItemNotFoundError, BlobNotFoundError):
        access.deny(opened.grant.owner_id, "file", file_id)
        abort(404)
    if not thumbnail:
        _log(opened, Action.READ, "file", row.id)
    names = present.shown(shared, data, opened.scope).files
    name = next((f.get("name") for f in names if f.get("id") == row.id), None)
    how = files.served(row, name, thumbnail=thumbnail, download=request.args.get("download") == "1")
    return file_response(content, how.media_type, how.download_name, attachment=how.attachment)


# -- what a recipient adds: a suggested goal, a hand-back to a new account ------------


SUGGEST_RATE = "30 per hour"


@bp.route("/clients/<owner_id>/goals/suggest", methods=["GET", "POST"])
@limiter.limit(SUGGEST_RATE, key_func=account_key, methods=["POST"])
@roles(*access.RECIPIENTS)
def suggest_goal(owner_id: str) -> str | Response:
    opened = access.opened_for(owner_id)
    if not suggestions.may_suggest(opened):
        access.deny(owner_id, "goal", None)
        abort(403)
    names = dict(named(entries.life_domains(dbs())))
    form = SuggestGoalForm()
    form.domain.choices = [(c, names.get(c, c)) for c in sorted(opened.scope.domains)]
    back = url_for("workspace.client", owner_id=opened.grant.owner_id)
    if form.validate_on_submit():
        owner = dbs().get(User, opened.grant.owner_id)
        if owner is None:
            abort(404)
        suggestion = suggestions.Suggestion(
            form.title.data.strip(),
            (form.note.data or "").strip(),
            current_user.id,
            Term(form.term.data),
        )
        try:
            made = suggestions.suggest(
                dbs(), opened, owner, current_user, form.domain.data, suggestion
            )
        except TooManySuggestionsError:
            db.session.rollback()
            form.title.errors = [
                _(
                    "You already have %(num)d suggestions waiting. Please wait for an answer.",
                    num=suggestions.MAX_OPEN,
                )
            ]
        except NoAccessError:
            db.session.rollback()
            access.deny(owner_id, "goal", None)
            abort(403)
        else:
            access.log_for_owner(opened, Action.PROPOSE, "goal", made.id)
            db.session.commit()
            flash(_("Your suggestion is sent. The newcomer decides."), "success")
            return redirect(back + "#suggestions")
    return render_template("workspace/suggest_goal.html", form=form, opened=opened, back=back)


@bp.route("/clients/<owner_id>/handback", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", key_func=account_key, methods=["POST"])
@roles(Role.REGIEVOERDER)
def hand_back(owner_id: str) -> str | Response:
    opened = access.opened_for(owner_id)
    form = CodeForm()
    confirm = HandbackConfirmForm()
    account = None
    if form.validate_on_submit():
        try:
            account = handback.look_up(dbs(), form.code.data, opened.grant.owner_id, utcnow())
        except CodeNotValidError:
            form.code.errors = [_("This code is not right, used or too old. Ask for a new one.")]
        else:
            if confirm.confirm.data and confirm.validate():
                done = handback.hand_back(
                    dbs(), blob_store(), opened, current_user, account, utcnow()
                )
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d item was handed back to the new account.",
                        "%(num)d items were handed back to the new account.",
                        done.items,
                    ),
                    "success",
                )
                return redirect(url_for("workspace.client", owner_id=opened.grant.owner_id))
    return render_template(
        "workspace/handback.html",
        form=form,
        confirm=confirm,
        account=account,
        owner_id=opened.grant.owner_id,
        shown_name=opened.note.shown_name,
    )
