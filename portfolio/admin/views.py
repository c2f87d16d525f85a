"""The municipal administrator's overview: staff accounts and their second factor."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from portfolio.accounts.access import roles
from portfolio.accounts.models import Role, User
from portfolio.db import db
from portfolio.vault import signing

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    municipality = current_user.municipality
    staff = db.session.scalars(
        select(User)
        .where(User.municipality_id == current_user.municipality_id)
        .order_by(User.display_name)
    ).all()
    return render_template(
        "admin/index.html",
        municipality=municipality,
        staff=staff,
        org_fingerprint=signing.fingerprint(municipality.signing_public_key)
        if municipality
        else None,
    )
