"""The goal form. Steps are a plain list of rows (the existing ones and three empty ones),
so that it works without JavaScript."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portfolio.entries.goals import MAX_EVIDENCE, MAX_STEPS, Goal, GoalStatus, Step, Term
from portfolio.entries.labels import STATUSES, TERMS
from portfolio.forms import (
    BaseForm,
    CheckboxList,
    no_control_characters,
    select_choices,
    sensible_date,
    single_line,
)

EMPTY_STEP_ROWS = 3


class StepForm(Form):
    text = StringField(
        _l("Step"),
        validators=[
            Optional(),
            Length(max=200, message=_l("A step has at most 200 characters.")),
            no_control_characters,
            single_line,
        ],
    )
    done = BooleanField(_l("Done"))


class GoalForm(BaseForm):
    title = StringField(
        _l("What do you want to reach?"),
        validators=[
            DataRequired(_l("Please write your goal.")),
            Length(max=200, message=_l("Please use at most 200 characters.")),
            no_control_characters,
            single_line,
        ],
        description=_l("For example: I speak Dutch at work, or I find a job in care."),
    )
    domain = SelectField(_l("Life domain"), validate_choice=True)
    term = RadioField(
        _l("When do you want to reach it?"), choices=select_choices(TERMS), default=Term.SHORT.value
    )
    target_date = DateField(
        _l("Target date (optional)"),
        validators=[Optional(), sensible_date],
        format="%Y-%m-%d",
    )
    status = SelectField(
        _l("Status"), choices=select_choices(STATUSES), default=GoalStatus.PLANNED.value
    )
    steps = FieldList(FormField(StepForm), min_entries=EMPTY_STEP_ROWS, max_entries=MAX_STEPS)
    evidence = CheckboxList(
        _l("Evidence (optional)"),
        description=_l("Certificates, work or exam results that show your progress."),
        validate_choice=True,
        choices=[],
    )
    notes = TextAreaField(
        _l("Notes (optional)"),
        validators=[
            Optional(),
            Length(max=4000, message=_l("Please use at most 4000 characters.")),
            no_control_characters,
        ],
    )

    def set_domains(self, choices: list[tuple[str, str]]) -> None:
        self.domain.choices = select_choices(choices)

    def set_evidence(self, choices: list[tuple[str, str]]) -> None:
        self.evidence.choices = select_choices(choices)

    def fill_from(self, goal: Goal, domain: str | None) -> None:
        self.title.data = goal.title
        self.domain.data = domain
        self.term.data = goal.term.value
        self.target_date.data = goal.target_date
        self.status.data = goal.status.value
        self.notes.data = goal.notes
        self.evidence.data = list(goal.evidence)
        while len(self.steps.entries):
            self.steps.pop_entry()
        for step in goal.steps:
            self.steps.append_entry({"text": step.text, "done": step.done})
        for _ in range(min(EMPTY_STEP_ROWS, MAX_STEPS - len(goal.steps))):
            self.steps.append_entry()

    def to_goal(self) -> Goal:
        steps = tuple(
            Step(entry.form.text.data.strip(), bool(entry.form.done.data))
            for entry in self.steps.entries
            if entry.form.text.data and entry.form.text.data.strip()
        )
        return Goal(
            title=self.title.data.strip(),
            term=Term(self.term.data),
            status=GoalStatus(self.status.data),
            target_date=self.target_date.data,
            steps=steps,
            notes=(self.notes.data or "").strip(),
            evidence=tuple(self.evidence.data or ())[:MAX_EVIDENCE],
        )
