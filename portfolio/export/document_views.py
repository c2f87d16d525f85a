"""The owner's portfolio document: choose (audience, parts, items, language, name), get
the signed PDF, see the documents made, revoke one, and download an endorsement as a
credential."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio import i18n
from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.models import Role
from portfolio.db import db, dbs, utcnow
from portfolio.entries import links
from portfolio.entries import services as entries
from portfolio.entries.errors import ItemNotFoundError
from portfolio.export import badges, bp, credentials, document, integrity, issued, pades, status
from portfolio.export.document import Audience, Choice, Section
from portfolio.export.errors import DocumentNotFoundError, SigningUnavailableError
from portfolio.export.forms import DUTCH_ONLY, AudienceForm, DocumentForm, RevokeForm
from portfolio.extensions import limiter
from portfolio.sharing import audit, endorsements
from portfolio.sharing.models import Action
from portfolio.web import (
    account_key,
    app_settings,
    attachment,
    blob_store,
    public_url_for,
    vault_context,
)

DOCUMENT_RATE = "20 per hour"  # per account: each one decrypts, renders and signs
SIGNING_MESSAGES = {
    "unreachable": _l(
        "The document could not be signed just now: the service that confirms the"
        " signing certificate did not answer. Your choices are kept. Please try again in"
        " a few minutes."
    ),
    "untrusted": _l(
        "The document could not be signed: this service does not trust the signing"
        " certificate of the municipality. Your choices are kept. Please tell your"
        " regievoerder (case manager)."
    ),
    "revoked": _l(
        "The document could not be signed: the signing certificate of the municipality"
        " has been revoked. Your choices are kept. Please tell your regievoerder"
        " (case manager)."
    ),
}


def _default_language() -> str:
    locale = current_user.locale
    return locale if i18n.is_supported(locale) and locale != i18n.DEFAULT_LOCALE else DUTCH_ONLY


@bp.route("/documents/new", methods=["GET"])
@roles(Role.OWNER)
def choose_audience() -> str | Response:
    form = AudienceForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("export.new_document", audience=form.audience.data))
    return render_template("export/audience.html", form=form, submitted=bool(request.args))


@bp.route("/documents/new/<audience>", methods=["GET", "POST"])
@limiter.limit(DOCUMENT_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def new_document(audience: str) -> str | Response:
    try:
        chosen = Audience(audience)
    except ValueError:
        return redirect(url_for("export.choose_audience"))
    found = document.candidates(dbs(), current_user.id, current_user_key())
    form = _document_form(chosen, found)
    if form.validate_on_submit():
        try:
            return _issue(_choice_of(form, chosen))
        except SigningUnavailableError as error:
            db.session.rollback()  # nothing of the attempt stays; the form keeps the choices
            flash(SIGNING_MESSAGES.get(error.reason, SIGNING_MESSAGES["unreachable"]), "error")
    by_section: dict[str, list[document.Candidate]] = {}
    for candidate in found:
        by_section.setdefault(candidate.section.value, []).append(candidate)
    return render_template(
        "export/new.html",
        form=form,
        audience=chosen,
        audience_label=document.AUDIENCE_LABELS[chosen],
        by_section=by_section,
        sensitive={c.item.id for c in found if c.sensitive},
        section_labels=document.SECTION_LABELS,
    )


def _document_form(chosen: Audience, found: list[document.Candidate]) -> DocumentForm:
    form = DocumentForm()
    form.items.choices = [(c.item.id, c.title) for c in found]
    if request.method == "GET":
        form.audience.data = chosen.value
        form.sections.data = sorted(document.DEFAULT_SECTIONS[chosen])
        form.items.data = sorted(document.default_items(found))
        form.language.data = _default_language()
    return form


def _choice_of(form: DocumentForm, chosen: Audience) -> Choice:
    return Choice(
        audience=Audience(form.audience.data or chosen.value),
        sections=frozenset(Section(s) for s in form.sections.data),
        items=frozenset(form.items.data or []),
        second_language=None if form.language.data == DUTCH_ONLY else form.language.data,
        shown_name=form.shown_name.data.strip(),
        name_on_verification_page=bool(form.name_on_page.data),
        include_sensitive_domains=bool(form.include_sensitive.data),
    )


def _issue(choice: Choice) -> Response:
    """Make, sign and hand over the document; only its hash stays, and the owner's log
    says it was made."""
    made = issued.issue(
        dbs(),
        vault_context(),
        current_user,
        current_user_key(),
        blob_store(),
        choice,
        public_url=app_settings().public_url,
        verify_url=public_url_for("verify.document", document_id="DOCUMENT"),
        service_name=app_settings().service_name,
        now=utcnow(),
        long_term=pades.configured(app_settings()),
    )
    audit.record(
        dbs(),
        actor=current_user,
        owner_id=current_user.id,
        action=Action.EXPORT,
        object_type="document",
        object_id=made.document.id,
    )
    db.session.commit()
    name = f"portfolio-{issued.shown_id(made.document.id)}.pdf"
    return attachment(made.pdf, "application/pdf", name)


@bp.route("/documents")
@roles(Role.OWNER)
def documents() -> str:
    return render_template(
        "export/documents.html",
        documents=issued.of_owner(dbs(), current_user.id),
        shown_id=issued.shown_id,
        audiences=document.AUDIENCE_LABELS,
        form=RevokeForm(),
    )


@bp.route("/documents/<document_id>/revoke", methods=["POST"])
@roles(Role.OWNER)
def revoke(document_id: str) -> Response:
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Something went wrong. Please try again."), "error")
        return redirect(url_for("export.documents"))
    try:
        revoked = issued.revoke(dbs(), current_user.id, document_id, utcnow())
    except DocumentNotFoundError:
        abort(404)
    audit.record(
        dbs(),
        actor=current_user,
        owner_id=current_user.id,
        action=Action.REVOKE,
        object_type="document",
        object_id=revoked.id,
    )
    db.session.commit()
    flash(_("The document is revoked. The verification page now says so."), "success")
    return redirect(url_for("export.documents"))


@bp.route("/items/<item_id>/credentials/<endorsement_id>.json", defaults={"linked_data": True})
@bp.route("/items/<item_id>/credentials/<endorsement_id>")
@roles(Role.OWNER)
def credential(item_id: str, endorsement_id: str, linked_data: bool = False) -> Response:
    """A holding endorsement of the owner's achievement, as an Open Badges 3.0 credential:
    a VC-JWT, or (``.json``) JSON-LD with a Data Integrity proof; the same bytes as in a
    portfolio document."""
    try:
        item = entries.get_item(dbs(), current_user.id, item_id)
    except ItemNotFoundError:
        abort(404)
    item_key, data = entries.open_item(item, current_user_key())
    shown = endorsements.shown(dbs(), item, item_key, data)
    if not any(v.endorsement.id == endorsement_id and v.holds for v in shown):
        abort(404)
    if status.is_revoked(dbs(), endorsement_id):
        flash(
            _(
                "This credential was revoked: the item changed after it was verified. "
                "Ask your regievoerder to verify it again."
            ),
            "error",
        )
        return redirect(links.item_url(item))
    made = [
        m
        for m in badges.of_item(
            dbs(), vault_context(), item, item_key, data, app_settings().public_url, shown
        )
        if m.endorsement_id == endorsement_id
    ]
    if not made:
        abort(404)  # verified, but not an achievement (a failed exam)
    db.session.commit()  # a credential key or status place made for a first credential
    if linked_data:
        return attachment(made[0].linked_data.encode(), integrity.MEDIA_TYPE, made[0].ld_name)
    return attachment(made[0].jwt.encode(), credentials.MEDIA_TYPE, made[0].jwt_name)
