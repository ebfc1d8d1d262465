"""Residents' satisfaction (群众评价): one rating per service record, from the signed link the resident got."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, PrimaryKeyConstraint, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class Rating(EvaluationBase):
    __tablename__ = "ratings"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "record_id"),)

    tenant_id: Mapped[uuid.UUID]
    record_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    volunteer_id: Mapped[uuid.UUID]
    #: 1 (very dissatisfied) … 5 (very satisfied)
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(String(500), default="")
    #: a keyed hash of the submitting client's address (rate limiting and abuse review; never the address)
    client_hash: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
