"""The committee's map: grid (网格) → micro-grid (微网格) → building (楼栋), each with a responsible person."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.events import types as events
from linli_roster.spaces.exceptions import AreaNameTaken, AreaNotFound, InvalidAreaParent
from linli_roster.spaces.models import PARENT_KIND, Area
from linli_roster.spaces.repository import AreaRepository
from linli_roster.spaces.schemas import AreaCreate, AreaOut, AreaUpdate
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.tenancy import TenantContext


class AreaService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.areas = AreaRepository(session, context)
        self.volunteers = VolunteerRepository(session, context)

    def areas_with_responsible(self) -> list[AreaOut]:
        return [_out(area, name) for area, name in self.areas.all()]

    def coverage_gaps(self) -> list[AreaOut]:
        """Areas nobody answers for: no responsible person, or one who has left."""
        return [area for area in self.areas_with_responsible() if area.responsible_name is None]

    def create(self, request: AreaCreate) -> AreaOut:
        context = writable_committee(self.session, self.context)
        parent = self._parent(request)
        area = Area(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            parent_id=parent.id if parent else None,
            kind=request.kind,
            name=request.name,
            responsible_volunteer_id=self._responsible(request.responsible_volunteer_id),
            active=True,
        )
        try:
            with self.session.begin_nested():
                self.areas.add(area)
        except IntegrityError as error:
            raise AreaNameTaken() from error
        return self._announce(area)

    def update(self, area_id: uuid.UUID, request: AreaUpdate) -> AreaOut:
        writable_committee(self.session, self.context)
        area = self.areas.get(area_id, for_update=True)
        if area is None:
            raise AreaNotFound()
        if request.name is not None:
            area.name = request.name
        if "responsible_volunteer_id" in request.model_fields_set:
            area.responsible_volunteer_id = self._responsible(request.responsible_volunteer_id)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError as error:
            raise AreaNameTaken() from error
        return self._announce(area)

    def _parent(self, request: AreaCreate) -> Area | None:
        expected = PARENT_KIND[request.kind]
        if request.parent_id is None:
            if expected is not None:
                raise InvalidAreaParent(f"A {request.kind.value} needs a {expected.value} as its parent.")
            return None
        parent = self.areas.get(request.parent_id)
        if parent is None:
            raise AreaNotFound("The parent area was not found.")
        if parent.kind != expected:
            raise InvalidAreaParent(f"A {request.kind.value} cannot sit under a {parent.kind}.")
        return parent

    def _responsible(self, volunteer_id: uuid.UUID | None) -> uuid.UUID | None:
        if volunteer_id is None:
            return None
        volunteer = self.volunteers.get(volunteer_id)
        if volunteer is None or volunteer.status != Status.ACTIVE:
            raise VolunteerNotFound("The responsible person must be an active volunteer of this committee.")
        return volunteer.id

    def _announce(self, area: Area) -> AreaOut:
        self.session.flush()
        messaging.publish(
            self.session,
            events.AREA_CHANGED,
            area_event(area),
            subject=area.id,
            tenant_id=area.tenant_id,
            tenant_path=area.tenant_path,
        )
        responsible = (
            self.volunteers.get(area.responsible_volunteer_id) if area.responsible_volunteer_id else None
        )
        return _out(area, responsible.name if responsible else None)


def _out(area: Area, responsible_name: str | None) -> AreaOut:
    return AreaOut(
        id=area.id,
        parent_id=area.parent_id,
        kind=area.kind,
        name=area.name,
        responsible_volunteer_id=area.responsible_volunteer_id,
        responsible_name=responsible_name,
        active=area.active,
        updated_at=area.updated_at,
    )


def area_event(area: Area) -> events.AreaChangedV1:
    return events.AreaChangedV1(
        area_id=area.id,
        parent_id=area.parent_id,
        kind=area.kind,
        name=area.name,
        responsible_volunteer_id=area.responsible_volunteer_id,
        active=area.active,
    )
