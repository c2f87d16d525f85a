"""Grants at the vault level: share, scope change, new items, revoke, expiry, purge,
re-sharing to a successor, tampering, and the append-only access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import DatabaseError

from portfolio.accounts import services as accounts
from portfolio.accounts.models import User
from portfolio.db import db, utcnow
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal
from portfolio.entries.models import Item, ItemKind
from portfolio.sharing import audit, connections, grants, received
from portfolio.sharing.errors import (
    CodeNotValidError,
    EmptyScopeError,
    GrantExistsError,
    KeyNotCertifiedError,
    NoAccessError,
    NotConnectedError,
)
from portfolio.sharing.models import AccessEvent, Action, CodePurpose, Grant, GrantItemKey, Relation
from portfolio.sharing.scope import Scope, default_scope
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.errors import DecryptError
from tests.conftest import Account

LANGUAGE_AND_WORK = Scope(
    frozenset({"goal", "certificate", "experience"}), frozenset({"language", "work"})
)


class World:
    """An owner with goals in three domains, and a regievoerder connected by code."""

    def __init__(self, app: Flask, make_owner, make_staff) -> None:
        self.app = app
        owner: Account = make_owner("amal")
        staff: Account = make_staff("sanne")
        self.owner_id, self.staff_id = owner.user_id, staff.user_id
        ctx = app.extensions["portfolio.vault"]
        self.owner_key = accounts.authenticate(db.session, ctx, "amal", owner.passphrase).user_key
        self.staff_key = accounts.authenticate(db.session, ctx, "sanne", staff.passphrase).user_key
        self.goals = {
            code: entries.create_goal(
                db.session, self.owner_id, self.owner_key, code, Goal(title=f"goal in {code}")
            ).id
            for code in ("language", "work", "health")
        }
        code, _ = connections.issue_code(
            db.session, self.staff, CodePurpose.STAFF, Relation.REGIEVOERDER, utcnow()
        )
        connections.redeem_code(db.session, code, self.owner, utcnow())
        db.session.commit()

    @property
    def owner(self) -> User:
        return db.session.get(User, self.owner_id)

    @property
    def staff(self) -> User:
        return db.session.get(User, self.staff_id)

    def share(self, scope: Scope = LANGUAGE_AND_WORK, days: int = 90, **kw) -> Grant:
        terms = grants.ShareTerms(
            scope=scope,
            purpose="pip",
            purpose_text="voor het PIP-gesprek",
            shown_name="Amal Haddad",
            ends_at=utcnow() + timedelta(days=days),
            **kw,
        )
        grant = grants.create_grant(
            db.session, self.owner, self.owner_key, self.staff, terms, utcnow()
        )
        db.session.commit()
        return grant

    def seen(self) -> set[str]:
        private = received.private_key_of(self.staff, self.staff_key)
        opened = received.grant_for_recipient(
            db.session, self.staff, private, self.owner_id, utcnow()
        )
        items = received.shared_items(db.session, opened)
        for item in items:  # every one opens with the grant
            _, key = received.shared_item_key(db.session, opened, item.id)
            assert entries.read_with_item_key(item, key)["title"].startswith("goal in")
        return {item.domain_code for item in items}


@pytest.fixture
def world(app: Flask, make_owner, make_staff) -> World:
    ctx = app.app_context()
    ctx.push()
    try:
        yield World(app, make_owner, make_staff)
    finally:
        db.session.rollback()
        ctx.pop()


def wraps_of(grant_id: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(GrantItemKey).where(GrantItemKey.grant_id == grant_id)
    )


def test_share_covers_scope_and_note_is_sealed(world: World) -> None:
    grant = world.share()
    assert world.seen() == {"language", "work"}
    assert wraps_of(grant.id) == 2
    opened = received.open_as_recipient(
        grant, received.private_key_of(world.staff, world.staff_key)
    )
    assert opened.note.shown_name == "Amal Haddad"
    assert b"Amal" not in grant.sealed_note


def test_the_recipients_own_wrap_opens_the_same_grant_and_only_for_them(world: World) -> None:
    grant = world.share()
    private = received.private_key_of(world.staff, world.staff_key)
    first = received.open_as_recipient(grant, private, world.staff_key)
    wrap = grant.recipient_wrapped_key
    assert wrap is not None
    # Without the private key at all, the wrap alone opens it under the user key.
    again = received.open_as_recipient(grant, None, world.staff_key)  # type: ignore[arg-type]
    assert again.key.material == first.key.material and again.note == first.note
    assert grant.recipient_wrapped_key == wrap  # not made again
    # Another user key does not open it: the sealed key does, and the wrap is made anew.
    fallback = received.open_as_recipient(grant, private, SymmetricKey.generate())
    assert fallback.key.material == first.key.material
    assert grant.recipient_wrapped_key != wrap
    # The wrap is bound to its owner, grant and recipient.
    with pytest.raises(DecryptError):
        keys.open_grant_key_as_recipient_wrap(
            world.staff_key, wrap, world.owner_id, "0" * 32, grant.recipient_id
        )
    db.session.rollback()


def test_new_item_and_domain_change_follow_the_scope(world: World) -> None:
    grant = world.share()
    item = entries.create_goal(
        db.session, world.owner_id, world.owner_key, "work", Goal(title="goal in work 2")
    )
    db.session.commit()
    assert wraps_of(grant.id) == 3
    entries.update_goal(db.session, item, world.owner_key, "health", Goal(title="goal in h"))
    db.session.commit()
    assert wraps_of(grant.id) == 2
    assert "health" not in world.seen()


def test_scope_change_adds_and_removes_wraps(world: World) -> None:
    grant = world.share()
    terms = grants.ShareTerms(
        scope=Scope(frozenset({"goal"}), frozenset({"language"})),
        purpose="language",
        purpose_text="",
        shown_name="Amal",
        ends_at=utcnow() + timedelta(days=30),
    )
    grants.change_grant(db.session, world.owner, world.owner_key, grant, terms, utcnow())
    db.session.commit()
    assert world.seen() == {"language"}
    assert wraps_of(grant.id) == 1


def test_revoke_deletes_every_wrap_at_once(world: World) -> None:
    grant = world.share()
    sealed = grant.sealed_key
    private = received.private_key_of(world.staff, world.staff_key)
    received.open_as_recipient(grant, private, world.staff_key)  # the recipient's own wrap
    db.session.commit()
    assert grant.recipient_wrapped_key is not None
    grants.revoke_grant(db.session, world.owner, grant, utcnow())
    db.session.commit()
    assert wraps_of(grant.id) == 0
    row = db.session.get(Grant, grant.id)
    assert row.sealed_key is None and row.owner_wrapped_key is None and row.sealed_note is None
    assert row.recipient_wrapped_key is None
    with pytest.raises(NoAccessError):
        world.seen()
    # Replaying the revoked grant's sealed key onto a new grant does not open.
    again = world.share()
    private = received.private_key_of(world.staff, world.staff_key)
    from portfolio.vault import keys

    with pytest.raises(DecryptError):
        keys.open_grant_key_as_recipient(
            private, sealed, again.owner_id, again.id, again.recipient_id
        )


def test_expiry_stops_reading_and_purge_removes_keys(world: World) -> None:
    grant = world.share()
    db.session.execute(
        update(Grant).where(Grant.id == grant.id).values(ends_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    with pytest.raises(NoAccessError):
        world.seen()
    assert wraps_of(grant.id) == 2  # still there until the purge
    assert grants.purge_expired(db.session, utcnow()) == 1
    db.session.commit()
    assert wraps_of(grant.id) == 0
    assert db.session.get(Grant, grant.id).sealed_key is None
    actions = db.session.scalars(select(AccessEvent.action)).all()
    assert Action.EXPIRE.value in actions


def test_successor_gets_a_new_grant_by_consent_only(world: World, make_staff) -> None:
    grant = world.share()
    successor = make_staff("pieter")
    with pytest.raises(NotConnectedError):  # not moved silently
        grants.create_grant(
            db.session,
            world.owner,
            world.owner_key,
            db.session.get(User, successor.user_id),
            grants.ShareTerms(LANGUAGE_AND_WORK, "pip", "", "A", utcnow() + timedelta(days=9)),
            utcnow(),
        )
    db.session.rollback()
    code, _ = connections.issue_code(
        db.session,
        db.session.get(User, successor.user_id),
        CodePurpose.STAFF,
        Relation.REGIEVOERDER,
        utcnow(),
    )
    connections.redeem_code(db.session, code, world.owner, utcnow())
    new = grants.create_grant(
        db.session,
        world.owner,
        world.owner_key,
        db.session.get(User, successor.user_id),
        grants.ShareTerms(LANGUAGE_AND_WORK, "pip", "", "A", utcnow() + timedelta(days=9)),
        utcnow(),
    )
    grants.revoke_grant(db.session, world.owner, grant, utcnow())
    db.session.commit()
    assert wraps_of(new.id) == 2 and wraps_of(grant.id) == 0


def test_one_active_grant_per_recipient_and_no_empty_scope(world: World) -> None:
    world.share()
    with pytest.raises(GrantExistsError):
        world.share()
    db.session.rollback()
    with pytest.raises(EmptyScopeError):
        grants.change_grant(
            db.session,
            world.owner,
            world.owner_key,
            grants.active_grant(db.session, world.owner_id, world.staff_id, utcnow()),
            grants.ShareTerms(Scope(), "pip", "", "A", utcnow() + timedelta(days=9)),
            utcnow(),
        )


def test_codes_are_single_use_and_expire(world: World, make_owner) -> None:
    other = make_owner("bilal")
    bilal = db.session.get(User, other.user_id)
    code, row = connections.issue_code(
        db.session, world.staff, CodePurpose.STAFF, Relation.REGIEVOERDER, utcnow()
    )
    assert connections.look_up_code(db.session, code.lower().replace("-", " "), bilal, utcnow())
    with pytest.raises(CodeNotValidError):  # expired
        connections.look_up_code(db.session, code, bilal, utcnow() + timedelta(minutes=16))
    with pytest.raises(CodeNotValidError):  # staff cannot enter codes
        connections.look_up_code(db.session, code, world.staff, utcnow())
    connections.redeem_code(db.session, code, bilal, utcnow())
    with pytest.raises(CodeNotValidError):
        connections.redeem_code(db.session, code, bilal, utcnow())
    with pytest.raises(CodeNotValidError):
        connections.look_up_code(db.session, "ZZZZ-ZZZ", bilal, utcnow())


def test_uncertified_staff_key_is_refused(world: World) -> None:
    world.staff.public_key = bytes(32)  # a key the municipality never certified
    with pytest.raises(KeyNotCertifiedError):
        world.share()


def test_tampered_wrap_does_not_open(world: World) -> None:
    grant = world.share()
    row = db.session.scalars(select(GrantItemKey).where(GrantItemKey.grant_id == grant.id)).first()
    flipped = bytearray(row.wrapped_key)
    flipped[-1] ^= 1
    row.wrapped_key = bytes(flipped)
    db.session.flush()
    private = received.private_key_of(world.staff, world.staff_key)
    opened = received.grant_for_recipient(
        db.session, world.staff, private, world.owner_id, utcnow()
    )
    with pytest.raises(DecryptError):
        received.shared_item_key(db.session, opened, row.item_id)


def test_default_scope_never_holds_health_or_the_diary() -> None:
    codes = ["language", "work", "health", "family"]
    for relation in Relation:
        scope = default_scope(relation.value, codes)
        assert "health" not in scope.domains
        assert ItemKind.REFLECTION.value not in scope.kinds


def test_access_log_is_append_only(world: World) -> None:
    world.share()
    event = db.session.scalars(select(AccessEvent)).first()
    event.action = "read"
    with pytest.raises(DatabaseError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AccessEvent)).first())
    with pytest.raises(DatabaseError):
        db.session.commit()
    db.session.rollback()
    assert audit.purge_older_than(db.session, utcnow() + timedelta(days=1)) >= 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AccessEvent)) == 0


def test_purge_expired_command(world: World) -> None:
    grant = world.share()
    db.session.execute(
        update(Grant).where(Grant.id == grant.id).values(ends_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
    result = world.app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert "1 expired shares closed" in result.output and "1 connect codes removed" in result.output
    db.session.expire_all()
    assert wraps_of(grant.id) == 0
    refused = world.app.test_cli_runner().invoke(
        args=["purge-expired", "--log-retention-days", "30"]
    )
    assert refused.exit_code != 0  # a year at least


def test_a_second_live_grant_for_the_same_pair_is_refused_by_the_database(world: World) -> None:
    world.share()
    duplicate = Grant(
        owner_id=world.owner_id,
        recipient_id=world.staff_id,
        purpose="pip",
        ends_at=utcnow() + timedelta(days=9),
        sealed_key=b"x" * 60,
        owner_wrapped_key=b"y" * 60,
    )
    db.session.add(duplicate)
    with pytest.raises(DatabaseError):
        db.session.flush()
    db.session.rollback()


def test_an_expired_grant_does_not_block_a_new_one(world: World) -> None:
    grant = world.share()
    db.session.execute(
        update(Grant).where(Grant.id == grant.id).values(ends_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    again = world.share()  # the expired one is shredded first
    assert db.session.get(Grant, grant.id).sealed_key is None
    assert wraps_of(again.id) == 2


def test_disconnect_revokes_every_live_grant(world: World) -> None:
    world.share()
    connection = connections.connection_between(db.session, world.owner_id, world.staff_id)
    grants.disconnect(db.session, world.owner, connection, utcnow())
    db.session.commit()
    with pytest.raises(NoAccessError):
        world.seen()


def test_a_code_is_spent_once_even_when_read_twice(world: World, make_owner) -> None:
    other = db.session.get(User, make_owner("bilal").user_id)
    code, _ = connections.issue_code(
        db.session, world.staff, CodePurpose.STAFF, Relation.REGIEVOERDER, utcnow()
    )
    db.session.commit()
    connections.look_up_code(db.session, code, other, utcnow())  # both requests read it unused
    connections.redeem_code(db.session, code, other, utcnow())
    with pytest.raises(CodeNotValidError):
        connections.redeem_code(db.session, code, other, utcnow())


def test_comment_cannot_move_to_another_thread(world: World) -> None:
    from portfolio.sharing import comments

    world.share()
    item = db.session.get(Item, world.goals["language"])
    item_key, _ = entries.open_item(item, world.owner_key)
    comment = comments.add(db.session, item, item_key, world.staff, world.staff_id, "hoi", utcnow())
    comment.partner_id = world.owner_id  # a row edited in the database
    with pytest.raises(DecryptError):
        comments.thread(db.session, item, item_key, world.owner_id)
