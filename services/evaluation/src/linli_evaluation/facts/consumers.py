"""Keeps the roster's volunteers and places from its events. Upserts keyed by the roster's ids: a
re-delivered event changes nothing."""

from __future__ import annotations

import logging

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.facts import contracts
from linli_evaluation.facts.models import AreaFact, VolunteerFact
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.tenancy import TenantContext

logger = logging.getLogger(__name__)
ROSTER_TOPICS = (contracts.VOLUNTEERS_TOPIC, contracts.AREAS_TOPIC)


def keep_volunteer(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.VOLUNTEER_REGISTERED)
    values = {
        "tenant_path": context.tenant_path,
        "name": data.name,
        "tier": data.tier,
        "status": data.status,
        "party_member": data.party_member,
        "joined_on": data.joined_on,
        "user_id": data.user_id,
    }
    statement = insert(VolunteerFact).values(
        tenant_id=context.tenant_id, volunteer_id=data.volunteer_id, **values
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "volunteer_id"], set_={**values, "updated_at": func.now()}
        )
    )


def change_tier(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.VOLUNTEER_TIER_CHANGED)
    _update(session, context, data.volunteer_id, tier=data.tier)


def mark_exited(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.VOLUNTEER_EXITED)
    _update(session, context, data.volunteer_id, status="exited")


def keep_area(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.AREA_CHANGED)
    values = {
        "tenant_path": context.tenant_path,
        "parent_id": data.parent_id,
        "kind": data.kind,
        "name": data.name,
    }
    statement = insert(AreaFact).values(tenant_id=context.tenant_id, area_id=data.area_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "area_id"], set_=values))


def _update(session: Session, context: TenantContext, volunteer_id: object, **values: object) -> None:
    changed = session.execute(
        update(VolunteerFact)
        .where(VolunteerFact.tenant_id == context.tenant_id, VolunteerFact.volunteer_id == volunteer_id)
        .values(**values, updated_at=func.now())
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        logger.warning("volunteer %s is unknown to evaluation; %s ignored", volunteer_id, values)


HANDLERS: dict[str, Handler] = {
    contracts.VOLUNTEER_REGISTERED.type: keep_volunteer,
    contracts.VOLUNTEER_UPDATED.type: keep_volunteer,
    contracts.VOLUNTEER_REJOINED.type: keep_volunteer,
    contracts.VOLUNTEER_TIER_CHANGED.type: change_tier,
    contracts.VOLUNTEER_EXITED.type: mark_exited,
    contracts.AREA_CHANGED.type: keep_area,
}
