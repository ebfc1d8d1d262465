"""Who may do what in the roster. Committee staff run it; auditors and town/district admins read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from linli_roster.database import directory
from linli_shared.auth import require_role
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

WRITERS = frozenset({Role.TENANT_ADMIN, Role.STAFF})
READERS = WRITERS | {Role.AUDITOR, Role.TOWN_ADMIN, Role.DISTRICT_ADMIN}
#: who sees phone numbers unmasked in lists (ID numbers are always masked in lists).
SEES_PHONES = frozenset({Role.TENANT_ADMIN, Role.STAFF})
#: who sees a full ID number, on a single volunteer's page only.
SEES_ID_NUMBERS = frozenset({Role.TENANT_ADMIN})


Reader = Annotated[TenantContext, Depends(require_role(READERS))]
Writer = Annotated[TenantContext, Depends(require_role(WRITERS))]


def writable_committee(session: Session, context: TenantContext) -> TenantContext:
    """Every write to a roster: the records belong to a committee, its staff (or its own scheduled jobs, a
    service context for that committee) change them, and a deactivated committee's roster is read-only.
    Town and district admins only read."""
    if context.tenant_id is None or context.role not in WRITERS | {Role.SERVICE}:
        raise Forbidden("Only a committee's staff change its roster.")
    directory.ensure_active(session, context.tenant_id)
    return context
