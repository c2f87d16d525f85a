"""Account forms (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Regexp

from portfolio.accounts.passphrases import MAX_LENGTH, MIN_LENGTH
from portfolio.forms import BaseForm, no_control_characters, single_line

USERNAME_PATTERN = re.compile(r"^[\w.-]{3,32}$")
USERNAME_HINT = _l("3 to 32 letters or numbers. You may also use . - _")


def username_field() -> StringField:
    return StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Please fill in a username.")),
            Length(max=32, message=_l("A username has at most 32 characters.")),
            no_control_characters,
            Regexp(USERNAME_PATTERN, message=_l("Use 3 to 32 letters or numbers, and . - _ only.")),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


def passphrase_field(label: str, autocomplete: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(_l("Please fill in a passphrase.")),
            Length(max=MAX_LENGTH, message=_l("A passphrase has at most 256 characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": autocomplete},
    )


def new_passphrase_fields() -> tuple[PasswordField, PasswordField]:
    new = PasswordField(
        _l("New passphrase"),
        validators=[
            InputRequired(_l("Please fill in a passphrase.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use at least 12 and at most 256 characters."),
            ),
            no_control_characters,
        ],
        description=_l("At least 8 characters. A short sentence is easy to remember and strong."),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Repeat the passphrase"),
        validators=[
            InputRequired(_l("Please repeat the passphrase.")),
            EqualTo("passphrase", message=_l("The two passphrases are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new, repeat


class RegisterForm(BaseForm):
    username = username_field()
    passphrase, passphrase_repeat = new_passphrase_fields()


class LoginForm(BaseForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Please fill in your username.")),
            Length(max=64, message=_l("Username or passphrase is not right.")),
            no_control_characters,
            single_line,
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    passphrase = passphrase_field(_l("Passphrase"), "current-password")


class RecoverForm(BaseForm):
    username = LoginForm.username
    code = StringField(
        _l("Recovery code"),
        validators=[
            DataRequired(_l("Please fill in your recovery code.")),
            Length(max=64, message=_l("A recovery code has 28 letters and numbers.")),
            no_control_characters,
            single_line,
        ],
        description=_l("28 letters and numbers. Dashes and spaces do not matter."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    passphrase, passphrase_repeat = new_passphrase_fields()


class ConfirmRecoveryForm(BaseForm):
    last_group = StringField(
        _l("The last 4 characters of your code"),
        validators=[
            DataRequired(_l("Please type the last 4 characters of your code.")),
            Length(max=16, message=_l("Please type only the last 4 characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    saved = BooleanField(
        _l("I have written down or printed my recovery code and keep it in a safe place."),
        validators=[DataRequired(_l("Please confirm that you saved your code."))],
    )


class ChangePassphraseForm(BaseForm):
    current = passphrase_field(_l("Current passphrase"), "current-password")
    passphrase, passphrase_repeat = new_passphrase_fields()


class StaffPassphraseForm(BaseForm):
    passphrase, passphrase_repeat = new_passphrase_fields()


class ConfirmPassphraseForm(BaseForm):
    """The current passphrase, asked again before something weighty (a new recovery code,
    downloading everything)."""

    current = passphrase_field(_l("Current passphrase"), "current-password")


class RenewRecoveryForm(ConfirmPassphraseForm):
    pass


class TotpForm(BaseForm):
    code = StringField(
        _l("6-digit code"),
        validators=[
            DataRequired(_l("Please fill in the 6-digit code from your app.")),
            Length(max=16, message=_l("The code has 6 digits.")),
            no_control_characters,
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "pattern": "[0-9 ]*",
        },
    )


class EmptyForm(BaseForm):
    """For buttons that change state (logout, end sessions): CSRF only."""
