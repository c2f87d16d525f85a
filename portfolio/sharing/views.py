"""The owner's side of sharing: connect by code, share with a preview, change, extend,
revoke, invite a supporter, and read who looked at what."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.models import Role, User
from portfolio.accounts.web import account_key
from portfolio.db import db, dbs, utcnow
from portfolio.entries import records
from portfolio.entries import services as entries
from portfolio.entries.domains import named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.models import Item, ItemKind
from portfolio.extensions import limiter
from portfolio.sharing import audit, comments, present, suggestions
from portfolio.sharing import services as sharing
from portfolio.sharing.errors import (
    CodeNotValidError,
    EmptyScopeError,
    GrantExistsError,
    GrantNotFoundError,
    KeyNotCertifiedError,
    NotConnectedError,
)
from portfolio.sharing.forms import (
    PERIODS,
    PURPOSE_LABELS,
    RELATION_LABELS,
    CodeForm,
    CommentForm,
    ConfirmCodeForm,
    ExtendForm,
    InviteForm,
    ShareForm,
    end_of_day,
)
from portfolio.sharing.models import Action, CodePurpose, Grant, Relation
from portfolio.sharing.scope import SHAREABLE_KINDS, Scope, default_scope

logger = logging.getLogger(__name__)
bp = Blueprint("sharing", __name__, url_prefix="/sharing")

CODE_RATE = "10 per hour"  # per account: typing mistakes, not guessing
MAX_ITEM_CHOICES = 200
LOG_PERIODS = {"7": 7, "30": 30, "365": 365}


# -- overview ------------------------------------------------------------------------------


@bp.route("/")
@roles(Role.OWNER)
def index() -> str:
    session, now = dbs(), utcnow()
    grants = sharing.grants_of_owner(session, current_user.id)
    people = {c.person.id: c for c in sharing.connections_of(session, current_user.id)}
    active = {g.recipient_id: g for g in grants if sharing.is_active(g, now)}
    ended = [g for g in grants if not sharing.is_active(g, now)]
    names = _names({g.recipient_id for g in grants} | set(people))
    return render_template(
        "sharing/index.html",
        connections=list(people.values()),
        active=active,
        ended=ended[:20],
        names=names,
        handovers=sharing.pending_handovers(session, current_user.id),
        relation_labels=RELATION_LABELS,
        code_form=CodeForm(),
        form=EmptyForm(),
    )


def _names(user_ids: set[str]) -> dict[str, User]:
    if not user_ids:
        return {}
    rows = dbs().query(User).filter(User.id.in_(user_ids)).all()
    return {u.id: u for u in rows}


@bp.route("/handovers/<handover_id>", methods=["POST"])
@roles(Role.OWNER)
def handover(handover_id: str) -> Response:
    """Yes: connect with the successor and choose what to share. No: nothing happens."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    accept = request.form.get("answer") == "yes"
    try:
        row = sharing.answer_handover(dbs(), current_user, handover_id, accept, utcnow())
    except GrantNotFoundError:
        abort(404)
    db.session.commit()
    if accept:
        flash(_("You are connected. Now choose what you share."), "success")
        return redirect(url_for("sharing.new", recipient_id=row.to_id))
    flash(_("Nothing is shared. You can always connect later with a code."), "success")
    return redirect(url_for("sharing.index"))


# -- connect by code -----------------------------------------------------------------------


@bp.route("/connect", methods=["GET", "POST"])
@limiter.limit(CODE_RATE, key_func=account_key, methods=["POST"])
@roles(*PEOPLE)
def connect() -> str | Response:
    """Enter (or scan) a code, see who made it, and confirm. Owners enter a regievoerder's
    code; supporters enter the code a newcomer gave them."""
    form = ConfirmCodeForm() if request.form.get("confirm") else CodeForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args.get("code", "")[:20]
    if not form.validate_on_submit():
        return render_template("sharing/connect.html", form=form)
    session, now = dbs(), utcnow()
    try:
        if isinstance(form, ConfirmCodeForm):
            connection = sharing.redeem_code(session, form.code.data, current_user, now)
            db.session.commit()
            return _after_connect(connection.owner_id, connection.recipient_id)
        holder = sharing.look_up_code(session, form.code.data, current_user, now)
    except CodeNotValidError:
        db.session.rollback()
        form.code.errors = [_("This code is not right, was already used or has expired.")]
        return render_template("sharing/connect.html", form=form)
    except KeyNotCertifiedError:
        db.session.rollback()
        form.code.errors = [_("This person's key cannot be checked. Do not share; ask them.")]
        return render_template("sharing/connect.html", form=form)
    confirm = ConfirmCodeForm(formdata=None, code=form.code.data)
    return render_template(
        "sharing/connect_confirm.html",
        holder=holder,
        form=confirm,
        relation=RELATION_LABELS.get(holder.code.relation, ""),
    )


def _after_connect(owner_id: str, recipient_id: str) -> Response:
    if current_user.id == owner_id:
        flash(_("You are connected. Now choose what you share."), "success")
        return redirect(url_for("sharing.new", recipient_id=recipient_id))
    flash(_("You are connected. You will see what this person shares with you."), "success")
    return redirect(url_for("clients.caseload"))


@bp.route("/invite", methods=["GET", "POST"])
@roles(Role.OWNER)
def invite() -> str:
    """A code for a supporter (language coach, buddy, family, broker), valid two days."""
    form = InviteForm()
    code = None
    if form.validate_on_submit():
        code, _row = sharing.issue_code(
            dbs(), current_user, CodePurpose.INVITE, Relation(form.relation.data), utcnow()
        )
        db.session.commit()
    return render_template("sharing/invite.html", form=form, code=code)


# -- share, change -------------------------------------------------------------------------


def _recipient(recipient_id: str) -> User:
    if sharing.connection_between(dbs(), current_user.id, recipient_id[:32]) is None:
        abort(404)
    person = dbs().get(User, recipient_id[:32])
    if person is None or not person.active:
        abort(404)
    return person


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.value, str(present.KIND_LABELS[k.value])) for k in SHAREABLE_KINDS]


def _item_choices() -> list[tuple[str, str]]:
    page = entries.page_of_items(
        dbs(), current_user.id, SHAREABLE_KINDS, archived=False, size=MAX_ITEM_CHOICES
    )
    key = current_user_key()
    return [
        (
            item.id,
            f"{present.KIND_LABELS[item.kind]}: "
            + present.title_of(item, entries.read_data(item, key)),
        )
        for item in page.items
    ]


def _share_form(person: User, grant: Grant | None) -> ShareForm:
    form = ShareForm()
    form.set_choices(_kind_choices(), named(entries.life_domains(dbs())), _item_choices())
    if request.method == "GET":
        if grant is not None:
            opened = sharing.open_as_owner(grant, current_user_key())
            scope = opened.scope
            form.shown_name.data = opened.note.shown_name
            form.purpose.data = grant.purpose
            form.purpose_text.data = opened.note.purpose_text
            form.may_comment.data = grant.may_comment
            form.may_propose.data = grant.may_propose
            form.may_verify.data = grant.may_verify
        else:
            relation = _relation(person)
            scope = default_scope(relation, [c.value for c in form.domains.choices])
            form.purpose.data = "pip" if relation == Relation.REGIEVOERDER.value else None
            form.shown_name.data = _last_shown_name()
            earlier = sharing.handover_template(dbs(), current_user.id, person.id)
            if earlier is not None:  # what was shared with the one who left; the
                scope = sharing.scope_of(earlier)  # permissions are chosen again
                form.purpose.data = earlier.purpose
        form.kinds.data = sorted(scope.kinds)
        form.domains.data = sorted(scope.domains)
        form.items.data = sorted(scope.items)
    return form


def _relation(person: User) -> str:
    connection = sharing.connection_between(dbs(), current_user.id, person.id)
    return connection.relation if connection else Relation.OTHER.value


def _last_shown_name() -> str:
    """The name the owner gave in their latest share that still opens."""
    for grant in sharing.grants_of_owner(dbs(), current_user.id):
        if grant.owner_wrapped_key is not None:
            return sharing.open_as_owner(grant, current_user_key()).note.shown_name
    return ""


def _terms(form: ShareForm) -> sharing.ShareTerms:
    return sharing.ShareTerms(
        scope=Scope(
            frozenset(form.kinds.data or []),
            frozenset(form.domains.data or []),
            frozenset(form.items.data or []),
        ),
        purpose=form.purpose.data,
        purpose_text=(form.purpose_text.data or "").strip(),
        shown_name=form.shown_name.data.strip(),
        ends_at=end_of_day(form.ends_on(utcnow().date())),
        may_comment=bool(form.may_comment.data),
        may_propose=bool(form.may_propose.data),
        may_verify=bool(form.may_verify.data),
    )


def _preview(terms: sharing.ShareTerms) -> dict[str, list[present.Shown]]:
    """Exactly what the recipient will see, grouped by life domain."""
    key = current_user_key()
    grouped: dict[str, list[present.Shown]] = defaultdict(list)
    for item in sharing.covered_items(dbs(), current_user.id, terms.scope):
        if item.archived:
            continue
        grouped[item.domain_code or ""].append(
            present.shown(item, entries.read_data(item, key), terms.scope)
        )
    return dict(grouped)


def _share_flow(person: User, grant: Grant | None) -> str | Response:
    form = _share_form(person, grant)
    action = (
        url_for("sharing.change", grant_id=grant.id)
        if grant
        else url_for("sharing.new", recipient_id=person.id)
    )
    if not form.validate_on_submit():
        return _render_share(form, person, action, grant)
    terms = _terms(form)
    if terms.scope.is_empty:
        form.kinds.errors = [_("Please choose what you share, and from which life domains.")]
        return _render_share(form, person, action, grant)
    if form.step.data == "edit":
        return _render_share(form, person, action, grant)
    if form.step.data != "confirm":
        return render_template(
            "sharing/preview.html",
            form=form,
            person=person,
            action=action,
            grouped=_preview(terms),
            domains={c.value: c.label for c in form.domains.choices},
            terms=terms,
            purpose=PURPOSE_LABELS.get(terms.purpose, ""),
            grant=grant,
            last_day=(terms.ends_at - timedelta(seconds=1)).date(),
        )
    session, now = dbs(), utcnow()
    try:
        if grant is None:
            grant = sharing.create_grant(
                session, current_user, current_user_key(), person, terms, now
            )
            message = _("You now share with %(name)s.", name=person.display_name or person.username)
        else:
            sharing.change_grant(session, current_user, current_user_key(), grant, terms, now)
            message = _("The share is changed.")
    except (GrantExistsError, GrantNotFoundError, NotConnectedError, KeyNotCertifiedError):
        db.session.rollback()
        flash(_("This share could not be made. Please look at your shares and try again."), "error")
        return redirect(url_for("sharing.index"))
    except EmptyScopeError:
        db.session.rollback()
        form.kinds.errors = [_("Please choose what you share, and from which life domains.")]
        return _render_share(form, person, action, grant)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("sharing.show", grant_id=grant.id))


def _render_share(form: ShareForm, person: User, action: str, grant: Grant | None) -> str:
    form.step.data = "preview"
    return render_template(
        "sharing/share_form.html",
        form=form,
        person=person,
        action=action,
        grant=grant,
        relation=RELATION_LABELS.get(_relation(person), ""),
        sensitive={"health"},
    )


@bp.route("/new/<recipient_id>", methods=["GET", "POST"])
@roles(Role.OWNER)
def new(recipient_id: str) -> str | Response:
    person = _recipient(recipient_id)
    existing = sharing.active_grant(dbs(), current_user.id, person.id, utcnow())
    if existing is not None:
        return redirect(url_for("sharing.change", grant_id=existing.id))
    return _share_flow(person, None)


def _own_grant(grant_id: str) -> Grant:
    try:
        return sharing.owner_grant(dbs(), current_user.id, grant_id)
    except GrantNotFoundError:
        abort(404)


@bp.route("/<grant_id>/change", methods=["GET", "POST"])
@roles(Role.OWNER)
def change(grant_id: str) -> str | Response:
    grant = _own_grant(grant_id)
    if not sharing.is_active(grant, utcnow()):
        return redirect(url_for("sharing.show", grant_id=grant.id))
    return _share_flow(_recipient(grant.recipient_id), grant)


@bp.route("/<grant_id>")
@roles(Role.OWNER)
def show(grant_id: str) -> str:
    grant = _own_grant(grant_id)
    now = utcnow()
    person = dbs().get(User, grant.recipient_id)
    active = sharing.is_active(grant, now)
    opened = sharing.open_as_owner(grant, current_user_key()) if grant.owner_wrapped_key else None
    grouped = (
        _preview(sharing.ShareTerms(opened.scope, grant.purpose, "", "", grant.ends_at))
        if opened and active
        else {}
    )
    return render_template(
        "sharing/grant.html",
        grant=grant,
        person=person,
        active=active,
        note=opened.note if opened else None,
        grouped=grouped,
        domains=dict(named(entries.life_domains(dbs()))),
        purpose=PURPOSE_LABELS.get(grant.purpose, ""),
        extend_form=ExtendForm(formdata=None),
        form=EmptyForm(),
    )


@bp.route("/<grant_id>/extend", methods=["POST"])
@roles(Role.OWNER)
def extend(grant_id: str) -> str | Response:
    grant = _own_grant(grant_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for f in form for e in f.errors) or _("Please try again."), "error")
        return redirect(url_for("sharing.show", grant_id=grant.id))
    try:
        sharing.extend_grant(
            dbs(), current_user, grant, end_of_day(form.ends_on(utcnow().date())), utcnow()
        )
    except GrantNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("The end date is changed."), "success")
    return redirect(url_for("sharing.show", grant_id=grant.id))


@bp.route("/<grant_id>/revoke", methods=["POST"])
@roles(Role.OWNER)
def revoke(grant_id: str) -> Response:
    grant = _own_grant(grant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    sharing.revoke_grant(dbs(), current_user, grant, utcnow())
    db.session.commit()
    flash(_("You stopped sharing. From now on this person sees nothing."), "success")
    return redirect(url_for("sharing.index"))


@bp.route("/connections/<connection_id>/remove", methods=["POST"])
@roles(Role.OWNER)
def disconnect(connection_id: str) -> Response:
    connection = next(
        (
            c.connection
            for c in sharing.connections_of(dbs(), current_user.id)
            if c.connection.id == connection_id
        ),
        None,
    )
    if connection is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    sharing.disconnect(dbs(), current_user, connection, utcnow())
    db.session.commit()
    flash(_("The connection is removed."), "success")
    return redirect(url_for("sharing.index"))


# -- feedback on my items -----------------------------------------------------------------


@bp.route("/items/<item_id>/feedback", methods=["GET", "POST"])
@limiter.limit(comments.MESSAGE_RATE, key_func=account_key, methods=["POST"])
@roles(Role.OWNER)
def feedback(item_id: str) -> str | Response:
    """The owner's threads on one item: one per person who may comment or has written."""
    session, now = dbs(), utcnow()
    try:
        item = entries.get_item(session, current_user.id, item_id)
    except ItemNotFoundError:
        abort(404)
    item_key, data = entries.open_item(item, current_user_key())
    writable = set(comments.partners_who_may_comment(session, item, now))
    partners = writable | set(comments.partners_with_threads(session, item))
    form = CommentForm()
    if form.validate_on_submit():
        if form.partner.data not in writable:
            abort(404)
        comments.add(
            session, item, item_key, current_user, form.partner.data, form.text.data.strip(), now
        )
        db.session.commit()
        flash(_("Your message is sent."), "success")
        return redirect(
            url_for("sharing.feedback", item_id=item.id) + f"#thread-{form.partner.data}"
        )
    people = _names(partners)
    threads = [
        (people[p], comments.thread(session, item, item_key, p), p in writable)
        for p in sorted(partners, key=lambda p: people[p].display_name or people[p].username)
        if p in people
    ]
    page = render_template(
        "sharing/feedback.html",
        item=item,
        title=present.title_of(item, data),
        threads=threads,
        form=form,
        back=item_url(item),
    )
    for partner in partners:
        comments.mark_seen(session, item.id, partner, current_user.id, now)
    db.session.commit()
    return page


def item_url(item: Item) -> str:
    """Where the owner reads an item of any kind."""
    if item.kind == ItemKind.GOAL.value:
        return url_for("entries.show_goal", item_id=item.id)
    spec = records.BY_KIND.get(ItemKind(item.kind))
    if spec is None:
        return url_for("entries.index")
    if spec.single:
        return url_for("records.show_single", slug=spec.slug)
    return url_for("records.show", slug=spec.slug, item_id=item.id)


# -- who looked at my data ------------------------------------------------------------------


@bp.route("/log")
@roles(Role.OWNER)
def log() -> str:
    session = dbs()
    actor = request.args.get("who", "")[:32] or None
    action = request.args.get("what", "")
    period = request.args.get("period", "")
    wanted = audit.LogFilter(
        actor_id=actor,
        action=action if action in {a.value for a in Action} else None,
        since=utcnow() - timedelta(days=LOG_PERIODS[period]) if period in LOG_PERIODS else None,
    )
    number = request.args.get("page", "1")
    number_int = int(number) if number.isdecimal() and len(number) < 6 else 1
    events, has_next = audit.events_for_owner(session, current_user.id, wanted, number=number_int)
    people = _names(set(audit.actors_for_owner(session, current_user.id)))
    return render_template(
        "sharing/log.html",
        events=events,
        has_next=has_next,
        number=number_int,
        people=people,
        wanted=wanted,
        period=period,
        action_labels=ACTION_LABELS,
        event_label=event_label,
        purpose_labels=PURPOSE_LABELS,
        periods=PERIODS,
    )


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
    if sharing.claim_sealed(dbs(), current_user, current_user_key()):
        db.session.commit()
