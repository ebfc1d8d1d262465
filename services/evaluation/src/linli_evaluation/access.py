"""Who may do what in evaluation. Committee staff run nominations and reports; auditors work their own audit
tasks; town and district admins read their subtree and set the district's rules; a volunteer with a login
sees only their own hours, stars, score and certificates."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_shared.auth import CurrentContext, require_role
from linli_shared.dependencies import ContextSession
from linli_shared.problems import Forbidden, NotFound
from linli_shared.tenancy import Role, TenantContext

WRITERS = frozenset({Role.TENANT_ADMIN, Role.STAFF})
READERS = WRITERS | {Role.AUDITOR, Role.TOWN_ADMIN, Role.DISTRICT_ADMIN}
#: who sets a district's (or town's, or committee's) rules: star thresholds, audit rates, score weights
POLICY_SETTERS = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_ADMIN, Role.TENANT_ADMIN})


Reader = Annotated[TenantContext, Depends(require_role(READERS))]
Writer = Annotated[TenantContext, Depends(require_role(WRITERS))]
Auditor = Annotated[TenantContext, Depends(require_role(frozenset({Role.AUDITOR})))]
PolicySetter = Annotated[TenantContext, Depends(require_role(POLICY_SETTERS))]
#: readers, or a volunteer of the committee (the calendar is also what volunteers sign up from)
ReaderOrVolunteer = Annotated[TenantContext, Depends(require_role(READERS | {Role.VOLUNTEER}))]
#: staff, or a volunteer (whose volunteer record the service then finds and checks)
StaffOrVolunteer = Annotated[TenantContext, Depends(require_role(WRITERS | {Role.VOLUNTEER}))]


def writable_committee(session: Session, context: TenantContext) -> TenantContext:
    """Every write belongs to one committee; its people (staff, its auditors, a volunteer for themself, or its
    own scheduled jobs in a service context) make it, and a deactivated committee's evaluation is read-only."""
    if context.tenant_id is None or context.role not in WRITERS | {
        Role.SERVICE,
        Role.VOLUNTEER,
        Role.AUDITOR,
    }:
        raise Forbidden("Only a committee's own people change its evaluation records.")
    directory.ensure_active(session, context.tenant_id)
    return context


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


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
