from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from linli_scheduling.activities.models import ActivityKind, ActivityStatus, ShiftStatus
from linli_shared.validation import PLAIN_TEXT

#: a shift lasts 5 minutes to a day (the table checks the same)
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 1440
MAX_CAPACITY = 10_000
#: one a day for a year: more than any real series skips
MAX_EXCEPTIONS = 366
#: the widest calendar one request reads: a quarter
MAX_CALENDAR_DAYS = 92


class Tier(StrEnum):
    """The roster's tiers (志愿者 / 骨干 / 储备)."""

    VOLUNTEER = "volunteer"
    BACKBONE = "backbone"
    RESERVE = "reserve"


class RoleRequirement(StrEnum):
    """The roster's stacked roles a shift may require (党小组长, 楼组长, 微格长, 议事小组成员, 调解员)."""

    PARTY_GROUP_LEADER = "party_group_leader"
    BUILDING_GROUP_LEADER = "building_group_leader"
    MICRO_GRID_LEADER = "micro_grid_leader"
    DELIBERATION_MEMBER = "deliberation_member"
    MEDIATOR = "mediator"


def _whole_minute(moment: datetime) -> datetime:
    """Shifts start on the minute: a stray second would also keep a rule from matching its first start."""
    if moment.second or moment.microsecond:
        raise ValueError("give the time to the minute (no seconds)")
    return moment


def _text(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=PLAIN_TEXT
    )


Minute = Annotated[AwareDatetime, AfterValidator(_whole_minute)]
Name = Annotated[str, _text(80, min_length=1)]
Content = Annotated[str, _text(2000)]
Recipient = Annotated[str, _text(100)]
Place = Annotated[str, _text(100)]
Qualification = Annotated[str, _text(60, min_length=1)]
Reason = Annotated[str, _text(500, min_length=1)]
Rule = Annotated[str, _text(500, min_length=1)]
DurationMinutes = Annotated[StrictInt, Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)]
Capacity = Annotated[StrictInt, Field(ge=1, le=MAX_CAPACITY)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActivityCreate(_In):
    name: Name
    kind: ActivityKind
    project_id: uuid.UUID | None = None
    #: 服务内容 and 服务对象, as the service record will carry them
    content: Content = ""
    recipient: Recipient = ""
    #: a grid, micro-grid or building; or a place in words; or both
    area_id: uuid.UUID | None = None
    place: Place = ""
    lead_volunteer_id: uuid.UUID | None = None
    #: the course a training session teaches (required for training sessions, only for them)
    course_id: uuid.UUID | None = None
    first_starts_at: Minute
    #: how long each occurrence lasts: give this or `ends_at` (the first occurrence's end)
    duration_minutes: DurationMinutes | None = None
    ends_at: Minute | None = None
    #: an RFC 5545 RRULE without DTSTART (e.g. `FREQ=WEEKLY;BYDAY=SA`); none for a one-off
    recurrence: Rule | None = None
    #: days the rule skips (local dates)
    exceptions: Annotated[list[date], Field(max_length=MAX_EXCEPTIONS)] = []
    capacity: Capacity
    required_qualification: Qualification | None = None
    required_role: RoleRequirement | None = None
    required_tier: Tier | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.duration_minutes is None) == (self.ends_at is None):
            raise ValueError("give either duration_minutes or ends_at")
        if self.ends_at is not None:
            length = self.ends_at - self.first_starts_at
            if length <= timedelta(0):
                raise ValueError("ends_at must be after first_starts_at")
            if not MIN_DURATION_MINUTES <= length / timedelta(minutes=1) <= MAX_DURATION_MINUTES:
                raise ValueError("an occurrence lasts 5 minutes to 24 hours")
        if self.area_id is None and not self.place:
            raise ValueError("give an area_id or a place (or both)")
        if (self.kind == ActivityKind.TRAINING_SESSION) != (self.course_id is not None):
            raise ValueError("a training session names its course_id; other kinds have none")
        if self.exceptions and self.recurrence is None:
            raise ValueError("exceptions are days a recurring activity skips; a one-off has none")
        return self

    @property
    def duration(self) -> timedelta:
        if self.ends_at is not None:
            return self.ends_at - self.first_starts_at
        assert self.duration_minutes is not None
        return timedelta(minutes=self.duration_minutes)


class ExceptionAdd(_In):
    date: date
    #: told to the volunteers whose sign-ups for that day are cancelled
    reason: Reason | None = None


class SeriesEnd(_In):
    #: the last day the series runs; its shifts after that day are cancelled
    last_date: date
    reason: Reason | None = None


class ActivityCancel(_In):
    reason: Reason


class ActivityOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID | None
    name: str
    kind: ActivityKind
    content: str
    recipient: str
    area_id: uuid.UUID | None
    place: str
    lead_volunteer_id: uuid.UUID | None
    course_id: uuid.UUID | None
    #: in Asia/Shanghai
    first_starts_at: datetime
    duration_minutes: int
    recurrence: str | None
    exceptions: list[date]
    #: shifts exist up to (excluding) this local date
    materialised_until: date
    capacity: int
    required_qualification: str | None
    required_role: str | None
    required_tier: str | None
    status: ActivityStatus
    created_by: str
    created_at: datetime
    version: int


class ActivityCreated(ActivityOut):
    shifts_created: int


class ActivityDetail(ActivityOut):
    #: scheduled shifts that have not started yet
    upcoming_shifts: int


class ActivityChanged(ActivityOut):
    shifts_cancelled: int


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None


class ShiftUpdate(_In):
    """Only the fields given change; `leader_volunteer_id: null` leaves the shift without a leader.
    A new `starts_at` alone keeps the shift's length; `ends_at` alone changes only its end."""

    capacity: Capacity | None = None
    leader_volunteer_id: uuid.UUID | None = None
    starts_at: Minute | None = None
    ends_at: Minute | None = None
    required_qualification: Qualification | None = None
    required_role: RoleRequirement | None = None
    required_tier: Tier | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        for field in ("capacity", "starts_at", "ends_at"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        if self.starts_at is not None and self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class ShiftCancel(_In):
    reason: Reason


class ShiftOut(BaseModel):
    id: uuid.UUID
    activity_id: uuid.UUID
    project_id: uuid.UUID | None
    activity_name: str
    kind: ActivityKind
    area_id: uuid.UUID | None
    place: str
    starts_at: datetime
    ends_at: datetime
    local_date: date
    capacity: int
    confirmed: int
    waitlisted: int
    leader_volunteer_id: uuid.UUID | None
    required_qualification: str | None
    required_role: str | None
    required_tier: str | None
    status: ShiftStatus
    cancelled_reason: str | None
    closed_at: datetime | None
    version: int


class ShiftPage(BaseModel):
    items: list[ShiftOut]
    next_cursor: str | None
