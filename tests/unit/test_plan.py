"""The plan's content: round trips through JSON, refuses what does not fit, and the
history names exactly what moved between two versions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.entries.errors import InvalidContentError
from portfolio.pip.changes import Change, changes
from portfolio.pip.own_plan import MAX_COST, MAX_HOURS, MAX_ROUNDS, OwnPlan, OwnPlanStatus
from portfolio.pip.plan import (
    Agreement,
    AgreementStatus,
    Party,
    Plan,
    PlanContent,
    Proposal,
    ProposalStatus,
    Reason,
    Version,
)

texts = st.text(max_size=40)
agreements = st.builds(
    Agreement,
    id=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    description=st.text(min_size=1, max_size=60),
    party=st.sampled_from(Party),
    domain=st.one_of(st.none(), st.sampled_from(["language", "work", "health"])),
    due=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2035, 1, 1))),
    status=st.sampled_from(AgreementStatus),
)
plans = st.builds(
    Plan,
    route=st.sampled_from(["", "b1", "education", "z"]),
    main_goal=st.sampled_from(["", "work", "education", "participation"]),
    main_goal_text=texts,
    provider=texts,
    hours_per_week=st.one_of(st.none(), st.integers(0, 60)),
    preconditions=texts,
    contact=texts,
)
contents = st.builds(
    PlanContent,
    plan=plans,
    agreements=st.lists(agreements, max_size=6, unique_by=lambda a: a.id).map(tuple),
)


@given(contents, st.integers(1, 50), st.sampled_from(Reason))
def test_version_round_trip(content: PlanContent, number: int, reason: Reason) -> None:
    version = Version(number, content, reason, None, None)
    assert Version.from_json(version.to_json()) == version


@given(contents)
def test_proposal_round_trip_and_answer(content: PlanContent) -> None:
    proposal = Proposal(content, Reason.PROGRESS, "waarom", "a" * 32, None)
    assert Proposal.from_json(proposal.to_json()) == proposal
    answered = proposal.answered(ProposalStatus.DECLINED, "nee", "b" * 32)
    assert Proposal.from_json(answered.to_json()).status is ProposalStatus.DECLINED


@given(contents)
def test_no_change_is_no_history(content: PlanContent) -> None:
    assert changes(content, content) == []


@given(contents)
def test_first_version_lists_every_agreement_as_new(content: PlanContent) -> None:
    found = changes(None, content)
    assert [c.what for c in found if c.kind == "added"] == [
        a.description for a in content.agreements
    ]
    assert not [c for c in found if c.kind in ("removed", "agreement")]


def test_changed_fields_added_and_removed_agreements() -> None:
    keep = Agreement("k" * 32, "Taalschool", status=AgreementStatus.OPEN)
    gone = Agreement("g" * 32, "Kinderopvang")
    before = PlanContent(Plan(route="b1", provider="ROC"), (keep, gone))
    after = PlanContent(
        Plan(route="z", provider="ROC"),
        (
            Agreement("k" * 32, "Taalschool", status=AgreementStatus.DONE),
            Agreement("n" * 32, "Werk"),
        ),
    )
    found = {(c.kind, c.what, c.field, c.before, c.after) for c in changes(before, after)}
    assert found == {
        ("plan", "route", "", "b1", "z"),
        ("agreement", "Taalschool", "status", "open", "done"),
        ("added", "Werk", "", "", ""),
        ("removed", "Kinderopvang", "", "", ""),
    }


@pytest.mark.parametrize(
    "broken",
    [
        {"schema": 2, "number": 1},
        {"schema": 1, "number": "one"},
        {"schema": 1, "number": 1, "plan": {"hours_per_week": 500}},
        {"schema": 1, "number": 1, "plan": [], "agreements": []},
        {
            "schema": 1,
            "number": 1,
            "agreements": [{"id": "x", "description": "d", "party": "king"}],
        },
        {"schema": 1, "number": 1, "agreements": [{"id": "x", "description": "d", "due": "soon"}]},
        {"schema": 1, "number": 1, "agreements": [{"id": "x", "description": "d"}] * 41},
        {"schema": 1, "number": 1, "reason": "whim"},
    ],
)
def test_content_that_does_not_fit_is_refused(broken: dict) -> None:
    with pytest.raises(InvalidContentError):
        Version.from_json(broken)


# -- the own plan proposal ----------------------------------------------------------------

days = st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2035, 1, 1)))
own_plans = st.builds(
    OwnPlan,
    course=st.text(min_size=1, max_size=80),
    why=st.text(min_size=1, max_size=200),
    provider=texts,
    domain=st.one_of(st.none(), st.sampled_from(["language", "work"])),
    hours=st.one_of(st.none(), st.integers(0, MAX_HOURS)),
    hours_per_week=st.one_of(st.none(), st.integers(0, 60)),
    cost=st.one_of(st.none(), st.integers(0, MAX_COST)),
    start=days,
    helper=texts,
)


@given(own_plans, st.lists(st.sampled_from(OwnPlanStatus), max_size=25))
def test_own_plan_round_trip_with_any_answers(plan: OwnPlan, answers: list) -> None:
    for status in answers:
        plan = plan.answered(status, "why", "staff", date(2026, 11, 23))
    assert len(plan.rounds) <= MAX_ROUNDS
    assert OwnPlan.from_json(plan.to_json()) == plan


@given(own_plans, contents)
def test_an_approved_own_plan_adds_its_agreements_and_keeps_the_plan(
    plan: OwnPlan, content: PlanContent
) -> None:
    counter = iter(range(1000))
    made = plan.with_agreements(content, lambda: f"{next(counter):032d}")
    assert made.agreements[: len(content.agreements)] == content.agreements
    added = made.agreements[len(content.agreements) :]
    assert len(added) == (2 if plan.cost else 1)
    assert added[0].party is Party.ME and plan.course in added[0].description
    assert all(a.status is AgreementStatus.OPEN and a.domain == plan.domain for a in added)
    assert made.plan.route == content.plan.route
    assert made.plan.provider == (content.plan.provider or plan.provider)


def test_own_plan_refuses_what_does_not_fit() -> None:
    good = OwnPlan("Course", "Because").to_json()
    for bad in (
        {**good, "cost": MAX_COST + 1},
        {**good, "hours": -1},
        {**good, "hours": True},
        {**good, "status": "sent"},
        {**good, "schema": 99},
        {**good, "rounds": [{"status": "approved", "text": "", "by": "x"}]},
        {**good, "course": "x" * 201},
    ):
        with pytest.raises(InvalidContentError):
            OwnPlan.from_json(bad)
    full = PlanContent(agreements=tuple(Agreement(f"{i:032d}", "a") for i in range(40)))
    with pytest.raises(InvalidContentError):
        OwnPlan("Course", "Because").with_agreements(full, lambda: "f" * 32)


def test_agreements_due_counts_only_open_dated_agreements() -> None:
    from portfolio.workspace.caseload import AgreementsDue

    today = date(2026, 11, 23)
    content = PlanContent(
        agreements=(
            Agreement("1" * 32, "late", due=date(2026, 1, 1)),
            Agreement("2" * 32, "done late", due=date(2026, 1, 1), status=AgreementStatus.DONE),
            Agreement("3" * 32, "today", due=today),
            Agreement("4" * 32, "later", due=date(2027, 1, 1)),
            Agreement("5" * 32, "no date"),
        )
    )
    assert AgreementsDue.of_json(as_version(content), today) == AgreementsDue(1, today)
    assert AgreementsDue.of_json(as_version(PlanContent()), today) == AgreementsDue(0, None)


def as_version(content: PlanContent) -> dict:
    return Version(1, content, Reason.START, None, None).to_json()


def test_a_new_proof_is_a_change_of_its_agreement() -> None:
    before = PlanContent(agreements=(Agreement("1" * 32, "Taalschool"),))
    after = PlanContent(agreements=(Agreement("1" * 32, "Taalschool", evidence=("a" * 32,)),))
    assert changes(before, after) == [Change("agreement", "Taalschool", "evidence", "", "a" * 32)]


@given(contents, st.dates(date(2020, 1, 1), date(2035, 1, 1)))
def test_due_agreements_read_from_json_as_from_the_plan(content: PlanContent, today: date) -> None:
    from portfolio.workspace.caseload import AgreementsDue

    due = [a.due for a in content.agreements if a.status is AgreementStatus.OPEN and a.due]
    upcoming = [d for d in due if d >= today]
    expected = AgreementsDue(sum(d < today for d in due), min(upcoming) if upcoming else None)
    assert AgreementsDue.of_json(as_version(content), today) == expected
    with pytest.raises(InvalidContentError):
        AgreementsDue.of_json({"agreements": [{"due": "morgen"}]}, today)
