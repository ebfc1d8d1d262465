from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from linli_roster.deliberation.models import ActionStatus, TopicStatus
from linli_shared.validation import PLAIN_TEXT

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> date:
    """The committee's calendar day: the UI's dates are Asia/Shanghai, whatever the server's zone."""
    return datetime.now(SHANGHAI).date()


def _not_in_future(day: date) -> date:
    if day > today_in_shanghai():
        raise ValueError("must not be in the future")
    return day


#: a day that has come, in Shanghai (meetings, decisions and completions are recorded after the fact)
PastDate = Annotated[date, AfterValidator(_not_in_future)]

GroupName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=PLAIN_TEXT)
]
Purpose = Annotated[str, StringConstraints(max_length=500, pattern=PLAIN_TEXT)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
]
Description = Annotated[str, StringConstraints(max_length=2000, pattern=PLAIN_TEXT)]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=PLAIN_TEXT)
]
Place = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
]
Minutes = Annotated[str, StringConstraints(max_length=20000, pattern=PLAIN_TEXT)]
DecisionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=PLAIN_TEXT)
]
ActionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000, pattern=PLAIN_TEXT)
]
Reason = Annotated[str, StringConstraints(max_length=500, pattern=PLAIN_TEXT)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupCreate(_In):
    name: GroupName
    purpose: Purpose = ""


class GroupUpdate(_In):
    name: GroupName | None = None
    purpose: Purpose | None = None


class MemberAdd(_In):
    volunteer_id: uuid.UUID
    joined_on: PastDate


class MemberRemove(_In):
    left_on: PastDate
    reason: Reason = ""


class TopicCreate(_In):
    title: Title
    description: Description = ""
    #: the resident who raised it (a name only)
    raised_by: PersonName
    building_id: uuid.UUID | None = None
    raised_on: PastDate


class TopicStatusChange(_In):
    #: `decided` is reached by recording a decision
    status: TopicStatus


class MeetingCreate(_In):
    held_on: PastDate
    place: Place
    minutes: Minutes = ""
    attendee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    topic_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class DecisionCreate(_In):
    text: DecisionText
    decided_on: PastDate
    meeting_id: uuid.UUID | None = None


class ActionCreate(_In):
    description: ActionText
    owner_volunteer_id: uuid.UUID
    due_on: date


class ActionComplete(_In):
    completed_on: PastDate
    note: Note


class MemberOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    joined_on: date
    left_on: date | None
    left_reason: str | None


class GroupOut(BaseModel):
    id: uuid.UUID
    name: str
    purpose: str
    member_count: int
    open_topics: int
    updated_at: datetime


class GroupDetail(GroupOut):
    #: current members first, then past memberships (history is kept)
    members: list[MemberOut]


class TopicOut(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    title: str
    description: str
    raised_by: str
    building_id: uuid.UUID | None
    raised_on: date
    status: TopicStatus
    updated_at: datetime


class ActionOut(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    decision_id: uuid.UUID
    topic_id: uuid.UUID
    description: str
    owner_volunteer_id: uuid.UUID
    owner_name: str
    due_on: date
    status: ActionStatus
    completed_on: date | None
    completion_note: str | None
    overdue: bool


class DecisionOut(BaseModel):
    id: uuid.UUID
    topic_id: uuid.UUID
    meeting_id: uuid.UUID | None
    text: str
    decided_on: date
    recorded_by: str
    actions: list[ActionOut]


class TopicDetail(TopicOut):
    meeting_ids: list[uuid.UUID]
    decisions: list[DecisionOut]


class AttendeeOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str


class MeetingOut(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    held_on: date
    place: str
    minutes: str
    attendees: list[AttendeeOut]
    topic_ids: list[uuid.UUID]
    recorded_by: str
