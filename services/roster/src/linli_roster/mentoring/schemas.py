from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from linli_roster.volunteers.schemas import PastDate, Reason
from linli_shared.validation import PLAIN_TEXT


class PairState(StrEnum):
    OPEN = "open"
    ENDED = "ended"
    ALL = "all"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PairCreate(_In):
    mentor_id: uuid.UUID
    mentee_id: uuid.UUID
    starts_on: date
    #: a planned end date, if agreed
    ends_on: date | None = None
    goals: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=PLAIN_TEXT)] = ""

    @model_validator(mode="after")
    def _two_people_and_a_real_term(self) -> Self:
        if self.mentor_id == self.mentee_id:
            raise ValueError("a mentor and a mentee are two different people")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a pair cannot end before it starts")
        return self


class PairEnd(_In):
    ended_on: PastDate
    reason: Reason


class PairOut(BaseModel):
    id: uuid.UUID
    mentor_id: uuid.UUID
    mentor_name: str
    mentee_id: uuid.UUID
    mentee_name: str
    starts_on: date
    ends_on: date | None
    goals: str
    ended_on: date | None
    ended_reason: str | None
    state: PairState


class PairPage(BaseModel):
    items: list[PairOut]
    next_cursor: str | None
