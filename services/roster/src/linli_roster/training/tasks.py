"""The qualification expiry sweep: one `qualification expired` event per qualification, exactly once."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.events import training as events
from linli_roster.training.models import Qualification, QualificationStatus
from linli_roster.training.service import qualification_event
from linli_shared.db import Database, within
from linli_shared.tenancy import Role, TenantContext


def expire_qualifications(database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date) -> int:
    """Live grants whose last valid day is before `today` become expired. Idempotent: an expired grant is
    no longer live, so a second run finds nothing. Returns how many expired."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject="task:expire_qualifications"
    )
    with database.transaction(context) as session:
        due = session.scalars(
            select(Qualification)
            .where(
                Qualification.tenant_id == tenant_id,
                within(Qualification.tenant_path, tenant_path),
                Qualification.status == QualificationStatus.ACTIVE,
                Qualification.expires_on < today,
            )
            .order_by(Qualification.expires_on, Qualification.id)
            .with_for_update(skip_locked=True)
        ).all()
        for qualification in due:
            qualification.status = QualificationStatus.EXPIRED
            qualification.expired_on = today
            messaging.publish(
                session,
                events.QUALIFICATION_EXPIRED,
                qualification_event(qualification),
                subject=qualification.volunteer_id,
                tenant_id=qualification.tenant_id,
                tenant_path=qualification.tenant_path,
            )
        session.flush()
        return len(due)
