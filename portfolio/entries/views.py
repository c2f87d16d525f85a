"""The owner's portfolio list (every kind, with filters) and the goals: add, show with
steps to tick, edit; archive and delete for every listed kind."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.db import db, dbs
from portfolio.entries import bp, files, panels, records, services
from portfolio.entries.domains import domain_name, named
from portfolio.entries.errors import InvalidContentError, ItemNotFoundError
from portfolio.entries.forms import GoalForm
from portfolio.entries.goals import Goal
from portfolio.entries.labels import STATUS_LABELS, TERM_LABELS
from portfolio.entries.models import Item, ItemKind
from portfolio.web import blob_store


def _domain_choices() -> list[tuple[str, str]]:
    return named(services.life_domains(dbs()))


def _goal_item(item_id: str) -> Item:
    try:
        return services.get_item(dbs(), current_user.id, item_id, ItemKind.GOAL)
    except ItemNotFoundError:
        abort(404)


@dataclass(frozen=True)
class Listed:
    item: Item
    title: str
    meta: str
    url: str
    icon: str


def _listed(item: Item) -> Listed:
    """The card of an item in the list: decrypts the item for its title."""
    data = services.read_data(item, current_user_key())
    if item.kind == ItemKind.GOAL.value:
        goal = Goal.from_json(data)
        meta = str(STATUS_LABELS[goal.status.value])
        if goal.steps:
            meta += " · " + _(
                "%(done)d of %(total)d steps done", done=goal.steps_done, total=len(goal.steps)
            )
        url = url_for("entries.show_goal", item_id=item.id)
        return Listed(item, goal.title, meta, url, "star")
    spec = records.BY_KIND[ItemKind(item.kind)]
    fields, names = records.split(data)
    title = records.title(spec, fields)
    meta = str(spec.plural)
    if names:
        meta += " · " + ngettext("%(num)d file", "%(num)d files", len(names))
    url = url_for("entries.show", slug=spec.slug, item_id=item.id)
    return Listed(item, title, meta, url, spec.icon)


EVIDENCE_KINDS = (
    ItemKind.CERTIFICATE,
    ItemKind.EXPERIENCE,
    ItemKind.EXAM_RESULT,
    ItemKind.REFLECTION,
)
MAX_EVIDENCE_CHOICES = 100


def _evidence_choices() -> list[tuple[str, str]]:
    """The owner's items a goal can point to as evidence (newest first)."""
    page = services.page_of_items(
        dbs(), current_user.id, EVIDENCE_KINDS, archived=None, size=MAX_EVIDENCE_CHOICES
    )
    return [(item.id, _listed(item).title) for item in page.items]


def _evidence_of(goal: Goal) -> list[Listed]:
    """The evidence items that still exist (a deleted item simply drops out)."""
    shown = []
    for item_id in goal.evidence:
        try:
            item = services.get_item(dbs(), current_user.id, item_id)
        except ItemNotFoundError:
            continue
        if ItemKind(item.kind) in EVIDENCE_KINDS:
            shown.append(_listed(item))
    return shown


KIND_FILTERS = {
    "goal": (ItemKind.GOAL,),
    **{spec.slug: (spec.kind,) for spec in records.KINDS if not spec.single},
}


@bp.route("/")
@roles(*PEOPLE)
def index() -> str:
    domains = _domain_choices()
    domain = request.args.get("domain") or None
    if domain not in dict(domains):
        domain = None
    kind = request.args.get("kind") or None
    if kind not in KIND_FILTERS:
        kind = None
    archived = request.args.get("archived") == "1"
    number = request.args.get("page", "1")
    page = services.page_of_items(
        dbs(),
        current_user.id,
        KIND_FILTERS[kind] if kind else services.LISTED_KINDS,
        domain=domain,
        archived=archived,
        number=int(number) if number.isascii() and number.isdigit() and len(number) < 6 else 1,
    )
    return render_template(
        "entries/index.html",
        entries=[_listed(item) for item in page.items],
        page=page,
        domains=domains,
        domain=domain,
        kind=kind,
        kinds=[spec for spec in records.KINDS if not spec.single],
        archived=archived,
        domain_names=dict(domains),
    )


@bp.route("/goals/new", methods=["GET", "POST"])
@roles(*PEOPLE)
def new_goal() -> str | Response:
    form = GoalForm()
    domains = _domain_choices()
    form.set_domains(domains)
    form.set_evidence(_evidence_choices())
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
    item_key, data = services.open_item(item, current_user_key())
    goal = Goal.from_json(data)
    return render_template(
        "entries/goal.html",
        item=item,
        goal=goal,
        domain=domain_name(item.domain_code or "", item.domain_code or ""),
        status_labels=STATUS_LABELS,
        term_labels=TERM_LABELS,
        evidence=_evidence_of(goal),
        form=EmptyForm(),
        panels=panels.for_item(dbs(), item, item_key, data),
    )


@bp.route("/goals/<item_id>/edit", methods=["GET", "POST"])
@roles(*PEOPLE)
def edit_goal(item_id: str) -> str | Response:
    item = _goal_item(item_id)
    form = GoalForm()
    form.set_domains(_domain_choices())
    form.set_evidence(_evidence_choices())
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


def _listed_item(item_id: str) -> Item:
    """A goal or a record that lives in the list (not a self-assessment or a summary)."""
    try:
        item = services.get_item(dbs(), current_user.id, item_id)
    except ItemNotFoundError:
        abort(404)
    if ItemKind(item.kind) not in services.LISTED_KINDS:
        abort(404)
    return item


@bp.route("/items/<item_id>/archive", methods=["POST"])
@roles(*PEOPLE)
def archive(item_id: str) -> Response:
    item = _listed_item(item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_archived(dbs(), item, current_user_key(), not item.archived)
    db.session.commit()
    flash(
        _("Moved to the archive.") if item.archived else _("Taken out of the archive."), "success"
    )
    return redirect(url_for("entries.index"))


@bp.route("/items/<item_id>/delete", methods=["GET", "POST"])
@roles(*PEOPLE)
def delete(item_id: str) -> str | Response:
    item = _listed_item(item_id)
    form = EmptyForm()
    if form.validate_on_submit():
        blob_ids = files.blobs_of_item(dbs(), item)
        services.delete_item(dbs(), item, current_user_key())
        db.session.commit()
        blob_store().delete_all(blob_ids)
        flash(_("Deleted. It cannot be brought back."), "success")
        return redirect(url_for("entries.index"))
    listed = _listed(item)  # decrypted only to ask
    return render_template(
        "entries/delete.html", item=item, title=listed.title, form=form, back=listed.url
    )
