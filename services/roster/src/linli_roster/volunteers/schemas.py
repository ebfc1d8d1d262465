from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from linli_roster.volunteers.models import Channel, ExitKind, RoleKind, Status, Tier
from linli_shared.clock import shanghai_today
from linli_shared.validation import PLAIN_TEXT

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=PLAIN_TEXT)
]
#: mainland mobile numbers (the committees' volunteers are reached by phone and WeChat). ASCII digits only:
#: the validator's `\d` would also match full-width and other scripts' digits.
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^1[3-9][0-9]{9}$")]
#: the 18-character resident ID number; the last character may be X (the pattern sees the text before
#: `to_upper`, so a lower-case x is accepted here and stored upper-case)
IdNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[0-9]{17}[0-9Xx]$")
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]
Skill = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30, pattern=PLAIN_TEXT)
]


def _not_in_future(day: date) -> date:
    if day > shanghai_today():
        raise ValueError("must not be in the future")
    return day


PastDate = Annotated[date, AfterValidator(_not_in_future)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VolunteerCreate(_In):
    name: Name
    phone: Phone
    id_number: IdNumber | None = None
    building_id: uuid.UUID | None = None
    skills: list[Skill] = Field(default_factory=list, max_length=20)
    availability: Annotated[str, StringConstraints(max_length=200, pattern=PLAIN_TEXT)] = ""
    party_member: bool = False
    joined_on: PastDate
    channel: Channel


class VolunteerUpdate(_In):
    name: Name | None = None
    phone: Phone | None = None
    id_number: IdNumber | None = None
    building_id: uuid.UUID | None = None
    skills: list[Skill] | None = Field(default=None, max_length=20)
    availability: Annotated[str, StringConstraints(max_length=200, pattern=PLAIN_TEXT)] | None = None
    party_member: bool | None = None


class TierChange(_In):
    tier: Tier
    reason: Reason


class RoleAssign(_In):
    role: RoleKind
    area_id: uuid.UUID | None = None
    scope_note: Annotated[str, StringConstraints(max_length=100, pattern=PLAIN_TEXT)] = ""
    starts_on: date
    ends_on: date | None = None


class RoleEnd(_In):
    ends_on: date
    reason: Reason


class Exit(_In):
    kind: ExitKind
    reason: Reason


class Rejoin(_In):
    reason: Reason


class RoleOut(BaseModel):
    id: uuid.UUID
    role: RoleKind
    area_id: uuid.UUID | None
    scope_note: str
    starts_on: date
    ends_on: date | None
    ended_reason: str | None


class VolunteerOut(BaseModel):
    id: uuid.UUID
    name: str
    phone: str
    id_number: str | None
    building_id: uuid.UUID | None
    skills: list[str]
    availability: str
    party_member: bool
    joined_on: date
    channel: Channel
    tier: Tier
    status: Status
    user_id: uuid.UUID | None
    roles: list[RoleOut]
    updated_at: datetime


class VolunteerPage(BaseModel):
    items: list[VolunteerOut]
    next_cursor: str | None


class ChangeOut(BaseModel):
    change: str
    detail: str
    reason: str
    by_user: str
    at: datetime
