from __future__ import annotations

import uuid

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from linli_roster.volunteers.models import Status, Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class LoginRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def active_volunteer(self, volunteer_id: uuid.UUID) -> Volunteer | None:
        return self.session.scalars(
            select(Volunteer).where(
                Volunteer.id == volunteer_id,
                Volunteer.status == Status.ACTIVE,
                within(Volunteer.tenant_path, self.context.tenant_path),
            )
        ).first()

    def volunteer_of_user(self, user_id: uuid.UUID) -> Volunteer | None:
        """The record linked to this login at the context's committee (an active one first)."""
        return self.session.scalars(
            select(Volunteer)
            .where(Volunteer.user_id == user_id, within(Volunteer.tenant_path, self.context.tenant_path))
            .order_by(case((Volunteer.status == Status.ACTIVE, 0), else_=1), Volunteer.updated_at.desc())
        ).first()

    def volunteer_for_update(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> Volunteer | None:
        return self.session.scalars(
            select(Volunteer)
            .where(
                Volunteer.tenant_id == tenant_id,
                Volunteer.id == volunteer_id,
                within(Volunteer.tenant_path, self.context.tenant_path),
            )
            .with_for_update()
        ).first()
