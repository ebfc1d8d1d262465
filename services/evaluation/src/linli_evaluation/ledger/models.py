"""The hours ledger and the tallies computed from it.

The ledger is append-only: one entry per fact that moves hours (a record recorded, adjusted or voided in
scheduling; an audit confirming, adjusting or rejecting it), each carrying how many verified and unverified
hours it adds (negative to take away). Tallies are sums of entries per scope and period; an entry is
applied to them exactly once (its `applied_at` is set in the transaction that adds it to the tallies), and
the nightly reconciliation recomputes every tally from the ledger and repairs any disagreement."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class EntryKind(StrEnum):
    RECORDED = "recorded"
    ADJUSTED = "adjusted"
    VOIDED = "voided"
    AUDIT_CONFIRMED = "audit_confirmed"
    AUDIT_ADJUSTED = "audit_adjusted"
    AUDIT_REJECTED = "audit_rejected"


class Scope(StrEnum):
    VOLUNTEER = "volunteer"
    PROJECT = "project"
    GRID = "grid"
    COMMITTEE = "committee"


class LedgerEntry(EvaluationBase):
    __tablename__ = "ledger_entries"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    #: the fact this entry books (an event id, or an audit outcome's id); unique, so it is booked once
    source_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    project_id: Mapped[uuid.UUID | None]
    grid_id: Mapped[uuid.UUID | None]
    service_date: Mapped[date] = mapped_column(Date)
    verified_delta: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    unverified_delta: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Tally(EvaluationBase):
    """Hours of one scope (a volunteer, project, grid or the committee) in one period: `m2026-11`,
    `q2026-4`, `y2026` or `all` (lifetime). Towns and districts sum their committees' rows (ltree)."""

    __tablename__ = "tallies"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "scope", "scope_id", "period"),)

    tenant_id: Mapped[uuid.UUID]
    scope: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[uuid.UUID]
    period: Mapped[str] = mapped_column(String(8))
    tenant_path: Mapped[str] = mapped_column(Ltree)
    verified_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    unverified_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    entries: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Reconciliation(EvaluationBase):
    """One nightly run of the full recomputation for one committee, and what it had to repair."""

    __tablename__ = "reconciliations"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    tallies_checked: Mapped[int] = mapped_column(Integer)
    disagreements: Mapped[int] = mapped_column(Integer)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
