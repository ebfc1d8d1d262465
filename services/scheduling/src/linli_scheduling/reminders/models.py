"""Shift reminders: where each volunteer wants them, and which were sent (each at most once)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class Channel(StrEnum):
    EMAIL = "email"
    #: no reminders
    NONE = "none"


class NotificationContact(SchedulingBase):
    __tablename__ = "notification_contacts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    channel: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeliveryState(StrEnum):
    #: claimed by a task, being sent; a crash here leaves it claimed and it is never sent twice
    CLAIMED = "claimed"
    SENT = "sent"
    #: the adapter refused or failed; a retry may claim it again
    FAILED = "failed"


class Reminder(SchedulingBase):
    """One reminder of one sign-up; the primary key is what makes "sent once" hold under retries."""

    __tablename__ = "reminders"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "signup_id"),)

    tenant_id: Mapped[uuid.UUID]
    signup_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    shift_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
