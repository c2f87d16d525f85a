"""The owner's item page, as sharing draws its parts (registered with ``entries.panels``
at the composition root): the verifications of a certificate (with the credential to
download, for an achievement) and the link to the feedback threads on the item."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from portfolio.db import utcnow
from portfolio.entries import records
from portfolio.entries.models import Item
from portfolio.sharing import comments, endorsements
from portfolio.vault.envelope import SymmetricKey


def verification(
    session: Session, item: Item, item_key: SymmetricKey, data: dict[str, Any]
) -> Markup | None:
    verified = endorsements.shown(session, item, item_key, data)
    if not verified:
        return None
    achieved = records.is_achievement(item.kind, records.split(data)[0])
    html = render_template(
        "sharing/_verified_panel.html",
        verified=verified,
        credential_item=item if achieved else None,
    )
    return Markup(html)  # noqa: S704  (a rendered template: escaped by Jinja)


def feedback(
    session: Session, item: Item, _item_key: SymmetricKey, _data: dict[str, Any]
) -> Markup | None:
    summary = comments.summary_for_owner(session, item, utcnow())
    if not summary.open:
        return None
    html = render_template("sharing/_feedback_panel.html", feedback=summary, item=item)
    return Markup(html)  # noqa: S704  (a rendered template: escaped by Jinja)
