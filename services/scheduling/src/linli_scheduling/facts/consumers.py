"""Keeps the roster facts (volunteers, roles, qualifications, courses, areas) from the roster's events.

Every handler is an upsert keyed by the roster's own id, so a re-delivered event changes nothing. The roster
keys volunteer and qualification events by the volunteer, so one person's events arrive in order; where
an out-of-order arrival is still cheap to absorb it is: a revocation sticks whatever comes after it, and a
role's end date only ever moves earlier."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_scheduling.facts import contracts
from linli_scheduling.facts.contracts import ROSTER_TOPICS
from linli_scheduling.facts.models import AreaFact, CourseFact, QualificationFact, RoleFact, VolunteerFact
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.tenancy import TenantContext

__all__ = ["HANDLERS", "ROSTER_TOPICS"]

logger = logging.getLogger(__name__)

EXITED = "exited"


def keep_volunteer(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """registered, updated, rejoined: the whole shared snapshot, the latest one wins."""
    data = event.payload(contracts.VOLUNTEER_REGISTERED)
    facts = {
        "tenant_path": context.tenant_path,
        "name": data.name,
        "tier": data.tier,
        "status": data.status,
        "user_id": data.user_id,
    }
    statement = insert(VolunteerFact).values(
        tenant_id=context.tenant_id, volunteer_id=data.volunteer_id, **facts
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "volunteer_id"], set_={**facts, "updated_at": func.now()}
        )
    )


def change_tier(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.VOLUNTEER_TIER_CHANGED)
    _update_volunteer(session, event, context, data.volunteer_id, tier=data.tier)


def mark_exited(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """An exited volunteer can no longer sign up; their existing sign-ups are the schedule's business."""
    data = event.payload(contracts.VOLUNTEER_EXITED)
    _update_volunteer(session, event, context, data.volunteer_id, status=EXITED)


def _update_volunteer(
    session: Session, event: CloudEvent, context: TenantContext, volunteer_id: uuid.UUID, **changes: str
) -> None:
    changed = session.execute(
        update(VolunteerFact)
        .where(VolunteerFact.tenant_id == context.tenant_id, VolunteerFact.volunteer_id == volunteer_id)
        .values(**changes, updated_at=func.now())
    )
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        # the roster registers before it changes anyone, in the same partition: nothing to apply it to
        logger.warning(
            "roster change for an unknown volunteer",
            extra={"event_id": str(event.id), "event_type": event.type, "volunteer_id": str(volunteer_id)},
        )


def keep_role(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """role_assigned and role_ended carry the role's whole term. An end only shortens a term: `least`
    (which skips nulls, an open end) keeps an end date already known if an older assignment replays."""
    data = event.payload(contracts.VOLUNTEER_ROLE_ASSIGNED)
    statement = insert(RoleFact).values(
        tenant_id=context.tenant_id,
        role_id=data.role_id,
        tenant_path=context.tenant_path,
        volunteer_id=data.volunteer_id,
        role=data.role,
        area_id=data.area_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    ends_on = (
        statement.excluded.ends_on
        if event.type == contracts.VOLUNTEER_ROLE_ENDED.type
        else func.least(RoleFact.ends_on, statement.excluded.ends_on)
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "role_id"],
            set_={
                "tenant_path": statement.excluded.tenant_path,
                "volunteer_id": statement.excluded.volunteer_id,
                "role": statement.excluded.role,
                "area_id": statement.excluded.area_id,
                "starts_on": statement.excluded.starts_on,
                "ends_on": ends_on,
            },
        )
    )


def keep_qualification(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """granted inserts the grant; expired only confirms it (validity is judged by date against
    `expires_on`, so nothing changes); revoked marks it. A revocation is never undone by a later replay
    of the grant."""
    data = event.payload(contracts.QUALIFICATION_GRANTED)
    revoked = event.type == contracts.QUALIFICATION_REVOKED.type
    statement = insert(QualificationFact).values(
        tenant_id=context.tenant_id,
        qualification_id=data.qualification_id,
        tenant_path=context.tenant_path,
        volunteer_id=data.volunteer_id,
        name=data.name,
        granted_on=data.granted_on,
        expires_on=data.expires_on,
        revoked=revoked,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "qualification_id"],
            set_={
                "tenant_path": statement.excluded.tenant_path,
                "volunteer_id": statement.excluded.volunteer_id,
                "name": statement.excluded.name,
                "granted_on": statement.excluded.granted_on,
                "expires_on": statement.excluded.expires_on,
                "revoked": QualificationFact.revoked | statement.excluded.revoked,
            },
        )
    )


def keep_course(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.COURSE_CREATED)
    facts = {"tenant_path": context.tenant_path, "name": data.name, "qualification": data.qualification}
    statement = insert(CourseFact).values(tenant_id=context.tenant_id, course_id=data.course_id, **facts)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "course_id"], set_=facts))


def keep_area(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.AREA_CHANGED)
    facts = {
        "tenant_path": context.tenant_path,
        "parent_id": data.parent_id,
        "kind": data.kind,
        "name": data.name,
        "active": data.active,
    }
    statement = insert(AreaFact).values(tenant_id=context.tenant_id, area_id=data.area_id, **facts)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "area_id"], set_=facts))


HANDLERS: dict[str, Handler] = {
    contracts.VOLUNTEER_REGISTERED.type: keep_volunteer,
    contracts.VOLUNTEER_UPDATED.type: keep_volunteer,
    contracts.VOLUNTEER_REJOINED.type: keep_volunteer,
    contracts.VOLUNTEER_TIER_CHANGED.type: change_tier,
    contracts.VOLUNTEER_EXITED.type: mark_exited,
    contracts.VOLUNTEER_ROLE_ASSIGNED.type: keep_role,
    contracts.VOLUNTEER_ROLE_ENDED.type: keep_role,
    contracts.QUALIFICATION_GRANTED.type: keep_qualification,
    contracts.QUALIFICATION_EXPIRED.type: keep_qualification,
    contracts.QUALIFICATION_REVOKED.type: keep_qualification,
    contracts.COURSE_CREATED.type: keep_course,
    contracts.AREA_CHANGED.type: keep_area,
}
