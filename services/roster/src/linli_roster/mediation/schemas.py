from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from linli_roster.deliberation.schemas import PastDate
from linli_roster.mediation.models import CaseStatus, Category, Outcome
from linli_shared.validation import PLAIN_TEXT

#: a run of seven or more digits (a phone number, an ID number): cases record names, never contacts
_CONTACT_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")


def _no_contact_numbers(text: str) -> str:
    if any(sum(char.isdigit() for char in run) >= 7 for run in _CONTACT_NUMBER.findall(text)):
        raise ValueError("must not contain phone or ID numbers")
    return text


PartyName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=PLAIN_TEXT),
    AfterValidator(_no_contact_numbers),
]
Summary = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=PLAIN_TEXT),
    AfterValidator(_no_contact_numbers),
]
Notes = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=PLAIN_TEXT),
    AfterValidator(_no_contact_numbers),
]
Agreement = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=5000, pattern=PLAIN_TEXT),
    AfterValidator(_no_contact_numbers),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseCreate(_In):
    #: the parties, by name only
    parties: list[PartyName] = Field(min_length=1, max_length=10)
    category: Category
    summary: Summary
    received_on: PastDate


class MediatorAssign(_In):
    volunteer_id: uuid.UUID
    assigned_on: PastDate


class MediatorRelease(_In):
    released_on: PastDate


class SessionCreate(_In):
    held_on: PastDate
    notes: Notes


class CaseClose(_In):
    outcome: Outcome
    #: the agreement reached (调解协议); required when the case is resolved
    agreement: Agreement = ""
    closed_on: PastDate


class MediatorOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    assigned_on: date
    released_on: date | None


class SessionOut(BaseModel):
    id: uuid.UUID
    held_on: date
    notes: str
    recorded_by: str


class CaseSummary(BaseModel):
    id: uuid.UUID
    category: Category
    parties: list[str]
    received_on: date
    status: CaseStatus
    outcome: Outcome | None
    closed_on: date | None
    #: the current mediators' names
    mediators: list[str]


class CaseOut(BaseModel):
    id: uuid.UUID
    parties: list[str]
    category: Category
    summary: str
    received_on: date
    status: CaseStatus
    outcome: Outcome | None
    agreement: str | None
    closed_on: date | None
    recorded_by: str
    #: current mediators first, then those released (history is kept)
    mediators: list[MediatorOut]
    sessions: list[SessionOut]
    updated_at: datetime
