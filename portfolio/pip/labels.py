"""The words of the plan (PIP): routes, main goals, parties, statuses, the reasons for a
new version, the names of the plan's fields and of an own plan's. Forms, pages and the
PDF read them here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portfolio.pip.own_plan import OwnPlanStatus
from portfolio.pip.plan import AgreementStatus, Party, Reason

ROUTES = [
    ("", _l("Not decided yet")),
    ("b1", _l("B1 route (B1-route)")),
    ("education", _l("Education route (onderwijsroute)")),
    ("z", _l("Self-reliance route (Z-route)")),
]
MAIN_GOALS = [
    ("", _l("Not decided yet")),
    ("work", _l("Work")),
    ("education", _l("Education")),
    ("participation", _l("Taking part in society")),
]
PART_STATUSES = [
    ("", _l("Not decided yet")),
    ("todo", _l("Still to do")),
    ("busy", _l("Busy with it")),
    ("done", _l("Done")),
    ("exempt", _l("Exempt (vrijstelling)")),
]
PARTIES = [
    (Party.ME.value, _l("Me")),  # as the newcomer reads it; see PARTIES_FOR_OTHERS
    (Party.MUNICIPALITY.value, _l("The municipality")),
    (Party.PROVIDER.value, _l("The school or course provider")),
    (Party.OTHER.value, _l("Someone else")),
]
# The same choices as others (a regievoerder, a supporter) read them.
PARTIES_FOR_OTHERS = [(Party.ME.value, _l("The newcomer")), *PARTIES[1:]]
AGREEMENT_STATUSES = [
    (AgreementStatus.OPEN.value, _l("To do")),
    (AgreementStatus.DONE.value, _l("Done")),
    (AgreementStatus.CANCELLED.value, _l("No longer needed")),
]
REASONS = [
    (Reason.START.value, _l("The first plan")),
    (Reason.PROGRESS.value, _l("Progress: new agreements")),
    (Reason.ROUTE.value, _l("Another learning route")),
    (Reason.LEVEL.value, _l("Another language level")),
    (Reason.MOVE.value, _l("I moved house")),
    (Reason.OTHER.value, _l("Something else")),
]
# Every reason a version can have, as shown; an approved own plan is not a choice.
REASON_LABELS = {**dict(REASONS), Reason.OWN_PLAN.value: _l("An own plan proposal was approved")}
PLAN_LABELS = {
    "route": _l("Learning route (leerroute)"),
    "main_goal": _l("Main goal"),
    "main_goal_text": _l("The main goal in words"),
    "provider": _l("School or course provider"),
    "hours_per_week": _l("Hours per week"),
    "map_status": _l("Labour market and participation module (MAP)"),
    "pvt_status": _l("Participation declaration (PVT)"),
    "preconditions": _l("What I need to take part (for example childcare or travel)"),
    "contact": _l("Contact person"),
}
AGREEMENT_FIELD_LABELS = {
    "description": _l("What is agreed"),
    "party": _l("Who does it"),
    "domain": _l("Life domain"),
    "due": _l("Before"),
    "status": _l("Status"),
    "evidence": _l("Proof (from the portfolio)"),
}

# The newcomer's own plan proposal
OWN_PLAN_LABELS = {
    "course": _l("Which course or training?"),
    "provider": _l("School or course provider"),
    "domain": _l("Life domain"),
    "hours": _l("How many hours in total?"),
    "hours_per_week": _l("Hours per week"),
    "cost": _l("What does it cost (estimate, in euros)?"),
    "start": _l("When can you start?"),
    "why": _l("Why does this fit you?"),
    "helper": _l("Who helped you write this? (you may leave this empty)"),
}
OWN_PLAN_STATUSES = [
    (OwnPlanStatus.DRAFT.value, _l("Draft: not sent yet")),
    (OwnPlanStatus.SUBMITTED.value, _l("Sent: waiting for an answer")),
    (OwnPlanStatus.CHANGES.value, _l("Changes asked: your turn")),
    (OwnPlanStatus.APPROVED.value, _l("Approved: it is in your plan")),
    (OwnPlanStatus.DECLINED.value, _l("Not approved")),
]
OWN_PLAN_DECISIONS = [
    (OwnPlanStatus.APPROVED.value, _l("Approve: the agreements go into the plan")),
    (OwnPlanStatus.CHANGES.value, _l("Ask for changes")),
    (OwnPlanStatus.DECLINED.value, _l("Decline")),
]
