"""The words for the values of the portfolio's items: goal terms and statuses, the kinds
of items, and the choices of the record forms. Forms, pages, presenters and the PDF all
read them here; every one goes through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portfolio.entries.goals import GoalStatus, Term
from portfolio.entries.models import ItemKind

TERMS = [
    (Term.SHORT.value, _l("Short (within 3 months)")),
    (Term.MEDIUM.value, _l("Medium (within a year)")),
    (Term.LONG.value, _l("Long (more than a year)")),
]
STATUSES = [
    (GoalStatus.PLANNED.value, _l("Planned")),
    (GoalStatus.IN_PROGRESS.value, _l("Working on it")),
    (GoalStatus.DONE.value, _l("Done")),
    (GoalStatus.STOPPED.value, _l("Stopped")),
]
STATUS_LABELS = dict(STATUSES)


TERM_LABELS = dict(TERMS)

KIND_LABELS = {
    ItemKind.GOAL.value: _l("Goals"),
    ItemKind.CERTIFICATE.value: _l("Certificates and diplomas"),
    ItemKind.EXPERIENCE.value: _l("Work and volunteering"),
    ItemKind.EXAM_RESULT.value: _l("Exam results"),
    ItemKind.LANGUAGE_LEVEL.value: _l("Language levels"),
    ItemKind.SELF_ASSESSMENT.value: _l("How I am doing (self-assessment)"),
    ItemKind.REFLECTION.value: _l("Reflections (my diary)"),
    ItemKind.ABOUT_ME.value: _l("About me and my future"),
    ItemKind.INTEGRATION.value: _l("My integration: route and term"),
    ItemKind.PIP.value: _l("My plan (PIP) and proposals to change it"),
    ItemKind.PIP_PROPOSAL.value: _l("My plan (PIP) and proposals to change it"),
    ItemKind.MEETING.value: _l("Progress meetings: my preparation and the summaries"),
    ItemKind.OWN_PLAN.value: _l("My plan (PIP) and proposals to change it"),
}


# The choices of the record forms (value, label), in the order the forms offer them.
CERTIFICATE_TYPES = [
    ("inburgering", _l("Civic integration exam (part)")),
    ("nt2", _l("State exam Dutch as a second language (NT2)")),
    ("idw", _l("Diploma evaluation (IDW)")),
    ("course", _l("Course certificate")),
    ("mbo", _l("MBO diploma")),
    ("volunteer", _l("Volunteer certificate")),
    ("driving", _l("Driving licence")),
    ("foreign", _l("Diploma from another country")),
    ("other", _l("Something else")),
]

EXPERIENCE_TYPES = [
    ("volunteer", _l("Volunteer work")),
    ("paid", _l("Paid work")),
    ("internship", _l("Internship or work placement")),
    ("abroad", _l("Work in my country of origin")),
]

EXAMS = [
    ("inburgering", _l("Civic integration exam")),
    ("nt2_1", _l("State exam NT2, programme I (B1)")),
    ("nt2_2", _l("State exam NT2, programme II (B2)")),
    ("course", _l("Test of my language course")),
    ("other", _l("Another exam")),
]

COMPONENTS = [
    ("reading", _l("Reading")),
    ("listening", _l("Listening")),
    ("writing", _l("Writing")),
    ("speaking", _l("Speaking")),
    ("knm", _l("Knowledge of Dutch society (KNM)")),
    ("other", _l("Another part")),
]

EXAM_LEVELS = [
    ("", _l("Not known")),
    ("A1", "A1"),
    ("A2", "A2"),
    ("B1", "B1"),
    ("B2", "B2"),
    ("C1", "C1"),
]

RESULTS = [
    ("passed", _l("Passed")),
    ("failed", _l("Not passed")),
    ("waiting", _l("Waiting for the result")),
]

ID_STATUSES = [
    ("", _l("Not applicable")),
    ("not_applied", _l("Not applied for yet")),
    ("applied", _l("Applied, waiting")),
    ("received", _l("Evaluation received")),
]

TRANSLATED = [
    ("", _l("Not applicable")),
    ("yes", _l("Yes, it is translated")),
    ("no", _l("No, not yet")),
]

NEEDS = [
    ("childcare", _l("Childcare")),
    ("language_coach", _l("A language coach")),
    ("letters", _l("Help with letters and forms")),
    ("money", _l("Help with money")),
    ("work", _l("Help finding work")),
    ("health", _l("Help with health")),
    ("housing", _l("Help with housing")),
]

ROUTES = [
    ("", _l("I do not know yet")),
    ("b1", _l("B1 route")),
    ("education", _l("Education route")),
    ("z", _l("Z route (self-reliance and participation)")),
]

COMPONENT_STATUSES = [
    ("not_started", _l("Not started")),
    ("busy", _l("Working on it")),
    ("done", _l("Done")),
    ("exempt", _l("Exempt")),
    ("not_needed", _l("Not part of my route")),
]

INTEGRATION_COMPONENTS = [
    ("reading", _l("Reading")),
    ("listening", _l("Listening")),
    ("writing", _l("Writing")),
    ("speaking", _l("Speaking")),
    ("knm", _l("Knowledge of Dutch society (KNM)")),
    ("map", _l("Labour market and participation (MAP)")),
    ("pvt", _l("Participation statement (PVT)")),
]
