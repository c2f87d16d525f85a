"""Suggested goals, both sides: a recipient whose share allows proposing suggests a goal
at /clients/<id>/goals/suggest; the owner takes it or not from the home page. Routes on
the clients and sharing blueprints."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.models import Role, User
from portfolio.accounts.web import account_key
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.goals import Term
from portfolio.entries.models import ItemKind
from portfolio.extensions import limiter
from portfolio.sharing import suggestions
from portfolio.sharing.errors import NoAccessError
from portfolio.sharing.forms import SuggestGoalForm, SuggestionAnswerForm
from portfolio.sharing.models import Action
from portfolio.sharing.recipient_views import RECIPIENTS, deny, log_for_owner, opened_for
from portfolio.sharing.recipient_views import bp as clients_bp
from portfolio.sharing.views import bp as sharing_bp

SUGGEST_RATE = "30 per hour"


@clients_bp.route("/clients/<owner_id>/goals/suggest", methods=["GET", "POST"])
@limiter.limit(SUGGEST_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def suggest_goal(owner_id: str) -> str | Response:
    opened = opened_for(owner_id)
    if not suggestions.may_suggest(opened):
        deny(owner_id, "goal", None)
        abort(403)
    names = dict(named(entries.life_domains(dbs())))
    form = SuggestGoalForm()
    form.domain.choices = [(c, names.get(c, c)) for c in sorted(opened.scope.domains)]
    back = url_for("clients.client", owner_id=opened.grant.owner_id)
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
        except suggestions.TooManySuggestionsError:
            db.session.rollback()
            form.title.errors = [
                _(
                    "You already have %(num)d suggestions waiting. Please wait for an answer.",
                    num=suggestions.MAX_OPEN,
                )
            ]
        except NoAccessError:
            db.session.rollback()
            deny(owner_id, "goal", None)
            abort(403)
        else:
            log_for_owner(opened, Action.PROPOSE, "goal", made.id)
            db.session.commit()
            flash(_("Your suggestion is sent. The newcomer decides."), "success")
            return redirect(back + "#suggestions")
    return render_template("clients/suggest_goal.html", form=form, opened=opened, back=back)


@sharing_bp.route("/suggestions/<item_id>", methods=["POST"])
@roles(Role.OWNER)
def answer_suggestion(item_id: str) -> Response:
    try:  # someone else's id, or no suggestion: 404 before anything else
        entries.get_item(dbs(), current_user.id, item_id, ItemKind.GOAL_SUGGESTION)
    except ItemNotFoundError:
        abort(404)
    form = SuggestionAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        goal = suggestions.answer(
            dbs(), current_user, current_user_key(), item_id, form.decision.data == "take"
        )
    except (ItemNotFoundError, InvalidContentError):
        abort(404)
    except suggestions.SuggestionClosedError:
        db.session.rollback()
        flash(_("You already answered this suggestion."), "info")
        return redirect(url_for("pages.dashboard") + "#suggestions")
    db.session.commit()
    if goal is None:
        flash(_("All right. The suggestion is put aside."), "success")
        return redirect(url_for("pages.dashboard") + "#suggestions")
    flash(_("The goal is in your portfolio now. You can change it as you like."), "success")
    return redirect(url_for("entries.show_goal", item_id=goal.id))
