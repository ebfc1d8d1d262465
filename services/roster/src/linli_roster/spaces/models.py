from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class AreaKind(StrEnum):
    GRID = "grid"  # 网格
    MICRO_GRID = "micro_grid"  # 微网格
    BUILDING = "building"  # 楼栋


PARENT_KIND = {
    AreaKind.GRID: None,
    AreaKind.MICRO_GRID: AreaKind.GRID,
    AreaKind.BUILDING: AreaKind.MICRO_GRID,
}


class Area(RosterBase):
    """A piece of the committee's map with a named responsible person (分片包干、责任到人)."""

    __tablename__ = "areas"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    parent_id: Mapped[uuid.UUID | None]
    kind: Mapped[AreaKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    responsible_volunteer_id: Mapped[uuid.UUID | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
