"""What the reports return. Hours are JSON numbers; a rate is a fraction (0.25 = 25 %) and null when it
has nothing to divide by (no volunteers on the register, no ratings, no decided audit)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from linli_evaluation.ledger.schemas import HoursOut


class StarCount(BaseModel):
    stars: int
    volunteers: int


class Metrics(BaseModel):
    #: active volunteers on the register who had joined by the period's last day
    volunteers: int
    #: of them, those with at least one service record (not voided) in the period
    active_volunteers: int
    active_rate: float | None
    backbone: int
    #: backbone volunteers ÷ volunteers on the register
    backbone_ratio: float | None
    verified_hours: HoursOut
    unverified_hours: HoursOut
    hours: HoursOut
    #: service records (not voided) in the period
    records: int
    ratings: int
    #: the average rating, 1–5
    satisfaction: float | None
    #: audit tasks of the period's records: decided = confirmed + adjusted + rejected
    audits_decided: int
    audits_confirmed: int
    audits_adjusted: int
    audits_rejected: int
    audits_open: int
    #: confirmed ÷ decided
    audit_pass_rate: float | None
    #: today's star levels of the volunteers on the register, 0★ to 5★
    star_distribution: list[StarCount]


class TallyCheck(BaseModel):
    """The committee tallies of the same whole months: they equal the records' hours once every ledger entry
    is applied (the tally worker runs within seconds; the nightly reconciliation repairs any drift)."""

    verified_hours: HoursOut
    unverified_hours: HoursOut
    agrees: bool


class Change(BaseModel):
    """This period minus the previous one; rates in fractions (0.05 = five percentage points)."""

    hours: HoursOut
    verified_hours: HoursOut
    records: int
    active_volunteers: int
    active_rate: float | None
    satisfaction: float | None
    audit_pass_rate: float | None


class CommitteeRef(BaseModel):
    id: uuid.UUID
    name: str
    active: bool


class PeriodMetrics(BaseModel):
    month: str
    metrics: Metrics


class VolunteerRow(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    tier: str | None
    stars: int
    records: int
    verified_hours: HoursOut
    unverified_hours: HoursOut
    hours: HoursOut


class BreakdownRow(BaseModel):
    """Hours of one project, grid or activity kind; `key` is null for records without a project or grid."""

    key: str | None
    name: str
    records: int
    volunteers: int
    verified_hours: HoursOut
    unverified_hours: HoursOut
    hours: HoursOut


class CommitteeMonthly(BaseModel):
    committee: CommitteeRef
    month: str
    first_day: date
    last_day: date
    metrics: Metrics
    tallied: TallyCheck
    previous: PeriodMetrics
    change: Change
    top_volunteers: list[VolunteerRow]
    projects: list[BreakdownRow]
    grids: list[BreakdownRow]
    activity_kinds: list[BreakdownRow]


class MonthHours(BaseModel):
    month: str
    records: int
    verified_hours: HoursOut
    unverified_hours: HoursOut
    hours: HoursOut


class RollupRow(BaseModel):
    """A committee, a town's subtotal or the total of the caller's subtree."""

    kind: str = Field(description="committee, town or total")
    id: uuid.UUID | None
    name: str
    #: the town a committee belongs to
    parent_id: uuid.UUID | None
    committees: int
    metrics: Metrics
    tallied: TallyCheck
    series: list[MonthHours]


class Rollup(BaseModel):
    from_month: str
    to_month: str
    months: list[str]
    committees: list[RollupRow]
    towns: list[RollupRow]
    total: RollupRow
