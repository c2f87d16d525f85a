"""Forms of the record kinds: certificates, work and volunteering, exam results,
reflections, "about me" and "my integration". Their fields are the content of the item:
``records.py`` turns a filled form into JSON and back, and into facts to show."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portfolio.entries.labels import (
    CERTIFICATE_TYPES,
    COMPONENT_STATUSES,
    COMPONENTS,
    EXAM_LEVELS,
    EXAMS,
    EXPERIENCE_TYPES,
    ID_STATUSES,
    NEEDS,
    RESULTS,
    ROUTES,
    TRANSLATED,
)
from portfolio.forms import (
    BaseForm,
    CheckboxList,
    no_control_characters,
    select_choices,
    sensible_date,
    single_line,
)

LINE = 200
TEXT = 4000


def _line(label: Any, *, required: Any = None, max_length: int = LINE, **kw: Any) -> StringField:
    first = DataRequired(required) if required else Optional()
    return StringField(
        label,
        validators=[
            first,
            Length(max=max_length, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
            single_line,
        ],
        **kw,
    )


def _text(label: Any, *, required: Any = None, **kw: Any) -> TextAreaField:
    first = DataRequired(required) if required else Optional()
    return TextAreaField(
        label,
        validators=[
            first,
            Length(max=TEXT, message=_l("Please use at most %(max)d characters.")),
            no_control_characters,
        ],
        **kw,
    )


def _date(label: Any, *, required: Any = None, **kw: Any) -> DateField:
    first = DataRequired(required) if required else Optional()
    return DateField(label, validators=[first, sensible_date], format="%Y-%m-%d", **kw)


def _select(label: Any, pairs: list[tuple[str, Any]], **kw: Any) -> SelectField:
    return SelectField(label, choices=select_choices(pairs), validate_choice=True, **kw)


class RecordForm(BaseForm):
    """A form whose fields are an item's content. ``domain`` is set by the view."""

    domain = SelectField(_l("Life domain"), validate_choice=True)

    def set_domains(self, choices: list[tuple[str, str]]) -> None:
        self.domain.choices = select_choices(choices)


class CertificateForm(RecordForm):
    title = _line(
        _l("Name of the certificate or diploma"),
        required=_l("Please write the name of the certificate."),
        description=_l("For example: Certificate of first aid, or Nursing diploma."),
    )
    certificate_type = _select(_l("What kind is it?"), CERTIFICATE_TYPES, default="course")
    issuer = _line(
        _l("Who gave it? (optional)"), description=_l("A school, a course or an organisation.")
    )
    issued_on = _date(_l("Date (optional)"))
    level = _line(
        _l("Level (optional)"), max_length=80, description=_l("For example: B1 or MBO level 2.")
    )
    notes = _text(_l("Notes (optional)"))


def _end_after_start(form: Any, field: Any) -> None:
    start = form.started_on.data
    if field.data and start and field.data < start:
        raise ValidationError(_l("The end date is before the start date."))


class ExperienceForm(RecordForm):
    experience_type = _select(_l("What kind of work?"), EXPERIENCE_TYPES, default="volunteer")
    organisation = _line(_l("Organisation"), required=_l("Please write where you work or worked."))
    role = _line(
        _l("What do you do there?"),
        required=_l("Please write what you do there."),
        description=_l("For example: helping in the kitchen of the community centre."),
    )
    started_on = _date(_l("Start date (optional)"))
    ended_on = DateField(
        _l("End date (leave empty if you still do this)"),
        validators=[Optional(), sensible_date, _end_after_start],
        format="%Y-%m-%d",
    )
    hours_per_week = IntegerField(
        _l("Hours per week (optional)"),
        validators=[
            Optional(),
            NumberRange(0, 80, _l("Please give a number from %(min)s to %(max)s.")),
        ],
    )
    total_hours = IntegerField(
        _l("Hours in total (optional)"),
        validators=[
            Optional(),
            NumberRange(0, 100_000, _l("Please give a number from %(min)s to %(max)s.")),
        ],
    )
    reference_name = _line(
        _l("Reference person (optional)"),
        description=_l("Someone who can tell an employer about your work."),
    )
    reference_contact = _line(_l("Phone or e-mail of the reference person (optional)"))
    learned = _text(_l("What did you learn? (optional)"))


class ExamResultForm(RecordForm):
    exam = _select(_l("Which exam?"), EXAMS, default="inburgering")
    component = _select(_l("Which part?"), COMPONENTS, default="reading")
    exam_date = _date(_l("Date of the exam"), required=_l("Please give the date of the exam."))
    level = _select(_l("Level"), EXAM_LEVELS, default="")
    result = _select(_l("Result"), RESULTS, default="waiting")
    score = _line(_l("Score (optional)"), max_length=40)
    notes = _text(_l("Notes (optional)"))


class ReflectionForm(RecordForm):
    title = _line(
        _l("Title (optional)"), description=_l("A few words, for example: My first day at work.")
    )
    text = _text(
        _l("What happened, and what did you learn?"),
        description=_l(
            "Write as much or as little as you like. A photo or a voice message is fine too."
        ),
    )


class AboutMeForm(BaseForm):
    languages_spoken = _line(
        _l("Languages I speak"), description=_l("For example: Arabic, English, a little Dutch.")
    )
    education = _text(_l("My education in my country of origin"))
    work = _text(_l("My work in my country of origin"))
    foreign_diploma = _line(_l("My diploma from my country of origin (optional)"))
    diploma_translated = _select(_l("Is the diploma translated?"), TRANSLATED, default="")
    idw_status = _select(
        _l("Evaluation of the diploma (IDW)"),
        ID_STATUSES,
        default="",
        description=_l("IDW says what your diploma is worth in the Netherlands."),
    )
    skills = _text(_l("What I am good at"))
    ambition = _text(
        _l("My ambition: where do I want to be in a few years?"),
        description=_l("For example: I work as a nurse in a hospital."),
    )
    needs = CheckboxList(_l("What I need now"), choices=select_choices(NEEDS), validate_choice=True)
    needs_other = _line(_l("Something else I need (optional)"))


def _term_end_after_start(form: Any, field: Any) -> None:
    start = form.term_start.data
    if field.data and start and field.data <= start:
        raise ValidationError(_l("The end of the term is before its start."))


class IntegrationForm(BaseForm):
    route = _select(_l("My learning route"), ROUTES, default="")
    term_start = _date(_l("Start of my integration term"))
    term_end = DateField(
        _l("End of my integration term"),
        validators=[Optional(), sensible_date, _term_end_after_start],
        format="%Y-%m-%d",
        description=_l("Usually three years after the start. It is in the letter from DUO."),
    )
    component_reading = _select(_l("Reading"), COMPONENT_STATUSES, default="not_started")
    component_listening = _select(_l("Listening"), COMPONENT_STATUSES, default="not_started")
    component_writing = _select(_l("Writing"), COMPONENT_STATUSES, default="not_started")
    component_speaking = _select(_l("Speaking"), COMPONENT_STATUSES, default="not_started")
    component_knm = _select(
        _l("Knowledge of Dutch society (KNM)"), COMPONENT_STATUSES, default="not_started"
    )
    component_map = _select(
        _l("Labour market and participation (MAP)"), COMPONENT_STATUSES, default="not_started"
    )
    component_pvt = _select(
        _l("Participation statement (PVT)"), COMPONENT_STATUSES, default="not_started"
    )
    exemptions = _text(_l("Exemptions (optional)"))
    extension_until = _date(_l("Extension until (optional)"))
    extension_reason = _text(_l("Reason for the extension (optional)"))
