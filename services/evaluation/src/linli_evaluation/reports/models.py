"""The one fact reports keep of their own: scheduling's project names (records carry only the project id)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class ProjectFact(EvaluationBase):
    __tablename__ = "project_facts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "project_id"),)

    tenant_id: Mapped[uuid.UUID]
    project_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
