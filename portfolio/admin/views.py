"""The municipal administrator: staff accounts (create, deactivate with a successor,
reactivate), the municipality's name, and counts. Never portfolio content."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portfolio.accounts.access import roles
from portfolio.accounts.errors import UsernameTakenError
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.accounts.web import vault_context
from portfolio.admin import services
from portfolio.admin.forms import DeactivateForm, MunicipalityForm, NewStaffForm
from portfolio.db import db, dbs, utcnow
from portfolio.entries.forms import select_choices
from portfolio.vault import signing

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    municipality = current_user.municipality
    return render_template(
        "admin/index.html",
        municipality=municipality,
        staff=services.staff_of(dbs(), current_user.municipality_id or ""),
        counts=services.counts(dbs(), current_user.municipality_id or "", utcnow()),
        org_fingerprint=signing.fingerprint(municipality.signing_public_key)
        if municipality
        else None,
        form=EmptyForm(),
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_staff() -> str:
    form = NewStaffForm()
    if form.validate_on_submit():
        try:
            person, initial = services.create_staff(
                dbs(),
                vault_context(),
                current_user,
                form.username.data,
                form.display_name.data.strip(),
                Role(form.role.data),
            )
        except UsernameTakenError:
            db.session.rollback()
            form.username.errors = [_("This username is taken. Please choose another one.")]
        else:
            db.session.commit()
            return render_template("admin/staff_created.html", person=person, initial=initial)
    return render_template("admin/staff_new.html", form=form)


def _member(user_id: str) -> User:
    try:
        return services.staff_member(dbs(), current_user, user_id)
    except services.StaffNotFoundError:
        abort(404)


@bp.route("/staff/<user_id>/deactivate", methods=["GET", "POST"])
@roles(Role.ADMIN)
def deactivate(user_id: str) -> str | Response:
    person = _member(user_id)
    if person.id == current_user.id or not person.active:
        abort(404)
    form = DeactivateForm()
    others = [
        s
        for s in services.staff_of(dbs(), current_user.municipality_id or "")
        # Only someone who finished their own first login (passphrase and second step):
        # an account whose one-time passphrase an administrator still knows cannot take over.
        if s.active
        and s.id != person.id
        and s.role == Role.REGIEVOERDER.value
        and s.totp_enrolled_at is not None
        and not s.must_change_passphrase
    ]
    form.successor.choices = select_choices(
        [("", _("Nobody (newcomers choose themselves)"))]
        + [(s.id, s.display_name or s.username) for s in others]
    )
    if form.validate_on_submit():
        successor = next((s for s in others if s.id == form.successor.data), None)
        try:
            done = services.deactivate(dbs(), current_user, person, successor, utcnow())
        except services.LastAdministratorError:
            db.session.rollback()
            flash(_("A municipality needs at least one administrator."), "error")
            return redirect(url_for("admin.index"))
        db.session.commit()
        flash(
            ngettext(
                "%(name)s can no longer log in. %(num)d share ended.",
                "%(name)s can no longer log in. %(num)d shares ended.",
                done.grants_ended,
                name=person.display_name or person.username,
            ),
            "success",
        )
        return redirect(url_for("admin.index"))
    return render_template("admin/deactivate.html", person=person, form=form)


@bp.route("/staff/<user_id>/reactivate", methods=["POST"])
@roles(Role.ADMIN)
def reactivate(user_id: str) -> Response:
    person = _member(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reactivate(dbs(), person)
    db.session.commit()
    flash(_("%(name)s can log in again.", name=person.display_name or person.username), "success")
    return redirect(url_for("admin.index"))


@bp.route("/settings", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings() -> str | Response:
    municipality = current_user.municipality
    if municipality is None:
        abort(404)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        try:
            services.rename(dbs(), municipality, form.name.data.strip())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors = [_("Another municipality already has this name.")]
        else:
            flash(_("The name is saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/settings.html", form=form)
