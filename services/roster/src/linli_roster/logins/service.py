"""Giving a volunteer a login, and a volunteer's view of their own record."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.events import types as events
from linli_roster.logins.exceptions import LoginsNotConfigured, NotAVolunteer
from linli_roster.logins.identity_client import IdentityClient
from linli_roster.logins.repository import LoginRepository
from linli_roster.logins.schemas import LoginInvitationOut
from linli_roster.protection import mask_id_number
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Volunteer, VolunteerChange
from linli_roster.volunteers.repository import VolunteerRepository
from linli_roster.volunteers.schemas import VolunteerOut
from linli_roster.volunteers.service import volunteer_out
from linli_shared.tenancy import Role, TenantContext

#: how an identity invitation names the volunteer record it is for
EXTERNAL_REF_PREFIX = "roster:volunteer:"


def external_ref(volunteer_id: uuid.UUID) -> str:
    return f"{EXTERNAL_REF_PREFIX}{volunteer_id}"


def volunteer_of_ref(ref: str | None) -> uuid.UUID | None:
    """The volunteer id in `roster:volunteer:<uuid>`; None for any other reference."""
    if ref is None or not ref.startswith(EXTERNAL_REF_PREFIX):
        return None
    try:
        return uuid.UUID(ref.removeprefix(EXTERNAL_REF_PREFIX))
    except ValueError:
        return None


class LoginService:
    def __init__(self, session: Session, context: TenantContext, identity: IdentityClient | None) -> None:
        self.session = session
        self.context = context
        self.identity = identity
        self.logins = LoginRepository(session, context)

    def invite(self, volunteer_id: uuid.UUID) -> LoginInvitationOut:
        """An identity invitation for an active volunteer of the caller's committee, by their phone."""
        context = writable_committee(self.session, self.context)
        if self.identity is None:
            raise LoginsNotConfigured("Logins are not configured: the roster has no identity service client.")
        volunteer = self.logins.active_volunteer(volunteer_id)
        if volunteer is None or context.tenant_id is None:
            raise VolunteerNotFound()
        issued = self.identity.invite_volunteer(
            context.tenant_id, volunteer.name, volunteer.phone, external_ref(volunteer.id)
        )
        _record(self.session, volunteer, "login_invited", self.context.subject)
        return LoginInvitationOut(url=issued.url, token=issued.token, expires_at=issued.expires_at)

    def mine(self) -> VolunteerOut:
        """A volunteer's own record, phone unmasked for themselves; nobody else's, ever."""
        if self.context.role is not Role.VOLUNTEER or self.context.user_id is None:
            raise NotAVolunteer("Only a volunteer's own login has a volunteer record.")
        volunteer = self.logins.volunteer_of_user(self.context.user_id)
        if volunteer is None:
            raise VolunteerNotFound("No volunteer record is linked to your login yet.")
        roles = VolunteerRepository(self.session, self.context).roles_of([volunteer.id])[volunteer.id]
        # their own record: their phone in full, their ID number masked like everywhere else
        return volunteer_out(
            volunteer, list(roles), phone=volunteer.phone, id_number=mask_id_number(volunteer.id_number_hint)
        )


def link_login(session: Session, context: TenantContext, volunteer_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Link an accepted login to its volunteer record (idempotent); False when there is nothing to do."""
    if context.tenant_id is None:
        return False
    volunteer = LoginRepository(session, context).volunteer_for_update(context.tenant_id, volunteer_id)
    if volunteer is None or volunteer.user_id == user_id:
        return False
    volunteer.user_id = user_id
    volunteer.updated_at = func.now()
    session.flush()
    session.refresh(volunteer, ["updated_at"])
    _record(session, volunteer, "login_linked", context.subject)
    messaging.publish(
        session,
        events.VOLUNTEER_UPDATED,
        events.VolunteerSnapshotV1(
            volunteer_id=volunteer.id,
            name=volunteer.name,
            tier=volunteer.tier,
            status=volunteer.status,
            party_member=volunteer.party_member,
            building_id=volunteer.building_id,
            joined_on=volunteer.joined_on,
            user_id=volunteer.user_id,
        ),
        subject=volunteer.id,
        tenant_id=volunteer.tenant_id,
        tenant_path=volunteer.tenant_path,
    )
    return True


def _record(session: Session, volunteer: Volunteer, change: str, by: str) -> None:
    session.add(
        VolunteerChange(
            tenant_id=volunteer.tenant_id,
            id=uuid.uuid4(),
            tenant_path=volunteer.tenant_path,
            volunteer_id=volunteer.id,
            change=change,
            detail="",
            reason="",
            by_user=by[:80],
        )
    )
    session.flush()
