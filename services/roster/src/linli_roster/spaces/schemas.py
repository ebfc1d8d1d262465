from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from linli_roster.spaces.models import AreaKind
from linli_shared.validation import PLAIN_TEXT

AreaName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=PLAIN_TEXT)
]


class AreaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AreaKind
    name: AreaName
    parent_id: uuid.UUID | None = None
    responsible_volunteer_id: uuid.UUID | None = None


class AreaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: AreaName | None = None
    #: set to a volunteer, or to null to leave the area without a responsible person
    responsible_volunteer_id: uuid.UUID | None = None


class AreaOut(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: AreaKind
    name: str
    responsible_volunteer_id: uuid.UUID | None
    responsible_name: str | None
    active: bool
    updated_at: datetime
