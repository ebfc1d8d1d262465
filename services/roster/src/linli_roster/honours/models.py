from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class Honour(RosterBase):
    """An honour conferred on a volunteer (最美志愿者 2026 …), as the evaluation service announced it once the
    nomination's public notice passed: shown on the volunteer's profile, never rewritten."""

    __tablename__ = "honours"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    #: the evaluation service's honour id: a re-delivered event finds it already here
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    programme_name: Mapped[str] = mapped_column(String(60))
    #: `2026` or `2026-Q4`
    period: Mapped[str] = mapped_column(String(7))
    conferred_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
