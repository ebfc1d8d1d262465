from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from linli_scheduling.records.models import EntryKind, RecordSource, RequestStatus
from linli_shared.validation import PLAIN_TEXT


def _a_number(value: object) -> object:
    """Hours are a JSON number: `true` is not one hour, and text is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("hours are a number")
    return value


#: credited hours: a day at most, to the hundredth, never rounded silently (2.555 is refused, not 2.56)
Hours = Annotated[
    Decimal,
    BeforeValidator(_a_number),
    Field(ge=0, le=24, max_digits=4, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 24}),
]
#: hours out as JSON numbers, as they come in (and as the events carry them)
HoursOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=PLAIN_TEXT)]
BreakMinutes = Annotated[StrictInt, Field(ge=0, le=1440)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# service records ------------------------------------------------------------------------------------------


class AdjustmentCreate(_In):
    hours: Hours
    reason: Reason


class VoidCreate(_In):
    reason: Reason


class EntryOut(BaseModel):
    id: uuid.UUID
    sequence: int
    kind: EntryKind
    hours_before: HoursOut
    hours_after: HoursOut
    reason: str
    decided_by: str
    #: the correction request this entry granted, if any
    correction_id: uuid.UUID | None
    created_at: datetime


class RecordOut(BaseModel):
    """A 志愿服务记录 with the fields of the national practice (评价情况 is the evaluation service's)."""

    id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    activity_id: uuid.UUID
    activity_name: str
    activity_kind: str
    project_id: uuid.UUID | None
    shift_id: uuid.UUID | None
    service_date: date
    area_id: uuid.UUID | None
    place: str
    recipient: str
    content: str
    started_at: datetime
    ended_at: datetime
    service_minutes: int
    hours: HoursOut
    rounding: str
    lead_name: str
    recorded_by: str
    recorder_name: str
    source: RecordSource
    late_entry: bool
    self_reported: bool
    auto_closed: bool
    voided: bool
    created_at: datetime


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None


class MyRecordPage(RecordPage):
    #: every non-voided record of mine, not only this page's
    total_hours: HoursOut


# late entries (补录) -------------------------------------------------------------------------------------


class _LateEntryFields(_In):
    shift_id: uuid.UUID | None = None
    activity_id: uuid.UUID | None = None
    started_at: AwareDatetime
    ended_at: AwareDatetime
    #: travel and breaks inside the time entered, which are not service
    break_minutes: BreakMinutes = 0
    reason: Reason

    @model_validator(mode="after")
    def _names_what_was_served(self) -> Self:
        if self.shift_id is None and self.activity_id is None:
            raise ValueError("name the shift or, for service outside any shift, the activity")
        return self


class MyLateEntryCreate(_LateEntryFields):
    """A volunteer's own 补录 (self-reported)."""


class LateEntryCreate(_LateEntryFields):
    """Staff file a 补录 for a volunteer."""

    volunteer_id: uuid.UUID


class Decision(_In):
    approve: StrictBool
    #: why; required when refusing, so the volunteer learns the reason
    note: Note = ""

    @model_validator(mode="after")
    def _a_refusal_says_why(self) -> Self:
        if not self.approve and not self.note:
            raise ValueError("a rejection needs a note")
        return self


class LateEntryOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    shift_id: uuid.UUID | None
    activity_id: uuid.UUID
    started_at: datetime
    ended_at: datetime
    break_minutes: int
    reason: str
    self_reported: bool
    filed_by: str
    status: RequestStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    #: the record an approval made
    record_id: uuid.UUID | None
    created_at: datetime


class LateEntryPage(BaseModel):
    items: list[LateEntryOut]
    next_cursor: str | None


# corrections (更正申请) -----------------------------------------------------------------------------------


class CorrectionCreate(_In):
    requested_hours: Hours
    reason: Reason


class CorrectionOut(BaseModel):
    id: uuid.UUID
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    requested_hours: HoursOut
    reason: str
    filed_by: str
    status: RequestStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class CorrectionPage(BaseModel):
    items: list[CorrectionOut]
    next_cursor: str | None


class RecordDetail(RecordOut):
    """A record with its trail: every ledger entry in order, the corrections asked for, and the late entry
    that made it (if one did)."""

    entries: list[EntryOut]
    corrections: list[CorrectionOut]
    late_entry_id: uuid.UUID | None
