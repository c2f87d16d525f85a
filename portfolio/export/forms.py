"""Forms of the portfolio document (the owner's wizard), of revoking one, and of the
public verification page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from portfolio import i18n
from portfolio.accounts.forms import ConfirmPassphraseForm
from portfolio.export.document import AUDIENCE_LABELS, NAME_LENGTH, SECTION_LABELS
from portfolio.forms import (
    BaseForm,
    CheckboxList,
    no_control_characters,
    select_choices,
    single_line,
)

DUTCH_ONLY = "nl"


def _audiences() -> list[tuple[str, Any]]:
    return [(a.value, label) for a, label in AUDIENCE_LABELS.items()]


class AudienceForm(BaseForm):
    class Meta:
        csrf = False  # a GET step: it changes nothing

    audience = RadioField(
        _l("Who is the document for?"),
        choices=select_choices(_audiences()),
        validators=[DataRequired(_l("Please choose who the document is for."))],
    )


def language_choices() -> list[tuple[str, Any]]:
    dutch = i18n.BY_CODE[i18n.DEFAULT_LOCALE]
    pairs: list[tuple[str, Any]] = [(DUTCH_ONLY, _l("Dutch only"))]
    for language in i18n.LANGUAGES:
        if language.code != i18n.DEFAULT_LOCALE:
            # Each language named in itself, as in the language switcher.
            pairs.append((language.code, f"{dutch.native_name} + {language.native_name}"))
    return pairs


class DocumentForm(BaseForm):
    audience = RadioField(_l("Who is the document for?"), choices=select_choices(_audiences()))
    sections = CheckboxList(
        _l("What goes in"),
        choices=select_choices([(s.value, label) for s, label in SECTION_LABELS.items()]),
        validate_choice=True,
    )
    items = CheckboxList(_l("Which items"), validate_choice=True)
    language = RadioField(
        _l("Language of the document"),
        choices=select_choices(language_choices()),
        validators=[DataRequired(_l("Please choose the language of the document."))],
    )
    shown_name = StringField(
        _l("Your name on the cover"),
        description=_l("Write your name as you want the reader to see it."),
        validators=[
            DataRequired(_l("Please write the name for the cover.")),
            Length(max=NAME_LENGTH, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
            single_line,
        ],
    )
    include_sensitive = BooleanField(_l("Include health in the summary per life domain"))
    name_on_page = BooleanField(
        _l("The verification page may show my name"),
        description=_l(
            "Without this, the page shows only who signed the document, the date and how "
            "many items were verified."
        ),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))
        if not self.sections.data:
            self.sections.errors = [*self.sections.errors, _l("Please choose at least one part.")]
            ok = False
        return ok


class RevokeForm(BaseForm):
    pass


class LookupForm(BaseForm):
    class Meta:
        csrf = False  # a GET lookup

    number = StringField(
        _l("Document number"),
        description=_l("It is on the first page, under the code. For example: 7KQ2-M9XD-4TRB-P3WA"),
        validators=[DataRequired(_l("Please write the document number.")), Length(max=40)],
    )


class UploadForm(BaseForm):
    document = FileField(
        _l("The PDF you received"),
        validators=[FileRequired(_l("Please choose the PDF file."))],
    )


class DeleteAccountForm(ConfirmPassphraseForm):
    understood = BooleanField(
        _l("I understand that my portfolio is gone for good, and nobody can bring it back"),
        validators=[DataRequired(_l("Please tick the box to show you understand."))],
    )
