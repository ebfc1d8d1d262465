"""What the identity service does when it hears its own tenant events.

A deactivated node's people must stop acting there: their refresh tokens end (access tokens expire
within minutes). Doing it here, not in the request, keeps a large subtree's deactivation fast and
shows the consumer runner at work in every service.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_identity.accounts.models import Membership
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.service import Actor, record
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.tokens import now
from linli_identity.events import types as events
from linli_shared.db import within
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.tenancy import TenantContext


def end_sessions_of_deactivated_tenant(session: Session, event: CloudEvent, context: TenantContext) -> None:
    payload = event.payload(events.TENANT_DEACTIVATED)
    user_ids = session.scalars(
        select(Membership.user_id)
        .where(Membership.tenant_id == payload.tenant_id, within(Membership.tenant_path, context.tenant_path))
        .distinct()
    ).all()
    if user_ids:
        AuthRepository(session).revoke_refresh_tokens(now(), list(user_ids))
    record(
        AuditRepository(session, context),
        Actor(context),
        tenant_id=payload.tenant_id,
        tenant_path=payload.path,
        action="sessions.ended_by_deactivation",
        target_type="tenant",
        target_id=payload.tenant_id,
        users=len(user_ids),
        event_id=str(event.id),
    )


HANDLERS: dict[str, Handler] = {events.IdentityEvent.TENANT_DEACTIVATED: end_sessions_of_deactivated_tenant}
#: what the identity consumer group listens to.
CONSUMED_TOPICS = (events.TENANTS_TOPIC,)
