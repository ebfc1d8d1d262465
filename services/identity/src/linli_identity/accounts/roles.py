"""What each role may do, where it may be held, and whom it may invite."""

from __future__ import annotations

from linli_identity.tenants.models import TenantKind
from linli_shared.tenancy import Role

TENANTS_READ = "tenants:read"
TENANTS_WRITE = "tenants:write"
MEMBERS_READ = "members:read"
MEMBERS_WRITE = "members:write"
AUDIT_READ = "audit:read"
#: a service (the roster) gives a committee's volunteers their logins; only service clients hold it
INVITATIONS_VOLUNTEER = "invitations:volunteer"

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.PLATFORM: frozenset({TENANTS_READ, TENANTS_WRITE, MEMBERS_READ, MEMBERS_WRITE, AUDIT_READ}),
    Role.DISTRICT_ADMIN: frozenset({TENANTS_READ, TENANTS_WRITE, MEMBERS_READ, MEMBERS_WRITE, AUDIT_READ}),
    Role.TOWN_ADMIN: frozenset({TENANTS_READ, TENANTS_WRITE, MEMBERS_READ, MEMBERS_WRITE, AUDIT_READ}),
    Role.TENANT_ADMIN: frozenset({TENANTS_READ, MEMBERS_READ, MEMBERS_WRITE, AUDIT_READ}),
    # Staff give volunteers their logins (roster issue); they may invite volunteers only.
    Role.STAFF: frozenset({TENANTS_READ, MEMBERS_READ, MEMBERS_WRITE}),
    Role.AUDITOR: frozenset({TENANTS_READ}),
    Role.VOLUNTEER: frozenset(),
    Role.SERVICE: frozenset({TENANTS_READ, MEMBERS_READ}),
}

#: the kind of node each role is held at.
ROLE_NODE_KIND: dict[Role, TenantKind] = {
    Role.DISTRICT_ADMIN: TenantKind.DISTRICT,
    Role.TOWN_ADMIN: TenantKind.TOWN,
    Role.TENANT_ADMIN: TenantKind.COMMITTEE,
    Role.STAFF: TenantKind.COMMITTEE,
    Role.AUDITOR: TenantKind.COMMITTEE,
    Role.VOLUNTEER: TenantKind.COMMITTEE,
}

_COMMITTEE_ROLES = frozenset({Role.TENANT_ADMIN, Role.STAFF, Role.AUDITOR, Role.VOLUNTEER})

#: whom each role may invite (always at its own node or below).
INVITABLE: dict[Role, frozenset[Role]] = {
    Role.PLATFORM: frozenset(ROLE_NODE_KIND),
    Role.DISTRICT_ADMIN: frozenset(ROLE_NODE_KIND),
    Role.TOWN_ADMIN: frozenset({Role.TOWN_ADMIN}) | _COMMITTEE_ROLES,
    Role.TENANT_ADMIN: _COMMITTEE_ROLES,
    Role.STAFF: frozenset({Role.VOLUNTEER}),
    Role.SERVICE: frozenset({Role.VOLUNTEER}),
}

#: when one person holds several memberships, login picks the broadest unless told otherwise.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_NODE_KIND)}


def may_invite(actor: Role, role: Role) -> bool:
    return role in INVITABLE.get(actor, frozenset())
