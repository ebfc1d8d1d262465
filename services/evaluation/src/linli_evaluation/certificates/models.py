"""Service certificates (志愿服务证明). Whoever records certifies (谁记录谁证明): a committee certifies the
hours it recorded itself. The row keeps everything the certificate prints, as it was on the day it was
issued, so the PDF and the public check say the same thing however the records change afterwards."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Numeric, PrimaryKeyConstraint, String, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from linli_evaluation.database import EvaluationBase
from linli_shared.db import Ltree


class IdType(StrEnum):
    """The identity documents a certificate names (the national practice's 证件类型)."""

    RESIDENT_ID = "居民身份证"
    RESIDENCE_PERMIT = "港澳台居民居住证"
    PASSPORT = "护照"
    OTHER = "其他"


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class Certificate(EvaluationBase):
    __tablename__ = "certificates"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    #: e.g. ZYFW-XIMEN-2026-000123: the committee's platform-unique short name makes it unique everywhere
    serial: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    #: HMAC of the serial, truncated: printed beside the QR code; the public check needs it
    verification_code: Mapped[str] = mapped_column(String(16))
    volunteer_id: Mapped[uuid.UUID]
    volunteer_name: Mapped[str] = mapped_column(String(50))
    #: 志愿者编号: the national system's number when staff give it, else the platform's volunteer id
    volunteer_number: Mapped[str] = mapped_column(String(40))
    id_type: Mapped[str] = mapped_column(String(16))
    #: staff type it in already masked; evaluation never holds a full ID number
    id_number_masked: Mapped[str] = mapped_column(String(32))
    #: the service dates certified, inclusive (the request's bounds, or the first and last service)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    record_count: Mapped[int] = mapped_column(Integer)
    activity_count: Mapped[int] = mapped_column(Integer)
    #: 服务内容: the activities served, as one line
    service_content: Mapped[str] = mapped_column(String(500))
    #: per activity: [{"activity": name, "records": n, "hours": "12.50"}], most hours first
    activities: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    #: each record when few enough to print: [{"date": "2026-11-07", "activity": name, "hours": "2.00"}]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    #: the service records the certificate covers
    record_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    #: 用途, e.g. 升学, 评优
    purpose: Mapped[str] = mapped_column(String(50))
    #: 出具单位 as named on the day it was issued
    issuer_name: Mapped[str] = mapped_column(String(100))
    #: 经办人
    handler: Mapped[str] = mapped_column(String(50))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=CertificateStatus.VALID)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CertificateCounter(EvaluationBase):
    """The last serial number a committee gave out in a year: the row is locked while a certificate is
    issued, so two at once get consecutive numbers and a rolled-back issue leaves no gap."""

    __tablename__ = "certificate_counters"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "year"),)

    tenant_id: Mapped[uuid.UUID]
    year: Mapped[int] = mapped_column(Integer)
    tenant_path: Mapped[str] = mapped_column(Ltree)
    last_sequence: Mapped[int] = mapped_column(Integer)
