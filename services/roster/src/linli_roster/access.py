"""Who may do what in the roster. Committee staff run it; auditors and town/district admins read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from linli_shared.auth import CurrentContext
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

WRITERS = frozenset({Role.TENANT_ADMIN, Role.STAFF})
READERS = WRITERS | {Role.AUDITOR, Role.TOWN_ADMIN, Role.DISTRICT_ADMIN}
#: who sees phone numbers unmasked in lists (ID numbers are always masked in lists).
SEES_PHONES = frozenset({Role.TENANT_ADMIN, Role.STAFF})
#: who sees a full ID number, on a single volunteer's page only.
SEES_ID_NUMBERS = frozenset({Role.TENANT_ADMIN})


def require_role(allowed: frozenset[Role]) -> Callable[[TenantContext], TenantContext]:
    def dependency(context: CurrentContext) -> TenantContext:
        if context.role not in allowed:
            raise Forbidden("Your role does not allow this.")
        return context

    return dependency


Reader = Annotated[TenantContext, Depends(require_role(READERS))]
Writer = Annotated[TenantContext, Depends(require_role(WRITERS))]


def committee_of(context: TenantContext) -> TenantContext:
    """Roster records belong to a committee: its staff change them, and so do its own scheduled jobs
    (a service context for that committee); town and district admins only read."""
    if context.tenant_id is None or context.role not in WRITERS | {Role.SERVICE}:
        raise Forbidden("Only a committee's staff change its roster.")
    return context
