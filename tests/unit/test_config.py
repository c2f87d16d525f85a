"""Configuration: safe development defaults, production refuses to start without secrets."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from portfolio.config import ConfigError, from_env, parse_keyring

KEY = base64.b64encode(b"k" * 32).decode()
PRODUCTION = {
    "PORTFOLIO_ENV": "production",
    "SECRET_KEY": "s" * 48,
    "PORTFOLIO_PEPPERS": f"p2:{KEY},p1:{KEY}",
    "PORTFOLIO_APP_KEYS": f"a1:{KEY}",
    "DATABASE_URL": "postgresql+psycopg://db/portfolio",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_URL": "https://portfolio.example.nl",
}


def test_development_generates_secrets_once(tmp_path: Path) -> None:
    env = {"PORTFOLIO_INSTANCE_DIR": str(tmp_path)}
    first = from_env(env)
    second = from_env(env)
    secrets_file = tmp_path / "dev-secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert first.peppers == second.peppers and first.secret_key == second.secret_key
    assert first.database_url == "sqlite:///" + str(tmp_path / "portfolio.sqlite3")
    assert not first.cookie_secure and first.env == "development"
    assert set(json.loads(secrets_file.read_text())) == {
        "SECRET_KEY",
        "PORTFOLIO_PEPPERS",
        "PORTFOLIO_APP_KEYS",
    }


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "PORTFOLIO_PEPPERS", "PORTFOLIO_APP_KEYS", "DATABASE_URL", "PUBLIC_URL"],
)
def test_production_refuses_without_secrets(missing: str, tmp_path: Path) -> None:
    env = {**PRODUCTION, "PORTFOLIO_INSTANCE_DIR": str(tmp_path)}
    del env[missing]
    with pytest.raises(ConfigError, match=missing):
        from_env(env)
    assert not (tmp_path / "dev-secrets.json").exists()


def test_production_settings(tmp_path: Path) -> None:
    settings = from_env({**PRODUCTION, "PORTFOLIO_INSTANCE_DIR": str(tmp_path)})
    assert settings.cookie_secure and settings.current_pepper_id == "p2"
    with pytest.raises(ConfigError, match="secure cookies"):
        from_env({**PRODUCTION, "COOKIE_SECURE": "0"})
    with pytest.raises(ConfigError, match="tests only"):
        from_env({**PRODUCTION, "ARGON2_MEMORY_KIB": "1024"})
    with pytest.raises(ConfigError, match="at least 32"):
        from_env({**PRODUCTION, "SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="REDIS_URL"):
        from_env({k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"})


@pytest.mark.parametrize(
    "value",
    ["", "nocolon", "a:notbase64!!", "a:" + base64.b64encode(b"short").decode(), "a-b:" + KEY],
)
def test_keyring_parse_errors(value: str) -> None:
    with pytest.raises(ConfigError):
        parse_keyring(value, "PORTFOLIO_PEPPERS")


def test_unknown_environment() -> None:
    with pytest.raises(ConfigError):
        from_env({"PORTFOLIO_ENV": "staging"})


@pytest.mark.parametrize(
    "url",
    [
        "portfolio.example.nl",
        "ftp://portfolio.example.nl",
        "https://",
        "https://portfolio.example.nl/app",
        "https://portfolio.example.nl/?x=1",
        "https://user@portfolio.example.nl",
    ],
)
def test_public_url_is_one_site_root(url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        from_env({"PORTFOLIO_INSTANCE_DIR": str(tmp_path), "PUBLIC_URL": url})


def test_production_public_url_is_https(tmp_path: Path) -> None:
    env = {**PRODUCTION, "PORTFOLIO_INSTANCE_DIR": str(tmp_path)}
    assert from_env(env).public_url == "https://portfolio.example.nl"
    assert from_env({**env, "PUBLIC_URL": "https://portfolio.example.nl/"}).public_url == (
        "https://portfolio.example.nl"
    )
    with pytest.raises(ConfigError, match="https"):
        from_env({**env, "PUBLIC_URL": "http://portfolio.example.nl"})
