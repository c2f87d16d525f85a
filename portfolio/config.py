"""Settings from the environment, with safe development defaults.

A frozen dataclass, as SecureDrop does it: the app reads its configuration once, at
start-up, and nothing changes it afterwards. Secrets (the pepper, application keys
and Flask's signing key) come from the environment in production; in development
they are generated on first run into ``instance/dev-secrets.json`` (never committed).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from portfolio.vault.kdf import KdfParams

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = ""
    database_url: str = ""
    instance_dir: Path = ROOT / "instance"
    blob_dir: Path = ROOT / "instance" / "blobs"
    # {id: 32-byte secret}; the first id is the current one.
    peppers: Mapping[str, bytes] = field(default_factory=dict)
    app_keys: Mapping[str, bytes] = field(default_factory=dict)
    kdf: KdfParams = KdfParams.production()
    kdf_floor: KdfParams = KdfParams.production()
    kdf_max_concurrent: int = 2
    kdf_wait_seconds: float = 10.0
    redis_url: str | None = None
    ratelimit_enabled: bool = True
    cookie_secure: bool = True
    idle_minutes_owner: int = 30
    idle_minutes_staff: int = 15
    absolute_hours: int = 12
    max_upload_bytes: int = 15 * 1024 * 1024
    trusted_proxies: int = 0
    totp_issuer: str = "Portfolio"
    # The one address the app is reached at (scheme and host, no path): every link,
    # QR code, issuer id and key id that leaves the app is made from it, never from the
    # Host header of a request; production refuses requests for other hosts.
    public_url: str = "http://127.0.0.1:5000"
    # Who signs a portfolio document for an owner with no municipality connected.
    service_name: str = "Portfolio"
    # How long the operator keeps backups; the deletion receipt tells the owner.
    backup_retention_days: int = 35
    # PEM bundle of the roots whose signatures make a PDF certificate "issued by the
    # source" (for example PKIoverheid); none: that trust level is not given.
    source_trust_roots: Path | None = None
    # RFC 3161 timestamp authority for the portfolio documents (PAdES B-T/B-LTA); none:
    # B-B with validation data in the DSS, but no timestamp.
    tsa_url: str | None = None
    # PEM bundle of roots trusted for the documents' signing chain and the timestamp
    # authority, besides a self-signed root the municipality's PKCS#12 file carries.
    pdf_trust_roots: Path | None = None

    @property
    def max_content_length(self) -> int:
        """One file plus the form's text fields; a larger request is refused as 413."""
        return self.max_upload_bytes + 1024 * 1024

    @property
    def current_pepper_id(self) -> str:
        return next(iter(self.peppers))

    @property
    def current_app_key_id(self) -> str:
        return next(iter(self.app_keys))

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_keyring(value: str, name: str) -> dict[str, bytes]:
    """Parse ``id:base64,id:base64`` (first is current) into {id: 32 bytes}."""
    ring: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.isalnum():
            raise ConfigError(f"{name}: expected id:base64 entries")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ConfigError(f"{name}: entry {key_id} is not base64") from exc
        if len(secret) != 32:
            raise ConfigError(f"{name}: entry {key_id} must decode to 32 bytes")
        ring[key_id] = secret
    if not ring:
        raise ConfigError(f"{name} is empty")
    return ring


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secrets(instance_dir: Path) -> dict[str, str]:
    """Load or create the development secrets file (mode 0600)."""
    path = instance_dir / "dev-secrets.json"
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    instance_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PORTFOLIO_PEPPERS": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "PORTFOLIO_APP_KEYS": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2)
    return data


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from environment variables (see the README's table)."""
    env_vars = os.environ if environ is None else environ
    env = env_vars.get("PORTFOLIO_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTFOLIO_ENV must be one of {', '.join(ENVIRONMENTS)}")
    instance_dir = Path(env_vars.get("PORTFOLIO_INSTANCE_DIR", ROOT / "instance"))
    secret_names = ("SECRET_KEY", "PORTFOLIO_PEPPERS", "PORTFOLIO_APP_KEYS")
    if env == "production":
        missing = [n for n in secret_names if not env_vars.get(n)]
        if missing:
            raise ConfigError("production needs real secrets: set " + ", ".join(missing))
        if not env_vars.get("DATABASE_URL"):
            raise ConfigError("production needs DATABASE_URL")
        if not env_vars.get("PUBLIC_URL"):
            raise ConfigError("production needs PUBLIC_URL (https://host of the service)")
        source: Mapping[str, str] = env_vars
    else:
        source = {
            **_dev_secrets(instance_dir),
            **{n: env_vars[n] for n in secret_names if n in env_vars},
        }
    secret_key = source["SECRET_KEY"]
    if len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters")
    default_db = "sqlite:///" + str(instance_dir / "portfolio.sqlite3")
    kdf = KdfParams.production().with_overrides(
        memory_kib=int(env_vars.get("ARGON2_MEMORY_KIB", 65536)),
        iterations=int(env_vars.get("ARGON2_ITERATIONS", 3)),
        lanes=int(env_vars.get("ARGON2_LANES", 4)),
    )
    settings = Settings(
        env=env,
        secret_key=secret_key,
        database_url=env_vars.get("DATABASE_URL", default_db),
        instance_dir=instance_dir,
        blob_dir=Path(env_vars.get("BLOB_DIR", instance_dir / "blobs")),
        peppers=parse_keyring(source["PORTFOLIO_PEPPERS"], "PORTFOLIO_PEPPERS"),
        app_keys=parse_keyring(source["PORTFOLIO_APP_KEYS"], "PORTFOLIO_APP_KEYS"),
        kdf=kdf,
        kdf_max_concurrent=int(env_vars.get("ARGON2_MAX_CONCURRENT", 2)),
        redis_url=env_vars.get("REDIS_URL") or None,
        ratelimit_enabled=_flag(env_vars.get("RATELIMIT_ENABLED"), True),
        cookie_secure=_flag(env_vars.get("COOKIE_SECURE"), env == "production"),
        max_upload_bytes=int(env_vars.get("MAX_UPLOAD_MB", 15)) * 1024 * 1024,
        trusted_proxies=int(env_vars.get("TRUSTED_PROXIES", 0)),
        totp_issuer=env_vars.get("TOTP_ISSUER", "Portfolio"),
        public_url=env_vars.get("PUBLIC_URL", Settings.public_url).rstrip("/"),
        service_name=env_vars.get("SERVICE_NAME", "Portfolio"),
        backup_retention_days=int(env_vars.get("BACKUP_RETENTION_DAYS", 35)),
        source_trust_roots=(
            Path(env_vars["SOURCE_TRUST_ROOTS"]) if env_vars.get("SOURCE_TRUST_ROOTS") else None
        ),
        tsa_url=env_vars.get("TSA_URL") or None,
        pdf_trust_roots=(
            Path(env_vars["PDF_TRUST_ROOTS"]) if env_vars.get("PDF_TRUST_ROOTS") else None
        ),
    )
    check(settings)
    return settings


def check(settings: Settings) -> None:
    """Refuse settings that would weaken the vault outside tests."""
    if settings.env != "testing" and not settings.kdf.at_least(KdfParams.production()):
        raise ConfigError("Argon2id parameters below 64 MiB / 3 iterations are for tests only")
    if settings.env == "production" and not settings.cookie_secure:
        raise ConfigError("production needs secure cookies (HTTPS)")
    if settings.env == "production" and settings.ratelimit_enabled and not settings.redis_url:
        raise ConfigError(
            "production needs REDIS_URL: in-memory rate limits count per worker process"
        )
    if settings.source_trust_roots is not None and not settings.source_trust_roots.is_file():
        raise ConfigError("SOURCE_TRUST_ROOTS must name a PEM file of trusted root certificates")
    if settings.pdf_trust_roots is not None and not settings.pdf_trust_roots.is_file():
        raise ConfigError("PDF_TRUST_ROOTS must name a PEM file of trusted root certificates")
    if settings.tsa_url is not None:
        tsa = urlsplit(settings.tsa_url)
        if tsa.scheme not in {"http", "https"} or not tsa.hostname:
            raise ConfigError("TSA_URL must be the http(s) address of an RFC 3161 service")
    public = urlsplit(settings.public_url)
    if public.scheme not in {"http", "https"} or not public.hostname or public.path.strip("/"):
        raise ConfigError("PUBLIC_URL must be scheme://host[:port], without a path")
    if public.query or public.fragment or public.username:
        raise ConfigError("PUBLIC_URL must be scheme://host[:port], without a path")
    if settings.env == "production" and public.scheme != "https":
        raise ConfigError("production needs an https PUBLIC_URL")
    if settings.kdf_max_concurrent < 1:
        raise ConfigError("ARGON2_MAX_CONCURRENT must be at least 1")
