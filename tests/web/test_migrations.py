"""Migrations: the head matches the models, and every revision upgrades and downgrades
(on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import inspect

from portfolio.db import db


def _config(app: Flask):
    migrate: Migrate = app.extensions["migrate"].migrate
    return migrate.get_config()


def _fresh(app: Flask) -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_upgrade_downgrade_each_revision_and_head_matches_models(app: Flask) -> None:
    with app.app_context():
        config = _config(app)
        _fresh(app)
        try:
            script = ScriptDirectory.from_config(config)
            revisions = list(reversed(list(script.walk_revisions())))
            assert revisions, "no migrations"
            for revision in revisions:
                command.upgrade(config, revision.revision)
                command.downgrade(config, revision.down_revision or "base")
                command.upgrade(config, revision.revision)
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            command.downgrade(config, "base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            _fresh(app)
            command.upgrade(config, "head")
