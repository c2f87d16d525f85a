"""Reminders on the dashboard before the deadlines of the integration term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import format_date, gettext
from sqlalchemy.orm import Session

from portfolio.entries import records, services
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.labels import INTEGRATION_COMPONENTS
from portfolio.entries.models import ItemKind
from portfolio.vault.envelope import SymmetricKey

WARN_BEFORE = timedelta(days=182)  # half a year: time enough to plan an exam
OPEN_STATUSES = {"not_started", "busy"}


@dataclass(frozen=True)
class Reminder:
    title: str
    when: str
    url: str
    overdue: bool


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def for_owner(
    session: Session, owner_id: str, user_key: SymmetricKey, today: date
) -> list[Reminder]:
    item = services.single_item(session, owner_id, ItemKind.INTEGRATION)
    if item is None:
        return []
    try:
        fields, _files = records.split(services.read_data(item, user_key))
    except InvalidContentError:
        return []
    deadline = _date(fields.get("extension_until")) or _date(fields.get("term_end"))
    if deadline is None or deadline - today > WARN_BEFORE:
        return []
    url = url_for("entries.show_single", slug="integration")
    overdue = deadline < today
    when = (
        gettext("ended on %(date)s", date=format_date(deadline, "long"))
        if overdue
        else (gettext("ends on %(date)s", date=format_date(deadline, "long")))
    )
    reminders = [Reminder(gettext("My integration term"), when, url, overdue)]
    labels = dict(INTEGRATION_COMPONENTS)
    todo = [
        str(labels[code])
        for code, _label in INTEGRATION_COMPONENTS
        if fields.get(f"component_{code}") in OPEN_STATUSES
    ]
    if todo:
        reminders.append(
            Reminder(gettext("Still to do: %(parts)s", parts=", ".join(todo)), when, url, overdue)
        )
    return reminders
