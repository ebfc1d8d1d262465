"""Service projects (项目孵化): an owner, a team and goals, incubated until established (or closed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class ProjectStatus(StrEnum):
    INCUBATING = "incubating"
    ESTABLISHED = "established"
    CLOSED = "closed"


class Project(SchedulingBase):
    __tablename__ = "projects"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(2000), default="")
    owner_volunteer_id: Mapped[uuid.UUID | None]
    goals: Mapped[list[str]] = mapped_column(ARRAY(String(200)))
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.INCUBATING)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class ProjectMember(SchedulingBase):
    """A team member; leaving keeps the row (`left_at`)."""

    __tablename__ = "project_members"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    project_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    duty: Mapped[str] = mapped_column(String(60), default="")
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProjectStatusChange(SchedulingBase):
    """The incubation trail: every status change, who made it and why."""

    __tablename__ = "project_status_changes"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    project_id: Mapped[uuid.UUID]
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
