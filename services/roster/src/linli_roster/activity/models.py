from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, PrimaryKeyConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class ServiceActivity(RosterBase):
    """When each volunteer last served: a projection of the scheduling service's service records."""

    __tablename__ = "service_activity"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    last_served_on: Mapped[date] = mapped_column(Date)
    records: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InactivityFlag(RosterBase):
    """Raised by the sweep after months without service; cleared when the person serves again. Staff then
    decide whether it becomes an exit (kind `inactive`)."""

    __tablename__ = "inactivity_flags"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    flagged_on: Mapped[date] = mapped_column(Date)
    last_served_on: Mapped[date | None] = mapped_column(Date)
    cleared_on: Mapped[date | None] = mapped_column(Date)
