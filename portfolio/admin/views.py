"""The municipal administrator: staff accounts (create, deactivate with a successor,
reactivate), the municipality's name, and counts. Never portfolio content."""

from __future__ import annotations

import logging

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portfolio.accounts import municipalities
from portfolio.accounts.access import roles
from portfolio.accounts.errors import UsernameTakenError
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Municipality, Role, User
from portfolio.admin import bp, services
from portfolio.admin.errors import LastAdministratorError, StaffNotFoundError
from portfolio.admin.forms import (
    CertificateForm,
    DeactivateForm,
    LogoForm,
    MunicipalityForm,
    NewStaffForm,
)
from portfolio.db import db, dbs, utcnow
from portfolio.forms import select_choices
from portfolio.uploads.errors import Rejection, UploadRejected
from portfolio.vault import certificates, signing
from portfolio.web import REJECTIONS, vault_context

logger = logging.getLogger(__name__)
MAX_CERTIFICATE_BYTES = 64 * 1024


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
    except StaffNotFoundError:
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
        except LastAdministratorError:
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


def _municipality() -> Municipality:
    municipality: Municipality | None = current_user.municipality
    if municipality is None:
        abort(404)
    return municipality


def _settings_page(
    name_form: MunicipalityForm | None = None,
    logo_form: LogoForm | None = None,
    certificate_form: CertificateForm | None = None,
) -> str:
    municipality = _municipality()
    cert = municipalities.certificate_of(dbs(), vault_context(), municipality)
    subject, valid_from, valid_until = certificates.describe(cert.certificate)
    page = render_template(
        "admin/settings.html",
        municipality=municipality,
        form=name_form or MunicipalityForm(obj=municipality, formdata=None),
        logo_form=logo_form or LogoForm(formdata=None),
        certificate_form=certificate_form or CertificateForm(formdata=None),
        certificate=cert,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        empty_form=EmptyForm(),
    )
    db.session.commit()  # a development certificate made just now is kept
    return page


@bp.route("/settings", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings() -> str | Response:
    municipality = _municipality()
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        try:
            municipalities.rename(dbs(), vault_context(), municipality, form.name.data.strip())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors = [_("Another municipality already has this name.")]
        else:
            flash(_("The name is saved."), "success")
            return redirect(url_for("admin.settings"))
    return _settings_page(name_form=form)


LOGO_UNSUPPORTED = _l(
    "This kind of file cannot be used. Please use a picture (JPEG, PNG, WebP or HEIC)."
)


@bp.route("/settings/logo", methods=["POST"])
@roles(Role.ADMIN)
def logo() -> str | Response:
    municipality = _municipality()
    form = LogoForm()
    if form.validate_on_submit():
        try:
            municipalities.set_logo(dbs(), municipality, form.logo.data.read())
        except UploadRejected as rejected:
            db.session.rollback()
            logger.info("logo refused: %s", rejected.reason.value)
            form.logo.errors = [
                str(LOGO_UNSUPPORTED)
                if rejected.reason is Rejection.UNSUPPORTED
                else str(REJECTIONS[rejected.reason])
                % {"mb": municipalities.LOGO_LIMITS.max_bytes // 2**20}
            ]
        else:
            db.session.commit()
            flash(_("The logo is saved."), "success")
            return redirect(url_for("admin.settings") + "#org-logo")
    return _settings_page(logo_form=form)


@bp.route("/settings/logo/remove", methods=["POST"])
@roles(Role.ADMIN)
def remove_logo() -> Response:
    municipality = _municipality()
    if not EmptyForm().validate_on_submit():
        abort(400)
    municipalities.remove_logo(dbs(), municipality)
    db.session.commit()
    flash(_("The logo is removed."), "success")
    return redirect(url_for("admin.settings") + "#org-logo")


@bp.route("/settings/logo.jpg")
@roles(Role.ADMIN)
def logo_image() -> Response:
    municipality = _municipality()
    if municipality.logo is None:
        abort(404)
    response = make_response(municipality.logo)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


CERTIFICATE_ERRORS = {
    "unreadable": _l("This file cannot be read as a PKCS#12 file (.p12 or .pfx)."),
    "password": _l("The password does not open this file."),
    "no_key": _l("The file must hold both the certificate and its private key."),
    "key_type": _l(
        "The key must be an EC key (P-256 or P-384) or an RSA key of at least 2048 bits."
    ),
    "expired": _l("This certificate is not valid today."),
    "mismatch": _l("The private key does not belong to the certificate."),
}


@bp.route("/settings/certificate", methods=["POST"])
@roles(Role.ADMIN)
def certificate() -> str | Response:
    municipality = _municipality()
    form = CertificateForm()
    if form.validate_on_submit():
        data = form.certificate.data.read(MAX_CERTIFICATE_BYTES + 1)
        try:
            if len(data) > MAX_CERTIFICATE_BYTES:
                raise certificates.CertificateError("unreadable")
            municipalities.replace_certificate(
                dbs(), vault_context(), municipality, data, form.password.data or ""
            )
        except certificates.CertificateError as error:
            db.session.rollback()
            form.certificate.errors = [str(CERTIFICATE_ERRORS[error.reason])]
        else:
            db.session.commit()
            flash(_("The certificate is saved. New documents are signed with it."), "success")
            return redirect(url_for("admin.settings") + "#org-certificate")
    return _settings_page(certificate_form=form)


@bp.route("/settings/certificate/development", methods=["POST"])
@roles(Role.ADMIN)
def development_certificate() -> Response:
    municipality = _municipality()
    if not EmptyForm().validate_on_submit():
        abort(400)
    municipalities.development_certificate(dbs(), vault_context(), municipality)
    db.session.commit()
    flash(_("A new development certificate is made."), "success")
    return redirect(url_for("admin.settings") + "#org-certificate")


@bp.route("/settings/certificate.pem")
@roles(Role.ADMIN)
def certificate_pem() -> Response:
    """The certificate (public), to give to verifiers who want to trust it."""
    cert = municipalities.certificate_of(dbs(), vault_context(), _municipality())
    db.session.commit()
    pem = x509.load_der_x509_certificate(cert.certificate).public_bytes(serialization.Encoding.PEM)
    response = make_response(pem)
    response.headers["Content-Type"] = "application/x-pem-file"
    response.headers["Content-Disposition"] = 'attachment; filename="certificate.pem"'
    return response
