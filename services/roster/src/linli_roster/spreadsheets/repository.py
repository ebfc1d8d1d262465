from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_roster.database import directory
from linli_roster.spaces.models import Area, AreaKind
from linli_roster.volunteers.models import Status, Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class SpreadsheetRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def buildings_by_name(self) -> dict[str, list[uuid.UUID]]:
        """The committee's buildings by name; names may repeat across micro-grids."""
        rows = self.session.execute(
            select(Area.name, Area.id).where(
                within(Area.tenant_path, self.context.tenant_path),
                Area.tenant_id == self.context.tenant_id,
                Area.kind == AreaKind.BUILDING,
                Area.active.is_(True),
            )
        ).all()
        found: dict[str, list[uuid.UUID]] = defaultdict(list)
        for name, area_id in rows:
            found[name.strip()].append(area_id)
        return found

    def active_phones(self, phones: Collection[str]) -> set[str]:
        if not phones:
            return set()
        return set(
            self.session.scalars(
                select(Volunteer.phone).where(
                    within(Volunteer.tenant_path, self.context.tenant_path),
                    Volunteer.tenant_id == self.context.tenant_id,
                    Volunteer.status == Status.ACTIVE,
                    Volunteer.phone.in_(list(phones)),
                )
            ).all()
        )

    def area_names(self, area_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not area_ids:
            return {}
        rows = self.session.execute(
            select(Area.id, Area.name).where(
                within(Area.tenant_path, self.context.tenant_path), Area.id.in_(list(area_ids))
            )
        ).all()
        return {area_id: name for area_id, name in rows}

    def committee_names(self, tenant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not tenant_ids:
            return {}
        table = directory.table
        rows = self.session.execute(
            select(table.c.id, table.c.name).where(table.c.id.in_(list(tenant_ids)))
        ).all()
        return {tenant_id: name for tenant_id, name in rows}
