"""Self-assessment per life domain, and the history of them with a chart."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.progress import services
from portfolio.progress.forms import self_assessment_form

bp = Blueprint("progress", __name__, url_prefix="/progress")


def domain_axes() -> list[tuple[str, str]]:
    return named(entries.life_domains(dbs()))


@bp.route("/self-assessment", methods=["GET", "POST"])
@roles(*PEOPLE)
def new_self_assessment() -> str | Response:
    domains = domain_axes()
    form = self_assessment_form(domains)
    if form.validate_on_submit():
        services.record_self_assessment(
            dbs(), current_user.id, current_user_key(), form.to_assessment()
        )
        db.session.commit()
        flash(_("Thank you. Your answers are saved."), "success")
        return redirect(url_for("progress.history"))
    return render_template("progress/self_assessment.html", form=form)


@bp.route("/")
@roles(*PEOPLE)
def history() -> str:
    recorded = services.self_assessments(dbs(), current_user.id, current_user_key())
    return render_template("progress/history.html", recorded=recorded, axes=domain_axes())
