"""Flask commands: staff accounts and housekeeping. ``flask db ...`` comes from Flask-Migrate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from portfolio.accounts import municipalities, services
from portfolio.accounts.errors import UsernameTakenError, WeakPassphraseError
from portfolio.accounts.forms import USERNAME_PATTERN
from portfolio.accounts.models import Role
from portfolio.accounts.sessions import Timeouts, purge_expired
from portfolio.db import db, dbs, utcnow
from portfolio.entries import files
from portfolio.export import pades
from portfolio.export.errors import SigningUnavailableError
from portfolio.sharing import audit, connections, grants
from portfolio.web import app_settings, blob_store, vault_context

staff_cli = AppGroup("staff", help="Staff accounts (regievoerders and administrators).")
sessions_cli = AppGroup("sessions", help="Login sessions.")
documents_cli = AppGroup("documents", help="Signed portfolio documents.")


@staff_cli.command("create")
@click.option("--username", required=True, help="Login name, 3 to 32 letters or digits.")
@click.option("--name", "display_name", required=True, help="Full name shown to newcomers.")
@click.option(
    "--role",
    type=click.Choice([Role.REGIEVOERDER.value, Role.ADMIN.value]),
    default=Role.REGIEVOERDER.value,
    show_default=True,
)
@click.option("--municipality", required=True, help="Municipality name (created if new).")
@click.option("--locale", default="nl", show_default=True)
def create_staff(
    username: str, display_name: str, role: str, municipality: str, locale: str
) -> None:
    """Create a staff account and print its one-time initial passphrase."""
    if not USERNAME_PATTERN.match(username):
        raise click.BadParameter(
            "use 3 to 32 letters, digits, '.', '-' or '_'", param_hint="--username"
        )
    ctx = vault_context()
    org = municipalities.get_or_create_municipality(dbs(), ctx, municipality.strip())
    try:
        user, passphrase = services.create_staff(
            dbs(),
            ctx,
            username=username,
            display_name=display_name.strip(),
            role=Role(role),
            municipality=org,
            locale=locale,
        )
    except UsernameTakenError:
        db.session.rollback()
        raise click.ClickException(f"the username {username!r} is taken") from None
    except WeakPassphraseError:  # pragma: no cover - generated passphrases are strong
        db.session.rollback()
        raise click.ClickException("could not make an initial passphrase; try again") from None
    db.session.commit()
    click.echo(f"Created {role} {user.username} in {org.name}.")
    click.echo(f"One-time initial passphrase: {passphrase}")
    click.echo("Hand it over in person. At first login they set their own passphrase")
    click.echo("and enrol an authenticator app (TOTP). This passphrase is not shown again.")


@sessions_cli.command("purge")
def purge_sessions() -> None:
    """Delete expired login sessions (run from cron; expired rows are useless anyway)."""
    timeouts: Timeouts = current_app.extensions["portfolio.timeouts"]
    count = purge_expired(dbs(), timeouts)
    db.session.commit()
    click.echo(f"{count} expired sessions deleted.")


@click.command("demo")
@with_appcontext
def load_demo_command() -> None:
    """Load a demo portfolio (development only) and print how to log in."""
    if current_app.config["PORTFOLIO_ENV"] == "production":
        raise click.ClickException("the demo portfolio is not for production")
    from portfolio.demo import DEMO_PASSPHRASE, DEMO_STAFF, load_demo, load_demo_caseload

    try:
        username = load_demo(dbs(), vault_context(), blob_store(), utcnow().date())
        initial = load_demo_caseload(dbs(), vault_context(), utcnow())
    except UsernameTakenError:
        db.session.rollback()
        raise click.ClickException("the demo portfolio is already loaded") from None
    db.session.commit()
    click.echo(f"Demo portfolio loaded. Log in as {username!r} with {DEMO_PASSPHRASE!r}.")
    click.echo(
        f"Her regievoerder: {DEMO_STAFF!r}, one-time passphrase {initial!r} (then set your own "
        "passphrase and enrol an authenticator app)."
    )


@click.group("blobs")
def blobs_cli() -> None:
    """Encrypted file blobs."""


@blobs_cli.command("purge-orphans")
@click.option("--older-than-hours", default=1.0, show_default=True)
@with_appcontext
def purge_orphan_blobs(older_than_hours: float) -> None:
    """Remove blobs that no file row refers to (left by a failed request or a failed
    unlink). They cannot be read anyway: their item key is gone or was never committed."""
    session = dbs()
    removed = blob_store().purge_orphans(
        lambda blob_id: files.is_known_blob(session, blob_id), older_than_hours * 3600
    )
    click.echo(f"{removed} orphaned blobs removed.")


@click.command("purge-expired")
@click.option(
    "--log-retention-days",
    type=click.IntRange(min=365),
    default=None,
    help="Also delete access-log rows older than this (at least a year; default: keep all).",
)
@with_appcontext
def purge_expired_command(log_retention_days: int | None) -> None:
    """Remove the keys of shares past their end date and spent connect codes (run daily)."""
    session, now = dbs(), utcnow()
    shares = grants.purge_expired(session, now)
    codes = connections.purge_codes(session, now)
    rows = (
        audit.purge_older_than(session, now - timedelta(days=log_retention_days))
        if log_retention_days
        else 0
    )
    db.session.commit()
    click.echo(
        f"{shares} expired shares closed, {codes} connect codes removed, {rows} log rows removed."
    )


@documents_cli.command("renew-timestamp")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def renew_timestamp(source: Path, target: Path) -> None:
    """Add a new document timestamp to a signed portfolio document (PAdES B-LTA), with
    the validation data of the timestamps before it: run before the last timestamp's
    certificate expires. The owner keeps the document; the service never stores it, so
    the owner (or the operator for them) brings the file."""
    try:
        renewed = pades.renew(source.read_bytes(), pades.configured(app_settings()))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    except SigningUnavailableError:
        raise click.ClickException(
            "the timestamp authority or a certificate authority did not answer; try again"
        ) from None
    target.write_bytes(renewed)
    click.echo(f"{target}: a new document timestamp was added ({len(renewed)} bytes).")


def register_commands(app: Flask) -> None:
    app.cli.add_command(documents_cli)
    app.cli.add_command(blobs_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(load_demo_command)
    app.cli.add_command(purge_expired_command)
