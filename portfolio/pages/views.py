"""Public information pages, the landing pages after login and the language switch."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, public, roles
from portfolio.accounts.services import set_locale
from portfolio.accounts.web import home_for, safe_next
from portfolio.db import db, dbs, utcnow
from portfolio.entries import overview, reminders
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.extensions import limiter
from portfolio.i18n import is_supported, remember_language
from portfolio.pages import bp
from portfolio.progress import services as progress
from portfolio.sharing.forms import SuggestionAnswerForm
from portfolio.sharing.hooks import new_feedback, waiting_suggestions


@bp.route("/")
@public
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("pages/index.html")


@bp.route("/privacy")
@public
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.route("/language", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
@public
def set_language() -> str | Response:
    if request.method == "GET":
        return render_template("pages/language.html", next=safe_next(url_for("pages.index")))
    code = request.form.get("lang", "")
    if not is_supported(code):
        abort(400)
    if current_user.is_authenticated:
        set_locale(dbs(), current_user, code)
        db.session.commit()
    return remember_language(redirect(safe_next(url_for("pages.index"))), code)


@bp.route("/home")
@roles(*PEOPLE)
def dashboard() -> str:
    session = dbs()
    goals = entries.goal_digests(session, current_user.id, current_user_key())
    domains = entries.life_domains(session)
    page = render_template(
        "pages/dashboard.html",
        domains=overview.domain_summaries(domains, goals),
        due=overview.due_goals(goals, utcnow().date()),
        goal_count=len(goals),
        recorded=progress.self_assessments(session, current_user.id, current_user_key()),
        axes=named(domains),
        reminders=reminders.for_owner(
            session, current_user.id, current_user_key(), utcnow().date()
        ),
        feedback=new_feedback(),
        suggested=waiting_suggestions(),
        answer_form=SuggestionAnswerForm(formdata=None),
    )
    db.session.commit()  # a summary rebuilt from the goals is kept
    return page
