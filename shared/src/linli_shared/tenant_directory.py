"""Each service's local copy of the tenant tree, kept from the identity service's tenant events.

Services never read identity's tables: they keep the nodes they need (names for reports, paths for
roll-ups, whether a node is active) and follow moves by rewriting the `tenant_path` of their own rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_shared.db import Ltree, act_as, repath
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.problems import Conflict
from linli_shared.tenancy import TenantContext

TENANT_CREATED = "linli.identity.tenant.created.v1"
TENANT_RENAMED = "linli.identity.tenant.renamed.v1"
TENANT_MOVED = "linli.identity.tenant.moved.v1"
TENANT_DEACTIVATED = "linli.identity.tenant.deactivated.v1"
IDENTITY_TENANTS_TOPIC = "identity.tenants"


class TenantReadOnly(Conflict):
    slug = "tenant-read-only"
    title = "This committee is deactivated; its records are read-only"


def common_ancestor(first: str, second: str) -> str:
    shared = []
    for left, right in zip(first.split("."), second.split("."), strict=False):
        if left != right:
            break
        shared.append(left)
    return ".".join(shared)


class TenantDirectory:
    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata
        self.table = Table(
            "tenant_directory",
            metadata,
            Column("id", Uuid, primary_key=True),
            Column("parent_id", Uuid),
            Column("kind", String(16), nullable=False),
            Column("name", String(100), nullable=False),
            Column("slug", String(64), nullable=False),
            Column("path", Ltree, nullable=False),
            Column("active", Boolean, nullable=False, default=True),
            Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        )

    def ensure_active(self, session: Session, tenant_id: uuid.UUID | None) -> None:
        """Writes to a deactivated committee are refused; reading its history stays possible."""
        active = session.scalar(select(self.table.c.active).where(self.table.c.id == tenant_id))
        if active is False:
            raise TenantReadOnly()

    def name_of(self, session: Session, tenant_id: uuid.UUID) -> str | None:
        return session.scalar(select(self.table.c.name).where(self.table.c.id == tenant_id))

    def handlers(self) -> dict[str, Handler]:
        return {
            TENANT_CREATED: self._created,
            TENANT_RENAMED: self._renamed,
            TENANT_MOVED: self._moved,
            TENANT_DEACTIVATED: self._deactivated,
        }

    def _created(self, session: Session, event: CloudEvent, context: TenantContext) -> None:
        data = event.data
        row = {
            "id": uuid.UUID(data["tenant_id"]),
            "parent_id": uuid.UUID(data["parent_id"]) if data.get("parent_id") else None,
            "kind": data["kind"],
            "name": data["name"],
            "slug": data["slug"],
            "path": data["path"],
            "active": True,
        }
        session.execute(insert(self.table).values(row).on_conflict_do_nothing(index_elements=["id"]))

    def _renamed(self, session: Session, event: CloudEvent, context: TenantContext) -> None:
        self._update(session, event.data["tenant_id"], name=event.data["name"])

    def _deactivated(self, session: Session, event: CloudEvent, context: TenantContext) -> None:
        self._update(session, event.data["tenant_id"], active=False)

    def _moved(self, session: Session, event: CloudEvent, context: TenantContext) -> None:
        old, new = event.data["previous_path"], event.data["path"]
        # the rows sit under the old path, the event's context is the new one: act from their common ancestor
        act_as(
            session, TenantContext(tenant_id=None, tenant_path=common_ancestor(old, new), role=context.role)
        )
        self._update(session, event.data["tenant_id"], parent_id=uuid.UUID(event.data["parent_id"]))
        repath(session, self.tables_with_paths(), old, new)

    def tables_with_paths(self) -> list[Table]:
        return [
            table for table in self.metadata.sorted_tables if "tenant_path" in table.c or table is self.table
        ]

    def _update(self, session: Session, tenant_id: Any, **values: Any) -> None:
        session.execute(
            update(self.table)
            .where(self.table.c.id == uuid.UUID(str(tenant_id)))
            .values(updated_at=func.now(), **values)
        )
