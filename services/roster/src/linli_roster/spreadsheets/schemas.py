from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel

from linli_roster.volunteers.models import Channel


class RowError(BaseModel):
    #: the row number Excel shows
    row: int
    #: the column's header as the export writes it (姓名, 手机号…)
    column: str
    message: str


class ImportedValues(BaseModel):
    """What a valid row will register; the ID number is masked, the phone too unless your role sees phones."""

    name: str
    phone: str
    id_number: str | None
    building_id: uuid.UUID | None
    building: str | None
    skills: list[str]
    availability: str
    party_member: bool
    joined_on: date
    channel: Channel


class PreviewRow(BaseModel):
    row: int
    #: null when the row has errors
    values: ImportedValues | None
    errors: list[RowError]


class ImportCounts(BaseModel):
    rows: int
    valid: int
    invalid: int


class ImportPreview(BaseModel):
    dry_run: Literal[True] = True
    #: the recognised columns, by their Chinese headers
    columns: list[str]
    #: headers the import does not read (序号, 备注…)
    ignored_columns: list[str]
    counts: ImportCounts
    rows: list[PreviewRow]
    #: every row's errors, in sheet order
    errors: list[RowError]


class ImportResult(BaseModel):
    dry_run: Literal[False] = False
    imported: int
    counts: ImportCounts
    volunteer_ids: list[uuid.UUID]
