"""Shared form pieces: validators that refuse control characters and odd input."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
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
