"""Benchmark: the regievoerder's workspace with a caseload of 150, on PostgreSQL holding
10,000 newcomers.

Seeds a fresh PostgreSQL database (``BENCH_DATABASE_URL``, default the local server):
10,000 newcomers with 6 portfolio items and a plan each (a version with 4 agreements,
3 proposals of which one waits, an own plan proposal sent to the regievoerder), 67
regievoerders of whom each receives 150 shares (language and work, the plan, 3 months); then serves the app on one gunicorn worker and prints
p50/p95 of /workspace and of one client's page. Accounts are made with cheap Argon2
parameters (seeding 10,000 real derivations would take half an hour); the server only
opens sessions, which costs no derivation. Target (issue 4): p95 <= 150 ms.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portfolio import create_app
from portfolio.accounts import municipalities
from portfolio.accounts import services as accounts
from portfolio.accounts.models import Role, SessionStage
from portfolio.accounts.sessions import start_session
from portfolio.config import from_env
from portfolio.db import db, new_id, utcnow
from portfolio.entries import records
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal
from portfolio.entries.models import ItemKind
from portfolio.pip.own_plan import OwnPlan
from portfolio.pip.plan import (
    Agreement,
    Party,
    Plan,
    PlanContent,
    Proposal,
    ProposalStatus,
    Reason,
    Version,
)
from portfolio.sharing import connections, grants
from portfolio.sharing.models import CodePurpose, Relation
from portfolio.sharing.scope import Scope
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.kdf import KdfParams
from tests.conftest import migrate_to_head
from tests.perf.bench_portfolio import gunicorn, latency

NEWCOMERS = int(os.environ.get("BENCH_NEWCOMERS", "10000"))
CASELOAD = 150
PORT = 5092
PASSPHRASE = "een lange zin voor de benchmark"
SCOPE = Scope(
    frozenset({"goal", "experience", "certificate", "pip", "meeting"}),
    frozenset({"language", "work"}),
)


def _plan(owner_id: str, key: SymmetricKey, recipient_id: str, n: int) -> None:
    """What a year of working on the plan leaves: a version with agreements (one overdue),
    three proposals (one open), an own plan proposal waiting for the regievoerder."""
    today = utcnow().date()
    content = PlanContent(
        Plan(route="b1", main_goal="work", provider="Taalschool", hours_per_week=12),
        tuple(
            Agreement(new_id(), text, Party.ME, "language", today + timedelta(days=days))
            for text, days in (
                ("Elke week naar de taalschool", -10 - n % 30),
                ("Oefenen met de taalcoach", 20),
                ("Examen lezen en luisteren", 90),
                ("Stage zoeken in de zorg", 120),
            )
        ),
    )
    version = Version(1, content, Reason.START, None, None)
    entries.create_item(db.session, owner_id, key, ItemKind.PIP, None, version.to_json())
    for index in range(3):
        status = ProposalStatus.OPEN if index == 2 else ProposalStatus.ACCEPTED
        proposal = Proposal(content, Reason.PROGRESS, "Na het gesprek", owner_id, None, status)
        item = entries.create_item(
            db.session, owner_id, key, ItemKind.PIP_PROPOSAL, None, proposal.to_json()
        )
        item.awaiting = "recipient" if status is ProposalStatus.OPEN else None
    own = OwnPlan("Cursus helpende zorg", "Ik werkte in de zorg", "ROC", "work", 240, 8, 1850)
    item = entries.create_item(
        db.session, owner_id, key, ItemKind.OWN_PLAN, None, own.submitted(recipient_id).to_json()
    )
    item.awaiting = "recipient"


def _database() -> tuple[str, str]:
    server = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"pf_bench_{secrets.token_hex(3)}"
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server, make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop(server: str, url: str) -> None:
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def seed(env: dict[str, str]) -> tuple[str, str, str]:
    """Returns the cookie of the first regievoerder, its cookie name and a client's id."""
    cheap = KdfParams.cheap_for_tests()
    settings = from_env({**env, "PORTFOLIO_ENV": "testing"}).with_overrides(
        kdf=cheap, kdf_floor=cheap
    )
    app = create_app(settings)
    logging.getLogger("portfolio").setLevel(logging.WARNING)  # 100,000 lines of ids otherwise
    migrate_to_head(app)
    started = time.perf_counter()
    with app.app_context():
        ctx = app.extensions["portfolio.vault"]
        org = municipalities.get_or_create_municipality(db.session, ctx, "Utrecht")
        staff = []
        for n in range(-(-NEWCOMERS // CASELOAD)):
            user, initial = accounts.create_staff(
                db.session,
                ctx,
                username=f"regie{n}",
                display_name=f"Regievoerder {n}",
                role=Role.REGIEVOERDER,
                municipality=org,
            )
            staff.append(
                (user, accounts.authenticate(db.session, ctx, user.username, initial).user_key)
            )
        db.session.commit()
        now = utcnow()
        first_client = ""
        for n in range(NEWCOMERS):
            unlocked, _ = accounts.register_owner(db.session, ctx, f"nieuw{n}", PASSPHRASE, "nl")
            owner, key = unlocked.user, unlocked.user_key
            for title, domain in (
                ("Nederlands op B1", "language"),
                ("Werk in de zorg", "work"),
                ("Beter slapen", "health"),
                ("Fietsen leren", "daily_life"),
            ):
                entries.create_goal(db.session, owner.id, key, domain, Goal(title=title))
            entries.create_item(
                db.session,
                owner.id,
                key,
                ItemKind.EXPERIENCE,
                "work",
                records.content({"organisation": "Buurthuis", "role": "Gastvrouw"}, []),
            )
            entries.create_item(
                db.session,
                owner.id,
                key,
                ItemKind.CERTIFICATE,
                "language",
                records.content({"title": "NT2 A2", "certificate_type": "nt2"}, []),
            )
            recipient, _ = staff[n // CASELOAD]
            _plan(owner.id, key, recipient.id, n)
            code, _ = connections.issue_code(
                db.session, recipient, CodePurpose.STAFF, Relation.REGIEVOERDER, now
            )
            connections.redeem_code(db.session, code, owner, now)
            grants.create_grant(
                db.session,
                owner,
                key,
                recipient,
                grants.ShareTerms(SCOPE, "pip", "", f"Nieuwkomer {n}", now + timedelta(days=90)),
                now,
            )
            first_client = first_client or owner.id
            if n % 500 == 499:
                db.session.commit()
                print(
                    f"  seeded {n + 1} newcomers ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:  # what autovacuum does after a bulk load
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        user, key = staff[0]
        live = start_session(
            db.session,
            db.session.merge(user),
            key,
            SessionStage.FULL,
            app.extensions["portfolio.timeouts"],
        )
        db.session.commit()
        cookie_name = "pf_session"
        return f"{cookie_name}={live.token.encode()}", cookie_name, first_client


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    server_url, url = _database()
    env = {
        "PORTFOLIO_ENV": "development",
        "PORTFOLIO_INSTANCE_DIR": str(folder),
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
    }
    cookie = ""
    try:
        start = time.perf_counter()
        cookie, _name, client_id = seed(env)
        print(f"seeded {NEWCOMERS} newcomers in {time.perf_counter() - start:.0f} s")
        with gunicorn(env, PORT):
            print(f"PostgreSQL, {NEWCOMERS} newcomers, caseload {CASELOAD}, one gunicorn worker:")
            for label, path in (
                ("workspace /workspace", "/workspace"),
                ("workspace sorted by last change", "/workspace?sort=updated"),
                ("workspace, needs attention first", "/workspace?sort=attention"),
                ("one client's shared portfolio", f"/clients/{client_id}"),
            ):
                p50, p95, size = latency(path, cookie, port=PORT)
                print(
                    f"  {label:34s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {size / 1024:5.1f} KB gzip  (target p95 <= 150 ms)"
                )
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {url} (BENCH_KEEP); cookie {cookie}")
        else:
            _drop(server_url, url)


if __name__ == "__main__":
    main()
