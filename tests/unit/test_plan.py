"""The plan's content: round trips through JSON, refuses what does not fit, and the
history names exactly what moved between two versions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.entries.errors import InvalidContentError
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
    changes,
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
