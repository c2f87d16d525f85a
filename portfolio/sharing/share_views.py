"""The owner's shares: the overview of connections and shares, a share made or changed
with a preview of exactly what the other person will see, its end date, revoking it,
and removing a connection.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.accounts.services import people_by_id
from portfolio.db import db, dbs, utcnow
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.labels import KIND_LABELS
from portfolio.sharing import bp, connections, grants, handovers, present
from portfolio.sharing.errors import (
    EmptyScopeError,
    GrantExistsError,
    GrantNotFoundError,
    KeyNotCertifiedError,
    NotConnectedError,
)
from portfolio.sharing.forms import CodeForm, ExtendForm, ShareForm, end_of_day
from portfolio.sharing.labels import PURPOSE_LABELS, RELATION_LABELS
from portfolio.sharing.models import Grant, Relation
from portfolio.sharing.scope import SHAREABLE_KINDS, Scope, default_scope

logger = logging.getLogger(__name__)


MAX_ITEM_CHOICES = 200


@bp.route("/")
@roles(Role.OWNER)
def index() -> str:
    session, now = dbs(), utcnow()
    made = grants.grants_of_owner(session, current_user.id)
    people = {c.person.id: c for c in connections.connections_of(session, current_user.id)}
    active = {g.recipient_id: g for g in made if grants.is_active(g, now)}
    ended = [g for g in made if not grants.is_active(g, now)]
    names = people_by_id(session, {g.recipient_id for g in made} | set(people))
    return render_template(
        "sharing/index.html",
        connections=list(people.values()),
        active=active,
        ended=ended[:20],
        names=names,
        handovers=handovers.pending_handovers(session, current_user.id),
        relation_labels=RELATION_LABELS,
        code_form=CodeForm(),
        form=EmptyForm(),
    )


def _recipient(recipient_id: str) -> User:
    if connections.connection_between(dbs(), current_user.id, recipient_id[:32]) is None:
        abort(404)
    person = dbs().get(User, recipient_id[:32])
    if person is None or not person.active:
        abort(404)
    return person


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.value, str(KIND_LABELS[k.value])) for k in SHAREABLE_KINDS]


def _item_choices() -> list[tuple[str, str]]:
    page = entries.page_of_items(
        dbs(), current_user.id, SHAREABLE_KINDS, archived=False, size=MAX_ITEM_CHOICES
    )
    key = current_user_key()
    return [
        (
            item.id,
            f"{KIND_LABELS[item.kind]}: " + present.title_of(item, entries.read_data(item, key)),
        )
        for item in page.items
    ]


def _share_form(person: User, grant: Grant | None) -> ShareForm:
    form = ShareForm()
    form.set_choices(_kind_choices(), named(entries.life_domains(dbs())), _item_choices())
    if request.method == "GET":
        if grant is not None:
            opened = grants.open_as_owner(grant, current_user_key())
            scope = opened.scope
            form.shown_name.data = opened.note.shown_name
            form.purpose.data = grant.purpose
            form.purpose_text.data = opened.note.purpose_text
            form.may_comment.data = grant.may_comment
            form.may_propose.data = grant.may_propose
            form.may_verify.data = grant.may_verify
        else:
            relation = _relation(person)
            scope = default_scope(relation, [c.value for c in form.domains.choices])
            form.purpose.data = "pip" if relation == Relation.REGIEVOERDER.value else None
            form.shown_name.data = _last_shown_name()
            earlier = handovers.handover_template(dbs(), current_user.id, person.id)
            if earlier is not None:  # what was shared with the one who left; the
                scope = grants.scope_of(earlier)  # permissions are chosen again
                form.purpose.data = earlier.purpose
        form.kinds.data = sorted(scope.kinds)
        form.domains.data = sorted(scope.domains)
        form.items.data = sorted(scope.items)
    return form


def _relation(person: User) -> str:
    connection = connections.connection_between(dbs(), current_user.id, person.id)
    return connection.relation if connection else Relation.OTHER.value


def _last_shown_name() -> str:
    """The name the owner gave in their latest share that still opens."""
    for grant in grants.grants_of_owner(dbs(), current_user.id):
        if grant.owner_wrapped_key is not None:
            return grants.open_as_owner(grant, current_user_key()).note.shown_name
    return ""


def _terms(form: ShareForm) -> grants.ShareTerms:
    return grants.ShareTerms(
        scope=Scope(
            frozenset(form.kinds.data or []),
            frozenset(form.domains.data or []),
            frozenset(form.items.data or []),
        ),
        purpose=form.purpose.data,
        purpose_text=(form.purpose_text.data or "").strip(),
        shown_name=form.shown_name.data.strip(),
        ends_at=end_of_day(form.ends_on(utcnow().date())),
        may_comment=bool(form.may_comment.data),
        may_propose=bool(form.may_propose.data),
        may_verify=bool(form.may_verify.data),
    )


def _preview(terms: grants.ShareTerms) -> dict[str, list[present.Shown]]:
    """Exactly what the recipient will see, grouped by life domain."""
    key = current_user_key()
    grouped: dict[str, list[present.Shown]] = defaultdict(list)
    for item in grants.covered_items(dbs(), current_user.id, terms.scope):
        if item.archived:
            continue
        grouped[item.domain_code or ""].append(
            present.shown(item, entries.read_data(item, key), terms.scope)
        )
    return dict(grouped)


def _share_flow(person: User, grant: Grant | None) -> str | Response:
    form = _share_form(person, grant)
    action = (
        url_for("sharing.change", grant_id=grant.id)
        if grant
        else url_for("sharing.new", recipient_id=person.id)
    )
    if not form.validate_on_submit():
        return _render_share(form, person, action, grant)
    terms = _terms(form)
    if terms.scope.is_empty:
        form.kinds.errors = [_("Please choose what you share, and from which life domains.")]
        return _render_share(form, person, action, grant)
    if form.step.data == "edit":
        return _render_share(form, person, action, grant)
    if form.step.data != "confirm":
        return render_template(
            "sharing/preview.html",
            form=form,
            person=person,
            action=action,
            grouped=_preview(terms),
            domains={c.value: c.label for c in form.domains.choices},
            terms=terms,
            purpose=PURPOSE_LABELS.get(terms.purpose, ""),
            grant=grant,
            last_day=(terms.ends_at - timedelta(seconds=1)).date(),
        )
    session, now = dbs(), utcnow()
    try:
        if grant is None:
            grant = grants.create_grant(
                session, current_user, current_user_key(), person, terms, now
            )
            message = _("You now share with %(name)s.", name=person.display_name or person.username)
        else:
            grants.change_grant(session, current_user, current_user_key(), grant, terms, now)
            message = _("The share is changed.")
    except (GrantExistsError, GrantNotFoundError, NotConnectedError, KeyNotCertifiedError):
        db.session.rollback()
        flash(_("This share could not be made. Please look at your shares and try again."), "error")
        return redirect(url_for("sharing.index"))
    except EmptyScopeError:
        db.session.rollback()
        form.kinds.errors = [_("Please choose what you share, and from which life domains.")]
        return _render_share(form, person, action, grant)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("sharing.show", grant_id=grant.id))


def _render_share(form: ShareForm, person: User, action: str, grant: Grant | None) -> str:
    form.step.data = "preview"
    return render_template(
        "sharing/share_form.html",
        form=form,
        person=person,
        action=action,
        grant=grant,
        relation=RELATION_LABELS.get(_relation(person), ""),
        sensitive={"health"},
    )


@bp.route("/new/<recipient_id>", methods=["GET", "POST"])
@roles(Role.OWNER)
def new(recipient_id: str) -> str | Response:
    person = _recipient(recipient_id)
    existing = grants.active_grant(dbs(), current_user.id, person.id, utcnow())
    if existing is not None:
        return redirect(url_for("sharing.change", grant_id=existing.id))
    return _share_flow(person, None)


def _own_grant(grant_id: str) -> Grant:
    try:
        return grants.owner_grant(dbs(), current_user.id, grant_id)
    except GrantNotFoundError:
        abort(404)


@bp.route("/<grant_id>/change", methods=["GET", "POST"])
@roles(Role.OWNER)
def change(grant_id: str) -> str | Response:
    grant = _own_grant(grant_id)
    if not grants.is_active(grant, utcnow()):
        return redirect(url_for("sharing.show", grant_id=grant.id))
    return _share_flow(_recipient(grant.recipient_id), grant)


@bp.route("/<grant_id>")
@roles(Role.OWNER)
def show(grant_id: str) -> str:
    grant = _own_grant(grant_id)
    now = utcnow()
    person = dbs().get(User, grant.recipient_id)
    active = grants.is_active(grant, now)
    opened = grants.open_as_owner(grant, current_user_key()) if grant.owner_wrapped_key else None
    grouped = (
        _preview(grants.ShareTerms(opened.scope, grant.purpose, "", "", grant.ends_at))
        if opened and active
        else {}
    )
    return render_template(
        "sharing/grant.html",
        grant=grant,
        person=person,
        active=active,
        note=opened.note if opened else None,
        grouped=grouped,
        domains=dict(named(entries.life_domains(dbs()))),
        purpose=PURPOSE_LABELS.get(grant.purpose, ""),
        extend_form=ExtendForm(formdata=None),
        form=EmptyForm(),
    )


@bp.route("/<grant_id>/extend", methods=["POST"])
@roles(Role.OWNER)
def extend(grant_id: str) -> str | Response:
    grant = _own_grant(grant_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for f in form for e in f.errors) or _("Please try again."), "error")
        return redirect(url_for("sharing.show", grant_id=grant.id))
    try:
        grants.extend_grant(
            dbs(), current_user, grant, end_of_day(form.ends_on(utcnow().date())), utcnow()
        )
    except GrantNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("The end date is changed."), "success")
    return redirect(url_for("sharing.show", grant_id=grant.id))


@bp.route("/<grant_id>/revoke", methods=["POST"])
@roles(Role.OWNER)
def revoke(grant_id: str) -> Response:
    grant = _own_grant(grant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    grants.revoke_grant(dbs(), current_user, grant, utcnow())
    db.session.commit()
    flash(_("You stopped sharing. From now on this person sees nothing."), "success")
    return redirect(url_for("sharing.index"))


@bp.route("/connections/<connection_id>/remove", methods=["POST"])
@roles(Role.OWNER)
def disconnect(connection_id: str) -> Response:
    connection = next(
        (
            c.connection
            for c in connections.connections_of(dbs(), current_user.id)
            if c.connection.id == connection_id
        ),
        None,
    )
    if connection is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    grants.disconnect(dbs(), current_user, connection, utcnow())
    db.session.commit()
    flash(_("The connection is removed."), "success")
    return redirect(url_for("sharing.index"))
