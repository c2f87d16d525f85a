"""Forms of municipal administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from portfolio.accounts.forms import USERNAME_PATTERN
from portfolio.accounts.models import Role
from portfolio.forms import BaseForm, no_control_characters, select_choices, single_line

ROLES = [
    (Role.REGIEVOERDER.value, _l("Regievoerder (case manager)")),
    (Role.ADMIN.value, _l("Administrator")),
]


NAME = [
    DataRequired(message=_l("Please write the name.")),
    Length(max=120, message=_l("Please use at most 120 characters.")),
    no_control_characters,
    single_line,
]


class NewStaffForm(BaseForm):
    display_name = StringField(
        _l("Full name (newcomers see it)"),
        validators=NAME,
    )
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(message=_l("Please choose a username.")),
            Regexp(USERNAME_PATTERN, message=_l("Use 3 to 32 letters or numbers, and . - _ only.")),
        ],
    )
    role = SelectField(_l("Role"), choices=select_choices(ROLES))


class DeactivateForm(BaseForm):
    successor = SelectField(_l("Who takes over their newcomers?"), choices=[])


class MunicipalityForm(BaseForm):
    name = StringField(
        _l("Name of the municipality"),
        validators=NAME,
    )


class LogoForm(BaseForm):
    logo = FileField(
        _l("Logo (a picture: JPEG, PNG, WebP or HEIC)"),
        validators=[FileRequired(message=_l("Please choose a picture."))],
    )


class CertificateForm(BaseForm):
    certificate = FileField(
        _l("Certificate with its private key (PKCS#12 file, .p12 or .pfx)"),
        validators=[FileRequired(message=_l("Please choose a file."))],
    )
    password = PasswordField(
        _l("Password of the file"),
        validators=[Length(max=200, message=_l("Please use at most 200 characters."))],
    )
