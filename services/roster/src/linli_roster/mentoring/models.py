from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class MentorPair(RosterBase):
    """以老带新、结对学: an experienced volunteer guides a newer one for a while, towards stated goals."""

    __tablename__ = "mentor_pairs"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    mentor_id: Mapped[uuid.UUID]
    mentee_id: Mapped[uuid.UUID]
    starts_on: Mapped[date] = mapped_column(Date)
    #: the planned end, if one was agreed
    ends_on: Mapped[date | None] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(String(2000), default="")
    #: when the pair actually ended; open while null
    ended_on: Mapped[date | None] = mapped_column(Date)
    ended_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
