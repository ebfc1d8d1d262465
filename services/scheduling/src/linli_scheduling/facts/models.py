"""The scheduling service's copy of the roster facts it checks shift requirements against: who each
volunteer is (tier, status, login), their stacked roles, their qualifications with expiry, the courses
training sessions teach, and the places (grid → micro-grid → building) activities happen in.

Written only by the roster-event consumer; never by the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class VolunteerFact(SchedulingBase):
    __tablename__ = "volunteer_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(50))
    #: volunteer | backbone | reserve
    tier: Mapped[str] = mapped_column(String(16))
    #: active | exited
    status: Mapped[str] = mapped_column(String(16))
    #: the identity user a volunteer logs in as (their own sign-ups, check-ins and records)
    user_id: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RoleFact(SchedulingBase):
    """A stacked role (楼组长, 微格长, …) with its term."""

    __tablename__ = "role_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "role_id"),)

    tenant_id: Mapped[uuid.UUID]
    role_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    role: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[uuid.UUID | None]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class QualificationFact(SchedulingBase):
    """One grant; valid on a day when `granted_on <= day <= expires_on` and not revoked."""

    __tablename__ = "qualification_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "qualification_id"),)

    tenant_id: Mapped[uuid.UUID]
    qualification_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(60))
    granted_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    #: a revoked grant no longer counts, even before its expiry
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class CourseFact(SchedulingBase):
    __tablename__ = "course_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "course_id"),)

    tenant_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(60))
    qualification: Mapped[str | None] = mapped_column(String(60))


class AreaFact(SchedulingBase):
    __tablename__ = "area_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "area_id"),)

    tenant_id: Mapped[uuid.UUID]
    area_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    parent_id: Mapped[uuid.UUID | None]
    #: grid | micro_grid | building
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
