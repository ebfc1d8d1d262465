from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class Tier(StrEnum):
    VOLUNTEER = "volunteer"  # 志愿者
    BACKBONE = "backbone"  # 骨干
    RESERVE = "reserve"  # 储备/后备


class Channel(StrEnum):
    SELF = "self_recommended"  # 个人自荐
    ORGANISATION = "organisation_recommended"  # 组织推荐
    RESIDENTS = "residents_recommended"  # 居民联荐
    TWO_WAY = "two_way_selection"  # 双向选择
    IMPORTED = "imported"  # 从表格导入


class Status(StrEnum):
    ACTIVE = "active"
    EXITED = "exited"


class ExitKind(StrEnum):
    VOLUNTARY = "voluntary"  # 自愿退出
    DISMISSED = "dismissed"  # 劝退
    INACTIVE = "inactive"  # 长期未服务


class RoleKind(StrEnum):
    PARTY_GROUP_LEADER = "party_group_leader"  # 党小组长
    BUILDING_GROUP_LEADER = "building_group_leader"  # 楼组长
    MICRO_GRID_LEADER = "micro_grid_leader"  # 微格长
    DELIBERATION_MEMBER = "deliberation_member"  # 议事小组成员
    MEDIATOR = "mediator"  # 调解员


class Volunteer(RosterBase):
    __tablename__ = "volunteers"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    id_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: the last four characters, so lists can show a masked number without decrypting
    id_number_hint: Mapped[str | None] = mapped_column(String(4))
    building_id: Mapped[uuid.UUID | None]
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(30)), default=list)
    availability: Mapped[str] = mapped_column(String(200), default="")
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(String(32))
    tier: Mapped[Tier] = mapped_column(String(16), default=Tier.VOLUNTEER)
    status: Mapped[Status] = mapped_column(String(16), default=Status.ACTIVE)
    user_id: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class VolunteerRole(RosterBase):
    """One of a person's stacked roles (多重身份叠加), with a scope and a term."""

    __tablename__ = "volunteer_roles"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    role: Mapped[RoleKind] = mapped_column(String(32))
    area_id: Mapped[uuid.UUID | None]
    scope_note: Mapped[str] = mapped_column(String(100), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    ended_reason: Mapped[str | None] = mapped_column(Text)


class VolunteerChange(RosterBase):
    """History that is never rewritten: tier changes, exits, re-joins, with who and why."""

    __tablename__ = "volunteer_changes"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    change: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
