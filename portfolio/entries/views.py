"""The owner's goals: list with filters, add, show with steps to tick, edit, archive, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.db import db, dbs
from portfolio.entries import services
from portfolio.entries.domains import domain_name, named
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.forms import STATUS_LABELS, TERM_LABELS, GoalForm
from portfolio.entries.models import Item, ItemKind

bp = Blueprint("entries", __name__, url_prefix="/portfolio")


def _domain_choices() -> list[tuple[str, str]]:
    return named(services.life_domains(dbs()))


def _goal_item(item_id: str) -> Item:
    try:
        return services.get_item(dbs(), current_user.id, item_id, ItemKind.GOAL)
    except ItemNotFoundError:
        abort(404)


@bp.route("/")
@roles(*PEOPLE)
def index() -> str:
    domains = _domain_choices()
    domain = request.args.get("domain") or None
    if domain not in dict(domains):
        domain = None
    archived = request.args.get("archived") == "1"
    goals = services.list_goals(
        dbs(), current_user.id, current_user_key(), domain=domain, archived=archived
    )
    return render_template(
        "entries/index.html",
        goals=goals,
        domains=domains,
        domain=domain,
        archived=archived,
        status_labels=STATUS_LABELS,
        domain_names=dict(domains),
    )


@bp.route("/goals/new", methods=["GET", "POST"])
@roles(*PEOPLE)
def new_goal() -> str | Response:
    form = GoalForm()
    domains = _domain_choices()
    form.set_domains(domains)
    if request.method == "GET" and request.args.get("domain") in dict(domains):
        form.domain.data = request.args["domain"]
    if form.validate_on_submit():
        item = services.create_goal(
            dbs(), current_user.id, current_user_key(), form.domain.data, form.to_goal()
        )
        db.session.commit()
        flash(_("Your goal is saved."), "success")
        return redirect(url_for("entries.show_goal", item_id=item.id))
    return render_template("entries/goal_form.html", form=form, item=None)


@bp.route("/goals/<item_id>")
@roles(*PEOPLE)
def show_goal(item_id: str) -> str:
    item = _goal_item(item_id)
    goal = services.read_goal(item, current_user_key())
    return render_template(
        "entries/goal.html",
        item=item,
        goal=goal,
        domain=domain_name(item.domain_code or "", item.domain_code or ""),
        status_labels=STATUS_LABELS,
        term_labels=TERM_LABELS,
        form=EmptyForm(),
    )


@bp.route("/goals/<item_id>/edit", methods=["GET", "POST"])
@roles(*PEOPLE)
def edit_goal(item_id: str) -> str | Response:
    item = _goal_item(item_id)
    form = GoalForm()
    form.set_domains(_domain_choices())
    if request.method == "GET":
        form.fill_from(services.read_goal(item, current_user_key()), item.domain_code)
    elif form.validate_on_submit():
        services.update_goal(dbs(), item, current_user_key(), form.domain.data, form.to_goal())
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("entries.show_goal", item_id=item.id))
    return render_template("entries/goal_form.html", form=form, item=item)


@bp.route("/goals/<item_id>/steps/<int:index>", methods=["POST"])
@roles(*PEOPLE)
def toggle_step(item_id: str, index: int) -> Response:
    item = _goal_item(item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.toggle_step(dbs(), item, current_user_key(), index)
    except InvalidContentError:
        abort(404)
    db.session.commit()
    return redirect(url_for("entries.show_goal", item_id=item.id) + f"#step-{index}")


@bp.route("/items/<item_id>/archive", methods=["POST"])
@roles(*PEOPLE)
def archive(item_id: str) -> Response:
    item = _goal_item(item_id)  # other kinds get their archive with their own pages
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_archived(dbs(), item, not item.archived)
    db.session.commit()
    flash(
        _("Moved to the archive.") if item.archived else _("Taken out of the archive."), "success"
    )
    return redirect(url_for("entries.index"))


@bp.route("/items/<item_id>/delete", methods=["GET", "POST"])
@roles(*PEOPLE)
def delete(item_id: str) -> str | Response:
    item = _goal_item(item_id)
    form = EmptyForm()
    if form.validate_on_submit():
        services.delete_item(dbs(), item)
        db.session.commit()
        flash(_("Deleted. It cannot be brought back."), "success")
        return redirect(url_for("entries.index"))
    title = services.read_goal(item, current_user_key()).title
    return render_template("entries/delete.html", item=item, title=title, form=form)
