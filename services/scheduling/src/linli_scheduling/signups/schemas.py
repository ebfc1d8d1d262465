from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from linli_scheduling.signups.models import SignupSource, SignupStatus
from linli_shared.validation import PLAIN_TEXT

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupAssign(_In):
    """Staff put a volunteer of the committee on a shift."""

    volunteer_id: uuid.UUID


class SignupCreate(_In):
    """A volunteer signs themself up."""

    shift_id: uuid.UUID


class SignupCancel(_In):
    reason: Reason


class SignupOut(BaseModel):
    id: uuid.UUID
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    status: SignupStatus
    source: SignupSource
    #: 1 for the next to be promoted; only for a waitlisted sign-up
    position: int | None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    queued_at: AwareDatetime
    created_by: str
    cancelled_at: AwareDatetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    late_cancellation: bool


class ShiftSignups(BaseModel):
    """A shift's sign-ups: who has a place, the queue in promotion order, and who dropped out."""

    shift_id: uuid.UUID
    capacity: int
    confirmed: list[SignupOut]
    waitlist: list[SignupOut]
    #: cancelled sign-ups and no-shows, oldest first
    history: list[SignupOut]


class ShiftFacts(BaseModel):
    shift_id: uuid.UUID
    activity_id: uuid.UUID
    activity_name: str
    kind: str
    place: str
    area_id: uuid.UUID | None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    #: the shift's day in Asia/Shanghai
    local_date: date
    shift_status: str


class MySignup(ShiftFacts):
    signup_id: uuid.UUID
    status: SignupStatus
    source: SignupSource
    position: int | None
    late_cancellation: bool
    cancelled_at: AwareDatetime | None


class MySignups(BaseModel):
    """The caller's sign-ups for shifts on the local days `from_date` to `to_date`."""

    from_date: date
    to_date: date
    #: not yet started, soonest first
    upcoming: list[MySignup]
    #: started or over, latest first
    past: list[MySignup]


class OpenShift(ShiftFacts):
    capacity: int
    confirmed: int
    free_places: int
    waitlist_length: int
    #: the caller already has a live sign-up whose time overlaps this shift (signing up would be refused)
    clashes_with_my_signup: bool
