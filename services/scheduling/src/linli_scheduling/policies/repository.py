from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_scheduling.policies.models import HourPolicy


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def own(self, tenant_id: uuid.UUID) -> HourPolicy | None:
        """The node's own policy row, locked for replacing."""
        return self.session.scalars(
            select(HourPolicy).where(HourPolicy.tenant_id == tenant_id).with_for_update()
        ).first()

    def add(self, policy: HourPolicy) -> None:
        self.session.add(policy)
        self.session.flush()
