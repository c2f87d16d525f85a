"""A believable demo portfolio (Amal, a nurse from Aleppo in the B1-route) for trying the
app, for screenshots and for benchmarks. Made through the same services as real data."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from portfolio.accounts import services as accounts
from portfolio.entries import services as entries
from portfolio.entries.goals import Goal, GoalStatus, Step, Term
from portfolio.progress import services as progress
from portfolio.progress.assessment import SelfAssessment
from portfolio.progress.language import LanguageLevels
from portfolio.vault.context import VaultContext

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


def load_demo(session: Session, ctx: VaultContext, today: date) -> str:
    """Create the demo account with goals and two self-assessments; returns the username."""
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
    return DEMO_USER
