from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from linli_identity.audit.models import AuditEntry
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class AuditRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def page(
        self, limit: int, before: tuple[datetime, int] | None, tenant_id: uuid.UUID | None, action: str | None
    ) -> Sequence[AuditEntry]:
        """Newest first, keyset-paged on (occurred_at, id) so deep pages stay cheap."""
        query = select(AuditEntry).where(within(AuditEntry.tenant_path, self.context.tenant_path))
        if tenant_id is not None:
            query = query.where(AuditEntry.tenant_id == tenant_id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if before is not None:
            occurred_at, entry_id = before
            query = query.where(
                or_(
                    AuditEntry.occurred_at < occurred_at,
                    and_(AuditEntry.occurred_at == occurred_at, AuditEntry.id < entry_id),
                )
            )
        query = query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(limit)
        return self.session.scalars(query).all()
