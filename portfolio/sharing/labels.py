"""The words of sharing: purposes of a share, periods, relations, and what the access
log calls each action. Forms, pages and the data export read them here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portfolio.sharing.models import Action, Relation

PURPOSES = [
    ("pip", _l("My integration plan (PIP) and progress meetings")),
    ("language", _l("Help with learning Dutch")),
    ("work", _l("Help with finding work or an internship")),
    ("education", _l("Help with education or my diplomas")),
    ("daily_life", _l("Help in daily life")),
    ("other", _l("Something else")),
]
PURPOSE_LABELS = dict(PURPOSES)
PERIODS = [
    ("1", _l("1 month")),
    ("3", _l("3 months")),
    ("6", _l("6 months")),
    ("12", _l("1 year")),
    ("date", _l("Until a date I choose")),
]
SUPPORTER_RELATIONS = [
    (Relation.LANGUAGE_COACH.value, _l("Language coach (taalcoach)")),
    (Relation.BUDDY.value, _l("Buddy (maatje)")),
    (Relation.FAMILY.value, _l("Family member")),
    (Relation.BROKER.value, _l("Someone who helps me make my plan (inburgeringsmakelaar)")),
    (Relation.OTHER.value, _l("Someone else")),
]
RELATION_LABELS = {
    Relation.REGIEVOERDER.value: _l("Regievoerder (case manager)"),
    **dict(SUPPORTER_RELATIONS),
}


ACTION_LABELS = {
    Action.LIST.value: _l("Looked at what you share"),
    Action.READ.value: _l("Opened something you share"),
    Action.SHARE.value: _l("Started a share"),
    Action.CHANGE.value: _l("Changed a share"),
    Action.EXTEND.value: _l("Changed the end date of a share"),
    Action.REVOKE.value: _l("Stopped a share"),
    Action.EXPIRE.value: _l("A share ended on its end date"),
    Action.CONNECT.value: _l("Connected"),
    Action.DISCONNECT.value: _l("Removed a connection"),
    Action.DENY.value: _l("Tried to open something, refused"),
    Action.COMMENT.value: _l("Wrote feedback"),
    Action.VERIFY.value: _l("Verified a certificate"),
    Action.WITHDRAW.value: _l("Withdrew a verification"),
    Action.PROPOSE.value: _l("Proposed a change to your plan"),
    Action.DECIDE.value: _l("Answered a proposal for your plan"),
    Action.MEETING.value: _l("Planned or wrote about a progress meeting"),
    Action.EXPORT.value: _l("Downloaded all the data"),
    Action.ERASE.value: _l("Deleted the account"),
    Action.HANDBACK.value: _l("Handed shared items back to a new account"),
}
# Whole phrases per action and object: no sentences glued from parts.
EVENT_LABELS = {
    (Action.READ.value, "item"): _l("Opened an item"),
    (Action.READ.value, "file"): _l("Opened a file"),
    (Action.PROPOSE.value, "goal"): _l("Suggested a goal"),
    (Action.EXPORT.value, "document"): _l("Made a portfolio document"),
    (Action.REVOKE.value, "document"): _l("Revoked a portfolio document"),
}


def event_label(action: str, object_type: str) -> str:
    return str(EVENT_LABELS.get((action, object_type)) or ACTION_LABELS.get(action, action))
