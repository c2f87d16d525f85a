"""The self-assessment form: one optional 1-5 choice per life domain (built per request,
because the domains live in the database)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms import BaseForm, no_control_characters
from portfolio.progress.assessment import SCALE, SCORES, SelfAssessment
from portfolio.progress.language import I_CAN, LEVELS, SKILLS, LanguageLevels

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


class LanguageLevelsBase(BaseForm):
    target = SelectField(
        _l("My goal level (from my learning route, optional)"),
        choices=[SelectChoice("", _l("I do not know yet"))]
        + [SelectChoice(level, level) for level in LEVELS],
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Anything you want to remember about now? (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )

    def skill_fields(self) -> list[tuple[str, RadioField]]:
        return [
            (name.removeprefix(SKILL_PREFIX), field)
            for name, field in self._fields.items()
            if name.startswith(SKILL_PREFIX)
        ]

    def to_levels(self) -> LanguageLevels:
        levels = {skill: str(field.data) for skill, field in self.skill_fields() if field.data}
        return LanguageLevels(
            levels=levels, target=self.target.data or None, note=(self.note.data or "").strip()
        )

    def validate(self, extra_validators: object = None) -> bool:
        valid = bool(super().validate(extra_validators=extra_validators))
        if valid and not any(field.data for _skill, field in self.skill_fields()):
            self.form_errors.append(str(_l("Please choose a level for at least one skill.")))
            return False
        return valid


SKILL_PREFIX = "skill_"


def language_levels_form() -> LanguageLevelsBase:
    fields = {
        SKILL_PREFIX + skill: RadioField(
            name,
            choices=[SelectChoice(level, I_CAN[skill][level]) for level in LEVELS],
            validators=[Optional()],
        )
        for skill, name in SKILLS
    }
    form_class = type("LanguageLevelsForm", (LanguageLevelsBase,), fields)
    return form_class()  # type: ignore[no-any-return]
