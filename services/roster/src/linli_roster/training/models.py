from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class QualificationStatus(StrEnum):
    ACTIVE = "active"  # the live grant (valid until `expires_on`, if any)
    SUPERSEDED = "superseded"  # renewed: a later grant took over; kept as history
    EXPIRED = "expired"  # the expiry sweep found it past `expires_on`
    REVOKED = "revoked"  # staff withdrew it, with a reason


class Course(RosterBase):
    """A classroom course (课堂式培训) that may grant a qualification valid for some months."""

    __tablename__ = "training_courses"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(2000), default="")
    qualification: Mapped[str | None] = mapped_column(String(60))
    validity_months: Mapped[int | None] = mapped_column(Integer)
    retired_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class Completion(RosterBase):
    """A volunteer completed a course on a day (passed or not). Never rewritten."""

    __tablename__ = "training_completions"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    course_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    completed_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    trainer: Mapped[str] = mapped_column(String(50), default="")
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Qualification(RosterBase):
    """One grant of a named qualification. A renewal is a new row; the one it replaces is kept,
    marked superseded."""

    __tablename__ = "qualifications"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(60))
    course_id: Mapped[uuid.UUID]
    completion_id: Mapped[uuid.UUID]
    granted_on: Mapped[date] = mapped_column(Date)
    #: the last day it is valid; none: it does not expire
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[QualificationStatus] = mapped_column(String(16), default=QualificationStatus.ACTIVE)
    superseded_by: Mapped[uuid.UUID | None]
    expired_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
