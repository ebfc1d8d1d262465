"""Activities and their shifts. An activity is the plan (what, where, when, how often); each occurrence
of its recurrence rule is a shift with its own capacity, requirements and sign-ups. Shifts are
materialised up to a horizon so capacity can be locked row by row; a daily task extends the horizon."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, Integer, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class ActivityKind(StrEnum):
    SERVICE = "service"
    GRID_DUTY = "grid_duty"
    TRAINING_SESSION = "training_session"
    DELIBERATION_MEETING = "deliberation_meeting"
    MEDIATION_CLASS = "mediation_class"


class ActivityStatus(StrEnum):
    ACTIVE = "active"
    #: the series ended early or was called off; its future shifts are cancelled
    ENDED = "ended"
    CANCELLED = "cancelled"


class ShiftStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Activity(SchedulingBase):
    __tablename__ = "activities"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    project_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    #: 服务内容 and 服务对象 of the national service-record practice
    content: Mapped[str] = mapped_column(String(2000), default="")
    recipient: Mapped[str] = mapped_column(String(100), default="")
    #: a grid, micro-grid or building of the roster; or free text ("社区活动室"); at least one of them
    area_id: Mapped[uuid.UUID | None]
    place: Mapped[str] = mapped_column(String(100), default="")
    #: the activity lead (活动负责人) named on every record; leads shifts unless a shift names another
    lead_volunteer_id: Mapped[uuid.UUID | None]
    #: training sessions: the roster course a passing attendance completes
    course_id: Mapped[uuid.UUID | None]
    #: the first occurrence, local wall-clock time in Asia/Shanghai, and each occurrence's length
    first_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    #: RFC 5545 RRULE (without DTSTART); null for a one-off
    recurrence: Mapped[str | None] = mapped_column(Text)
    #: days the rule skips (EXDATE), as local dates
    exceptions: Mapped[list[date]] = mapped_column(ARRAY(Date))
    #: shifts exist up to (excluding) this local date; extended daily for open-ended rules
    materialised_until: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    required_qualification: Mapped[str | None] = mapped_column(String(60))
    required_role: Mapped[str | None] = mapped_column(String(32))
    required_tier: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ActivityStatus.ACTIVE)
    created_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class Shift(SchedulingBase):
    """One occurrence. `confirmed` is the count of confirmed sign-ups, kept under the shift's row lock
    and checked by the database (`confirmed <= capacity`), so concurrent sign-ups never overbook."""

    __tablename__ = "shifts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    activity_id: Mapped[uuid.UUID]
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: the occurrence's local date in Asia/Shanghai (its service date); unique per activity
    local_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    #: copied from the activity when the shift is made; a shift may be changed on its own
    required_qualification: Mapped[str | None] = mapped_column(String(60))
    required_role: Mapped[str | None] = mapped_column(String(32))
    required_tier: Mapped[str | None] = mapped_column(String(16))
    leader_volunteer_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(16), default=ShiftStatus.SCHEDULED)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    #: the forgotten-check-out sweep has closed this shift (its open attendances are flagged)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
