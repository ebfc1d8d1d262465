from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_roster.spaces.models import Area
from linli_roster.volunteers.models import Status, Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class AreaRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def get(self, area_id: uuid.UUID, for_update: bool = False) -> Area | None:
        query = select(Area).where(Area.id == area_id, within(Area.tenant_path, self.context.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def all(self) -> Sequence[tuple[Area, str | None]]:
        rows = self.session.execute(
            select(Area, Volunteer.name)
            .outerjoin(
                Volunteer,
                # a responsible person who has exited answers for nothing: no name, so a coverage gap
                (Volunteer.tenant_id == Area.tenant_id)
                & (Volunteer.id == Area.responsible_volunteer_id)
                & (Volunteer.status == Status.ACTIVE),
            )
            .where(within(Area.tenant_path, self.context.tenant_path), Area.active.is_(True))
            .order_by(Area.kind, Area.name)
        ).all()
        return [(area, name) for area, name in rows]

    def add(self, area: Area) -> None:
        self.session.add(area)
        self.session.flush()
