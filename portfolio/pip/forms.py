"""The plan form (the fixed parts and a list of agreements, usable without JavaScript) and
the answer to a proposal."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portfolio.db import new_id
from portfolio.forms import (
    BaseForm,
    no_control_characters,
    select_choices,
    sensible_date,
    single_line,
)
from portfolio.pip.labels import (
    AGREEMENT_FIELD_LABELS,
    AGREEMENT_STATUSES,
    MAIN_GOALS,
    OWN_PLAN_DECISIONS,
    OWN_PLAN_LABELS,
    PART_STATUSES,
    PARTIES,
    PARTIES_FOR_OTHERS,
    PLAN_LABELS,
    REASONS,
    ROUTES,
)
from portfolio.pip.own_plan import MAX_COST, MAX_HOURS, OwnPlan, OwnPlanStatus
from portfolio.pip.plan import (
    MAX_AGREEMENTS,
    Agreement,
    AgreementStatus,
    Meeting,
    Party,
    Plan,
    PlanContent,
)

EMPTY_AGREEMENT_ROWS = 3
TEXT = [Optional(), Length(max=500), no_control_characters]


class AgreementRow(Form):
    id = HiddenField()
    description = StringField(
        AGREEMENT_FIELD_LABELS["description"],
        validators=[
            Optional(),
            Length(max=300, message=_l("Please use at most 300 characters.")),
            no_control_characters,
            single_line,
        ],
    )
    party = SelectField(AGREEMENT_FIELD_LABELS["party"], choices=select_choices(PARTIES))
    domain = SelectField(AGREEMENT_FIELD_LABELS["domain"], choices=[], validate_choice=False)
    due = DateField(AGREEMENT_FIELD_LABELS["due"], validators=[Optional(), sensible_date])
    status = SelectField(
        AGREEMENT_FIELD_LABELS["status"], choices=select_choices(AGREEMENT_STATUSES)
    )
    evidence = SelectField(AGREEMENT_FIELD_LABELS["evidence"], choices=[], validate_choice=False)


class PlanForm(BaseForm):
    route = SelectField(PLAN_LABELS["route"], choices=select_choices(ROUTES))
    main_goal = SelectField(PLAN_LABELS["main_goal"], choices=select_choices(MAIN_GOALS))
    main_goal_text = TextAreaField(PLAN_LABELS["main_goal_text"], validators=TEXT)
    provider = StringField(PLAN_LABELS["provider"], validators=[*TEXT, single_line])
    hours_per_week = IntegerField(
        PLAN_LABELS["hours_per_week"],
        validators=[Optional(), NumberRange(0, 60, message=_l("Please choose 0 to 60 hours."))],
    )
    map_status = SelectField(PLAN_LABELS["map_status"], choices=select_choices(PART_STATUSES))
    pvt_status = SelectField(PLAN_LABELS["pvt_status"], choices=select_choices(PART_STATUSES))
    preconditions = TextAreaField(PLAN_LABELS["preconditions"], validators=TEXT)
    contact = StringField(PLAN_LABELS["contact"], validators=[*TEXT, single_line])
    agreements = FieldList(FormField(AgreementRow), min_entries=0, max_entries=MAX_AGREEMENTS)
    reason = SelectField(_l("Why this change?"), choices=select_choices(REASONS))
    comment = TextAreaField(
        _l("Explain your proposal (you may leave this empty)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )

    def prepare(
        self,
        domains: list[tuple[str, str]],
        *,
        owner_view: bool = True,
        proofs: list[tuple[str, str]] | None = None,
    ) -> None:
        """Choices: life domains, parties as this side reads them, and the portfolio items
        this side sees that can prove an agreement (``proofs``: id and title)."""
        choices = select_choices([("", _l("No life domain")), *domains])
        parties = select_choices(PARTIES if owner_view else PARTIES_FOR_OTHERS)
        evidence = select_choices([("", _l("No proof yet")), *(proofs or [])])
        for row in self.agreements:
            row.form.domain.choices = choices
            row.form.party.choices = parties
            row.form.evidence.choices = evidence
        self._domain_codes = {code for code, _ in domains}
        self._proof_ids = {item_id for item_id, _ in proofs or []}

    def fill_from(
        self,
        content: PlanContent,
        domains: list[tuple[str, str]],
        *,
        owner_view: bool = True,
        proofs: list[tuple[str, str]] | None = None,
    ) -> None:
        plan = content.plan
        visible = {item_id for item_id, _ in proofs or []}
        for name in PLAN_LABELS:
            getattr(self, name).data = getattr(plan, name)
        while len(self.agreements):
            self.agreements.pop_entry()
        for agreement in content.agreements:
            self.agreements.append_entry(
                {
                    "id": agreement.id,
                    "description": agreement.description,
                    "party": agreement.party.value,
                    "domain": agreement.domain or "",
                    "due": agreement.due,
                    "status": agreement.status.value,
                    "evidence": next((e for e in agreement.evidence if e in visible), ""),
                }
            )
        for _ in range(EMPTY_AGREEMENT_ROWS):
            if len(self.agreements) < MAX_AGREEMENTS:
                self.agreements.append_entry()
        self.prepare(domains, owner_view=owner_view, proofs=proofs)

    def validate_agreements(self, field: Any) -> None:
        codes: set[str] = getattr(self, "_domain_codes", set())
        proof_ids: set[str] = getattr(self, "_proof_ids", set())
        for row in field:
            if row.form.domain.data and row.form.domain.data not in codes:
                raise ValidationError(_l("Not a valid choice."))
            if row.form.evidence.data and row.form.evidence.data not in proof_ids:
                raise ValidationError(_l("Not a valid choice."))

    def to_content(self, previous: PlanContent | None) -> PlanContent:
        """Rows without a description are left out. The proof chosen replaces the one this
        side sees; proof this side cannot see (an item not shared with them) stays."""
        kept = {a.id: a for a in previous.agreements} if previous else {}
        visible: set[str] = getattr(self, "_proof_ids", set())
        agreements = []
        for row in self.agreements:
            text = (row.form.description.data or "").strip()
            if not text:
                continue
            earlier = kept.get(row.form.id.data or "")
            hidden = tuple(e for e in earlier.evidence if e not in visible) if earlier else ()
            chosen = (row.form.evidence.data,) if row.form.evidence.data else ()
            agreements.append(
                Agreement(
                    id=earlier.id if earlier else new_id(),
                    description=text,
                    party=Party(row.form.party.data),
                    domain=row.form.domain.data or None,
                    due=row.form.due.data,
                    status=AgreementStatus(row.form.status.data),
                    evidence=hidden + chosen,
                )
            )
        plan = Plan(
            route=self.route.data or "",
            main_goal=self.main_goal.data or "",
            main_goal_text=(self.main_goal_text.data or "").strip(),
            provider=(self.provider.data or "").strip(),
            hours_per_week=self.hours_per_week.data,
            map_status=self.map_status.data or "",
            pvt_status=self.pvt_status.data or "",
            preconditions=(self.preconditions.data or "").strip(),
            contact=(self.contact.data or "").strip(),
        )
        return PlanContent(plan, tuple(agreements))


class _Answer(BaseForm):
    """An answer with a comment; each answer form says when the comment is required."""

    answer = TextAreaField(
        _l("Your comment"),
        validators=[  # no Optional(): it would skip the check on an empty answer
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )


class AnswerForm(_Answer):
    decision = RadioField(
        _l("Your answer"),
        choices=select_choices(
            [("accept", _l("Yes, I agree")), ("decline", _l("No, I do not agree"))]
        ),
        validators=[DataRequired(message=_l("Please choose yes or no."))],
    )

    def validate_answer(self, field: Any) -> None:
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Please say why you do not agree."))


LONG_TEXT = [
    Optional(),
    Length(max=2000, message=_l("Please use at most 2000 characters.")),
    no_control_characters,
]


class MeetingForm(BaseForm):
    day = DateField(
        _l("Date of the meeting"),
        validators=[DataRequired(message=_l("Please choose a date.")), sensible_date],
    )


class PreparationForm(BaseForm):
    went_well = TextAreaField(_l("What went well?"), validators=LONG_TEXT)
    hard = TextAreaField(_l("What was hard?"), validators=LONG_TEXT)
    discuss = TextAreaField(_l("What do I want to talk about?"), validators=LONG_TEXT)

    def applied_to(self, meeting: Meeting) -> Meeting:
        """The owner's part of the meeting, as filled in; the summary stays as it is."""
        return replace(
            meeting,
            went_well=(self.went_well.data or "").strip(),
            hard=(self.hard.data or "").strip(),
            discuss=(self.discuss.data or "").strip(),
        )


class SummaryForm(BaseForm):
    summary = TextAreaField(_l("Summary of the meeting"), validators=LONG_TEXT)
    agreed = TextAreaField(_l("Changes we agreed on"), validators=LONG_TEXT)
    next_day = DateField(_l("Next meeting"), validators=[Optional(), sensible_date])

    def applied_to(self, meeting: Meeting, author_id: str) -> Meeting:
        """The regievoerder's part of the meeting; the preparation stays as it is."""
        return replace(
            meeting,
            summary=(self.summary.data or "").strip(),
            agreed=(self.agreed.data or "").strip(),
            next_day=self.next_day.data,
            summary_by=author_id,
        )


# -- the newcomer's own plan proposal --------------------------------------------------------

ONE_LINE = [
    Optional(),
    Length(max=200, message=_l("Please use at most 200 characters.")),
    no_control_characters,
    single_line,
]


class OwnPlanForm(BaseForm):
    course = StringField(
        OWN_PLAN_LABELS["course"],
        validators=[
            DataRequired(message=_l("Please write which course or training.")),
            *ONE_LINE[1:],
        ],
    )
    provider = StringField(OWN_PLAN_LABELS["provider"], validators=ONE_LINE)
    domain = SelectField(OWN_PLAN_LABELS["domain"], choices=[], validate_choice=False)
    hours = IntegerField(
        OWN_PLAN_LABELS["hours"],
        validators=[
            Optional(),
            NumberRange(
                0, MAX_HOURS, message=_l("Please choose 0 to %(max)d hours.", max=MAX_HOURS)
            ),
        ],
    )
    hours_per_week = IntegerField(
        OWN_PLAN_LABELS["hours_per_week"],
        validators=[Optional(), NumberRange(0, 60, message=_l("Please choose 0 to 60 hours."))],
    )
    cost = IntegerField(
        OWN_PLAN_LABELS["cost"],
        validators=[
            Optional(),
            NumberRange(0, MAX_COST, message=_l("Please choose 0 to %(max)d euros.", max=MAX_COST)),
        ],
    )
    start = DateField(OWN_PLAN_LABELS["start"], validators=[Optional(), sensible_date])
    why = TextAreaField(
        OWN_PLAN_LABELS["why"],
        validators=[
            DataRequired(message=_l("Please say why this fits you.")),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
            no_control_characters,
        ],
    )
    helper = StringField(OWN_PLAN_LABELS["helper"], validators=ONE_LINE)

    def prepare(self, domains: list[tuple[str, str]]) -> None:
        self.domain.choices = select_choices([("", _l("No life domain")), *domains])
        self._domain_codes = {code for code, _ in domains}

    def validate_domain(self, field: Any) -> None:
        if field.data and field.data not in self._domain_codes:
            raise ValidationError(_l("Please choose a life domain from the list."))

    def fill_from(self, plan: OwnPlan) -> None:
        for name in OWN_PLAN_LABELS:
            getattr(self, name).data = getattr(plan, name)
        self.domain.data = plan.domain or ""

    def to_plan(self) -> OwnPlan:
        return OwnPlan(
            course=(self.course.data or "").strip(),
            why=(self.why.data or "").strip(),
            provider=(self.provider.data or "").strip(),
            domain=self.domain.data or None,
            hours=self.hours.data,
            hours_per_week=self.hours_per_week.data,
            cost=self.cost.data,
            start=self.start.data,
            helper=(self.helper.data or "").strip(),
        )


class SubmitOwnPlanForm(BaseForm):
    recipient = RadioField(
        _l("Send it to"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(message=_l("Please choose your regievoerder."))],
    )
    include_plan = BooleanField(
        _l("Yes, this person may see my plan (PIP) and answer proposals to change it.")
    )


class OwnAnswerForm(_Answer):
    decision = RadioField(
        _l("Your answer"),
        choices=select_choices(OWN_PLAN_DECISIONS),
        validators=[DataRequired(message=_l("Please choose an answer."))],
    )

    def validate_answer(self, field: Any) -> None:
        if self.decision.data != OwnPlanStatus.APPROVED.value and not (field.data or "").strip():
            raise ValidationError(_l("Please give your reasons."))
