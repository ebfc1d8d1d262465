from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, model_validator

from linli_roster.training.models import QualificationStatus
from linli_roster.volunteers.schemas import PastDate, Reason
from linli_shared.validation import PLAIN_TEXT

CourseName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=PLAIN_TEXT)
]
QualificationName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=PLAIN_TEXT)
]
Description = Annotated[str, StringConstraints(max_length=2000, pattern=PLAIN_TEXT)]
#: up to twenty years; none means the qualification does not expire
ValidityMonths = Annotated[StrictInt, Field(ge=1, le=240)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CourseCreate(_In):
    name: CourseName
    description: Description = ""
    #: the qualification a passing completion grants (e.g. 应急救护), if any
    qualification: QualificationName | None = None
    validity_months: ValidityMonths | None = None

    @model_validator(mode="after")
    def _validity_needs_a_qualification(self) -> Self:
        if self.validity_months is not None and self.qualification is None:
            raise ValueError("validity_months applies only to a course that grants a qualification")
        return self


class CourseUpdate(_In):
    """Changes apply to later completions; qualifications already granted keep their dates."""

    name: CourseName | None = None
    description: Description | None = None
    qualification: QualificationName | None = None
    validity_months: ValidityMonths | None = None


class CourseOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    qualification: str | None
    validity_months: int | None
    retired_on: date | None


class CompletionCreate(_In):
    volunteer_id: uuid.UUID
    completed_on: PastDate
    passed: StrictBool
    score: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    trainer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50, pattern=PLAIN_TEXT)] = ""


class QualificationOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    name: str
    course_id: uuid.UUID
    completion_id: uuid.UUID
    granted_on: date
    #: the last day it is valid; null: no expiry
    expires_on: date | None
    status: QualificationStatus
    superseded_by: uuid.UUID | None
    expired_on: date | None
    revoked_on: date | None
    revoked_reason: str | None


class CompletionOut(BaseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    course_name: str
    volunteer_id: uuid.UUID
    completed_on: date
    passed: bool
    score: int | None
    trainer: str
    recorded_by: str
    #: the qualification this completion granted, if it did
    qualification: QualificationOut | None


class CompletionPage(BaseModel):
    items: list[CompletionOut]
    next_cursor: str | None


class QualificationRevoke(_In):
    reason: Reason


class QualificationHolder(BaseModel):
    volunteer_id: uuid.UUID
    volunteer_name: str
    qualification_id: uuid.UUID
    name: str
    granted_on: date
    expires_on: date | None


class HolderPage(BaseModel):
    valid_on: date
    items: list[QualificationHolder]
    next_cursor: str | None
