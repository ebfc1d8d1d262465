"""The admin audit log: every admin action, who, what, when, from which tenant and address."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from linli_identity.audit.models import AuditEntry
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.schemas import AuditEntryOut, AuditPage
from linli_shared.cursors import aware_datetime, bigint, decode_cursor, encode_cursor
from linli_shared.tenancy import TenantContext


@dataclass(frozen=True)
class Actor:
    """The acting context plus where the request came from."""

    context: TenantContext
    ip: str | None = None


def record(
    repository: AuditRepository,
    actor: Actor,
    *,
    tenant_id: uuid.UUID,
    tenant_path: str,
    action: str,
    target_type: str,
    target_id: Any,
    **details: Any,
) -> None:
    context = actor.context
    repository.add(
        AuditEntry(
            tenant_id=tenant_id,
            tenant_path=tenant_path,
            actor=context.subject or str(context.user_id),
            actor_role=context.role.value,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            details=details,
            ip=actor.ip,
        )
    )


def read_page(
    repository: AuditRepository,
    limit: int,
    cursor: str | None,
    tenant_id: uuid.UUID | None,
    action: str | None,
) -> AuditPage:
    entries = repository.page(
        limit + 1, decode_cursor(cursor, aware_datetime, bigint) if cursor else None, tenant_id, action
    )
    items = [AuditEntryOut.model_validate(entry, from_attributes=True) for entry in entries[:limit]]
    last = entries[limit - 1] if len(entries) > limit else None
    next_cursor = encode_cursor(last.occurred_at, last.id) if last else None
    return AuditPage(items=items, next_cursor=next_cursor)
