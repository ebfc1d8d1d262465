"""Who may do what in scheduling. Committee staff plan and record; auditors and town/district admins read;
a volunteer with a login acts only for themself (and, when they lead a shift, for its attendance)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_scheduling.database import directory
from linli_scheduling.facts.models import VolunteerFact
from linli_shared.auth import CurrentContext, require_role
from linli_shared.dependencies import ContextSession
from linli_shared.problems import Forbidden, NotFound
from linli_shared.tenancy import Role, TenantContext

WRITERS = frozenset({Role.TENANT_ADMIN, Role.STAFF})
READERS = WRITERS | {Role.AUDITOR, Role.TOWN_ADMIN, Role.DISTRICT_ADMIN}


Reader = Annotated[TenantContext, Depends(require_role(READERS))]
Writer = Annotated[TenantContext, Depends(require_role(WRITERS))]
#: readers, or a volunteer of the committee (the calendar is also what volunteers sign up from)
ReaderOrVolunteer = Annotated[TenantContext, Depends(require_role(READERS | {Role.VOLUNTEER}))]
#: staff, or a volunteer (whose volunteer record the service then finds and checks)
StaffOrVolunteer = Annotated[TenantContext, Depends(require_role(WRITERS | {Role.VOLUNTEER}))]


def writable_committee(session: Session, context: TenantContext) -> TenantContext:
    """Every write belongs to one committee; its staff (or its own scheduled jobs, a service context for
    that committee) make it, and a deactivated committee's schedule is read-only."""
    if context.tenant_id is None or context.role not in WRITERS | {Role.SERVICE, Role.VOLUNTEER}:
        raise Forbidden("Only a committee's staff and volunteers change its schedule.")
    directory.ensure_active(session, context.tenant_id)
    return context


class NotAVolunteer(NotFound):
    slug = "volunteer-not-linked"
    title = "Your login is not linked to a volunteer of this committee"


def volunteer_of(session: Session, context: TenantContext) -> VolunteerFact:
    """The volunteer a volunteer's login belongs to (linked in the roster, announced by its events)."""
    if context.role != Role.VOLUNTEER or context.user_id is None:
        raise Forbidden("Only a volunteer's own login does this.")
    fact = session.scalars(
        select(VolunteerFact).where(
            VolunteerFact.user_id == context.user_id, VolunteerFact.tenant_id == context.tenant_id
        )
    ).first()
    if fact is None:
        raise NotAVolunteer()
    return fact


def current_volunteer(context: CurrentContext, session: ContextSession) -> VolunteerFact:
    return volunteer_of(session, context)


Me = Annotated[VolunteerFact, Depends(current_volunteer)]


def volunteer_id_of(session: Session, context: TenantContext) -> uuid.UUID | None:
    """The caller's own volunteer id when the caller is a volunteer; None for staff."""
    return volunteer_of(session, context).volunteer_id if context.role == Role.VOLUNTEER else None
