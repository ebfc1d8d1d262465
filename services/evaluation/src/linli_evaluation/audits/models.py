"""Random audits (随机抽查): per committee and period, a plan whose seed is committed (its hash published)
before the period's records are final; after the period the sample is drawn from that seed, reproducibly,
and each sampled record becomes a task for an auditor, who confirms, adjusts or rejects its hours."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class AuditPolicy(EvaluationBase):
    """A district's (town's, committee's) audit rules: the share of records drawn, the least number drawn,
    and the weight of each risk signal. The nearest policy up a committee's path applies."""

    __tablename__ = "audit_policies"
    __table_args__ = (PrimaryKeyConstraint("tenant_id"),)

    tenant_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    rate: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    min_count: Mapped[int] = mapped_column(Integer)
    #: {"late_entry": 3, "self_reported": 3, "long": 2, "frequent": 2, "auto_closed": 2}
    risk_weights: Mapped[dict[str, float]] = mapped_column(JSONB)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PlanStatus(StrEnum):
    #: the seed is committed (its hash published); the period's records may still change
    COMMITTED = "committed"
    #: the sample was drawn and the seed revealed; tasks are open
    DRAWN = "drawn"
    #: every task is decided
    COMPLETED = "completed"


class AuditPlan(EvaluationBase):
    __tablename__ = "audit_plans"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    #: the service dates the plan samples from, inclusive
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    #: sha256 of the seed, published when the plan is made (before the period's records are final)
    seed_hash: Mapped[str] = mapped_column(String(64))
    #: the seed itself (hex); shown only once the sample is drawn
    seed: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.COMMITTED)
    #: the policy in force when the plan was made, so a re-run uses the same rules
    rate: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    min_count: Mapped[int] = mapped_column(Integer)
    risk_weights: Mapped[dict[str, float]] = mapped_column(JSONB)
    #: the auditors (identity user ids) tasks are dealt to, in turn
    auditor_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    population: Mapped[int | None] = mapped_column(Integer)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    #: the population as it was drawn from (each record's id, stratum and weight inputs; `draw.Candidate`),
    #: kept so the draw can be re-run from the revealed seed even after records change (0002_audits)
    population_snapshot: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Outcome(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    ADJUSTED = "adjusted"
    REJECTED = "rejected"


class AuditTask(EvaluationBase):
    __tablename__ = "audit_tasks"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    plan_id: Mapped[uuid.UUID]
    record_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    auditor_id: Mapped[uuid.UUID | None]
    #: the stratum (activity) it was drawn from, its weight and the risk signals behind the weight
    stratum: Mapped[str] = mapped_column(String(80))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    risks: Mapped[list[str]] = mapped_column(ARRAY(String(24)))
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.OPEN)
    hours_before: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    hours_after: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    evidence: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
