from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from linli_roster.deliberation.models import Membership
from linli_roster.mediation.models import Assignment
from linli_roster.mentoring.models import MentorPair
from linli_roster.spaces.models import Area
from linli_roster.training.models import Qualification
from linli_roster.training.repository import valid_on
from linli_roster.volunteers.models import RoleKind, Status, Tier, Volunteer, VolunteerChange, VolunteerRole
from linli_shared.clock import shanghai_today
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


@dataclass(frozen=True)
class VolunteerFilter:
    status: Status | None = Status.ACTIVE
    tier: Tier | None = None
    role: RoleKind | None = None
    area_id: uuid.UUID | None = None
    name: str | None = None
    phone_suffix: str | None = None
    #: holds a valid qualification of this name today (e.g. 应急救护证)
    qualification: str | None = None


class VolunteerRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def get(self, volunteer_id: uuid.UUID, for_update: bool = False) -> Volunteer | None:
        query = select(Volunteer).where(
            Volunteer.id == volunteer_id, within(Volunteer.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def page(
        self, where: VolunteerFilter, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> Sequence[Volunteer]:
        """Keyset-paged by (name, id), so page 500 costs what page 1 costs."""
        query = select(Volunteer).where(within(Volunteer.tenant_path, self.context.tenant_path))
        if where.status is not None:
            query = query.where(Volunteer.status == where.status)
        if where.tier is not None:
            query = query.where(Volunteer.tier == where.tier)
        if where.name:
            query = query.where(Volunteer.name.contains(where.name, autoescape=True))
        if where.phone_suffix:
            query = query.where(Volunteer.phone.endswith(where.phone_suffix, autoescape=True))
        if where.role is not None:
            query = query.where(
                select(VolunteerRole.id)
                .where(
                    VolunteerRole.tenant_id == Volunteer.tenant_id,
                    VolunteerRole.volunteer_id == Volunteer.id,
                    VolunteerRole.role == where.role,
                    # held: not ended, and within its term (a term may have a planned end date)
                    VolunteerRole.ended_reason.is_(None),
                    or_(VolunteerRole.ends_on.is_(None), VolunteerRole.ends_on >= shanghai_today()),
                )
                .exists()
            )
        if where.area_id is not None:
            query = query.where(Volunteer.building_id.in_(self._buildings_within(where.area_id)))
        if where.qualification is not None:
            query = query.where(
                select(Qualification.id)
                .where(
                    Qualification.tenant_id == Volunteer.tenant_id,
                    Qualification.volunteer_id == Volunteer.id,
                    Qualification.name == where.qualification,
                    valid_on(shanghai_today()),
                )
                .exists()
            )
        if after is not None:
            name, volunteer_id = after
            query = query.where(
                or_(Volunteer.name > name, and_(Volunteer.name == name, Volunteer.id > volunteer_id))
            )
        return self.session.scalars(query.order_by(Volunteer.name, Volunteer.id).limit(limit)).all()

    def _buildings_within(self, area_id: uuid.UUID) -> Sequence[uuid.UUID]:
        """The area itself and everything up to two levels below it (grid → micro-grid → building)."""
        micro = select(Area.id).where(Area.parent_id == area_id)
        return self.session.scalars(
            select(Area.id).where(
                within(Area.tenant_path, self.context.tenant_path),
                or_(Area.id == area_id, Area.parent_id == area_id, Area.parent_id.in_(micro)),
            )
        ).all()

    def roles_of(self, volunteer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[VolunteerRole]]:
        roles: dict[uuid.UUID, list[VolunteerRole]] = {volunteer_id: [] for volunteer_id in volunteer_ids}
        rows = self.session.scalars(
            select(VolunteerRole)
            .where(
                VolunteerRole.volunteer_id.in_(volunteer_ids),
                within(VolunteerRole.tenant_path, self.context.tenant_path),
            )
            .order_by(VolunteerRole.starts_on)
        ).all()
        for role in rows:
            roles[role.volunteer_id].append(role)
        return roles

    def role(self, volunteer_id: uuid.UUID, role_id: uuid.UUID) -> VolunteerRole | None:
        return self.session.scalars(
            select(VolunteerRole)
            .where(
                VolunteerRole.id == role_id,
                VolunteerRole.volunteer_id == volunteer_id,
                within(VolunteerRole.tenant_path, self.context.tenant_path),
            )
            .with_for_update()
        ).first()

    def changes(self, volunteer_id: uuid.UUID) -> Sequence[VolunteerChange]:
        return self.session.scalars(
            select(VolunteerChange)
            .where(
                VolunteerChange.volunteer_id == volunteer_id,
                within(VolunteerChange.tenant_path, self.context.tenant_path),
            )
            .order_by(VolunteerChange.at, VolunteerChange.id)
        ).all()

    def end_commitments(self, volunteer: Volunteer, on: date, reason: str) -> None:
        """An exit also ends what the person was part of: open mentor pairs (either side), deliberation-group
        memberships and mediation-case assignments. Rows stay, with the date and reason, as history."""
        scope = (
            within(MentorPair.tenant_path, self.context.tenant_path),
            MentorPair.tenant_id == volunteer.tenant_id,
        )
        self.session.execute(
            update(MentorPair)
            .where(*scope, MentorPair.ended_on.is_(None))
            .where(or_(MentorPair.mentor_id == volunteer.id, MentorPair.mentee_id == volunteer.id))
            .values(ended_on=func.greatest(MentorPair.starts_on, on), ended_reason=reason)
        )
        self.session.execute(
            update(Membership)
            .where(
                within(Membership.tenant_path, self.context.tenant_path),
                Membership.tenant_id == volunteer.tenant_id,
                Membership.volunteer_id == volunteer.id,
                Membership.left_on.is_(None),
            )
            .values(left_on=func.greatest(Membership.joined_on, on), left_reason=reason[:500])
        )
        self.session.execute(
            update(Assignment)
            .where(
                within(Assignment.tenant_path, self.context.tenant_path),
                Assignment.tenant_id == volunteer.tenant_id,
                Assignment.volunteer_id == volunteer.id,
                Assignment.released_on.is_(None),
            )
            .values(released_on=func.greatest(Assignment.assigned_on, on))
        )

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
