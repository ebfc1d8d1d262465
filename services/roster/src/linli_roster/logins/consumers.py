"""Identity's membership grants: a volunteer who accepted their login invitation is linked to their record.

The roster relies on these fields of `linli.identity.membership.granted.v1` only (extra fields are allowed:
identity owns the payload); a contract test checks identity's committed schema still provides them."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from linli_roster.logins.service import link_login, volunteer_of_ref
from linli_shared.events.envelope import CloudEvent, EventPayload, EventSpec
from linli_shared.tenancy import Role, TenantContext

IDENTITY_USERS_TOPIC = "identity.users"


class MembershipGrantedV1(EventPayload):
    model_config = EventPayload.model_config | {"extra": "ignore"}

    membership_id: uuid.UUID
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: str
    external_ref: str | None = None


MEMBERSHIP_GRANTED = EventSpec(
    "linli.identity.membership.granted.v1",
    IDENTITY_USERS_TOPIC,
    MembershipGrantedV1,
    "What the roster expects of a granted membership (consumer-side contract).",
)


def link_volunteer_login(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(MEMBERSHIP_GRANTED)
    volunteer_id = volunteer_of_ref(data.external_ref)
    if volunteer_id is None or data.role != Role.VOLUNTEER.value or data.tenant_id != context.tenant_id:
        return
    link_login(session, context, volunteer_id, data.user_id)
