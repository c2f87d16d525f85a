"""The self-assessment form: one optional 1-5 choice per life domain (built per request,
because the domains live in the database)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms import BaseForm, no_control_characters
from portfolio.progress.assessment import SCALE, SCORES, SelfAssessment

FIELD_PREFIX = "score_"


class SelfAssessmentBase(BaseForm):
    note = TextAreaField(
        _l("Anything you want to remember about now? (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )

    def score_fields(self) -> list[tuple[str, RadioField]]:
        return [
            (name.removeprefix(FIELD_PREFIX), field)
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX)
        ]

    def to_assessment(self) -> SelfAssessment:
        scores = {code: int(field.data) for code, field in self.score_fields() if field.data}
        return SelfAssessment(scores=scores, note=(self.note.data or "").strip())

    def validate(self, extra_validators: object = None) -> bool:
        valid = bool(super().validate(extra_validators=extra_validators))
        if valid and not any(field.data for _code, field in self.score_fields()):
            self.form_errors.append(str(_l("Please choose a face for at least one life domain.")))
            return False
        return valid


def self_assessment_form(domains: Sequence[tuple[str, str]]) -> SelfAssessmentBase:
    choices = [SelectChoice(str(score), SCALE[score]) for score in SCORES]
    fields = {
        FIELD_PREFIX + code: RadioField(name, choices=choices, validators=[Optional()])
        for code, name in domains
    }
    form_class = type("SelfAssessmentForm", (SelfAssessmentBase,), fields)
    return form_class()  # type: ignore[no-any-return]
