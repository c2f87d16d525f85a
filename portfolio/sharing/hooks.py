"""What sharing adds to pages it does not own, connected at the composition root
(``create_app``) or called by the home page: new feedback and waiting suggestions on the
owner's home page, the navigation's count of new messages, and claiming items written by
recipients at the start of the owner's request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from portfolio.accounts.access import current_user_key
from portfolio.accounts.models import Role, User
from portfolio.db import db, dbs
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.models import Item
from portfolio.sharing import comments, present, suggestions, written


def new_feedback() -> list[tuple[str, str, int]]:
    """(title, URL, count) of the owner's items with messages they have not seen."""
    session = dbs()
    unseen = comments.unseen_for_owner(session, current_user.id)
    rows = []
    for item_id, count in unseen.items():
        item = session.get(Item, item_id)
        if item is None:
            continue
        title = present.title_of(item, entries.read_data(item, current_user_key()))
        rows.append((title, url_for("sharing.feedback", item_id=item.id), count))
    return rows


@dataclass(frozen=True)
class WaitingSuggestion:
    suggested: suggestions.Suggested
    author: str
    domain: str


def waiting_suggestions() -> list[WaitingSuggestion]:
    """Goals people the owner shares with suggested, waiting for the owner's answer."""
    if current_user.role != Role.OWNER.value:
        return []
    session = dbs()
    found = suggestions.waiting_for(session, current_user.id, current_user_key())
    domains = dict(named(entries.life_domains(session)))
    result = []
    for s in found:
        author = session.get(User, s.suggestion.author_id)
        name = (author.display_name or author.username) if author else ""
        result.append(WaitingSuggestion(s, name, domains.get(s.item.domain_code or "", "")))
    return result


def badge_count() -> dict[str, int]:
    """The navigation's badge: new feedback (owners) or new replies (recipients)."""
    if not current_user.is_authenticated or current_user.role == Role.ADMIN.value:
        return {"new_messages": 0}
    return {"new_messages": comments.unseen_count(dbs(), current_user)}


def claim_before_request() -> None:
    """Items recipients wrote for this owner (proposals) are wrapped under the owner's user
    key at the start of the owner's next request: one indexed query when there are none."""
    view = current_app.view_functions.get(request.endpoint or "")
    if not isinstance(getattr(view, "_access", None), frozenset):
        return  # static files and public pages: no session to load
    if not current_user.is_authenticated or current_user.role != Role.OWNER.value:
        return
    if written.claim_sealed(dbs(), current_user, current_user_key()):
        db.session.commit()
