"""Forms of sharing: a connect code, the share (scope, purpose, end), extend, invite."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from portfolio.entries.goals import Term
from portfolio.entries.labels import TERMS
from portfolio.forms import (
    BaseForm,
    CheckboxList,
    no_control_characters,
    select_choices,
    single_line,
)
from portfolio.sharing.labels import PERIODS, PURPOSES, SUPPORTER_RELATIONS
from portfolio.sharing.scope import SHAREABLE_KINDS

DEFAULT_PERIOD = "6"
MAX_MONTHS_AHEAD = 36


def end_of_day(day: date) -> datetime:
    """A share is readable through the whole of its last day (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), UTC)


def months_ahead(today: date, months: int) -> date:
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("no such month")


class CodeForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(message=_l("Please type the code.")),
            Length(max=20, message=_l("This code is not right.")),
            no_control_characters,
            single_line,
        ],
    )


class ConfirmCodeForm(CodeForm):
    confirm = HiddenField(default="1")


class EndDateMixin:
    """Until when: a period, or a date within the integration term. Never "no end"."""

    period = RadioField(
        _l("Until when?"),
        choices=select_choices(PERIODS),
        default=DEFAULT_PERIOD,
        validators=[DataRequired(message=_l("Please choose until when."))],
    )
    until = DateField(_l("Last day"), validators=[Optional()])

    def ends_on(self, today: date) -> date:
        if self.period.data == "date":
            chosen: date = self.until.data
            return chosen
        return months_ahead(today, int(self.period.data))

    def validate_until(self, field: Any) -> None:
        if self.period.data != "date":
            return
        today = datetime.now(UTC).date()
        if field.data is None:
            raise ValidationError(_l("Please choose the last day."))
        if not today < field.data <= months_ahead(today, MAX_MONTHS_AHEAD):
            raise ValidationError(_l("Please choose a day after today and within 3 years."))


class ShareForm(EndDateMixin, BaseForm):
    shown_name = StringField(
        _l("Your name, as this person will see it"),
        validators=[
            DataRequired(message=_l("Please write your name.")),
            Length(max=80, message=_l("Please use at most 80 characters.")),
            no_control_characters,
            single_line,
        ],
    )
    kinds = CheckboxList(_l("What do you share?"), choices=[])
    domains = CheckboxList(_l("From which life domains?"), choices=[])
    items = CheckboxList(_l("Or choose single items"), choices=[])
    purpose = RadioField(
        _l("Why do you share?"),
        choices=select_choices(PURPOSES),
        validators=[DataRequired(message=_l("Please choose why you share."))],
    )
    purpose_text = TextAreaField(
        _l("In your own words (you may leave this empty)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Please use at most 500 characters.")),
            no_control_characters,
        ],
    )
    may_comment = BooleanField(_l("They may write feedback on what you share"), default=True)
    may_propose = BooleanField(
        _l("They may propose changes to your plan (PIP); you decide"), default=True
    )
    may_verify = BooleanField(
        _l("They may mark your certificates and exam results as checked (verified)"),
        default=True,
    )
    step = HiddenField(default="preview")

    def set_choices(
        self,
        kinds: list[tuple[str, str]],
        domains: list[tuple[str, str]],
        items: list[tuple[str, str]],
    ) -> None:
        self.kinds.choices = select_choices(kinds)
        self.domains.choices = select_choices(domains)
        self.items.choices = select_choices(items)

    def validate_items(self, field: Any) -> None:
        if not (self.kinds.data or field.data):
            raise ValidationError(_l("Please choose what you share."))


class CommentForm(BaseForm):
    text = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(message=_l("Please write a message.")),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )
    partner = HiddenField()


class ExtendForm(EndDateMixin, BaseForm):
    pass


class InviteForm(BaseForm):
    relation = SelectField(
        _l("Who is this person for you?"), choices=select_choices(SUPPORTER_RELATIONS)
    )


KIND_CHOICES_ORDER = tuple(k.value for k in SHAREABLE_KINDS)


class SuggestGoalForm(BaseForm):
    title = StringField(
        _l("Which goal do you suggest?"),
        validators=[
            DataRequired(message=_l("Please write the goal.")),
            Length(max=200, message=_l("Please use at most 200 characters.")),
            no_control_characters,
            single_line,
        ],
    )
    domain = SelectField(_l("Life domain"), choices=[])
    term = RadioField(
        _l("When could it be reached?"),
        choices=select_choices(TERMS),
        default=Term.SHORT.value,
    )
    note = TextAreaField(
        _l("Why you suggest it (the newcomer reads this)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )


class SuggestionAnswerForm(BaseForm):
    decision = HiddenField(validators=[AnyOf(["take", "decline"])])


class HandbackConfirmForm(ConfirmCodeForm):
    same = BooleanField(
        _l("The newcomer's screen shows the same fingerprint"),
        validators=[DataRequired(_l("Please compare the fingerprint with the newcomer's screen."))],
    )
