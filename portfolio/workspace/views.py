"""The recipient's workspace: the regievoerder's start page with their caseload and key
fingerprint, a supporter's list of the people who share with them, and the connect code
a regievoerder shows a newcomer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import segno
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone
from flask_login import current_user
from markupsafe import Markup

from portfolio.accounts.access import current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role
from portfolio.db import db, dbs, utcnow
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.sharing import access, connections
from portfolio.sharing.models import CodePurpose, Relation
from portfolio.templating import dateformat
from portfolio.vault import signing
from portfolio.web import public_url_for
from portfolio.workspace import bp
from portfolio.workspace.caseload import CaseRow, caseload_rows, sort_rows

SORTS = ("name", "updated", "ends", "attention")


def _caseload_page(template: str, **extra: object) -> str:
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    domain = request.args.get("domain", "")[:32]
    domains = named(entries.life_domains(dbs()))
    today = to_user_timezone(utcnow()).date()
    rows = sort_rows(
        caseload_rows(dbs(), current_user, access.private_key(), current_user_key(), today),
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
        "workspace/workspace.html", fingerprint=signing.fingerprint(current_user.public_key)
    )


@bp.route("/clients/")
@roles(*access.RECIPIENTS)
def caseload() -> str:
    return _caseload_page("workspace/caseload.html")


@bp.route("/workspace/code", methods=["GET", "POST"])
@roles(Role.REGIEVOERDER)
def connect_code() -> str:
    """A code to show the newcomer (on screen or as a QR code); 15 minutes, once."""
    form = EmptyForm()
    code = qr_svg = None
    if form.validate_on_submit():
        code, _row = connections.issue_code(
            dbs(), current_user, CodePurpose.STAFF, Relation.REGIEVOERDER, utcnow()
        )
        db.session.commit()
        link = public_url_for("sharing.connect", code=code)
        qr_svg = Markup(  # noqa: S704  (SVG we generated from our own URL)
            segno.make(link, error="m").svg_inline(
                border=4, dark="#000", light="#fff", omitsize=True
            )
        )
    return render_template(
        "workspace/connect_code.html",
        form=form,
        code=code,
        qr_svg=qr_svg,
        fingerprint=signing.fingerprint(current_user.public_key),
    )
