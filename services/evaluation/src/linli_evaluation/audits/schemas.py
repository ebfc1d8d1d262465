from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from linli_evaluation.ledger.schemas import HoursOut
from linli_shared.validation import PLAIN_TEXT


def _a_number(value: object) -> object:
    """Numbers are JSON numbers: `true` is not 1, and text is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return value


def _a_day(value: object) -> object:
    """Days are ISO text (2026-11-01); a number is not a day."""
    if not isinstance(value, str | date):
        raise ValueError("must be a date, YYYY-MM-DD")
    return value


Rate = Annotated[
    Decimal,
    BeforeValidator(_a_number),
    Field(gt=0, le=1, max_digits=4, decimal_places=3),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
]
Weight = Annotated[
    Decimal,
    BeforeValidator(_a_number),
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
#: an auditor's adjusted hours: a day at most, to the hundredth, never rounded silently
Hours = Annotated[
    Decimal,
    BeforeValidator(_a_number),
    Field(ge=0, le=24, max_digits=4, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 24}),
]
Day = Annotated[date, BeforeValidator(_a_day)]
Evidence = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=PLAIN_TEXT)
]
#: rates and weights travel as JSON numbers
NumberOut = Annotated[Decimal, PlainSerializer(float, return_type=float)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# policy ---------------------------------------------------------------------------------------------------


class RiskWeights(_In):
    """What each risk signal adds to a record's weight (a record's weight is 1 + the sum of its signals')."""

    late_entry: Weight
    self_reported: Weight
    auto_closed: Weight
    #: service minutes above the committee's 95th percentile for the period, or above 8 hours
    long: Weight
    #: the volunteer has more than 3× the median records per volunteer in the period
    frequent: Weight


class AuditPolicyIn(_In):
    #: the share of the period's records drawn, 0.001–1
    rate: Rate
    #: the least number drawn (all of them when there are fewer)
    min_count: Annotated[StrictInt, Field(ge=0, le=1000)]
    risk_weights: RiskWeights


class PolicySource(StrEnum):
    OWN = "own"
    TOWN = "town"
    DISTRICT = "district"
    DEFAULT = "default"


class AuditPolicyOut(BaseModel):
    rate: NumberOut
    min_count: int
    risk_weights: dict[str, NumberOut]
    #: whose policy this is, seen from the caller's node
    source: PolicySource
    source_tenant_id: uuid.UUID | None


# plans ----------------------------------------------------------------------------------------------------


class PlanCreate(_In):
    """The period a plan samples; both omitted: the current month (Asia/Shanghai)."""

    period_start: Day | None = None
    period_end: Day | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("give both period_start and period_end, or neither (the current month)")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end is on or after period_start")
        return self


class AuditorsIn(_In):
    #: identity user ids of the committee's auditors (督查员); tasks are dealt to them in turn
    auditor_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=50)]

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        if len(set(self.auditor_ids)) != len(self.auditor_ids):
            raise ValueError("auditor_ids lists someone twice")
        return self


class TaskCounts(BaseModel):
    open: int = 0
    confirmed: int = 0
    adjusted: int = 0
    rejected: int = 0


class PlanOut(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    period_start: date
    period_end: date
    #: committed | drawn | completed
    status: str
    #: sha256 over the 32 seed bytes, published when the plan was made
    seed_hash: str
    #: the seed (hex), shown only once the sample is drawn
    seed: str | None
    rate: NumberOut
    min_count: int
    risk_weights: dict[str, NumberOut]
    auditor_ids: list[uuid.UUID]
    population: int | None
    sample_size: int | None
    committed_at: datetime
    drawn_at: datetime | None
    tasks: TaskCounts
    algorithm: str


class PlanPage(BaseModel):
    items: list[PlanOut]
    next_cursor: str | None


class PopulationRecord(BaseModel):
    """A record of the population as drawn from, and what the draw made of it."""

    record_id: uuid.UUID
    stratum: str
    stratum_name: str
    volunteer_id: uuid.UUID
    service_minutes: int
    hours: HoursOut
    late_entry: bool
    self_reported: bool
    auto_closed: bool
    risks: list[str]
    weight: NumberOut
    #: ln(u)/w, as decimal text (the larger, the likelier drawn)
    key: str
    drawn: bool


class Verification(BaseModel):
    """Everything needed to re-run a plan's draw, the re-run's result, and whether it matches the tasks."""

    plan_id: uuid.UUID
    algorithm: str
    #: how the draw works, step by step
    rules: str
    seed: str
    seed_hash: str
    #: sha256(seed) equals the hash published before the period's records were final
    seed_matches_hash: bool
    rate: NumberOut
    min_count: int
    risk_weights: dict[str, NumberOut]
    long_above_minutes: int | None
    #: records per volunteer above which a volunteer counts as frequent
    frequent_above: float | None
    population: list[PopulationRecord]
    allocation: dict[str, int]
    sample_size: int
    #: the sample the re-run draws, in record-id order
    drawn_record_ids: list[uuid.UUID]
    #: the records the plan's tasks were made for, in record-id order
    task_record_ids: list[uuid.UUID]
    #: the seed matches its hash and the re-run draws exactly the tasks' records
    matches: bool


# tasks ----------------------------------------------------------------------------------------------------


class Decision(StrEnum):
    CONFIRMED = "confirmed"
    ADJUSTED = "adjusted"
    REJECTED = "rejected"


class OutcomeIn(_In):
    outcome: Decision
    #: the hours the record should count (an adjustment only)
    hours: Hours | None = None
    #: what the auditor found and how (visit, call, photos…)
    evidence: Evidence

    @model_validator(mode="after")
    def _hours_for_adjustments(self) -> Self:
        if self.outcome is Decision.ADJUSTED and self.hours is None:
            raise ValueError("an adjustment says the hours the record should count")
        if self.outcome is not Decision.ADJUSTED and self.hours is not None:
            raise ValueError("only an adjustment gives hours (a rejection counts 0)")
        return self


class TaskOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    committee_id: uuid.UUID
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    auditor_id: uuid.UUID | None
    stratum: str
    weight: NumberOut
    risks: list[str]
    #: open | confirmed | adjusted | rejected
    outcome: str
    hours_before: HoursOut
    hours_after: HoursOut | None
    evidence: str
    decided_at: datetime | None
    created_at: datetime


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None


class AuditedRecord(BaseModel):
    """The service record an auditor checks, as it stands now."""

    volunteer_name: str
    activity_name: str
    service_date: date
    started_at: datetime
    ended_at: datetime
    service_minutes: int
    hours: HoursOut
    place: str
    recipient: str
    content: str
    lead_name: str
    recorder_name: str
    source: str
    late_entry: bool
    self_reported: bool
    auto_closed: bool
    verified: bool
    voided: bool


class TaskDetail(TaskOut):
    record: AuditedRecord


# reports --------------------------------------------------------------------------------------------------


class AuditCounts(BaseModel):
    plans: int = 0
    tasks: int = 0
    decided: int = 0
    confirmed: int = 0
    adjusted: int = 0
    rejected: int = 0
    #: confirmed ÷ decided; null when nothing is decided
    pass_rate: float | None = None
    #: hours the adjustments and rejections added (negative: took away)
    hours_moved: HoursOut = Decimal(0)


class TrendPoint(AuditCounts):
    #: the month the plans' periods start in, 2026-11
    month: str


class Finding(BaseModel):
    task_id: uuid.UUID
    plan_id: uuid.UUID
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    activity_name: str
    service_date: date
    outcome: str
    hours_before: HoursOut
    hours_after: HoursOut | None
    evidence: str
    decided_at: datetime | None


class CommitteeAudits(AuditCounts):
    committee_id: uuid.UUID
    name: str
    path: str
    #: adjusted and rejected records with the auditors' evidence, the latest first (at most 50)
    findings: list[Finding]
    findings_total: int
    trend: list[TrendPoint]


class AuditReport(BaseModel):
    period_from: date = Field(serialization_alias="from")
    period_to: date = Field(serialization_alias="to")
    totals: AuditCounts
    trend: list[TrendPoint]
    committees: list[CommitteeAudits]
