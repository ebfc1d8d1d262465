from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from linli_roster.mediation.models import Assignment, CaseStatus, Category, MediationCase, MediationSession
from linli_roster.volunteers.models import RoleKind, Volunteer, VolunteerRole
from linli_shared.db import within
from linli_shared.tenancy import Role, TenantContext


class MediationRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def case(self, case_id: uuid.UUID, for_update: bool = False) -> MediationCase | None:
        query = select(MediationCase).where(MediationCase.id == case_id, self._visible())
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def cases(self, status: CaseStatus | None, category: Category | None) -> Sequence[MediationCase]:
        query = select(MediationCase).where(self._visible())
        if status is not None:
            query = query.where(MediationCase.status == status)
        if category is not None:
            query = query.where(MediationCase.category == category)
        return self.session.scalars(
            query.order_by(
                MediationCase.received_on.desc(), MediationCase.created_at.desc(), MediationCase.id
            )
        ).all()

    def _visible(self) -> ColumnElement[bool]:
        """The committee's cases; for a mediator, only those they are assigned to and not released from."""
        in_committee = within(MediationCase.tenant_path, self.context.tenant_path)
        if self.context.role is not Role.VOLUNTEER:
            return in_committee
        assigned_to_me = (
            select(Assignment.id)
            .join(
                Volunteer,
                (Volunteer.tenant_id == Assignment.tenant_id) & (Volunteer.id == Assignment.volunteer_id),
            )
            .where(
                Assignment.tenant_id == MediationCase.tenant_id,
                Assignment.case_id == MediationCase.id,
                Assignment.released_on.is_(None),
                Volunteer.user_id == self.context.user_id,
            )
            .exists()
        )
        return and_(in_committee, assigned_to_me)

    def assignments(self, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[Assignment, str]]]:
        found: dict[uuid.UUID, list[tuple[Assignment, str]]] = {case_id: [] for case_id in case_ids}
        rows = self.session.execute(
            select(Assignment, Volunteer.name)
            .join(
                Volunteer,
                (Volunteer.tenant_id == Assignment.tenant_id) & (Volunteer.id == Assignment.volunteer_id),
            )
            .where(Assignment.case_id.in_(case_ids), within(Assignment.tenant_path, self.context.tenant_path))
            .order_by(Assignment.released_on.desc().nulls_first(), Assignment.assigned_on, Volunteer.name)
        ).all()
        for assignment, name in rows:
            found[assignment.case_id].append((assignment, name))
        return found

    def current_assignment(self, case_id: uuid.UUID, volunteer_id: uuid.UUID) -> Assignment | None:
        return self.session.scalars(
            select(Assignment)
            .where(
                Assignment.case_id == case_id,
                Assignment.volunteer_id == volunteer_id,
                Assignment.released_on.is_(None),
                within(Assignment.tenant_path, self.context.tenant_path),
            )
            .with_for_update()
        ).first()

    def sessions(self, case_id: uuid.UUID) -> Sequence[MediationSession]:
        return self.session.scalars(
            select(MediationSession)
            .where(
                MediationSession.case_id == case_id,
                within(MediationSession.tenant_path, self.context.tenant_path),
            )
            .order_by(MediationSession.held_on, MediationSession.created_at, MediationSession.id)
        ).all()

    def holds_mediator_role(self, volunteer: Volunteer) -> bool:
        """The volunteer holds the stacked mediator role (调解员) with no end to its term."""
        return (
            self.session.scalar(
                select(VolunteerRole.id)
                .where(
                    VolunteerRole.tenant_id == volunteer.tenant_id,
                    VolunteerRole.volunteer_id == volunteer.id,
                    VolunteerRole.role == RoleKind.MEDIATOR,
                    VolunteerRole.ends_on.is_(None),
                    within(VolunteerRole.tenant_path, self.context.tenant_path),
                )
                .limit(1)
            )
            is not None
        )

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
