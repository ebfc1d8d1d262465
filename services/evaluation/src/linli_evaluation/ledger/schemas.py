from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from linli_evaluation.ledger.models import Scope

#: hours travel as JSON numbers
HoursOut = Annotated[Decimal, PlainSerializer(float, return_type=float)]
#: `m2026-11` (a month), `q2026-4` (a quarter), `y2026` (a year) or `all` (lifetime)
PERIOD = r"^(m\d{4}-(0[1-9]|1[0-2])|q\d{4}-[1-4]|y\d{4}|all)$"


class TallyOut(BaseModel):
    scope: Scope
    scope_id: uuid.UUID
    period: str
    committee_id: uuid.UUID
    verified_hours: HoursOut
    unverified_hours: HoursOut
    #: ledger entries summed (records, adjustments, audit outcomes)
    entries: int


class TallyPage(BaseModel):
    items: list[TallyOut]
    next_cursor: str | None


class CommitteeHours(BaseModel):
    committee_id: uuid.UUID
    name: str
    path: str
    verified_hours: HoursOut
    unverified_hours: HoursOut


class Rollup(BaseModel):
    """A town's or district's hours: each committee in the caller's subtree and the sum."""

    period: str
    committees: list[CommitteeHours]
    verified_hours: HoursOut
    unverified_hours: HoursOut


class VolunteerHours(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    stars: int
    #: every period with hours, newest first: months, quarters, years and `all`
    tallies: list[TallyOut]


class EntryOut(BaseModel):
    id: uuid.UUID
    kind: str
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    service_date: date
    verified_delta: HoursOut
    unverified_delta: HoursOut
    reason: str
    created_at: datetime
    applied_at: datetime | None


class ReconciliationOut(BaseModel):
    committee_id: uuid.UUID
    tallies_checked: int
    disagreements: int
    ran_at: datetime
