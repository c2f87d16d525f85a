"""A believable demo portfolio (Amal, a nurse from Aleppo in the B1-route) for trying the
app, for screenshots and for benchmarks. Made through the same services as real data."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from portfolio.accounts import municipalities
from portfolio.accounts import services as accounts
from portfolio.accounts.models import Role
from portfolio.blobs import BlobStore
from portfolio.entries import files, records
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal, GoalStatus, Step, Term
from portfolio.entries.models import Item, ItemKind
from portfolio.progress import services as progress
from portfolio.progress.assessment import SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.sharing import connections, grants
from portfolio.sharing.models import CodePurpose, Relation
from portfolio.sharing.scope import default_scope
from portfolio.uploads.pipeline import clean_upload
from portfolio.vault.context import VaultContext
from portfolio.vault.envelope import SymmetricKey

DEMO_USER = "amal"
DEMO_PASSPHRASE = "demo portfolio amal 2026"  # noqa: S105  (a published demo account)

GOALS: tuple[tuple[str, Goal], ...] = (
    (
        "work",
        Goal(
            "Werken als verpleegkundige in een ziekenhuis",
            Term.LONG,
            GoalStatus.IN_PROGRESS,
            None,
            (
                Step("Diploma laten waarderen bij IDW", True),
                Step("BIG-registratie aanvragen"),
                Step("Stage op afdeling interne geneeskunde"),
            ),
        ),
    ),
    (
        "language",
        Goal(
            "Staatsexamen NT2 B1 halen",
            Term.MEDIUM,
            GoalStatus.IN_PROGRESS,
            None,
            (
                Step("Lezen oefenen met de krant", True),
                Step("Schrijven: elke week een brief", True),
                Step("Proefexamen spreken"),
            ),
        ),
    ),
    (
        "education",
        Goal(
            "Diploma verpleegkunde laten erkennen",
            Term.MEDIUM,
            GoalStatus.DONE,
            None,
            (Step("Documenten vertalen", True), Step("Aanvraag IDW opsturen", True)),
        ),
    ),
    (
        "participation",
        Goal(
            "Vrijwilligerswerk bij de voedselbank",
            Term.SHORT,
            GoalStatus.DONE,
            None,
            (Step("Kennismaken", True), Step("Elke zaterdag helpen", True)),
        ),
    ),
    (
        "money",
        Goal(
            "Zelf mijn toeslagen regelen",
            Term.SHORT,
            GoalStatus.PLANNED,
            None,
            (Step("DigiD aanvragen"), Step("Uitleg bij het Juridisch Loket")),
        ),
    ),
    (
        "family",
        Goal(
            "Een plek op de kinderopvang voor Lina",
            Term.SHORT,
            GoalStatus.IN_PROGRESS,
            None,
            (Step("Inschrijven", True), Step("Kinderopvangtoeslag aanvragen")),
        ),
    ),
    ("society", Goal("KNM-examen halen", Term.MEDIUM, GoalStatus.PLANNED, None, ())),
    (
        "daily_life",
        Goal("Fietsen leren", Term.SHORT, GoalStatus.DONE, None, (Step("Fietsles", True),)),
    ),
)


CERTIFICATES: tuple[tuple[str, dict[str, Any], str], ...] = (
    (
        "education",
        {
            "title": "Bachelor verpleegkunde (Universiteit van Aleppo)",
            "certificate_type": "foreign",
            "issuer": "Universiteit van Aleppo",
            "issued_on": "2014-06-30",
            "level": "Bachelor",
            "notes": "Vertaald door een beëdigd vertaler.",
        },
        "#f4efe1",
    ),
    (
        "education",
        {
            "title": "Diplomawaardering IDW: hbo-bachelor",
            "certificate_type": "idw",
            "issuer": "IDW (Nuffic)",
            "issued_on": "2025-11-12",
            "level": "hbo-bachelor",
            "notes": "",
        },
        "#e3eef7",
    ),
    (
        "participation",
        {
            "title": "Bewijs vrijwilligerswerk Voedselbank",
            "certificate_type": "volunteer",
            "issuer": "Voedselbank Utrecht",
            "issued_on": "2026-09-01",
            "level": "",
            "notes": "",
        },
        "#e9f5e9",
    ),
)
EXPERIENCE: dict[str, Any] = {
    "experience_type": "volunteer",
    "organisation": "Voedselbank Utrecht",
    "role": "Pakketten inpakken en klanten helpen",
    "started_on": "2025-10-04",
    "ended_on": None,
    "hours_per_week": 4,
    "total_hours": 180,
    "reference_name": "Marieke de Vries",
    "reference_contact": "coordinator@voedselbank.example",
    "learned": "Samenwerken in een Nederlands team en klanten in het Nederlands helpen.",
}
NURSING: dict[str, Any] = {
    "experience_type": "abroad",
    "organisation": "Al-Razi ziekenhuis, Aleppo",
    "role": "Verpleegkundige interne geneeskunde",
    "started_on": "2014-09-01",
    "ended_on": "2021-03-31",
    "hours_per_week": 40,
    "total_hours": None,
    "reference_name": "",
    "reference_contact": "",
    "learned": "Zorg voor patiënten met diabetes en hartfalen; leiding aan een team van vier.",
}
EXAMS: tuple[dict[str, Any], ...] = (
    {
        "exam": "nt2_1",
        "component": "reading",
        "exam_date": "2026-06-12",
        "level": "B1",
        "result": "passed",
        "score": "",
        "notes": "",
    },
    {
        "exam": "nt2_1",
        "component": "listening",
        "exam_date": "2026-06-12",
        "level": "B1",
        "result": "failed",
        "score": "",
        "notes": "Volgende keer meer oefenen met radio.",
    },
    {
        "exam": "inburgering",
        "component": "knm",
        "exam_date": "2026-04-02",
        "level": "",
        "result": "passed",
        "score": "",
        "notes": "",
    },
)
ABOUT_ME: dict[str, Any] = {
    "languages_spoken": "Arabisch (moedertaal), Engels, Nederlands (A2)",
    "education": "Bachelor verpleegkunde, Universiteit van Aleppo (2014).",
    "work": "Zeven jaar verpleegkundige in het Al-Razi ziekenhuis.",
    "foreign_diploma": "Bachelor verpleegkunde",
    "diploma_translated": "yes",
    "idw_status": "received",
    "skills": "Zorg, plannen, rustig blijven in drukke situaties.",
    "ambition": "Over drie jaar werk ik als verpleegkundige in een Nederlands ziekenhuis.",
    "needs": ["childcare", "language_coach"],
    "needs_other": "",
}


def _certificate_photo(title: str, colour: str) -> bytes:
    """A phone photo of a paper certificate, good enough for a demo."""
    image = Image.new("RGB", (1600, 1200), "#5b5b5b")
    draw = ImageDraw.Draw(image)
    draw.rectangle((140, 100, 1460, 1100), fill=colour, outline="#8a6d1f", width=12)
    draw.text((220, 200), "CERTIFICAAT", fill="#3a2c05", font_size=90)
    draw.text((220, 420), title, fill="#222222", font_size=44)
    draw.ellipse((1150, 800, 1350, 1000), outline="#b3261e", width=10)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _record(
    session: Session,
    owner: str,
    key: SymmetricKey,
    kind: ItemKind,
    domain: str | None,
    fields: dict[str, Any],
) -> Item:
    return entries.create_item(session, owner, key, kind, domain, records.content(fields, []))


def _load_records(
    session: Session, store: BlobStore, owner: str, key: SymmetricKey, today: date
) -> None:
    for domain, fields, colour in CERTIFICATES:
        item = _record(session, owner, key, ItemKind.CERTIFICATE, domain, fields)
        photo = clean_upload(_certificate_photo(fields["title"], colour))
        files.attach(session, store, item, key, [files.Upload(photo, "certificaat.jpg")])
    _record(session, owner, key, ItemKind.EXPERIENCE, "participation", EXPERIENCE)
    _record(session, owner, key, ItemKind.EXPERIENCE, "work", NURSING)
    for exam in EXAMS:
        _record(session, owner, key, ItemKind.EXAM_RESULT, "language", exam)
    _record(
        session,
        owner,
        key,
        ItemKind.REFLECTION,
        "work",
        {"title": "Meelopen op de afdeling", "text": "Ik begreep bijna alles bij de overdracht."},
    )
    _record(session, owner, key, ItemKind.ABOUT_ME, None, ABOUT_ME)
    start = today - timedelta(days=2 * 365 + 200)
    _record(
        session,
        owner,
        key,
        ItemKind.INTEGRATION,
        None,
        {
            "route": "b1",
            "term_start": start.isoformat(),
            "term_end": (start + timedelta(days=3 * 365)).isoformat(),
            "component_reading": "done",
            "component_listening": "busy",
            "component_writing": "busy",
            "component_speaking": "not_started",
            "component_knm": "done",
            "component_map": "done",
            "component_pvt": "done",
            "exemptions": "",
            "extension_until": None,
            "extension_reason": "",
        },
    )


def load_demo(session: Session, ctx: VaultContext, store: BlobStore, today: date) -> str:
    """Create the demo account with goals, records with photos, self-assessments and
    language levels; returns the username."""
    unlocked, _code = accounts.register_owner(session, ctx, DEMO_USER, DEMO_PASSPHRASE, "nl")
    accounts.confirm_recovery_saved(session, unlocked.user)
    owner, key = unlocked.user.id, unlocked.user_key
    for n, (domain, goal) in enumerate(GOALS):
        target = today + timedelta(days=20 + 45 * n) if goal.is_open else None
        entries.create_goal(
            session,
            owner,
            key,
            domain,
            Goal(goal.title, goal.term, goal.status, target, goal.steps, goal.notes),
        )
    progress.record_self_assessment(
        session,
        owner,
        key,
        SelfAssessment(
            {
                "language": 2,
                "work": 1,
                "money": 2,
                "housing": 3,
                "family": 2,
                "participation": 1,
                "daily_life": 2,
                "society": 1,
                "education": 2,
                "health": 3,
            },
            "Eerste maand in Utrecht",
        ),
    )
    progress.record_self_assessment(
        session,
        owner,
        key,
        SelfAssessment(
            {
                "language": 3,
                "work": 2,
                "money": 3,
                "housing": 4,
                "family": 3,
                "participation": 4,
                "daily_life": 4,
                "society": 2,
                "education": 4,
                "health": 3,
            },
            "Na een jaar",
        ),
    )
    for levels in (
        {"reading": "A1", "listening": "A1", "writing": "A0", "speaking": "A0", "knm": "A0"},
        {"reading": "A2", "listening": "A2", "writing": "A1", "speaking": "A1", "knm": "A2"},
        {"reading": "B1", "listening": "A2", "writing": "A2", "speaking": "A2", "knm": "B1"},
    ):
        progress.record_language_levels(session, owner, key, LanguageLevels(levels, "B1"))
    _load_records(session, store, owner, key, today)
    return DEMO_USER


DEMO_STAFF = "sanne"


def load_demo_caseload(session: Session, ctx: VaultContext, now: datetime) -> str:
    """A regievoerder of the demo municipality with whom the demo newcomer shares language,
    education and work for six months; returns the staff member's initial passphrase."""
    org = municipalities.get_or_create_municipality(session, ctx, "Gemeente Demo")
    staff, initial = accounts.create_staff(
        session,
        ctx,
        username=DEMO_STAFF,
        display_name="Sanne de Vries",
        role=Role.REGIEVOERDER,
        municipality=org,
    )
    unlocked = accounts.authenticate(session, ctx, DEMO_USER, DEMO_PASSPHRASE)
    code, _row = connections.issue_code(
        session, staff, CodePurpose.STAFF, Relation.REGIEVOERDER, now
    )
    connections.redeem_code(session, code, unlocked.user, now)
    scope = default_scope(Relation.REGIEVOERDER.value, ["language", "education", "work"])
    terms = grants.ShareTerms(
        scope, "pip", "Voor ons voortgangsgesprek", "Amal Haddad", now + timedelta(days=182)
    )
    grants.create_grant(session, unlocked.user, unlocked.user_key, staff, terms, now)
    return initial
