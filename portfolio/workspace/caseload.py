"""The caseload: everyone who shares with a person now, as rows a workspace can search,
sort and count. Names come from the sealed notes of the grants; counts, the last change
and what waits for an answer from one query; the due agreements of each plan from one
more.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import url_for
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from portfolio.accounts.models import User
from portfolio.db import utcnow
from portfolio.entries import services as entries
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.models import Item, ItemKind
from portfolio.pip.plan import AWAITING_RECIPIENT, AgreementStatus
from portfolio.sharing import comments, grants, received
from portfolio.sharing.models import GrantItemKey
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgreementsDue:
    """Open agreements of the latest plan version: how many are overdue, the next date."""

    overdue: int = 0
    next_due: date | None = None

    @classmethod
    def of_json(cls, data: Mapping[str, Any], today: date) -> AgreementsDue:
        """From a version's JSON, reading only status and due date (no whole plan is
        built: a caseload does this 150 times). ``InvalidContentError`` if it does not
        fit."""
        try:
            days = [
                date.fromisoformat(a["due"])
                for a in data.get("agreements") or []
                if a.get("status", AgreementStatus.OPEN.value) == AgreementStatus.OPEN.value
                and a.get("due")
            ]
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise InvalidContentError("agreements do not fit") from error
        overdue = sum(1 for d in days if d < today)
        upcoming = [d for d in days if d >= today]
        return cls(overdue, min(upcoming) if upcoming else None)


@dataclass(frozen=True)
class CaseRow:
    owner_id: str
    name: str
    domains: tuple[str, ...]
    items: int
    last_update: datetime | None
    ends_at: datetime
    url: str
    unseen: int
    waiting: int = 0  # proposals and own plans waiting for an answer from this side
    due: AgreementsDue = AgreementsDue()

    @property
    def last_day(self) -> date:
        return (self.ends_at - timedelta(seconds=1)).date()


def caseload_rows(
    session: Session,
    recipient: User,
    private_key: X25519PrivateKey,
    user_key: SymmetricKey,
    today: date,
) -> list[CaseRow]:
    """Everyone who shares with this person now: names from the sealed notes; counts, the
    last change and what waits for an answer in one query; the due agreements of each
    plan in one more."""
    now = utcnow()
    grants = received.grants_to(session, recipient.id, now)
    if not grants:
        return []
    live = received.live_grant_ids(recipient.id, now)
    waiting_flag = case((Item.awaiting == AWAITING_RECIPIENT, 1), else_=0)
    stats = {
        grant_id: (count, last, int(waiting or 0))
        for grant_id, count, last, waiting in session.execute(
            select(
                GrantItemKey.grant_id,
                func.count(),
                func.max(Item.updated_at),
                func.sum(waiting_flag),
            )
            .join(Item, Item.id == GrantItemKey.item_id)
            .where(GrantItemKey.grant_id.in_(live), Item.archived.is_(False))
            .group_by(GrantItemKey.grant_id)
        )
    }
    unseen = comments.unseen_for_partner(session, recipient.id)
    opened_by_grant = {g.id: received.open_as_recipient(g, private_key, user_key) for g in grants}
    due = agreements_due(session, opened_by_grant, live, today)
    rows = []
    prefix = url_for("workspace.client", owner_id="-")[:-1]  # one url_for, not 150
    for grant in grants:
        opened = opened_by_grant[grant.id]
        count, last, waiting = stats.get(grant.id, (0, None, 0))
        rows.append(
            CaseRow(
                grant.owner_id,
                opened.note.shown_name,
                tuple(sorted(opened.scope.domains)),
                count,
                last,
                grant.ends_at,
                prefix + grant.owner_id,
                unseen.get(grant.owner_id, 0),
                waiting,
                due.get(grant.id, AgreementsDue()),
            )
        )
    return rows


def sort_rows(rows: list[CaseRow], sort: str, domain: str) -> list[CaseRow]:
    if domain:
        rows = [r for r in rows if domain in r.domains]
    if sort == "updated":
        return sorted(rows, key=lambda r: r.last_update or r.ends_at.min, reverse=True)
    if sort == "ends":
        return sorted(rows, key=lambda r: r.ends_at)
    if sort == "attention":  # overdue agreements, then what waits, then the next date
        return sorted(
            rows,
            key=lambda r: (-r.due.overdue, -r.waiting, r.due.next_due or date.max, r.name),
        )
    return sorted(rows, key=lambda r: r.name.casefold())


def agreements_due(
    session: Session,
    opened: Mapping[str, grants.OpenGrant],
    live: Select[Any],
    today: date,
) -> dict[str, AgreementsDue]:
    """Per grant (``live``: a subquery of grant ids, ``opened``: those grants opened), the
    due agreements of the latest plan version it holds: one query, ranked in the
    database, and one decryption per grant. A version that does not open is left out."""
    if not opened:
        return {}
    ranked = (
        select(
            GrantItemKey.grant_id,
            GrantItemKey.wrapped_key,
            Item.id,
            Item.owner_id,
            Item.content,
            func.row_number()
            .over(
                partition_by=GrantItemKey.grant_id,
                order_by=(Item.created_at.desc(), Item.id.desc()),
            )
            .label("rank"),
        )
        .join(Item, Item.id == GrantItemKey.item_id)
        .where(GrantItemKey.grant_id.in_(live), Item.kind == ItemKind.PIP.value)
        .subquery()
    )
    found: dict[str, AgreementsDue] = {}
    for grant_id, wrapped, item_id, owner_id, content in session.execute(
        select(
            ranked.c.grant_id,
            ranked.c.wrapped_key,
            ranked.c.id,
            ranked.c.owner_id,
            ranked.c.content,
        ).where(ranked.c.rank == 1)
    ):
        grant = opened.get(grant_id)
        if grant is None:
            continue  # a grant that began after the caseload was read
        try:
            item_key = keys.unwrap_item_key(wrapped, grant.key, owner_id, item_id, grant_id)
            data = entries.read_content(owner_id, item_id, content, item_key)
            found[grant_id] = AgreementsDue.of_json(data, today)
        except (DecryptError, InvalidContentError):
            logger.warning("plan version %s does not open for grant %s", item_id, grant_id)
    return found
