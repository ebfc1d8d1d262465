"""The admin audit log: every admin action, who, what, when, from which tenant and address."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from linli_identity.audit.models import AuditEntry
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.schemas import AuditEntryOut, AuditPage
from linli_shared.problems import Invalid
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
    entries = repository.page(limit + 1, _decode(cursor) if cursor else None, tenant_id, action)
    items = [AuditEntryOut.model_validate(entry, from_attributes=True) for entry in entries[:limit]]
    next_cursor = _encode(entries[limit - 1]) if len(entries) > limit else None
    return AuditPage(items=items, next_cursor=next_cursor)


def _encode(entry: AuditEntry) -> str:
    return base64.urlsafe_b64encode(f"{entry.occurred_at.isoformat()}|{entry.id}".encode()).decode()


_MAX_ID = 2**63 - 1  # the column is a bigint


def _decode(cursor: str) -> tuple[datetime, int]:
    """The database compares real values: a timestamp with its zone and an id in the bigint range."""
    try:
        text, raw_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        occurred_at, entry_id = datetime.fromisoformat(text), int(raw_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid("The cursor is not valid.") from error
    if occurred_at.utcoffset() is None or not 0 < entry_id <= _MAX_ID:
        raise Invalid("The cursor is not valid.")
    return occurred_at, entry_id
