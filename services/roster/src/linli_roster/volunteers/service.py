"""The people of a committee: profiles, tiers, stacked roles, exit and re-joining. History is kept."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import SEES_ID_NUMBERS, SEES_PHONES, writable_committee
from linli_roster.database import messaging
from linli_roster.events import types as events
from linli_roster.protection import IdNumberCipher, mask_id_number, mask_phone
from linli_roster.spaces.exceptions import AreaNotFound
from linli_roster.spaces.models import AreaKind
from linli_roster.spaces.repository import AreaRepository
from linli_roster.volunteers.exceptions import (
    InvalidRoleScope,
    PhoneTaken,
    RoleNotFound,
    VolunteerNotFound,
    WrongStatus,
)
from linli_roster.volunteers.models import RoleKind, Status, Volunteer, VolunteerChange, VolunteerRole
from linli_roster.volunteers.repository import VolunteerFilter, VolunteerRepository
from linli_roster.volunteers.schemas import (
    ChangeOut,
    Exit,
    Rejoin,
    RoleAssign,
    RoleEnd,
    RoleOut,
    TierChange,
    VolunteerCreate,
    VolunteerOut,
    VolunteerPage,
    VolunteerUpdate,
)
from linli_shared.clock import shanghai_today
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.events.envelope import EventSpec, Payload
from linli_shared.problems import Invalid
from linli_shared.tenancy import TenantContext

#: roles whose scope is a kind of area (the others are scoped by a note, e.g. the deliberation group's name)
ROLE_AREA_KIND = {
    RoleKind.BUILDING_GROUP_LEADER: AreaKind.BUILDING,
    RoleKind.MICRO_GRID_LEADER: AreaKind.MICRO_GRID,
}


class VolunteerService:
    def __init__(self, session: Session, context: TenantContext, cipher: IdNumberCipher) -> None:
        self.session = session
        self.context = context
        self.cipher = cipher
        self.volunteers = VolunteerRepository(session, context)
        self.areas = AreaRepository(session, context)

    # reading -------------------------------------------------------------------------------------------

    def page(self, where: VolunteerFilter, cursor: str | None, limit: int) -> VolunteerPage:
        found = self.volunteers.page(
            where, decode_cursor(cursor, str, uuid.UUID) if cursor else None, limit + 1
        )
        shown = list(found[:limit])
        roles = self.volunteers.roles_of([volunteer.id for volunteer in shown])
        items = [self._out(volunteer, roles[volunteer.id], reveal_id=False) for volunteer in shown]
        last = shown[-1] if len(found) > limit else None
        return VolunteerPage(items=items, next_cursor=encode_cursor(last.name, last.id) if last else None)

    def get(self, volunteer_id: uuid.UUID) -> VolunteerOut:
        volunteer = self._volunteer(volunteer_id)
        return self._out(volunteer, self.volunteers.roles_of([volunteer.id])[volunteer.id], reveal_id=True)

    def history(self, volunteer_id: uuid.UUID) -> list[ChangeOut]:
        volunteer = self._volunteer(volunteer_id)
        return [
            ChangeOut.model_validate(change, from_attributes=True)
            for change in self.volunteers.changes(volunteer.id)
        ]

    # writing -------------------------------------------------------------------------------------------

    def register(self, request: VolunteerCreate) -> VolunteerOut:
        context = writable_committee(self.session, self.context)
        volunteer = Volunteer(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            name=request.name,
            phone=request.phone,
            building_id=self._building(request.building_id),
            skills=request.skills,
            availability=request.availability,
            party_member=request.party_member,
            joined_on=request.joined_on,
            channel=request.channel,
        )
        self._set_id_number(volunteer, request.id_number)
        self._save(volunteer, new=True)
        self._record(volunteer, "registered", request.channel.value, "")
        self._publish(volunteer, events.VOLUNTEER_REGISTERED, volunteer_snapshot(volunteer))
        return self.get(volunteer.id)

    def update(self, volunteer_id: uuid.UUID, request: VolunteerUpdate) -> VolunteerOut:
        writable_committee(self.session, self.context)
        volunteer = self._volunteer(volunteer_id, for_update=True)
        changes = request.model_dump(exclude_unset=True)
        for field in ("name", "phone", "skills", "availability", "party_member"):
            if field in changes and changes[field] is not None:
                setattr(volunteer, field, changes[field])
        if "building_id" in changes:
            volunteer.building_id = self._building(request.building_id)
        if "id_number" in changes:
            self._set_id_number(volunteer, request.id_number)
        self._save(volunteer)
        self._publish(volunteer, events.VOLUNTEER_UPDATED, volunteer_snapshot(volunteer))
        return self.get(volunteer.id)

    def change_tier(self, volunteer_id: uuid.UUID, request: TierChange) -> VolunteerOut:
        writable_committee(self.session, self.context)
        volunteer = self._active(volunteer_id)
        previous = volunteer.tier
        if previous == request.tier:
            raise WrongStatus(f"The volunteer is already {request.tier.value}.")
        volunteer.tier = request.tier
        self._save(volunteer)
        self._record(volunteer, "tier_changed", request.tier.value, request.reason)
        self._publish(
            volunteer,
            events.VOLUNTEER_TIER_CHANGED,
            events.VolunteerTierChangedV1(
                volunteer_id=volunteer.id, tier=request.tier, previous_tier=previous, reason=request.reason
            ),
        )
        return self.get(volunteer.id)

    def assign_role(self, volunteer_id: uuid.UUID, request: RoleAssign) -> VolunteerOut:
        writable_committee(self.session, self.context)
        volunteer = self._active(volunteer_id)
        if request.ends_on is not None and request.ends_on < request.starts_on:
            raise Invalid("A term cannot end before it starts.")
        expected_kind = ROLE_AREA_KIND.get(request.role)
        if expected_kind is not None or request.area_id is not None:
            area = self.areas.get(request.area_id) if request.area_id else None
            if area is None:
                raise InvalidRoleScope(f"A {request.role.value} needs an area of this committee.")
            if expected_kind is not None and area.kind != expected_kind:
                raise InvalidRoleScope(f"A {request.role.value} is scoped to a {expected_kind.value}.")
        role = VolunteerRole(
            tenant_id=volunteer.tenant_id,
            id=uuid.uuid4(),
            tenant_path=volunteer.tenant_path,
            volunteer_id=volunteer.id,
            role=request.role,
            area_id=request.area_id,
            scope_note=request.scope_note,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
        )
        self.volunteers.add(role)
        self._record(volunteer, "role_assigned", request.role.value, request.scope_note)
        self._publish(volunteer, events.VOLUNTEER_ROLE_ASSIGNED, role_event(role))
        return self.get(volunteer.id)

    def end_role(self, volunteer_id: uuid.UUID, role_id: uuid.UUID, request: RoleEnd) -> VolunteerOut:
        writable_committee(self.session, self.context)
        volunteer = self._volunteer(volunteer_id)
        role = self.volunteers.role(volunteer.id, role_id)
        if role is None:
            raise RoleNotFound()
        if role.ended_reason is not None:
            raise WrongStatus("This role has already ended.")
        if request.ends_on < role.starts_on:
            raise Invalid("A term cannot end before it starts.")
        role.ends_on, role.ended_reason = request.ends_on, request.reason
        self.session.flush()
        self._record(volunteer, "role_ended", role.role, request.reason)
        self._publish(volunteer, events.VOLUNTEER_ROLE_ENDED, role_event(role))
        return self.get(volunteer.id)

    def exit(self, volunteer_id: uuid.UUID, request: Exit) -> VolunteerOut:
        """Exits keep the person and their history; live roles, mentor pairs, group memberships and case
        assignments end the same day."""
        writable_committee(self.session, self.context)
        volunteer = self._active(volunteer_id)
        volunteer.status = Status.EXITED
        today = shanghai_today()
        for role in self.volunteers.roles_of([volunteer.id])[volunteer.id]:
            # a term that already ran out keeps its end date; live ones end on the day of the exit
            if role.ended_reason is None and (role.ends_on is None or role.ends_on >= today):
                role.ends_on = max(today, role.starts_on)
                role.ended_reason = f"exit: {request.kind.value}"
                self._publish(volunteer, events.VOLUNTEER_ROLE_ENDED, role_event(role))
        self.volunteers.end_commitments(volunteer, today, f"exit: {request.kind.value}")
        self._save(volunteer)
        self._record(volunteer, "exited", request.kind.value, request.reason)
        self._publish(
            volunteer,
            events.VOLUNTEER_EXITED,
            events.VolunteerExitedV1(volunteer_id=volunteer.id, kind=request.kind, reason=request.reason),
        )
        return self.get(volunteer.id)

    def rejoin(self, volunteer_id: uuid.UUID, request: Rejoin) -> VolunteerOut:
        writable_committee(self.session, self.context)
        volunteer = self._volunteer(volunteer_id, for_update=True)
        if volunteer.status != Status.EXITED:
            raise WrongStatus("Only a volunteer who has exited can re-join.")
        volunteer.status = Status.ACTIVE
        self._save(volunteer)
        self._record(volunteer, "rejoined", "", request.reason)
        self._publish(volunteer, events.VOLUNTEER_REJOINED, volunteer_snapshot(volunteer))
        return self.get(volunteer.id)

    # helpers -------------------------------------------------------------------------------------------

    def _volunteer(self, volunteer_id: uuid.UUID, for_update: bool = False) -> Volunteer:
        volunteer = self.volunteers.get(volunteer_id, for_update=for_update)
        if volunteer is None:
            raise VolunteerNotFound()
        return volunteer

    def _active(self, volunteer_id: uuid.UUID) -> Volunteer:
        volunteer = self._volunteer(volunteer_id, for_update=True)
        if volunteer.status != Status.ACTIVE:
            raise WrongStatus("The volunteer has exited; re-join first.")
        return volunteer

    def _building(self, area_id: uuid.UUID | None) -> uuid.UUID | None:
        if area_id is None:
            return None
        area = self.areas.get(area_id)
        if area is None or area.kind != AreaKind.BUILDING:
            raise AreaNotFound("The building was not found in this committee.")
        return area.id

    def _set_id_number(self, volunteer: Volunteer, id_number: str | None) -> None:
        if id_number is None:
            volunteer.id_number_sealed, volunteer.id_number_hint = None, None
        else:
            volunteer.id_number_sealed = self.cipher.seal(id_number, str(volunteer.tenant_id))
            volunteer.id_number_hint = id_number[-4:]

    def _save(self, volunteer: Volunteer, new: bool = False) -> None:
        try:
            with self.session.begin_nested():
                if new:
                    self.session.add(volunteer)
                self.session.flush()
        except IntegrityError as error:
            raise PhoneTaken() from error

    def _record(self, volunteer: Volunteer, change: str, detail: str, reason: str) -> None:
        self.volunteers.add(
            VolunteerChange(
                tenant_id=volunteer.tenant_id,
                id=uuid.uuid4(),
                tenant_path=volunteer.tenant_path,
                volunteer_id=volunteer.id,
                change=change,
                detail=detail,
                reason=reason,
                by_user=self.context.subject,
            )
        )

    def _publish(self, volunteer: Volunteer, spec: EventSpec[Payload], data: Payload) -> None:
        messaging.publish(
            self.session,
            spec,
            data,
            subject=volunteer.id,
            tenant_id=volunteer.tenant_id,
            tenant_path=volunteer.tenant_path,
        )

    def _out(self, volunteer: Volunteer, roles: list[VolunteerRole], reveal_id: bool) -> VolunteerOut:
        role = self.context.role
        id_number = mask_id_number(volunteer.id_number_hint)
        if reveal_id and role in SEES_ID_NUMBERS and volunteer.id_number_sealed is not None:
            id_number = self.cipher.open(volunteer.id_number_sealed, str(volunteer.tenant_id))
        phone = volunteer.phone if role in SEES_PHONES else mask_phone(volunteer.phone)
        return volunteer_out(volunteer, roles, phone=phone, id_number=id_number)


def volunteer_out(
    volunteer: Volunteer, roles: list[VolunteerRole], *, phone: str, id_number: str | None
) -> VolunteerOut:
    """The volunteer as shown, with phone and ID number already masked (or not) for the viewer."""
    return VolunteerOut(
        id=volunteer.id,
        name=volunteer.name,
        phone=phone,
        id_number=id_number,
        building_id=volunteer.building_id,
        skills=list(volunteer.skills),
        availability=volunteer.availability,
        party_member=volunteer.party_member,
        joined_on=volunteer.joined_on,
        channel=volunteer.channel,
        tier=volunteer.tier,
        status=volunteer.status,
        user_id=volunteer.user_id,
        roles=[RoleOut.model_validate(role, from_attributes=True) for role in roles],
        updated_at=volunteer.updated_at,
    )


def volunteer_snapshot(volunteer: Volunteer) -> events.VolunteerSnapshotV1:
    return events.VolunteerSnapshotV1(
        volunteer_id=volunteer.id,
        name=volunteer.name,
        tier=volunteer.tier,
        status=volunteer.status,
        party_member=volunteer.party_member,
        building_id=volunteer.building_id,
        joined_on=volunteer.joined_on,
        user_id=volunteer.user_id,
    )


def role_event(role: VolunteerRole) -> events.VolunteerRoleV1:
    return events.VolunteerRoleV1(
        volunteer_id=role.volunteer_id,
        role_id=role.id,
        role=role.role,
        area_id=role.area_id,
        starts_on=role.starts_on,
        ends_on=role.ends_on,
    )
