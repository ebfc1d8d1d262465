from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_roster.honours.models import Honour
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class HonourRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def of_volunteer(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> Sequence[Honour]:
        """Newest first."""
        return self.session.scalars(
            select(Honour)
            .where(
                Honour.tenant_id == tenant_id,
                Honour.volunteer_id == volunteer_id,
                within(Honour.tenant_path, self.context.tenant_path),
            )
            .order_by(Honour.conferred_on.desc(), Honour.id)
        ).all()
