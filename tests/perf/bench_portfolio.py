"""Benchmark: a portfolio of 200 items on one gunicorn worker.

Prints p50/p95 latency and throughput of the dashboard and the goal list, the same for a
page of the same server with no database and no crypto (and the ratio), the share of
request time spent decrypting (measured in-process), and the compressed bytes of the
dashboard. Figures, not pass/fail: quality.md's targets are printed beside them.
"""

from __future__ import annotations

import gzip
import http.client
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from PIL import Image

from portfolio import create_app
from portfolio.accounts import services as accounts
from portfolio.blobs import BlobStore
from portfolio.config import from_env
from portfolio.db import db
from portfolio.entries import files, records
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal, GoalStatus, Step, Term
from portfolio.entries.models import ItemKind
from portfolio.progress import services as progress
from portfolio.progress.assessment import SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.uploads.pipeline import clean_upload
from portfolio.vault import keys
from tests.conftest import migrate_to_head

USER, PASSPHRASE = "bench", "een lange zin voor de benchmark"
DOMAINS = [
    "language",
    "education",
    "work",
    "money",
    "health",
    "family",
    "housing",
    "participation",
    "daily_life",
    "society",
]
PORT = 5091
GOALS, CERTIFICATES, EXPERIENCES = 160, 20, 10  # with 5 + 5 progress items: 200
ROUNDS = 200
THROUGHPUT_SECONDS = 5.0


def populate(env: dict[str, str]) -> None:
    app = create_app(from_env(env))
    migrate_to_head(app)
    with app.app_context():
        unlocked, _ = accounts.register_owner(
            db.session, app.extensions["portfolio.vault"], USER, PASSPHRASE, "nl"
        )
        accounts.confirm_recovery_saved(db.session, unlocked.user)
        owner, key = unlocked.user.id, unlocked.user_key
        today = date(2026, 11, 23)
        for n in range(GOALS):
            steps = tuple(
                Step(f"Stap {k} van doel {n}: iets concreets doen", k % 2 == 0) for k in range(4)
            )
            goal = Goal(
                f"Doel {n}: een doel van redelijke lengte in het leefgebied",
                Term.MEDIUM,
                list(GoalStatus)[n % 4],
                today + timedelta(days=n - 40),
                steps,
                "Aantekeningen " * 20,
            )
            entries.create_goal(db.session, owner, key, DOMAINS[n % 10], goal)
        store = BlobStore(app.extensions["portfolio.settings"].blob_dir)
        for n in range(CERTIFICATES):
            item = entries.create_item(
                db.session,
                owner,
                key,
                ItemKind.CERTIFICATE,
                "education",
                records.content(
                    {
                        "title": f"Certificaat {n}",
                        "certificate_type": "course",
                        "issuer": "ROC Midden Nederland",
                        "issued_on": "2026-05-01",
                        "level": "B1",
                        "notes": "Aantekening " * 10,
                    },
                    [],
                ),
            )
            if n < 5:
                photo = io.BytesIO()
                Image.new("RGB", (2000, 1500), "#f4efe1").save(photo, "JPEG")
                files.attach(
                    db.session,
                    store,
                    item,
                    key,
                    [files.Upload(clean_upload(photo.getvalue()), "c.jpg")],
                )
        for n in range(EXPERIENCES):
            entries.create_item(
                db.session,
                owner,
                key,
                ItemKind.EXPERIENCE,
                "work",
                records.content(
                    {
                        "experience_type": "volunteer",
                        "organisation": f"Buurthuis {n}",
                        "role": "Koffie schenken en mensen ontvangen",
                        "hours_per_week": 4,
                        "learned": "Nederlands praten met bezoekers " * 5,
                    },
                    [],
                ),
            )
        for n in range(5):
            progress.record_self_assessment(
                db.session,
                owner,
                key,
                SelfAssessment({d: 1 + (n + i) % 5 for i, d in enumerate(DOMAINS)}),
            )
            progress.record_language_levels(
                db.session, owner, key, LanguageLevels({"reading": "A2", "speaking": "A1"}, "B1")
            )
        db.session.commit()


def request(conn: http.client.HTTPConnection, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read()


def login() -> str:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.request("GET", "/login")
    page = conn.getresponse()
    jar = "; ".join(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [])
    token = (
        re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.read())
        .group(1)
        .decode()
    )
    body = urlencode({"csrf_token": token, "username": USER, "passphrase": PASSPHRASE})
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = conn.getresponse()
    answer.read()
    cookies = [c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or []]
    return "; ".join(c for c in cookies if c.startswith("pf_session"))


def latency(path: str, cookie: str, port: int = PORT) -> tuple[float, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times, size = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        status, body = request(conn, path, cookie)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, (path, status)
        size = len(gzip.compress(body))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], size


def throughput(path: str, cookie: str, workers: int = 4) -> float:
    deadline = time.perf_counter() + THROUGHPUT_SECONDS

    def loop() -> int:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        done = 0
        while time.perf_counter() < deadline:
            request(conn, path, cookie)
            done += 1
        return done

    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(lambda _: loop(), range(workers)))
    return total / THROUGHPUT_SECONDS


def decryption_share(env: dict[str, str]) -> dict[str, float]:
    """In-process: time spent in the vault's open calls over the whole dashboard request."""
    app = create_app(from_env(env))
    spent = [0.0]
    originals = {
        name: getattr(keys, name)
        for name in ("unwrap_item_key", "decrypt_field", "unwrap_for_session")
    }

    def timed(fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    for name, fn in originals.items():
        setattr(keys, name, timed(fn))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "username": USER, "passphrase": PASSPHRASE})
    for path in ("/home", "/portfolio/"):
        client.get(path)  # warm up
    shares = {}
    for path in ("/home", "/portfolio/"):
        spent[0] = 0.0
        start = time.perf_counter()
        for _ in range(50):
            assert client.get(path).status_code == 200
        shares[path] = spent[0] / (time.perf_counter() - start)
    for name, fn in originals.items():
        setattr(keys, name, fn)
    return shares


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[None]:
    """The app on one gunicorn worker with these settings, until the block ends."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "portfolio:create_app()",
        ],
        env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/offline")
                break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    env = {
        "PORTFOLIO_ENV": "development",
        "PORTFOLIO_INSTANCE_DIR": str(folder),
        "DATABASE_URL": "sqlite:///" + str(folder / "bench.sqlite3"),
        "RATELIMIT_ENABLED": "0",
    }
    populate(env)
    with gunicorn(env, PORT):
        cookie = login()
        print(
            f"portfolio of 200 items ({GOALS} goals with 4 steps, {CERTIFICATES} certificates (5 with a "
            f"photo), {EXPERIENCES} work and volunteering, 5 self-assessments, 5 language moments), "
            f"one gunicorn worker, {ROUNDS} sequential requests each:"
        )
        rows = {}
        for label, path, auth in (
            ("dashboard /home", "/home", cookie),
            ("list /portfolio/ (page 1 of 30)", "/portfolio/", cookie),
            ("goal list /portfolio/?kind=goal", "/portfolio/?kind=goal", cookie),
            ("no db, no crypto /accessibility", "/accessibility", ""),
        ):
            p50, p95, size = latency(path, auth)
            rate = throughput(path, auth)
            rows[path] = rate
            print(
                f"  {label:34s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {rate:7.0f} req/s  {size / 1024:5.1f} KB gzip"
            )
        print(
            f"  throughput ratio dashboard / plain page: {rows['/home'] / rows['/accessibility']:.2f} "
            f"(target >= 0.30); list: {rows['/portfolio/'] / rows['/accessibility']:.2f}; "
            f"goal list: {rows['/portfolio/?kind=goal'] / rows['/accessibility']:.2f}"
        )
    shares = decryption_share(env)
    print(
        f"  decryption share of request time (in-process, target <= 10%): "
        f"dashboard {shares['/home'] * 100:.1f}%, list {shares['/portfolio/'] * 100:.1f}%"
    )


if __name__ == "__main__":
    main()
