"""Dynamic evaluation (动态评估): the weights a district (town, committee) gives each part of the score, the
projections of other services' events the score needs (sign-ups from scheduling, qualifications from the
roster), and each volunteer's latest score with everything it was computed from."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class ScorePolicy(EvaluationBase):
    """A node's weights (each ≥ 0, together exactly 1), the window the score looks back over and the
    verified hours that earn the full hours component. The nearest policy up a committee's path applies."""

    __tablename__ = "score_policies"
    __table_args__ = (PrimaryKeyConstraint("tenant_id"),)

    tenant_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    hours_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    satisfaction_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    reliability_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    training_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    audits_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    window_months: Mapped[int] = mapped_column(Integer)
    target_hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class SignupFact(EvaluationBase):
    """A sign-up as scheduling announced it: whether it ever held a place, and how it ended."""

    __tablename__ = "signup_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "signup_id"),)

    tenant_id: Mapped[uuid.UUID]
    signup_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    shift_id: Mapped[uuid.UUID]
    #: the shift's start: the sign-up falls in a score's window by this moment
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    #: it was confirmed at some point (a waitlisted sign-up that left the queue never held a place)
    held_place: Mapped[bool] = mapped_column(Boolean)
    #: a confirmed place given up after the committee's cut-off
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class QualificationStatus(StrEnum):
    ACTIVE = "active"
    #: a later grant of the same qualification replaced it (a renewal); it still was a completion
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    REVOKED = "revoked"


class QualificationFact(EvaluationBase):
    """One grant of a qualification as the roster announced it (each grant is a passed course)."""

    __tablename__ = "qualification_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "qualification_id"),)

    tenant_id: Mapped[uuid.UUID]
    qualification_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(60))
    granted_on: Mapped[date] = mapped_column(Date)
    #: the last day it is valid; none: it does not expire
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VolunteerScore(EvaluationBase):
    """A volunteer's latest score: the total, each component's 0–100 value (for ranking and reports), and in
    `components` the inputs, weight and contribution of each, so the explanation is exactly what was
    computed. Only the latest is kept: a city's daily history would be hundreds of millions of rows."""

    __tablename__ = "volunteer_scores"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    #: the Shanghai day the score is as of (the window ends on it)
    computed_on: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date] = mapped_column(Date)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    satisfaction: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reliability: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    training: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    audits: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: {"hours": {"value": "75.00", "weight": "0.350", "contribution": "26.25", "inputs": {...}}, ...}
    components: Mapped[dict[str, Any]] = mapped_column(JSONB)
    #: the policy used: weights, window_months, target_hours and whose policy it was
    policy: Mapped[dict[str, Any]] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
