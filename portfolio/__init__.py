"""The portfolio app: ``create_app(settings)`` and nothing else of substance."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portfolio import config as config_module
from portfolio.config import ROOT, Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or config_module.from_env()
    config_module.check(settings)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.instance_dir),
    )
    _configure(app, settings)
    _init_extensions(app, settings)
    _register_blueprints(app)
    _init_web(app, settings)
    from portfolio.cli import register_commands

    register_commands(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    secure = settings.cookie_secure
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        MAX_FORM_PARTS=200,  # the largest form (a goal with 30 steps) has about 100 fields
        SESSION_COOKIE_NAME="__Host-pf" if secure else "pf",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.absolute_hours),
        AUTH_COOKIE_NAME="__Host-pf_session" if secure else "pf_session",
        AUTH_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=settings.absolute_hours * 3600,
        # Referrer-Policy is no-referrer (privacy), so Flask-WTF's HTTPS Referer check
        # would refuse every form; the token lives in a __Host- cookie that no other
        # origin or subdomain can set, which is what that check protects against.
        WTF_CSRF_SSL_STRICT=False,
        WTF_I18N_ENABLED=False,
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_DEFAULT_TIMEZONE="Europe/Amsterdam",  # stored in UTC, shown in Dutch time
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_HEADERS_ENABLED=True,
        # Redis unreachable: count in this process (and say so in the log) rather than
        # answer 500 to every login; back to Redis once it answers again.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=bool(settings.redis_url),
        TOTP_ISSUER=settings.totp_issuer,
        PORTFOLIO_ENV=settings.env,
        TESTING=settings.env == "testing",
    )
    if settings.env == "production":  # a forged Host header gets a 400, not a page
        app.config["TRUSTED_HOSTS"] = [urlsplit(settings.public_url).hostname]
    app.extensions["portfolio.settings"] = settings
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


def _init_extensions(app: Flask, settings: Settings) -> None:
    from portfolio.accounts.access import load_user_from_request
    from portfolio.accounts.sessions import Timeouts
    from portfolio.db import db
    from portfolio.extensions import babel, csrf, limiter, login_manager, migrate
    from portfolio.i18n import select_locale
    from portfolio.vault.context import DerivationGate, VaultContext
    from portfolio.vault.envelope import Keyring

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.request_loader(load_user_from_request)
    login_manager.session_protection = None  # our own split-key sessions do this job
    app.extensions["portfolio.vault"] = VaultContext(
        peppers=settings.peppers,
        app_keys=Keyring(settings.app_keys),
        kdf=settings.kdf,
        floor=settings.kdf_floor,
        gate=DerivationGate(settings.kdf_max_concurrent, settings.kdf_wait_seconds),
    )
    app.extensions["portfolio.timeouts"] = Timeouts(
        idle_owner=timedelta(minutes=settings.idle_minutes_owner),
        idle_staff=timedelta(minutes=settings.idle_minutes_staff),
        absolute=timedelta(hours=settings.absolute_hours),
    )
    import portfolio.models  # noqa: F401  (every model, for Alembic and create_all)


def _register_blueprints(app: Flask) -> None:
    """One blueprint per feature package, named as the package (docs/architecture.md
    maps each URL to its module)."""
    from portfolio import (
        accounts,
        admin,
        entries,
        export,
        pages,
        pip,
        progress,
        pwa,
        sharing,
        verify,
        workspace,
    )

    features = (
        pages,
        accounts,
        entries,
        progress,
        sharing,
        workspace,
        pip,
        export,
        verify,
        admin,
        pwa,
    )
    for feature in features:
        app.register_blueprint(feature.blueprint())


def _init_web(app: Flask, settings: Settings) -> None:
    from pathlib import Path

    from portfolio import http, templating
    from portfolio.accounts import access
    from portfolio.static_files import shell_version
    from portfolio.vault.context import VaultBusyError

    http.init_app(app, hsts=settings.env == "production")
    access.init_app(app)
    _connect_features(app)
    templating.init_app(app)
    app.register_error_handler(VaultBusyError, lambda _e: http.render_error(503))
    app.extensions["portfolio.static_version"] = shell_version(Path(app.static_folder or ""))
    logging.getLogger("portfolio").setLevel(logging.INFO)


def _connect_features(app: Flask) -> None:
    """The composition root of the features: lower packages offer registries, higher ones
    fill them here, so that no package imports one above it.

    - sharing keeps grant wraps in step with item writes (entries does not import it),
      and export sets the status bit of credentials whose item changed;
    - sharing draws the feedback and verification panels of the owner's item pages;
    - the plan and progress present their kinds to the people they are shared with;
    - progress draws the radar chart the home page shows;
    - sharing counts new messages for every page's navigation and claims items written
      by recipients at the start of the owner's request.
    """
    from portfolio.entries import observers, panels
    from portfolio.export import status
    from portfolio.pip.present import PRESENTERS as PLAN_PRESENTERS
    from portfolio.progress.charts import radar_chart
    from portfolio.progress.present import PRESENTERS as PROGRESS_PRESENTERS
    from portfolio.sharing import hooks, present
    from portfolio.sharing import panels as sharing_panels
    from portfolio.sharing.grants import sync_item

    observers.register(sync_item)
    observers.register(status.after_item_written)
    panels.register(sharing_panels.verification)
    panels.register(sharing_panels.feedback)
    for kind, presenter in {**PLAN_PRESENTERS, **PROGRESS_PRESENTERS}.items():
        present.register(kind, presenter)
    app.jinja_env.globals["radar_chart"] = radar_chart
    app.context_processor(hooks.badge_count)
    app.before_request(hooks.claim_before_request)
