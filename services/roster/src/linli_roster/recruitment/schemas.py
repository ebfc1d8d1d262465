from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from linli_roster.recruitment.models import (
    CandidateChannel,
    CandidateStatus,
    Decision,
    NeedStatus,
    NoticeStatus,
    ObjectionStatus,
)
from linli_roster.volunteers.models import RoleKind
from linli_roster.volunteers.schemas import Name, Phone, Reason, Skill
from linli_shared.validation import PLAIN_TEXT


def _text(max_length: int, min_length: int = 1) -> object:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=PLAIN_TEXT
    )


Title = Annotated[str, _text(100)]
LongText = Annotated[str, _text(2000, 0)]
Notes = Annotated[str, _text(1000, 0)]
Organisation = Annotated[str, _text(100)]
Building = Annotated[str, _text(60)]
ItemText = Annotated[str, _text(200)]
ItemLabel = Annotated[str, _text(50)]
#: a stable key for a criteria or rubric item, so scores can name the items they answer
ItemKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Objector = Annotated[str, _text(50)]
ObjectionText = Annotated[str, _text(1000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# needs ---------------------------------------------------------------------------------------------------


class NeedCreate(_In):
    title: Title
    description: LongText = ""
    headcount: int = Field(ge=1, le=500)
    required_skill: Skill | None = None
    required_role: RoleKind | None = None


class NeedUpdate(_In):
    title: Title | None = None
    description: LongText | None = None
    headcount: int | None = Field(default=None, ge=1, le=500)
    required_skill: Skill | None = None
    required_role: RoleKind | None = None


class NeedClose(_In):
    reason: Reason


class NeedOut(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    headcount: int
    required_skill: str | None
    required_role: RoleKind | None
    status: NeedStatus
    closed_reason: str | None
    accepted: int
    candidates: int
    created_at: datetime
    updated_at: datetime


class NeedPage(BaseModel):
    items: list[NeedOut]
    next_cursor: str | None


# candidates ----------------------------------------------------------------------------------------------


class Recommender(_In):
    """One of the residents behind a 居民联荐."""

    name: Name
    building: Building


class CandidateCreate(_In):
    need_id: uuid.UUID | None = None
    name: Name
    phone: Phone
    notes: Notes = ""
    channel: CandidateChannel
    #: 组织推荐: the recommending organisation (e.g. a party branch, the owners' committee)
    recommending_organisation: Organisation | None = None
    #: 居民联荐: the recommending residents, at least two
    recommenders: list[Recommender] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _channel_details(self) -> Self:
        organisation = self.channel == CandidateChannel.ORGANISATION
        residents = self.channel == CandidateChannel.RESIDENTS
        if organisation != (self.recommending_organisation is not None):
            raise ValueError(
                "recommending_organisation is required for, and only for, organisation_recommended"
            )
        if residents and len(self.recommenders) < 2:
            raise ValueError("residents_recommended needs at least two recommending residents")
        if not residents and self.recommenders:
            raise ValueError("recommenders are only for residents_recommended")
        return self


class DecisionCreate(_In):
    decision: Decision
    reason: Reason


class DecisionOut(BaseModel):
    decision: Decision
    reason: str
    decided_by: str
    decided_at: datetime


class ScoreSummary(BaseModel):
    total: int
    eligible: bool
    criteria_version: int
    rubric_version: int
    scored_at: datetime


class CandidateOut(BaseModel):
    id: uuid.UUID
    need_id: uuid.UUID | None
    name: str
    phone: str
    notes: str
    channel: CandidateChannel
    recommending_organisation: str | None
    recommenders: list[Recommender]
    status: CandidateStatus
    volunteer_id: uuid.UUID | None
    decisions: list[DecisionOut]
    #: the latest screening, if any
    score: ScoreSummary | None
    created_at: datetime


class CandidatePage(BaseModel):
    items: list[CandidateOut]
    next_cursor: str | None


# screening -----------------------------------------------------------------------------------------------


class CriterionItem(_In):
    key: ItemKey
    text: ItemText


class RubricItem(_In):
    key: ItemKey
    label: ItemLabel
    max_score: int = Field(ge=1, le=100)


def _unique_keys(items: list[CriterionItem] | list[RubricItem]) -> None:
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError("item keys must be unique")


class CriteriaCreate(_In):
    items: list[CriterionItem] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _keys(self) -> Self:
        _unique_keys(self.items)
        return self


class RubricCreate(_In):
    items: list[RubricItem] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _keys(self) -> Self:
        _unique_keys(self.items)
        return self


class CriteriaOut(BaseModel):
    #: null while the committee still uses the built-in default (it is stored on first edit or first score)
    id: uuid.UUID | None
    version: int
    items: list[CriterionItem]
    created_by: str
    created_at: datetime | None


class RubricOut(BaseModel):
    id: uuid.UUID | None
    version: int
    items: list[RubricItem]
    max_total: int
    created_by: str
    created_at: datetime | None


class ScreeningOut(BaseModel):
    criteria: CriteriaOut
    rubric: RubricOut


class ScoreCreate(_In):
    #: one yes/no answer per item of the current criteria, by key
    eligibility: dict[ItemKey, bool] = Field(max_length=30)
    #: one score per item of the current rubric, by key, 0 … the item's maximum
    scores: dict[ItemKey, Annotated[int, Field(ge=0, le=100)]] = Field(max_length=20)
    notes: Notes = ""


class ScoreOut(BaseModel):
    id: uuid.UUID
    candidate_id: uuid.UUID
    criteria_version: int
    rubric_version: int
    eligibility: dict[str, bool]
    scores: dict[str, int]
    eligible: bool
    total: int
    notes: str
    scored_by: str
    scored_at: datetime


class RankedCandidate(BaseModel):
    rank: int
    candidate: CandidateOut


# public notices ------------------------------------------------------------------------------------------


class NoticeCreate(_In):
    volunteer_id: uuid.UUID
    statement: LongText = ""
    period_days: int = Field(default=7, ge=1, le=30)


class NoticeWithdraw(_In):
    reason: Reason


class ObjectionCreate(_In):
    text: ObjectionText
    from_whom: Objector


class ObjectionRuling(_In):
    status: Annotated[ObjectionStatus, Field(description="upheld or dismissed")]
    note: Reason

    @model_validator(mode="after")
    def _decided(self) -> Self:
        if self.status == ObjectionStatus.PENDING:
            raise ValueError("a ruling upholds or dismisses")
        return self


class ObjectionOut(BaseModel):
    id: uuid.UUID
    text: str
    from_whom: str
    recorded_by: str
    recorded_at: datetime
    status: ObjectionStatus
    ruling_note: str | None
    ruled_by: str | None
    ruled_at: datetime | None


class NoticeOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    statement: str
    starts_on: date
    period_days: int
    ends_on: date
    status: NoticeStatus
    outcome_reason: str | None
    concluded_on: date | None
    objections: list[ObjectionOut]
    created_at: datetime


class NoticePage(BaseModel):
    items: list[NoticeOut]
    next_cursor: str | None
