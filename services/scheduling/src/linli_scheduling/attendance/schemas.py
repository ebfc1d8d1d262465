from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from linli_scheduling.attendance.codes import MAX_CODE_LENGTH
from linli_scheduling.records.schemas import HoursOut

#: base64url and the one dot between payload and signature; the signature check does the rest
CodeText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_CODE_LENGTH, pattern=r"^[A-Za-z0-9_.-]+$")
]
#: a break or travel time longer than a day is a typing error
BreakMinutes = Annotated[StrictInt, Field(ge=0, le=1440)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CodePresented(_In):
    """What the volunteer's phone read from the site's QR code."""

    code: CodeText


class CheckInCodeOut(BaseModel):
    code: str
    expires_at: datetime
    #: when the screen should fetch the next code (the current one is still accepted for its grace)
    refresh_after_seconds: int
    #: what the QR code encodes: the self-service check-in page, carrying the code
    check_in_url: str


class LeaderConfirmation(_In):
    """The shift leader (or staff) confirms arrival and/or departure for a volunteer without a smartphone.

    Arrival only: `checked_out_at` left out. Departure of someone already checked in: `checked_out_at`,
    with `checked_in_at` left out or equal to the recorded check-in."""

    volunteer_id: uuid.UUID
    checked_in_at: AwareDatetime | None = None
    checked_out_at: AwareDatetime | None = None
    #: time inside the window that was not service (a break, travel): only with a check-out
    break_minutes: BreakMinutes = 0

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.checked_in_at is None and self.checked_out_at is None:
            raise ValueError("give checked_in_at, checked_out_at or both")
        if self.checked_in_at and self.checked_out_at and self.checked_out_at < self.checked_in_at:
            raise ValueError("checked_out_at is before checked_in_at")
        if self.break_minutes and self.checked_out_at is None:
            raise ValueError("break_minutes needs checked_out_at")
        return self


class RecordBrief(BaseModel):
    """The service record a closed attendance made (none for kinds that earn no hours)."""

    id: uuid.UUID
    hours: HoursOut
    service_minutes: int
    voided: bool


class AttendanceOut(BaseModel):
    id: uuid.UUID
    shift_id: uuid.UUID
    activity_name: str
    service_date: date
    volunteer_id: uuid.UUID
    volunteer_name: str
    signup_id: uuid.UUID | None
    checked_in_at: datetime
    checked_out_at: datetime | None
    check_in_method: str
    check_out_method: str | None
    break_minutes: int
    #: closed by the end-of-shift sweep, not by a person (flagged for audit)
    auto_closed: bool
    recorded_by: str
    record: RecordBrief | None
