"""The owner's threads on one item with the people they share it with."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.models import Role
from portfolio.accounts.services import people_by_id
from portfolio.db import db, dbs, utcnow
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.links import item_url
from portfolio.entries.models import ItemKind
from portfolio.extensions import limiter
from portfolio.sharing import bp, comments, present, suggestions
from portfolio.sharing.errors import SuggestionClosedError
from portfolio.sharing.forms import CommentForm, SuggestionAnswerForm
from portfolio.web import account_key


@bp.route("/items/<item_id>/feedback", methods=["GET", "POST"])
@limiter.limit(comments.MESSAGE_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def feedback(item_id: str) -> str | Response:
    """The owner's threads on one item: one per person who may comment or has written."""
    session, now = dbs(), utcnow()
    try:
        item = entries.get_item(session, current_user.id, item_id)
    except ItemNotFoundError:
        abort(404)
    item_key, data = entries.open_item(item, current_user_key())
    writable = set(comments.partners_who_may_comment(session, item, now))
    partners = writable | set(comments.partners_with_threads(session, item))
    form = CommentForm()
    if form.validate_on_submit():
        if form.partner.data not in writable:
            abort(404)
        comments.add(
            session, item, item_key, current_user, form.partner.data, form.text.data.strip(), now
        )
        db.session.commit()
        flash(_("Your message is sent."), "success")
        return redirect(
            url_for("sharing.feedback", item_id=item.id) + f"#thread-{form.partner.data}"
        )
    people = people_by_id(dbs(), partners)
    threads = [
        (people[p], comments.thread(session, item, item_key, p), p in writable)
        for p in sorted(partners, key=lambda p: people[p].display_name or people[p].username)
        if p in people
    ]
    page = render_template(
        "sharing/feedback.html",
        item=item,
        title=present.title_of(item, data),
        threads=threads,
        form=form,
        back=item_url(item),
    )
    for partner in partners:
        comments.mark_seen(session, item.id, partner, current_user.id, now)
    db.session.commit()
    return page


@bp.route("/suggestions/<item_id>", methods=["POST"])
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
    except SuggestionClosedError:
        db.session.rollback()
        flash(_("You already answered this suggestion."), "info")
        return redirect(url_for("pages.dashboard") + "#suggestions")
    db.session.commit()
    if goal is None:
        flash(_("All right. The suggestion is put aside."), "success")
        return redirect(url_for("pages.dashboard") + "#suggestions")
    flash(_("The goal is in your portfolio now. You can change it as you like."), "success")
    return redirect(url_for("entries.show_goal", item_id=goal.id))
