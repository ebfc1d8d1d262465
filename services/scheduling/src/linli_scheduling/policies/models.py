"""The hour rules of a district (or a town, or one committee): rounding, exclusions, windows.

A committee's effective policy is the nearest one on its path (its own, else its town's, else its
district's, else the national defaults), so a district sets the rule once and a town may refine it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from linli_scheduling.database import SchedulingBase
from linli_shared.db import Ltree


class Rounding(StrEnum):
    #: 重庆: the minutes past the full hours count ≤15 → 0 h, 15–45 → 0.5 h, >45 → 1 h
    CHONGQING = "chongqing"
    #: to the nearest half hour
    HALF_HOUR = "half_hour"
    #: down to the quarter hour
    QUARTER_HOUR_DOWN = "quarter_hour_down"
    #: exact minutes, to 0.01 h
    EXACT = "exact"


class HourPolicy(SchedulingBase):
    __tablename__ = "hour_policies"
    __table_args__ = (PrimaryKeyConstraint("tenant_id"),)

    tenant_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    rounding: Mapped[str] = mapped_column(String(24))
    #: activity kinds whose attendance never counts as service hours (e.g. training sessions)
    excluded_kinds: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    #: 补录: how many days after the service day a late entry may still be filed
    late_entry_window_days: Mapped[int] = mapped_column(Integer)
    #: a volunteer may cancel their own sign-up until this many hours before the shift
    cancellation_cutoff_hours: Mapped[int] = mapped_column(Integer)
    #: check-in opens this many minutes before the shift starts
    check_in_opens_minutes: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API
