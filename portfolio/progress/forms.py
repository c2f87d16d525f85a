"""Forms with one optional choice per topic (a life domain, a language skill), built per
request because the topics live in the database or in a table; at least one is needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypeVar, cast

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from portfolio.forms import BaseForm, no_control_characters
from portfolio.progress.assessment import SCALE, SCORES, SelfAssessment
from portfolio.progress.language import I_CAN, LEVELS, SKILLS, LanguageLevels


class ChoicePerTopicForm(BaseForm):
    """Radio groups named ``<prefix><topic>``, all optional, plus a note."""

    prefix: ClassVar[str] = ""
    nothing_chosen: ClassVar[LazyString]

    note = TextAreaField(
        _l("Anything you want to remember about now? (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )

    def topic_fields(self) -> list[tuple[str, RadioField]]:
        return [
            (name.removeprefix(self.prefix), field)
            for name, field in self._fields.items()
            if name.startswith(self.prefix)
        ]

    def chosen(self) -> dict[str, str]:
        return {topic: str(field.data) for topic, field in self.topic_fields() if field.data}

    def validate(self, extra_validators: object = None) -> bool:
        valid = bool(super().validate(extra_validators=extra_validators))
        if valid and not self.chosen():
            self.form_errors.append(str(self.nothing_chosen))
            return False
        return valid


class SelfAssessmentBase(ChoicePerTopicForm):
    prefix = "score_"
    nothing_chosen = _l("Please choose a face for at least one life domain.")

    def to_assessment(self) -> SelfAssessment:
        scores = {code: int(value) for code, value in self.chosen().items()}
        return SelfAssessment(scores=scores, note=(self.note.data or "").strip())


class LanguageLevelsBase(ChoicePerTopicForm):
    prefix = "skill_"
    nothing_chosen = _l("Please choose a level for at least one skill.")

    target = SelectField(
        _l("My goal level (from my learning route, optional)"),
        choices=[SelectChoice("", _l("I do not know yet"))]
        + [SelectChoice(level, level) for level in LEVELS],
        validators=[Optional()],
    )

    def to_levels(self) -> LanguageLevels:
        return LanguageLevels(
            levels=self.chosen(),
            target=self.target.data or None,
            note=(self.note.data or "").strip(),
        )


F = TypeVar("F", bound=ChoicePerTopicForm)


def _with_topics(base: type[F], topics: dict[str, RadioField]) -> F:
    fields = {base.prefix + topic: field for topic, field in topics.items()}
    return cast(F, type(base.__name__.removesuffix("Base") + "Form", (base,), fields)())


def self_assessment_form(domains: Sequence[tuple[str, str]]) -> SelfAssessmentBase:
    choices = [SelectChoice(str(score), SCALE[score]) for score in SCORES]
    topics = {
        code: RadioField(name, choices=choices, validators=[Optional()]) for code, name in domains
    }
    return _with_topics(SelfAssessmentBase, topics)


def language_levels_form() -> LanguageLevelsBase:
    topics = {
        skill: RadioField(
            name,
            choices=[SelectChoice(level, I_CAN[skill][level]) for level in LEVELS],
            validators=[Optional()],
        )
        for skill, name in SKILLS
    }
    return _with_topics(LanguageLevelsBase, topics)
