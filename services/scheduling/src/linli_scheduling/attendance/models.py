"""Attendance: one per volunteer and shift, opened by a check-in and closed by a check-out — by the
volunteer presenting the site's QR code, by the shift leader confirming for them (proxy entry for those
without smartphones), or by the sweep at shift end (flagged)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, Integer, PrimaryKeyConstraint, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class Method(StrEnum):
    QR = "qr"
    LEADER = "leader"
    #: the forgotten-check-out sweep closed it at shift end
    SWEEP = "sweep"


class CodeAction(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"


class Attendance(SchedulingBase):
    __tablename__ = "attendances"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    shift_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    signup_id: Mapped[uuid.UUID | None]
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    check_in_method: Mapped[str] = mapped_column(String(16))
    check_out_method: Mapped[str | None] = mapped_column(String(16))
    #: minutes inside the window that were not service (travel, a break), entered by the leader
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: closed by the sweep, not by a person: the record is flagged for audit
    auto_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CheckInCodeUse(SchedulingBase):
    """A QR code is good for one check-in and one check-out per volunteer: a replay is refused."""

    __tablename__ = "check_in_code_uses"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "code_id", "volunteer_id", "action"),)

    tenant_id: Mapped[uuid.UUID]
    code_id: Mapped[str] = mapped_column(String(64))
    volunteer_id: Mapped[uuid.UUID]
    #: a CodeAction
    action: Mapped[str] = mapped_column(String(16))
    tenant_path: Mapped[str] = mapped_column(Ltree)
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainingResult(SchedulingBase):
    """A training session's outcome for one attendee; a passing result completes the course in the roster."""

    __tablename__ = "training_results"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "shift_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    shift_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    course_id: Mapped[uuid.UUID]
    attended_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
