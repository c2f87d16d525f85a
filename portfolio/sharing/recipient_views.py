"""The recipient's side: the regievoerder's workspace and connect code, the caseload, and
a client's shared portfolio, read-only. Every list and read is logged for the owner; so
is every refusal."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import segno
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.accounts.web import account_key, vault_context
from portfolio.db import db, dbs, utcnow
from portfolio.entries import files
from portfolio.entries import services as entries
from portfolio.entries.blobs import BlobNotFoundError
from portfolio.entries.domains import named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.models import Item, ItemKind
from portfolio.entries.record_views import blob_store, file_response
from portfolio.extensions import limiter
from portfolio.pip.plan import AWAITING_RECIPIENT
from portfolio.pip.services import AgreementsDue, agreements_due
from portfolio.sharing import audit, comments, endorsements, present, suggestions
from portfolio.sharing import services as sharing
from portfolio.sharing.errors import NoAccessError
from portfolio.sharing.forms import PURPOSE_LABELS, CommentForm
from portfolio.sharing.models import Action, CodePurpose, GrantItemKey, Relation
from portfolio.templating import dateformat
from portfolio.vault import signing
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
bp = Blueprint("clients", __name__)
RECIPIENTS = (Role.REGIEVOERDER, Role.SUPPORTER)
SORTS = ("name", "updated", "ends", "attention")


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


def _private_key() -> X25519PrivateKey:
    return sharing.private_key_of(current_user, current_user_key())


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
    grants = sharing.grants_to(session, recipient.id, now)
    if not grants:
        return []
    live = sharing.live_grant_ids(recipient.id, now)
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
    opened_by_grant = {g.id: sharing.open_as_recipient(g, private_key, user_key) for g in grants}
    due = agreements_due(session, opened_by_grant, live, today)
    rows = []
    prefix = url_for("clients.client", owner_id="-")[:-1]  # one url_for, not 150
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


def _sorted(rows: list[CaseRow], sort: str, domain: str) -> list[CaseRow]:
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


def _caseload_page(template: str, **extra: object) -> str:
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    domain = request.args.get("domain", "")[:32]
    domains = named(entries.life_domains(dbs()))
    today = to_user_timezone(utcnow()).date()
    rows = _sorted(
        caseload_rows(dbs(), current_user, _private_key(), current_user_key(), today),
        sort,
        domain,
    )
    names = dict(domains)
    page = render_template(
        template,
        rows=rows,
        sort=sort,
        domain=domain if domain in names else "",
        domains=domains,
        labels=_cell_labels(rows, names),
        today=today,
        **extra,
    )
    db.session.commit()  # keeps grant keys wrapped under the user key for the first time
    return page


@dataclass(frozen=True)
class CellLabels:
    """What the caseload's cells say, made once per distinct value rather than once per
    row: 150 rows share a handful of domain lists, counts and dates."""

    domains: dict[tuple[str, ...], str]
    overdue: dict[int, str]
    next_due: dict[date, str]


def _cell_labels(rows: list[CaseRow], names: dict[str, str]) -> CellLabels:
    return CellLabels(
        {
            codes: ", ".join(names.get(c, c) for c in codes)
            for codes in {tuple(r.domains) for r in rows}
        },
        {
            n: ngettext("%(num)d overdue", "%(num)d overdue", n)
            for n in {r.due.overdue for r in rows if r.due.overdue}
        },
        {
            d: _("next: %(date)s", date=dateformat(d))
            for d in {r.due.next_due for r in rows if r.due.next_due}
        },
    )


@bp.route("/workspace")
@roles(Role.REGIEVOERDER)
def workspace() -> str:
    return _caseload_page(
        "clients/workspace.html", fingerprint=signing.fingerprint(current_user.public_key)
    )


@bp.route("/clients/")
@roles(*RECIPIENTS)
def caseload() -> str:
    return _caseload_page("clients/caseload.html")


@bp.route("/workspace/code", methods=["GET", "POST"])
@roles(Role.REGIEVOERDER)
def connect_code() -> str:
    """A code to show the newcomer (on screen or as a QR code); 15 minutes, once."""
    form = EmptyForm()
    code = qr_svg = None
    if form.validate_on_submit():
        code, _row = sharing.issue_code(
            dbs(), current_user, CodePurpose.STAFF, Relation.REGIEVOERDER, utcnow()
        )
        db.session.commit()
        link = url_for("sharing.connect", code=code, _external=True)
        qr_svg = Markup(  # noqa: S704  (SVG we generated from our own URL)
            segno.make(link, error="m").svg_inline(
                border=4, dark="#000", light="#fff", omitsize=True
            )
        )
    return render_template(
        "clients/connect_code.html",
        form=form,
        code=code,
        qr_svg=qr_svg,
        fingerprint=signing.fingerprint(current_user.public_key),
    )


# -- one client ---------------------------------------------------------------------------


def deny(owner_id: str, object_type: str, object_id: str | None) -> None:
    """Log a refusal where the owner will read it (only for a real owner id)."""
    if dbs().get(User, owner_id[:32]) is not None and not audit.refused_recently(
        dbs(), current_user.id, owner_id[:32], object_id[:32] if object_id else None, utcnow()
    ):
        audit.record(
            dbs(),
            actor=current_user,
            owner_id=owner_id[:32],
            action=Action.DENY,
            object_type=object_type,
            object_id=object_id[:32] if object_id else None,
            outcome="denied",
        )
        db.session.commit()
    logger.info("access by %s to %r refused", current_user.id, owner_id[:32])


def log_for_owner(
    opened: sharing.OpenGrant, action: Action, object_type: str, object_id: str | None = None
) -> None:
    """One access-log row for the owner of what this recipient did through the grant;
    the view commits it with the rest of the request."""
    audit.record(
        dbs(),
        actor=current_user,
        owner_id=opened.grant.owner_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        grant=opened.grant,
    )


def _log(
    opened: sharing.OpenGrant, action: Action, object_type: str, object_id: str | None = None
) -> None:
    log_for_owner(opened, action, object_type, object_id)
    db.session.commit()


def opened_for(owner_id: str) -> sharing.OpenGrant:
    try:
        return sharing.grant_for_recipient(
            dbs(), current_user, _private_key(), owner_id, utcnow(), current_user_key()
        )
    except NoAccessError:
        deny(owner_id, "portfolio", None)
        abort(403)


def _shared(opened: sharing.OpenGrant, item_id: str) -> tuple[Item, dict[str, Any], SymmetricKey]:
    try:
        item, item_key = sharing.shared_item_key(dbs(), opened, item_id)
    except NoAccessError:
        deny(opened.grant.owner_id, "item", item_id)
        abort(404)
    return item, entries.read_with_item_key(item, item_key), item_key


@bp.route("/clients/<owner_id>")
@roles(*RECIPIENTS)
def client(owner_id: str) -> str:
    opened = opened_for(owner_id)
    session = dbs()
    grouped: dict[str, list[present.Shown]] = defaultdict(list)
    shared = sharing.shared_items(session, opened)
    for item in shared:
        if item.kind == ItemKind.GOAL_SUGGESTION.value:
            continue  # listed apart, below
        _, item_key = sharing.shared_item_key(session, opened, item.id)
        data = entries.read_with_item_key(item, item_key)
        grouped[item.domain_code or ""].append(present.shown(item, data, opened.scope))
    _log(opened, Action.LIST, "portfolio")
    domains = named(entries.life_domains(session))
    return render_template(
        "clients/client.html",
        opened=opened,
        grouped=grouped,
        domains=domains,
        purpose=PURPOSE_LABELS.get(opened.grant.purpose, ""),
        may_suggest=suggestions.may_suggest(opened),
        suggested=suggestions.written_by(session, opened, current_user.id, shared),
    )


@bp.route("/clients/<owner_id>/items/<item_id>")
@roles(*RECIPIENTS)
def item(owner_id: str, item_id: str) -> str:
    opened = opened_for(owner_id)
    shared, data, item_key = _shared(opened, item_id)
    _log(opened, Action.READ, "item", shared.id)
    return _render_item(opened, shared, data, item_key, CommentForm())


def _render_item(
    opened: sharing.OpenGrant,
    shared: Item,
    data: dict[str, Any],
    item_key: SymmetricKey,
    form: CommentForm,
) -> str:
    session, now = dbs(), utcnow()
    shown = present.shown(shared, data, opened.scope)
    stored = files.files_of(session, shared, shown.files) if shown.files else []
    verified = endorsements.shown(session, shared, item_key, data)
    page = render_template(
        "clients/item.html",
        opened=opened,
        shown=shown,
        files=stored,
        domain=dict(named(entries.life_domains(session))).get(shared.domain_code or "", ""),
        thread=comments.thread(session, shared, item_key, current_user.id),
        form=form,
        verified=verified,
        may_verify=_may_verify(opened, shared)
        and not any(v.endorsement.endorser_id == current_user.id for v in verified),
    )
    comments.mark_seen(session, shared.id, current_user.id, current_user.id, now)
    db.session.commit()
    return page


def _may_verify(opened: sharing.OpenGrant, shared: Item) -> bool:
    return (
        opened.grant.may_verify
        and current_user.role_enum is Role.REGIEVOERDER
        and shared.kind in endorsements.VERIFIABLE
    )


@bp.route("/clients/<owner_id>/items/<item_id>/comments", methods=["POST"])
@limiter.limit(comments.MESSAGE_RATE, key_func=account_key, methods=["POST"])
@roles(*RECIPIENTS)
def comment(owner_id: str, item_id: str) -> str | Response:
    opened = opened_for(owner_id)
    shared, data, item_key = _shared(opened, item_id)
    if not opened.grant.may_comment:
        deny(owner_id, "item", shared.id)
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_item(opened, shared, data, item_key, form)
    comments.add(
        dbs(), shared, item_key, current_user, current_user.id, form.text.data.strip(), utcnow()
    )
    _log(opened, Action.COMMENT, "item", shared.id)
    flash(_("Your message is sent."), "success")
    return redirect(url_for("clients.item", owner_id=owner_id, item_id=shared.id) + "#thread")


@bp.route("/clients/<owner_id>/items/<item_id>/verify", methods=["POST"])
@roles(Role.REGIEVOERDER)
def verify(owner_id: str, item_id: str) -> Response:
    """Mark a certificate as checked: signed with the municipality's key."""
    opened = opened_for(owner_id)
    shared, data, item_key = _shared(opened, item_id)
    if not _may_verify(opened, shared) or not EmptyForm().validate_on_submit():
        deny(owner_id, "item", shared.id)
        abort(403)
    try:
        endorsements.endorse(
            dbs(), vault_context().app_keys, current_user, shared, item_key, data, utcnow()
        )
    except endorsements.NotVerifiableError:
        db.session.rollback()
        flash(_("You already verified this."), "info")
    else:
        _log(opened, Action.VERIFY, "item", shared.id)
        flash(_("You marked this as verified."), "success")
    return redirect(url_for("clients.item", owner_id=owner_id, item_id=shared.id))


@bp.route(
    "/clients/<owner_id>/items/<item_id>/endorsements/<endorsement_id>/withdraw",
    methods=["POST"],
)
@roles(Role.REGIEVOERDER)
def withdraw(owner_id: str, item_id: str, endorsement_id: str) -> Response:
    opened = opened_for(owner_id)
    shared, _data, _key = _shared(opened, item_id)
    endorsement = next(
        (e for e in endorsements.active(dbs(), shared) if e.id == endorsement_id), None
    )
    if endorsement is None or endorsement.endorser_id != current_user.id:
        deny(owner_id, "item", shared.id)
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    endorsements.withdraw(dbs(), endorsement, current_user, utcnow())
    _log(opened, Action.WITHDRAW, "item", shared.id)
    flash(_("Your verification is withdrawn."), "success")
    return redirect(url_for("clients.item", owner_id=owner_id, item_id=shared.id))


@bp.route("/clients/<owner_id>/items/<item_id>/files/<file_id>")
@roles(*RECIPIENTS)
def file(owner_id: str, item_id: str, file_id: str) -> Response:
    opened = opened_for(owner_id)
    shared, data, item_key = _shared(opened, item_id)
    thumbnail = request.args.get("size") == "thumb"
    try:
        row = files.get_file(dbs(), shared, file_id)
        content = files.read_with_item_key(
            blob_store(),
            shared,
            row,
            item_key,
            thumbnail=thumbnail,
        )
    except (ItemNotFoundError, BlobNotFoundError):
        deny(opened.grant.owner_id, "file", file_id)
        abort(404)
    if not thumbnail:
        _log(opened, Action.READ, "file", row.id)
    names = present.shown(shared, data, opened.scope).files
    name = next((f.get("name") for f in names if f.get("id") == row.id), None)
    return file_response(content, row, name, thumbnail=thumbnail)
