"""Shared form pieces: the base form, validators that refuse control characters and odd
input, a checkbox list and choices for select fields."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectMultipleField, widgets
from wtforms.validators import ValidationError

_ALLOWED_CONTROL = {"\n", "\r", "\t"}


def no_control_characters(_form: Any, field: Field) -> None:
    """Refuse NUL, escape codes and other invisible control characters."""
    value = field.data if isinstance(field.data, str) else ""
    for ch in value:
        if ch not in _ALLOWED_CONTROL and unicodedata.category(ch) in {"Cc", "Cs"}:
            raise ValidationError(_l("Please remove the invisible special characters."))


def single_line(_form: Any, field: Field) -> None:
    value = field.data if isinstance(field.data, str) else ""
    if any(ch in value for ch in "\r\n\t"):
        raise ValidationError(_l("Please write this on one line."))


class _BabelTranslations:
    """WTForms' own messages through our catalogs (WTForms ships no Tigrinya or Somali)."""

    def gettext(self, string: str) -> str:
        return str(gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in its own variables (flask_babel's ngettext would
        # try to fill in %(num)d and fail on WTForms' %(value)s).
        return str(get_translations().ngettext(singular, plural, n))


class BaseForm(FlaskForm):
    """Every form of the app: CSRF (Flask-WTF) and translated built-in messages."""

    class Meta:
        def get_translations(self, form: Any) -> _BabelTranslations:
            return _BabelTranslations()


# Messages WTForms produces itself; listed here so that extraction puts them in the catalogs.
WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Invalid Choice: could not coerce."),
)


def select_choices(pairs: list[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxList(SelectMultipleField):
    """A list of checkboxes: usable without JavaScript and easy to tap."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # One short message, not WTForms' own that repeats the refused values.
        kwargs.setdefault("invalid_choice_message", lambda _n: str(_l("Not a valid choice.")))
        super().__init__(*args, **kwargs)


def sensible_date(_form: Any, field: Any) -> None:
    if field.data and not 1900 <= field.data.year <= 2100:
        raise ValidationError(_l("Please choose a date between 1900 and 2100."))
