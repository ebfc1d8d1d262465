from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from linli_roster.training.models import Completion, Course, Qualification, QualificationStatus
from linli_roster.volunteers.models import Status, Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


def valid_on(day: date) -> ColumnElement[bool]:
    """Held on `day`: granted by then, not yet past its last day, never revoked. A superseded grant still
    covers the days before its renewal, and an expired one the days before its expiry."""
    return and_(
        Qualification.status != QualificationStatus.REVOKED,
        Qualification.granted_on <= day,
        or_(Qualification.expires_on.is_(None), Qualification.expires_on >= day),
    )


class TrainingRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # courses ------------------------------------------------------------------------------------------

    def courses(self, include_retired: bool) -> Sequence[Course]:
        query = select(Course).where(within(Course.tenant_path, self.context.tenant_path))
        if not include_retired:
            query = query.where(Course.retired_on.is_(None))
        return self.session.scalars(query.order_by(Course.name, Course.id)).all()

    def course(self, course_id: uuid.UUID, for_update: bool = False) -> Course | None:
        query = select(Course).where(
            Course.id == course_id, within(Course.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def courses_by_id(self, course_ids: set[uuid.UUID]) -> dict[uuid.UUID, Course]:
        rows = self.session.scalars(
            select(Course).where(
                Course.id.in_(course_ids), within(Course.tenant_path, self.context.tenant_path)
            )
        ).all()
        return {course.id: course for course in rows}

    # completions --------------------------------------------------------------------------------------

    def completions_of_course(
        self, course_id: uuid.UUID, after: tuple[date, uuid.UUID] | None, limit: int
    ) -> Sequence[Completion]:
        """Newest first, keyset-paged by (completed_on, id)."""
        query = select(Completion).where(
            Completion.course_id == course_id, within(Completion.tenant_path, self.context.tenant_path)
        )
        if after is not None:
            day, completion_id = after
            query = query.where(
                or_(
                    Completion.completed_on < day,
                    and_(Completion.completed_on == day, Completion.id < completion_id),
                )
            )
        return self.session.scalars(
            query.order_by(Completion.completed_on.desc(), Completion.id.desc()).limit(limit)
        ).all()

    def completions_of_volunteer(self, volunteer_id: uuid.UUID) -> Sequence[Completion]:
        return self.session.scalars(
            select(Completion)
            .where(
                Completion.volunteer_id == volunteer_id,
                within(Completion.tenant_path, self.context.tenant_path),
            )
            .order_by(Completion.completed_on.desc(), Completion.id.desc())
        ).all()

    # qualifications -----------------------------------------------------------------------------------

    def qualification(self, qualification_id: uuid.UUID, for_update: bool = False) -> Qualification | None:
        query = select(Qualification).where(
            Qualification.id == qualification_id,
            within(Qualification.tenant_path, self.context.tenant_path),
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def live_qualification(
        self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID, name: str
    ) -> Qualification | None:
        return self.session.scalars(
            select(Qualification)
            .where(
                Qualification.tenant_id == tenant_id,
                Qualification.volunteer_id == volunteer_id,
                Qualification.name == name,
                Qualification.status == QualificationStatus.ACTIVE,
                within(Qualification.tenant_path, self.context.tenant_path),
            )
            .with_for_update()
        ).first()

    def granted_by(self, completion_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Qualification]:
        rows = self.session.scalars(
            select(Qualification).where(
                Qualification.completion_id.in_(completion_ids),
                within(Qualification.tenant_path, self.context.tenant_path),
            )
        ).all()
        return {row.completion_id: row for row in rows}

    def qualifications_of(self, volunteer_id: uuid.UUID, current_on: date | None) -> Sequence[Qualification]:
        """All grants, newest first; with `current_on`, only the live ones still valid that day."""
        query = select(Qualification).where(
            Qualification.volunteer_id == volunteer_id,
            within(Qualification.tenant_path, self.context.tenant_path),
        )
        if current_on is not None:
            query = query.where(Qualification.status == QualificationStatus.ACTIVE, valid_on(current_on))
        return self.session.scalars(
            query.order_by(Qualification.name, Qualification.granted_on.desc(), Qualification.id)
        ).all()

    def holders(
        self, name: str, day: date, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> Sequence[Volunteer]:
        """Active volunteers holding a valid `name` on `day`, keyset-paged by (name, id)."""
        holds = (
            select(Qualification.id)
            .where(
                Qualification.tenant_id == Volunteer.tenant_id,
                Qualification.volunteer_id == Volunteer.id,
                Qualification.name == name,
                valid_on(day),
            )
            .exists()
        )
        query = select(Volunteer).where(
            within(Volunteer.tenant_path, self.context.tenant_path), Volunteer.status == Status.ACTIVE, holds
        )
        if after is not None:
            volunteer_name, volunteer_id = after
            query = query.where(
                or_(
                    Volunteer.name > volunteer_name,
                    and_(Volunteer.name == volunteer_name, Volunteer.id > volunteer_id),
                )
            )
        return self.session.scalars(query.order_by(Volunteer.name, Volunteer.id).limit(limit)).all()

    def valid_grants(
        self, volunteer_ids: Sequence[uuid.UUID], name: str, day: date
    ) -> dict[uuid.UUID, Qualification]:
        """Per volunteer, the valid grant that lasts longest (no expiry first)."""
        rows = self.session.scalars(
            select(Qualification)
            .where(
                Qualification.volunteer_id.in_(volunteer_ids),
                Qualification.name == name,
                valid_on(day),
                within(Qualification.tenant_path, self.context.tenant_path),
            )
            .order_by(Qualification.expires_on.desc().nulls_first(), Qualification.granted_on.desc())
        ).all()
        best: dict[uuid.UUID, Qualification] = {}
        for row in rows:
            best.setdefault(row.volunteer_id, row)
        return best

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
