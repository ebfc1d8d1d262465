from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_identity.accounts.models import Invitation, Membership
from linli_identity.audit.models import AuditEntry
from linli_identity.tenants.models import Tenant
from linli_shared.db import repath, within
from linli_shared.tenancy import TenantContext


class TenantRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def get(self, tenant_id: uuid.UUID, for_update: bool = False) -> Tenant | None:
        query = select(Tenant).where(Tenant.id == tenant_id, within(Tenant.path, self.context.tenant_path))
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def subtree(self, include_inactive: bool) -> Sequence[Tenant]:
        query = select(Tenant).where(within(Tenant.path, self.context.tenant_path))
        if not include_inactive:
            query = query.where(Tenant.active.is_(True))
        return self.session.scalars(query.order_by(Tenant.path)).all()

    def add(self, tenant: Tenant) -> bool:
        """Insert; False when the slug is already taken anywhere on the platform (even where we can't see)."""
        try:
            with self.session.begin_nested():
                self.session.add(tenant)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def repath(self, old_prefix: str, new_prefix: str) -> None:
        """Move a subtree: nodes, memberships, invitations and audit entries under `old_prefix` follow."""
        tables = [model.__table__ for model in (Tenant, Membership, Invitation, AuditEntry)]
        repath(self.session, tables, old_prefix, new_prefix)  # type: ignore[arg-type]
        self.session.expire_all()

    def deactivate_subtree(self, path: str, reason: str) -> list[Tenant]:
        nodes = self.session.scalars(
            select(Tenant).where(within(Tenant.path, path), Tenant.active.is_(True)).with_for_update()
        ).all()
        for node in nodes:
            node.active = False
            node.deactivation_reason = reason
            node.deactivated_at = func.now()
            node.updated_at = func.now()
        self.session.flush()
        return list(nodes)
