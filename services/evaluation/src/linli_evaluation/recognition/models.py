"""Recognition (精神激励为主、物质激励为辅): award programmes are data a district, town or committee defines
for its subtree; staff nominate volunteers who meet a programme's criteria, with the evidence behind each
nomination kept as it stood; someone else approves; a public notice (公示) gives residents time to object;
and a nomination that survives it becomes an honour on the volunteer's record.

A nomination's life:

    draft ──submit──▶ submitted ──decision: approve──▶ in_notice ──notice over, no objection open or
      │                  │                                 │         upheld (daily task)──▶ conferred
      │                  └──decision: reject──▶ rejected   ├──objection upheld──▶ withdrawn
      └───────────── withdraw (staff) ─────────────────────┴──────────────────────▶ withdrawn

Rejected, withdrawn and conferred are final. Every other move is refused (409)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class PeriodKind(StrEnum):
    #: `2026`
    YEAR = "year"
    #: `2026-Q4`
    QUARTER = "quarter"


class NominationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    #: approved; the public notice (公示) runs from notice_starts_on to notice_ends_on, both included
    IN_NOTICE = "in_notice"
    WITHDRAWN = "withdrawn"
    CONFERRED = "conferred"


#: nominations that hold one of the programme's places in the committee (and block a second nomination of
#: the same volunteer for the same programme and period)
LIVE_STATUSES = frozenset(
    {
        NominationStatus.DRAFT,
        NominationStatus.SUBMITTED,
        NominationStatus.IN_NOTICE,
        NominationStatus.CONFERRED,
    }
)


class ObjectionStatus(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class AwardProgramme(EvaluationBase):
    """An award (最美志愿者, 优秀党员, 金山好人 …) and its criteria. A committee sees the programmes on its path
    (its district's, its town's, its own); only the owning node (or one above it) changes one."""

    __tablename__ = "award_programmes"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(2000), default="")
    period_kind: Mapped[str] = mapped_column(String(8))
    #: verified hours within the period (unverified hours never count towards an award)
    min_verified_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    #: the volunteer's current star level
    min_stars: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: residents' average rating (1–5) of the period's services; null: satisfaction is not a criterion
    min_average_satisfaction: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    #: at least this many ratings in the period (an average of one rating proves little)
    min_ratings: Mapped[int] = mapped_column(Integer, default=0)
    #: 优秀党员 and the like
    require_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    #: no spot check of the period's service records rejected its hours
    require_no_rejected_audit: Mapped[bool] = mapped_column(Boolean, default=False)
    #: nominations each committee may make per period
    max_nominees: Mapped[int] = mapped_column(Integer)
    #: the public notice's length (7 days is common practice)
    notice_days: Mapped[int] = mapped_column(Integer, default=7)
    #: a retired programme takes no new nominations; its history stays
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class Nomination(EvaluationBase):
    __tablename__ = "nominations"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    programme_tenant_id: Mapped[uuid.UUID]
    programme_id: Mapped[uuid.UUID]
    #: as it was when nominated: a renamed programme does not rename past nominations and honours
    programme_name: Mapped[str] = mapped_column(String(60))
    #: `2026` or `2026-Q4`
    period: Mapped[str] = mapped_column(String(7))
    volunteer_id: Mapped[uuid.UUID]
    statement: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default=NominationStatus.DRAFT)
    #: the numbers behind the nomination when it was made (hours, stars, satisfaction, audits, party member):
    #: what the approver and the public notice see, even after the tallies move on
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB)
    #: the programme's criteria the nomination was checked against
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB)
    notice_days: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(500))
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    outcome_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NominationObjection(EvaluationBase):
    """A resident's objection during the public notice, recorded by staff and resolved by an approver."""

    __tablename__ = "nomination_objections"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    nomination_id: Mapped[uuid.UUID]
    text: Mapped[str] = mapped_column(String(1000))
    by_name: Mapped[str] = mapped_column(String(50))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(16), default=ObjectionStatus.PENDING)
    resolution_note: Mapped[str | None] = mapped_column(String(500))
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Honour(EvaluationBase):
    """An honour conferred: a record, never rewritten."""

    __tablename__ = "honours"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    nomination_id: Mapped[uuid.UUID]
    programme_id: Mapped[uuid.UUID]
    programme_name: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(7))
    volunteer_id: Mapped[uuid.UUID]
    conferred_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
