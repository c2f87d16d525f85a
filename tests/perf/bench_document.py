"""Benchmark: the signed portfolio document of a 50-item portfolio with 10 photos.

In-process (no HTTP): decrypting what the owner chose, rendering the PDF (fpdf2, Noto
fonts, Arabic shaped), five endorsements as credentials attached, the PAdES signature of
the municipality for the long term: with a development certificate and no timestamp
authority, then with a CA's certificate whose OCSP, CRL and timestamp services run on
this machine (B-LTA). Prints p50 and worst of each step over ROUNDS runs, Dutch alone
and Dutch with Arabic, and the PDF's size. quality/issue target: a signed export <= 1.5 s.
"""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from portfolio import create_app
from portfolio.accounts import municipalities
from portfolio.accounts import services as accounts
from portfolio.accounts.models import Municipality, Role
from portfolio.blobs import BlobStore
from portfolio.config import from_env
from portfolio.db import db
from portfolio.entries import files, records
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal, GoalStatus, Step
from portfolio.entries.models import ItemKind
from portfolio.export import document, issued, pades, pdf
from portfolio.export.document import Audience, Choice, Section
from portfolio.progress import services as progress
from portfolio.progress.assessment import SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.sharing import endorsements
from portfolio.sharing.models import Connection
from portfolio.uploads.pipeline import clean_upload
from tests import pki
from tests.conftest import migrate_to_head

ROUNDS = 10
GOALS, CERTIFICATES, EXPERIENCES, EXAMS = 20, 15, 10, 5  # 50 items
PHOTOS, ENDORSED = 10, 5


def _photo(seed: int) -> bytes:
    """A phone photo of a certificate: 3000 x 2000 with texture (compresses like one)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (300, 200), "#f4efe1")
    pixels = image.load()
    for _ in range(6000):
        x, y = rng.randrange(300), rng.randrange(200)
        pixels[x, y] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    out = io.BytesIO()
    image.resize((3000, 2000)).save(out, "JPEG", quality=90)
    return out.getvalue()


def populate(app):  # type: ignore[no-untyped-def]
    ctx = app.extensions["portfolio.vault"]
    store = BlobStore(app.extensions["portfolio.settings"].blob_dir)
    unlocked, _ = accounts.register_owner(
        db.session, ctx, "bench", "een lange zin voor de bench", "ar"
    )
    owner, key = unlocked.user, unlocked.user_key
    org = municipalities.get_or_create_municipality(db.session, ctx, "Gemeente Utrecht")
    staff, _ = accounts.create_staff(
        db.session,
        ctx,
        username="sanne",
        display_name="Sanne de Vries",
        role=Role.REGIEVOERDER,
        municipality=org,
    )
    db.session.add(Connection(owner_id=owner.id, recipient_id=staff.id, relation="regievoerder"))
    for n in range(GOALS):
        goal = Goal(
            f"Doel {n}: zelfstandig boodschappen doen en de bus nemen",
            status=GoalStatus.DONE,
            steps=tuple(Step(f"Stap {k}", True) for k in range(4)),
        )
        entries.create_goal(db.session, owner.id, key, "daily_life", goal)
    for n in range(CERTIFICATES):
        fields = {
            "title": f"Certificaat {n}: EHBO en reanimatie",
            "certificate_type": "course",
            "issuer": "Het Oranje Kruis",
            "issued_on": "2026-05-01",
            "level": "B1",
        }
        item = entries.create_item(
            db.session,
            owner.id,
            key,
            ItemKind.CERTIFICATE,
            "education",
            records.content(fields, []),
        )
        if n < PHOTOS:
            files.attach(
                db.session, store, item, key, [files.Upload(clean_upload(_photo(n)), "foto.jpg")]
            )
        if n < ENDORSED:
            item_key, data = entries.open_item(item, key)
            endorsements.endorse(
                db.session, ctx.app_keys, staff, item, item_key, data, datetime.now(UTC)
            )
    for n in range(EXPERIENCES):
        fields = {
            "experience_type": "volunteer",
            "organisation": f"Buurthuis {n}",
            "role": "Koffie schenken en bezoekers ontvangen",
            "started_on": "2025-09-01",
            "hours_per_week": 4,
            "total_hours": 200,
            "reference_name": "Joke Jansen",
            "reference_contact": "06-12345678",
            "learned": "Nederlands praten met bezoekers, op tijd komen. " * 3,
        }
        entries.create_item(
            db.session, owner.id, key, ItemKind.EXPERIENCE, "work", records.content(fields, [])
        )
    for n, skill in enumerate(("reading", "listening", "writing", "speaking", "knm")):
        fields = {
            "exam": "inburgering",
            "component": skill,
            "exam_date": "2026-04-02",
            "level": "A2",
            "result": "passed",
            "score": str(70 + n),
        }
        entries.create_item(
            db.session, owner.id, key, ItemKind.EXAM_RESULT, "language", records.content(fields, [])
        )
    progress.record_self_assessment(db.session, owner.id, key, SelfAssessment({"work": 3}))
    progress.record_language_levels(
        db.session, owner.id, key, LanguageLevels({"reading": "A2", "speaking": "A1"}, "B1")
    )
    db.session.commit()
    return owner, key, store, ctx


def rounds(app, owner, key, store, ctx, second, long_term):  # type: ignore[no-untyped-def]
    totals, gathers, renders, signs, sizes = [], [], [], [], []
    with app.test_request_context("/"):
        owner = db.session.merge(owner)
        found = document.candidates(db.session, owner.id, key)
        choice = Choice(
            Audience.MUNICIPALITY,
            frozenset(Section),
            frozenset(c.item.id for c in found),
            second,
            "Amal Haddad",
        )
        for _ in range(ROUNDS):
            start = time.perf_counter()
            made = issued.issue(
                db.session,
                ctx,
                owner,
                key,
                store,
                choice,
                public_url="https://portfolio.example.nl",
                verify_url="https://portfolio.example.nl/verify/DOCUMENT",
                service_name="Portfolio",
                now=datetime.now(UTC),
                long_term=long_term,
            )
            totals.append(time.perf_counter() - start)
            sizes.append(len(made.pdf))
            db.session.rollback()
            # the steps on their own
            t0 = time.perf_counter()
            contents = document.gather(
                db.session, owner.id, key, store, choice, datetime.now(UTC).date()
            )
            t1 = time.perf_counter()
            identity = pdf.Identity(
                "7KQ2-M9XD-4TRB-P3WA",
                "Gemeente Utrecht",
                "https://portfolio.example.nl/verify/7KQ2M9XD4TRBP3WA",
            )
            unsigned = pdf.render(
                contents,
                identity,
                issued.attachments(db.session, contents, ctx, "https://portfolio.example.nl"),
            )
            t2 = time.perf_counter()
            signer = issued.signer_for(db.session, ctx, owner, "Portfolio", datetime.now(UTC))
            private, certificate = issued.certificates.load(
                ctx.app_keys, signer.org_id, signer.certificate
            )
            pades.sign(
                unsigned,
                private,
                certificate,
                reason="bench",
                chain=signer.certificate.chain,
                long_term=long_term,
            )
            t3 = time.perf_counter()
            gathers.append(t1 - t0)
            renders.append(t2 - t1)
            signs.append(t3 - t2)
            db.session.rollback()
    label = "Dutch alone" if second is None else "Dutch + Arabic"

    def ms(values: list[float]) -> str:
        return f"p50 {statistics.median(values) * 1000:6.0f} ms  worst {max(values) * 1000:6.0f} ms"

    print(
        f"  {label:15s} signed export  {ms(totals)}  (target <= 1500 ms)  "
        f"PDF {statistics.median(sizes) / 1024:6.0f} KB"
    )
    print(f"  {'':15s}   decrypt+read {ms(gathers)}")
    print(f"  {'':15s}   render PDF   {ms(renders)}")
    print(f"  {'':15s}   sign (PAdES) {ms(signs)}")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        from_env(
            {
                "PORTFOLIO_ENV": "development",
                "PORTFOLIO_INSTANCE_DIR": str(folder),
                "DATABASE_URL": "sqlite:///" + str(folder / "bench.sqlite3"),
                "RATELIMIT_ENABLED": "0",
            }
        )
    )
    migrate_to_head(app)
    with app.app_context():
        owner, key, store, ctx = populate(app)
    print(
        f"signed portfolio document: {GOALS} goals achieved, {CERTIFICATES} certificates "
        f"({PHOTOS} with a photo, {ENDORSED} verified: credentials attached), {EXPERIENCES} "
        f"work and volunteering, {EXAMS} exam results; {ROUNDS} runs each, in-process"
    )
    print(" development certificate, no timestamp authority (B-B with validation data):")
    for second in (None, "ar"):
        rounds(app, owner, key, store, ctx, second, pades.LongTerm())
    # The municipality's own certificate from a CA, with OCSP, CRLs and a timestamp
    # authority on this machine (certomancer, as in the tests): PAdES B-LTA.
    pki_dir = folder / "pki"
    pki_dir.mkdir()
    authority = pki.start(pki_dir)
    try:
        with app.app_context():
            org = db.session.scalars(select(Municipality)).one()
            municipalities.replace_certificate(
                db.session, ctx, org, authority.pkcs12(), pki.PASSWORD
            )
            db.session.commit()
        long_term = pades.LongTerm(authority.tsa_url, (authority.der("root"),))
        print(" CA certificate, OCSP + CRL + timestamp authority on localhost (B-LTA):")
        for second in (None, "ar"):
            rounds(app, owner, key, store, ctx, second, long_term)
    finally:
        authority.stop()


if __name__ == "__main__":
    main()
