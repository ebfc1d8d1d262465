from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel


class FlagOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    flagged_on: date
    last_served_on: date | None
