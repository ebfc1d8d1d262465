"""Star levels (星级志愿者) and the district rules that award them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, SmallInteger, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class StarPolicy(EvaluationBase):
    """Cumulative verified hours for 1★…5★ (national defaults 100/300/600/1000/1500) and, optionally, the
    months of service each level also needs. The nearest policy up a committee's path applies."""

    __tablename__ = "star_policies"
    __table_args__ = (PrimaryKeyConstraint("tenant_id"),)

    tenant_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    thresholds: Mapped[list[Decimal]] = mapped_column(ARRAY(Numeric(8, 2)))
    tenure_months: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StarLevel(EvaluationBase):
    __tablename__ = "star_levels"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    stars: Mapped[int] = mapped_column(SmallInteger)
    verified_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    since: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
