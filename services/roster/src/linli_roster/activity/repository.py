from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_roster.activity.models import InactivityFlag
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class ActivityRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def open_flags(self) -> Sequence[tuple[InactivityFlag, str]]:
        rows = self.session.execute(
            select(InactivityFlag, Volunteer.name)
            .join(
                Volunteer,
                (Volunteer.tenant_id == InactivityFlag.tenant_id)
                & (Volunteer.id == InactivityFlag.volunteer_id),
            )
            .where(
                within(InactivityFlag.tenant_path, self.context.tenant_path),
                InactivityFlag.cleared_on.is_(None),
            )
            .order_by(InactivityFlag.flagged_on, Volunteer.name)
        ).all()
        return [(flag, name) for flag, name in rows]
