from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from linli_roster.volunteers.schemas import PastDate
from linli_shared.validation import PLAIN_TEXT


class RulesCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
    ]
    body: Annotated[str, StringConstraints(min_length=1, max_length=50_000, pattern=PLAIN_TEXT)]
    published_on: PastDate


class RulesOut(BaseModel):
    id: uuid.UUID
    version: int
    title: str
    body: str
    published_on: date


class AcknowledgementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    volunteer_id: uuid.UUID
    acknowledged_on: PastDate


class AcknowledgedBy(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    acknowledged_on: date | None


class AcknowledgementStatus(BaseModel):
    version: int
    acknowledged: list[AcknowledgedBy]
    #: active volunteers who have not acknowledged this version yet
    missing: list[AcknowledgedBy]
