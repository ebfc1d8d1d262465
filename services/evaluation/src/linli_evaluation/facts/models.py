"""What evaluation keeps of other services' facts: the roster's volunteers and places (names on reports and
certificates, the grid a record's place belongs to), and each service record as scheduling published it
(the record an audit samples, a resident rates, a certificate and the national export list)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class VolunteerFact(EvaluationBase):
    __tablename__ = "volunteer_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(50))
    tier: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AreaFact(EvaluationBase):
    """Grid → micro-grid → building; a record's area is rolled up to its grid for the grid tallies."""

    __tablename__ = "area_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "area_id"),)

    tenant_id: Mapped[uuid.UUID]
    area_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    parent_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))


class RecordFact(EvaluationBase):
    """A 志愿服务记录 as published by scheduling; `hours` follows its adjustments and audit outcomes."""

    __tablename__ = "record_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "record_id"),)

    tenant_id: Mapped[uuid.UUID]
    record_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    volunteer_name: Mapped[str] = mapped_column(String(50))
    activity_id: Mapped[uuid.UUID]
    activity_name: Mapped[str] = mapped_column(String(80))
    activity_kind: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[uuid.UUID | None]
    shift_id: Mapped[uuid.UUID | None]
    area_id: Mapped[uuid.UUID | None]
    #: the grid the area belongs to (resolved when the record arrives; null when unknown)
    grid_id: Mapped[uuid.UUID | None]
    place: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(String(2000))
    service_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    service_minutes: Mapped[int] = mapped_column(Integer)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    lead_name: Mapped[str] = mapped_column(String(50))
    recorder_name: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(16))
    late_entry: Mapped[bool] = mapped_column(Boolean)
    self_reported: Mapped[bool] = mapped_column(Boolean)
    auto_closed: Mapped[bool] = mapped_column(Boolean)
    #: verified hours count for star levels; a flagged record (late, self-reported, closed by the sweep)
    #: stays unverified until an auditor confirms it
    verified: Mapped[bool] = mapped_column(Boolean)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
