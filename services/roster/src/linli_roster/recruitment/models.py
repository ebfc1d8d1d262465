"""Needs and recruitment (找到人): needs, candidates and their decisions, screening versions and scores,
public notices (公示) for promotion to backbone and the objections raised during them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, PrimaryKeyConstraint, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class NeedStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"  # as many accepted as the need asked for
    CLOSED = "closed"


class CandidateChannel(StrEnum):
    """How a candidate was found; carried over to the volunteer on acceptance."""

    SELF = "self_recommended"  # 个人自荐
    ORGANISATION = "organisation_recommended"  # 组织推荐
    RESIDENTS = "residents_recommended"  # 居民联荐
    TWO_WAY = "two_way_selection"  # 双向选择


class CandidateStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RESERVE = "reserve"  # 储备库
    DECLINED = "declined"


class Decision(StrEnum):
    ACCEPTED = "accepted"
    RESERVE = "reserve"
    DECLINED = "declined"


class NoticeStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    EFFECTIVE = "effective"
    REJECTED = "rejected"


class ObjectionStatus(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Need(RosterBase):
    """需求识别: e.g. "3–7号楼楼组长", how many people, and an optional skill or role they should have."""

    __tablename__ = "recruitment_needs"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000), default="")
    headcount: Mapped[int] = mapped_column(Integer)
    required_skill: Mapped[str | None] = mapped_column(String(30))
    required_role: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[NeedStatus] = mapped_column(String(16), default=NeedStatus.OPEN)
    closed_reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Candidate(RosterBase):
    __tablename__ = "recruitment_candidates"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    need_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(1000), default="")
    channel: Mapped[CandidateChannel] = mapped_column(String(32))
    recommending_organisation: Mapped[str | None] = mapped_column(String(100))
    #: 居民联荐: [{"name": ..., "building": ...}, ...], at least two
    recommenders: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    status: Mapped[CandidateStatus] = mapped_column(String(16), default=CandidateStatus.PENDING)
    volunteer_id: Mapped[uuid.UUID | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CandidateDecision(RosterBase):
    """Every decision on a candidate, with its reason (a reserve-pool candidate may later be accepted)."""

    __tablename__ = "recruitment_decisions"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    candidate_id: Mapped[uuid.UUID]
    decision: Mapped[Decision] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CriteriaVersion(RosterBase):
    """任职条件: yes/no items, [{"key": ..., "text": ...}]. Versions are never edited, only superseded."""

    __tablename__ = "recruitment_criteria"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    version: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RubricVersion(RosterBase):
    """ "三好一会": scored items, [{"key": ..., "label": ..., "max_score": ...}]. Never edited, only superseded."""

    __tablename__ = "recruitment_rubrics"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    version: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Score(RosterBase):
    """One screening of a candidate against the criteria and rubric versions in force at the time."""

    __tablename__ = "recruitment_scores"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    candidate_id: Mapped[uuid.UUID]
    criteria_id: Mapped[uuid.UUID]
    rubric_id: Mapped[uuid.UUID]
    eligibility: Mapped[dict[str, bool]] = mapped_column(JSONB)
    scores: Mapped[dict[str, int]] = mapped_column(JSONB)
    eligible: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(1000), default="")
    scored_by: Mapped[str] = mapped_column(String(80))
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PromotionNotice(RosterBase):
    """公示: a volunteer's promotion to backbone is announced for `period_days` (starts_on … ends_on, both
    included) and takes effect the day after unless an objection is upheld."""

    __tablename__ = "promotion_notices"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    statement: Mapped[str] = mapped_column(String(2000), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    period_days: Mapped[int] = mapped_column(Integer)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[NoticeStatus] = mapped_column(String(16), default=NoticeStatus.OPEN)
    outcome_reason: Mapped[str | None] = mapped_column(String(500))
    concluded_on: Mapped[date | None] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Objection(RosterBase):
    __tablename__ = "notice_objections"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    notice_id: Mapped[uuid.UUID]
    text: Mapped[str] = mapped_column(String(1000))
    from_whom: Mapped[str] = mapped_column(String(50))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[ObjectionStatus] = mapped_column(String(16), default=ObjectionStatus.PENDING)
    ruling_note: Mapped[str | None] = mapped_column(String(500))
    ruled_by: Mapped[str | None] = mapped_column(String(80))
    ruled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
