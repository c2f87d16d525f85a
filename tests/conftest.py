"""Shared fixtures: an app per test on a fresh schema (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` is set), a client, and factories for accounts."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from portfolio import create_app
from portfolio.accounts import municipalities, services
from portfolio.accounts.models import Role
from portfolio.config import Settings, from_env
from portfolio.db import db
from portfolio.sharing.models import AccessLogRetention
from portfolio.vault.kdf import KdfParams

PASSPHRASE = "blue bicycle on the dike"
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


REFERENCE_TABLES = {"life_domains"}  # seeded by migrations, kept between tests


def migrate_to_head(app: Flask) -> None:
    """The schema as production gets it: every migration, with its seed data."""
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        flask_migrate.upgrade()
        db.engine.dispose()


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this test session; dropped at the end."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    name = f"pf_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(_admin_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_settings(database_url: str, instance: Path, **overrides: object) -> Settings:
    base = from_env(
        {
            "PORTFOLIO_ENV": "testing",
            "DATABASE_URL": database_url,
            "PORTFOLIO_INSTANCE_DIR": str(instance),
        }
    )
    cheap = KdfParams.cheap_for_tests()
    defaults: dict[str, object] = {
        "kdf": cheap,
        "kdf_floor": cheap,
        "ratelimit_enabled": False,
        "cookie_secure": True,
    }
    defaults.update(overrides)
    return base.with_overrides(**defaults)


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    app = create_app(make_settings(database_url, tmp_path_factory.mktemp("schema")))
    migrate_to_head(app)


class EnglishClient(FlaskClient):
    """Web tests read English by default (the app's default language is Dutch);
    tests about language choice send their own Accept-Language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def app_factory(database_url: str, _schema: None, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def make(**overrides: object) -> Flask:
        app = create_app(make_settings(database_url, tmp_path / "instance", **overrides))
        app.test_client_class = EnglishClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            # The access log is append-only: its rows go only with a retention permit.
            db.session.add(AccessLogRetention())
            db.session.flush()
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES | {AccessLogRetention.__tablename__}:
                    db.session.execute(table.delete())
            db.session.execute(AccessLogRetention.__table__.delete())
            db.session.commit()
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    """No app context stays pushed: each request gets its own, as in production
    (a pushed context would be shared by every request and leak ``g``)."""
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, path: str, data: dict[str, str], form_page: str | None = None):
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data})


@dataclass
class Account:
    user_id: str
    username: str
    passphrase: str
    recovery_code: str | None = None


@pytest.fixture
def make_owner(app: Flask) -> Callable[..., Account]:
    def make(
        username: str = "amina", passphrase: str = PASSPHRASE, confirmed: bool = True
    ) -> Account:
        with app.app_context():
            unlocked, code = services.register_owner(
                db.session, app.extensions["portfolio.vault"], username, passphrase, "en"
            )
            if confirmed:
                services.confirm_recovery_saved(db.session, unlocked.user)
            db.session.commit()
            return Account(unlocked.user.id, username, passphrase, code)

    return make


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., Account]:
    def make(
        username: str = "sanne", role: Role = Role.REGIEVOERDER, municipality: str = "Utrecht"
    ) -> Account:
        ctx = app.extensions["portfolio.vault"]
        with app.app_context():
            org = municipalities.get_or_create_municipality(db.session, ctx, municipality)
            user, passphrase = services.create_staff(
                db.session,
                ctx,
                username=username,
                display_name=username.title() + " de Vries",
                role=role,
                municipality=org,
            )
            db.session.commit()
            return Account(user.id, username, passphrase)

    return make


@pytest.fixture
def owner_client(app: Flask, make_owner: Callable[..., Account]) -> FlaskClient:
    """A client logged in as a fresh owner."""
    owner = make_owner()
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    return client


def login(client: FlaskClient, username: str, passphrase: str):
    return post_form(client, "/login", {"username": username, "passphrase": passphrase})


def in_app(app: Flask, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (database checks) in a short app context of its own."""
    with app.app_context():
        return fn()


@contextlib.contextmanager
def sql_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs (requests of a test client
    included), to check how many queries a page makes."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real CA with OCSP, CRLs and an RFC 3161 timestamp authority on a local port."""
    from tests import pki

    yield from pki.running(tmp_path_factory.mktemp("pki"))
