from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.records.models import (
    Correction,
    LateEntry,
    RecordEntry,
    RequestStatus,
    ServiceRecord,
)
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


@dataclass(frozen=True)
class RecordFilter:
    volunteer_id: uuid.UUID | None = None
    activity_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    served_from: date | None = None
    served_to: date | None = None
    late_entry: bool | None = None
    self_reported: bool | None = None
    auto_closed: bool | None = None
    voided: bool | None = None


class RecordRepository:
    """Every query scopes to the caller's subtree; row-level security is the backstop."""

    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # service records ------------------------------------------------------------------------------------

    def record(self, record_id: uuid.UUID, for_update: bool = False) -> ServiceRecord | None:
        query = select(ServiceRecord).where(
            ServiceRecord.id == record_id, within(ServiceRecord.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def records(
        self, where: RecordFilter, after: tuple[date, uuid.UUID] | None, limit: int
    ) -> Sequence[ServiceRecord]:
        """Newest service first, keyset-paged by (service_date, id)."""
        query = select(ServiceRecord).where(within(ServiceRecord.tenant_path, self.context.tenant_path))
        for column, value in (
            (ServiceRecord.volunteer_id, where.volunteer_id),
            (ServiceRecord.activity_id, where.activity_id),
            (ServiceRecord.project_id, where.project_id),
            (ServiceRecord.late_entry, where.late_entry),
            (ServiceRecord.self_reported, where.self_reported),
            (ServiceRecord.auto_closed, where.auto_closed),
            (ServiceRecord.voided, where.voided),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.served_from is not None:
            query = query.where(ServiceRecord.service_date >= where.served_from)
        if where.served_to is not None:
            query = query.where(ServiceRecord.service_date <= where.served_to)
        if after is not None:
            day, record_id = after
            query = query.where(
                or_(
                    ServiceRecord.service_date < day,
                    and_(ServiceRecord.service_date == day, ServiceRecord.id < record_id),
                )
            )
        return self.session.scalars(
            query.order_by(ServiceRecord.service_date.desc(), ServiceRecord.id.desc()).limit(limit)
        ).all()

    def total_hours(self, volunteer_id: uuid.UUID) -> Decimal:
        total = self.session.scalar(
            select(func.sum(ServiceRecord.hours)).where(
                ServiceRecord.volunteer_id == volunteer_id,
                ServiceRecord.voided.is_(False),
                within(ServiceRecord.tenant_path, self.context.tenant_path),
            )
        )
        return total if total is not None else Decimal(0)

    def record_for_shift(self, tenant_id: uuid.UUID, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> bool:
        """Whether the volunteer already has a record for the shift (voided or not: a voided record was
        judged, and a late entry must not bring it back by the side door)."""
        found = self.session.scalar(
            select(ServiceRecord.id).where(
                ServiceRecord.tenant_id == tenant_id,
                ServiceRecord.shift_id == shift_id,
                ServiceRecord.volunteer_id == volunteer_id,
            )
        )
        return found is not None

    def overlapping_record(
        self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID, started_at: datetime, ended_at: datetime
    ) -> bool:
        """Whether a live record of the volunteer covers any of [started_at, ended_at)."""
        found = self.session.scalar(
            select(ServiceRecord.id)
            .where(
                ServiceRecord.tenant_id == tenant_id,
                ServiceRecord.volunteer_id == volunteer_id,
                ServiceRecord.voided.is_(False),
                ServiceRecord.started_at < ended_at,
                ServiceRecord.ended_at > started_at,
            )
            .limit(1)
        )
        return found is not None

    def entries(self, record: ServiceRecord) -> Sequence[RecordEntry]:
        return self.session.scalars(
            select(RecordEntry)
            .where(RecordEntry.tenant_id == record.tenant_id, RecordEntry.record_id == record.id)
            .order_by(RecordEntry.sequence)
        ).all()

    def corrections_of(self, record: ServiceRecord) -> Sequence[Correction]:
        return self.session.scalars(
            select(Correction)
            .where(Correction.tenant_id == record.tenant_id, Correction.record_id == record.id)
            .order_by(Correction.created_at, Correction.id)
        ).all()

    def late_entry_of(self, record: ServiceRecord) -> uuid.UUID | None:
        return self.session.scalar(
            select(LateEntry.id).where(
                LateEntry.tenant_id == record.tenant_id, LateEntry.record_id == record.id
            )
        )

    # what a late entry points at -------------------------------------------------------------------------

    def activity(self, activity_id: uuid.UUID) -> Activity | None:
        return self.session.scalars(
            select(Activity).where(
                Activity.id == activity_id, within(Activity.tenant_path, self.context.tenant_path)
            )
        ).first()

    def shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift | None:
        query = select(Shift).where(Shift.id == shift_id, within(Shift.tenant_path, self.context.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.volunteer_id == volunteer_id,
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    # late entries ---------------------------------------------------------------------------------------

    def late_entry(self, late_entry_id: uuid.UUID, for_update: bool = False) -> LateEntry | None:
        query = select(LateEntry).where(
            LateEntry.id == late_entry_id, within(LateEntry.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def pending_late_entry_for_shift(
        self, tenant_id: uuid.UUID, shift_id: uuid.UUID, volunteer_id: uuid.UUID
    ) -> bool:
        found = self.session.scalar(
            select(LateEntry.id).where(
                LateEntry.tenant_id == tenant_id,
                LateEntry.shift_id == shift_id,
                LateEntry.volunteer_id == volunteer_id,
                LateEntry.status == RequestStatus.PENDING,
            )
        )
        return found is not None

    def late_entries(
        self,
        status: RequestStatus | None,
        volunteer_id: uuid.UUID | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[LateEntry]:
        """Oldest first (a queue: the longest-waiting is decided first), keyset-paged by (created_at, id)."""
        query = select(LateEntry).where(within(LateEntry.tenant_path, self.context.tenant_path))
        if status is not None:
            query = query.where(LateEntry.status == status)
        if volunteer_id is not None:
            query = query.where(LateEntry.volunteer_id == volunteer_id)
        if after is not None:
            created_at, late_entry_id = after
            query = query.where(
                or_(
                    LateEntry.created_at > created_at,
                    and_(LateEntry.created_at == created_at, LateEntry.id > late_entry_id),
                )
            )
        return self.session.scalars(query.order_by(LateEntry.created_at, LateEntry.id).limit(limit)).all()

    # corrections ----------------------------------------------------------------------------------------

    def correction(self, correction_id: uuid.UUID, for_update: bool = False) -> Correction | None:
        query = select(Correction).where(
            Correction.id == correction_id, within(Correction.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def corrections(
        self,
        status: RequestStatus | None,
        volunteer_id: uuid.UUID | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Correction]:
        """Oldest first, keyset-paged by (created_at, id)."""
        query = select(Correction).where(within(Correction.tenant_path, self.context.tenant_path))
        if status is not None:
            query = query.where(Correction.status == status)
        if volunteer_id is not None:
            query = query.where(Correction.volunteer_id == volunteer_id)
        if after is not None:
            created_at, correction_id = after
            query = query.where(
                or_(
                    Correction.created_at > created_at,
                    and_(Correction.created_at == created_at, Correction.id > correction_id),
                )
            )
        return self.session.scalars(query.order_by(Correction.created_at, Correction.id).limit(limit)).all()

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
