"""Sign-ups: confirmed within capacity, else waitlisted in order; cancelled or marked no-show, never deleted.

A live sign-up (confirmed or waitlisted) carries its shift's time range, and the database excludes two
live sign-ups of one volunteer whose ranges overlap: no double-booking, even under concurrency."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


LIVE = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


class SignupSource(StrEnum):
    SELF = "self"
    ASSIGNED = "assigned"


class Signup(SchedulingBase):
    __tablename__ = "signups"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    shift_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    #: the shift's range, copied so the overlap exclusion can see it (kept in step when a shift moves)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: waitlist order: the earliest waitlisted sign-up is promoted first
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(80))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: cancelled by staff after the volunteer's own cut-off (a reliability signal for evaluation)
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
