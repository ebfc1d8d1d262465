"""Every event the identity service publishes. Payloads are versioned; JSON Schemas live in `schemas/`."""

from __future__ import annotations

import uuid
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

TENANTS_TOPIC = "identity.tenants"
USERS_TOPIC = "identity.users"


class TenantCreatedV1(EventPayload):
    tenant_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str
    slug: str
    path: str


class TenantRenamedV1(EventPayload):
    tenant_id: uuid.UUID
    name: str
    previous_name: str


class TenantMovedV1(EventPayload):
    tenant_id: uuid.UUID
    parent_id: uuid.UUID
    previous_path: str
    path: str


class TenantDeactivatedV1(EventPayload):
    tenant_id: uuid.UUID
    path: str
    reason: str


class UserRegisteredV1(EventPayload):
    user_id: uuid.UUID
    display_name: str


class MembershipGrantedV1(EventPayload):
    membership_id: uuid.UUID
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: str
    display_name: str
    #: the record another service keeps for this person, from the accepted invitation
    #: (e.g. ``roster:volunteer:<uuid>``); absent for memberships granted otherwise
    external_ref: str | None = None


class MembershipRevokedV1(EventPayload):
    membership_id: uuid.UUID
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: str


class SessionsRevokedV1(EventPayload):
    """These access tokens (by `jti`) must be refused until they expire: logout, password change."""

    user_id: uuid.UUID
    access_token_ids: list[str]
    reason: str


class IdentityEvent(StrEnum):
    TENANT_CREATED = "linli.identity.tenant.created.v1"
    TENANT_RENAMED = "linli.identity.tenant.renamed.v1"
    TENANT_MOVED = "linli.identity.tenant.moved.v1"
    TENANT_DEACTIVATED = "linli.identity.tenant.deactivated.v1"
    USER_REGISTERED = "linli.identity.user.registered.v1"
    MEMBERSHIP_GRANTED = "linli.identity.membership.granted.v1"
    MEMBERSHIP_REVOKED = "linli.identity.membership.revoked.v1"
    SESSIONS_REVOKED = "linli.identity.sessions.revoked.v1"


TENANT_CREATED = EventSpec(
    IdentityEvent.TENANT_CREATED, TENANTS_TOPIC, TenantCreatedV1, "A node joined the tree."
)
TENANT_RENAMED = EventSpec(
    IdentityEvent.TENANT_RENAMED, TENANTS_TOPIC, TenantRenamedV1, "A node was renamed."
)
TENANT_MOVED = EventSpec(
    IdentityEvent.TENANT_MOVED,
    TENANTS_TOPIC,
    TenantMovedV1,
    "A node (and its subtree) moved to a new parent.",
)
TENANT_DEACTIVATED = EventSpec(
    IdentityEvent.TENANT_DEACTIVATED,
    TENANTS_TOPIC,
    TenantDeactivatedV1,
    "A node and its subtree became read-only.",
)
USER_REGISTERED = EventSpec(
    IdentityEvent.USER_REGISTERED, USERS_TOPIC, UserRegisteredV1, "A person set up a login."
)
MEMBERSHIP_GRANTED = EventSpec(
    IdentityEvent.MEMBERSHIP_GRANTED, USERS_TOPIC, MembershipGrantedV1, "A person gained a role at a node."
)
MEMBERSHIP_REVOKED = EventSpec(
    IdentityEvent.MEMBERSHIP_REVOKED, USERS_TOPIC, MembershipRevokedV1, "A person lost a role at a node."
)
SESSIONS_REVOKED = EventSpec(
    IdentityEvent.SESSIONS_REVOKED,
    USERS_TOPIC,
    SessionsRevokedV1,
    "Access tokens that must no longer be accepted.",
)

ALL_EVENTS = (
    TENANT_CREATED,
    TENANT_RENAMED,
    TENANT_MOVED,
    TENANT_DEACTIVATED,
    USER_REGISTERED,
    MEMBERSHIP_GRANTED,
    MEMBERSHIP_REVOKED,
    SESSIONS_REVOKED,
)
TOPICS = (TENANTS_TOPIC, USERS_TOPIC)
