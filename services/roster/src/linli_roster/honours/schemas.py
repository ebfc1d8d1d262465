from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel


class HonourOut(BaseModel):
    id: uuid.UUID
    programme_name: str
    period: str
    conferred_on: date
