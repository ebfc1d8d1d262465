from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class Category(StrEnum):
    NEIGHBOUR = "neighbour"  # 邻里纠纷
    PROPERTY = "property"  # 物业纠纷
    FAMILY = "family"  # 家庭纠纷
    OTHER = "other"  # 其他


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    RESOLVED = "resolved"  # 调解成功
    UNRESOLVED = "unresolved"  # 调解不成
    REFERRED = "referred"  # 转交(司法所、法院等)


class MediationCase(RosterBase):
    """A case of the mediation studio (调解工作室). Never deleted; parties are names only."""

    __tablename__ = "mediation_cases"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    parties: Mapped[list[str]] = mapped_column(ARRAY(String(50)))
    category: Mapped[Category] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(2000))
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CaseStatus] = mapped_column(String(8), default=CaseStatus.OPEN)
    outcome: Mapped[Outcome | None] = mapped_column(String(16))
    agreement: Mapped[str | None] = mapped_column(String(5000))
    closed_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Assignment(RosterBase):
    """A mediator on a case; two at once is a co-mediation (a mentor pair mediating together)."""

    __tablename__ = "mediation_assignments"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    case_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    assigned_on: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)


class MediationSession(RosterBase):
    __tablename__ = "mediation_sessions"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    case_id: Mapped[uuid.UUID]
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(String(5000))
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
