from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, model_validator

from linli_evaluation.recognition.evidence import PERIOD
from linli_evaluation.recognition.models import NominationStatus, ObjectionStatus, PeriodKind
from linli_shared.validation import PLAIN_TEXT

#: names are one line: no control characters at all (PLAIN_TEXT allows line breaks)
SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"

ProgrammeName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=SINGLE_LINE)
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=PLAIN_TEXT)]
Statement = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=PLAIN_TEXT)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=PLAIN_TEXT)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]
ObjectionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000, pattern=PLAIN_TEXT)
]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=SINGLE_LINE)
]
Period = Annotated[str, StringConstraints(pattern=PERIOD)]
Hours = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=8, decimal_places=2)]
Satisfaction = Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=2)]
MaxNominees = Annotated[StrictInt, Field(ge=1, le=100)]
NoticeDays = Annotated[StrictInt, Field(ge=1, le=60)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriteriaIn(_In):
    """What a volunteer must show for the period to be a candidate. Every criterion is optional; the
    defaults ask nothing."""

    #: verified hours within the period
    min_verified_hours: Hours = Decimal(0)
    #: current star level (0–5)
    min_stars: Annotated[StrictInt, Field(ge=0, le=5)] = 0
    #: residents' average rating (1–5) of the period's services; null: not a criterion
    min_average_satisfaction: Satisfaction | None = None
    #: at least this many ratings in the period
    min_ratings: Annotated[StrictInt, Field(ge=0, le=10_000)] = 0
    require_party_member: StrictBool = False
    #: no spot check of the period's records rejected their hours
    require_no_rejected_audit: StrictBool = False


class ProgrammeCreate(_In):
    name: ProgrammeName
    description: Description = ""
    period_kind: PeriodKind
    criteria: CriteriaIn = Field(default_factory=CriteriaIn)
    #: nominations each committee may make per period
    max_nominees: MaxNominees
    #: the public notice's length in days (公示, 7 is common)
    notice_days: NoticeDays = 7


class ProgrammeUpdate(_In):
    """Only the fields sent change; `criteria` is replaced whole. `version` is the one the editor last read.
    The period kind is fixed once nominations may refer to its periods."""

    version: Annotated[StrictInt, Field(ge=1)]
    name: ProgrammeName | None = None
    description: Description | None = None
    criteria: CriteriaIn | None = None
    max_nominees: MaxNominees | None = None
    notice_days: NoticeDays | None = None
    #: false retires the programme: no new nominations; true brings it back
    active: StrictBool | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        sent = self.model_fields_set - {"version"}
        if not sent:
            raise ValueError("nothing to change")
        for field in sent:
            if getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class CriteriaOut(BaseModel):
    min_verified_hours: float
    min_stars: int
    min_average_satisfaction: float | None
    min_ratings: int
    require_party_member: bool
    require_no_rejected_audit: bool


class ProgrammeOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    period_kind: PeriodKind
    criteria: CriteriaOut
    max_nominees: int
    notice_days: int
    active: bool
    #: the district, town or committee that defined it
    owner_tenant_id: uuid.UUID
    #: own | district | town | committee — whose programme it is, seen from the caller
    owner: str
    version: int
    created_at: datetime
    updated_at: datetime


class AuditCounts(BaseModel):
    confirmed: int
    adjusted: int
    rejected: int


class EvidenceOut(BaseModel):
    """The numbers behind a candidate (live) or a nomination (as they stood when it was made)."""

    verified_hours: float
    unverified_hours: float
    stars: int
    ratings: int
    average_satisfaction: float | None
    audits: AuditCounts
    party_member: bool


class CandidateOut(BaseModel):
    rank: int
    volunteer_id: uuid.UUID
    name: str
    evidence: EvidenceOut
    #: the volunteer's live nomination for this programme and period, if any
    nomination_id: uuid.UUID | None
    nomination_status: NominationStatus | None


class CandidateList(BaseModel):
    programme_id: uuid.UUID
    programme_name: str
    period: str
    committee_id: uuid.UUID
    criteria: CriteriaOut
    max_nominees: int
    #: nominations the committee has made for this programme and period (rejected and withdrawn ones aside)
    nominations: int
    remaining: int
    #: everyone who meets the criteria, best first (most verified hours, then satisfaction, ratings, stars)
    candidates: list[CandidateOut]


class NominationCreate(_In):
    programme_id: uuid.UUID
    #: `2026` for a yearly programme, `2026-Q4` for a quarterly one
    period: Period
    volunteer_id: uuid.UUID
    #: 推荐理由: why this volunteer
    statement: Statement


class Decision(_In):
    approve: StrictBool
    note: Note = ""

    @model_validator(mode="after")
    def _rejection_says_why(self) -> Self:
        if not self.approve and not self.note:
            raise ValueError("a rejection says why (note)")
        return self


class Withdrawal(_In):
    reason: Reason


class ObjectionCreate(_In):
    text: ObjectionText
    #: the resident who objects (staff record it on their behalf)
    by_name: PersonName


class ObjectionResolution(_In):
    upheld: StrictBool
    note: Reason


class ObjectionOut(BaseModel):
    id: uuid.UUID
    text: str
    by_name: str
    recorded_by: str
    recorded_at: datetime
    status: ObjectionStatus
    resolution_note: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class NominationOut(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    programme_id: uuid.UUID
    programme_name: str
    period: str
    volunteer_id: uuid.UUID
    volunteer_name: str
    statement: str
    status: NominationStatus
    evidence: EvidenceOut
    criteria: CriteriaOut
    notice_days: int
    created_by: str
    created_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    #: the public notice (公示), both days included
    notice_starts_on: date | None
    notice_ends_on: date | None
    concluded_on: date | None
    outcome_reason: str | None
    objections: list[ObjectionOut]
    honour_id: uuid.UUID | None


class NominationPage(BaseModel):
    items: list[NominationOut]
    next_cursor: str | None


class HonourOut(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    programme_id: uuid.UUID
    programme_name: str
    period: str
    conferred_on: date
    nomination_id: uuid.UUID


class HonourPage(BaseModel):
    items: list[HonourOut]
    next_cursor: str | None
