from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEntryOut(BaseModel):
    id: int
    tenant_id: uuid.UUID
    actor: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    ip: str | None
    occurred_at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    #: pass as `before` to get the next (older) page; absent on the last page.
    next_cursor: str | None
