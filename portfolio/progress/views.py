"""Self-assessment per life domain, and the history of them with a chart."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.i18n import current_language
from portfolio.progress import bp, services
from portfolio.progress.forms import language_levels_form, self_assessment_form
from portfolio.progress.language import I_CAN, SKILLS
from portfolio.progress.timeline import Line, timeline


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


@bp.route("/language/new", methods=["GET", "POST"])
@roles(*PEOPLE)
def new_language_levels() -> str | Response:
    form = language_levels_form()
    history = services.language_history(dbs(), current_user.id, current_user_key())
    if request.method == "GET" and history:
        last = history[-1].levels
        form.target.data = last.target or ""
        for skill, field in form.topic_fields():
            field.data = last.levels.get(skill)
    if form.validate_on_submit():
        services.record_language_levels(
            dbs(), current_user.id, current_user_key(), form.to_levels()
        )
        db.session.commit()
        flash(_("Thank you. Your answers are saved."), "success")
        return redirect(url_for("progress.language"))
    return render_template("progress/language_form.html", form=form)


@bp.route("/language")
@roles(*PEOPLE)
def language() -> str:
    history = services.language_history(dbs(), current_user.id, current_user_key())
    target = history[-1].levels.target if history else None
    lines = [Line(skill, [m.levels.levels.get(skill) for m in history]) for skill, _name in SKILLS]
    return render_template(
        "progress/language.html",
        history=history,
        skills=SKILLS,
        i_can=I_CAN,
        target=target,
        chart=timeline(lines, target, rtl=current_language(str(get_locale() or "nl")).rtl),
    )
