"""Service records (志愿服务记录) with the fields of the national practice, and their trail.

A record's facts are written once. Its hours change only through entries: the first entry records the
hours, later ones adjust (a correction, an audit) or void them, each with a reason and who decided.
`hours` and `voided` on the record are the sum of its entries, kept in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class RecordSource(StrEnum):
    #: the volunteer checked out with the site's QR code
    CHECK_OUT = "check_out"
    #: the shift leader or staff confirmed the attendance (proxy entry)
    LEADER = "leader"
    #: the sweep closed a forgotten check-out at shift end
    SWEEP = "sweep"
    #: 补录: entered after the fact and approved by a second person
    LATE_ENTRY = "late_entry"


class EntryKind(StrEnum):
    RECORDED = "recorded"
    ADJUSTED = "adjusted"
    VOIDED = "voided"


class ServiceRecord(SchedulingBase):
    __tablename__ = "service_records"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    volunteer_name: Mapped[str] = mapped_column(String(50))
    shift_id: Mapped[uuid.UUID | None]
    attendance_id: Mapped[uuid.UUID | None]
    activity_id: Mapped[uuid.UUID]
    project_id: Mapped[uuid.UUID | None]
    activity_name: Mapped[str] = mapped_column(String(80))
    activity_kind: Mapped[str] = mapped_column(String(32))
    #: 服务日期: the local (Asia/Shanghai) date the service happened
    service_date: Mapped[date] = mapped_column(Date)
    area_id: Mapped[uuid.UUID | None]
    place: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(String(2000))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: minutes of service inside the shift window, breaks excluded, before rounding
    service_minutes: Mapped[int] = mapped_column(Integer)
    #: the rounding rule that turned minutes into the first entry's hours
    rounding: Mapped[str] = mapped_column(String(24))
    lead_name: Mapped[str] = mapped_column(String(50))
    #: who recorded it (谁记录谁证明): a subject and a display name
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorder_name: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(16))
    #: audit flags: entered late, self-reported by the volunteer, closed by the sweep
    late_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    self_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RecordEntry(SchedulingBase):
    """Append-only: the trail of a record's hours."""

    __tablename__ = "record_entries"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    record_id: Mapped[uuid.UUID]
    #: 1, 2, … per record
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    hours_before: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    hours_after: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(80))
    #: the correction request or late entry this entry answers, if any
    correction_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class LateEntry(SchedulingBase):
    """补录: a service that was not checked in or out, filed within the window and approved by someone
    other than the person who filed it; the approved record is flagged for audit."""

    __tablename__ = "late_entries"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    shift_id: Mapped[uuid.UUID | None]
    activity_id: Mapped[uuid.UUID]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    #: filed by the volunteer themself (a risk signal for audits) rather than by staff
    self_reported: Mapped[bool] = mapped_column(Boolean)
    filed_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Correction(SchedulingBase):
    """更正申请: a volunteer asks for a record's hours to be corrected; staff review it."""

    __tablename__ = "corrections"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    record_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    requested_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    reason: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
