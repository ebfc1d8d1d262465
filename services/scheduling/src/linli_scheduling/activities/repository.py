from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, ActivityKind, ActivityStatus, Shift, ShiftStatus
from linli_scheduling.facts.models import AreaFact, CourseFact, VolunteerFact
from linli_scheduling.projects.models import Project
from linli_scheduling.signups.models import LIVE, Signup, SignupStatus
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


@dataclass(frozen=True)
class ShiftFilter:
    """A calendar's window (UTC, half-open) and what to narrow it to."""

    starts_from: datetime
    starts_before: datetime
    activity_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    kind: ActivityKind | None = None
    #: the area and every area under it
    area_ids: Collection[uuid.UUID] | None = None
    volunteer_id: uuid.UUID | None = None
    status: ShiftStatus | None = None


class ActivityRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # activities ---------------------------------------------------------------------------------------

    def activity(self, activity_id: uuid.UUID, for_update: bool = False) -> Activity | None:
        query = select(Activity).where(
            Activity.id == activity_id, within(Activity.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def activities(
        self,
        project_id: uuid.UUID | None,
        kind: ActivityKind | None,
        status: ActivityStatus | None,
        after: tuple[str, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Activity]:
        """Keyset-paged by (name, id)."""
        query = select(Activity).where(within(Activity.tenant_path, self.context.tenant_path))
        if project_id is not None:
            query = query.where(Activity.project_id == project_id)
        if kind is not None:
            query = query.where(Activity.kind == kind)
        if status is not None:
            query = query.where(Activity.status == status)
        if after is not None:
            name, activity_id = after
            query = query.where(
                or_(Activity.name > name, and_(Activity.name == name, Activity.id > activity_id))
            )
        return self.session.scalars(query.order_by(Activity.name, Activity.id).limit(limit)).all()

    def series_to_extend(self, horizon: date) -> Sequence[Activity]:
        """Active recurring activities materialised short of the horizon, locked so that two runs of the
        horizon task for one committee take turns."""
        return self.session.scalars(
            select(Activity)
            .where(
                within(Activity.tenant_path, self.context.tenant_path),
                Activity.status == ActivityStatus.ACTIVE,
                Activity.recurrence.is_not(None),
                Activity.materialised_until < horizon,
            )
            .order_by(Activity.tenant_id, Activity.id)
            .with_for_update()
        ).all()

    def upcoming_shifts(self, activity: Activity, now: datetime) -> int:
        return (
            self.session.scalar(
                select(func.count()).where(
                    Shift.tenant_id == activity.tenant_id,
                    Shift.activity_id == activity.id,
                    Shift.status == ShiftStatus.SCHEDULED,
                    Shift.starts_at > now,
                )
            )
            or 0
        )

    # shifts -------------------------------------------------------------------------------------------

    def shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift | None:
        query = select(Shift).where(Shift.id == shift_id, within(Shift.tenant_path, self.context.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def activity_of(self, shift: Shift) -> Activity:
        return activity_of(self.session, shift)

    def shift_days(self, activity: Activity, from_date: date) -> set[date]:
        """The days from `from_date` on that already have a shift of the activity (moved ones included)."""
        return set(
            self.session.scalars(
                select(Shift.local_date).where(
                    Shift.tenant_id == activity.tenant_id,
                    Shift.activity_id == activity.id,
                    Shift.local_date >= from_date,
                )
            )
        )

    def scheduled_shift_on(
        self, activity: Activity, day: date, other_than: Shift | None = None
    ) -> Shift | None:
        query = select(Shift).where(
            Shift.tenant_id == activity.tenant_id,
            Shift.activity_id == activity.id,
            Shift.local_date == day,
            Shift.status == ShiftStatus.SCHEDULED,
        )
        if other_than is not None:
            query = query.where(Shift.id != other_than.id)
        return self.session.scalars(query.order_by(Shift.starts_at).with_for_update()).first()

    def scheduled_shifts_after(self, activity: Activity, last_date: date) -> Sequence[Shift]:
        return self.session.scalars(
            select(Shift)
            .where(
                Shift.tenant_id == activity.tenant_id,
                Shift.activity_id == activity.id,
                Shift.local_date > last_date,
                Shift.status == ShiftStatus.SCHEDULED,
            )
            .order_by(Shift.starts_at, Shift.id)
            .with_for_update()
        ).all()

    def scheduled_shifts_starting_after(self, activity: Activity, moment: datetime) -> Sequence[Shift]:
        return self.session.scalars(
            select(Shift)
            .where(
                Shift.tenant_id == activity.tenant_id,
                Shift.activity_id == activity.id,
                Shift.starts_at > moment,
                Shift.status == ShiftStatus.SCHEDULED,
            )
            .order_by(Shift.starts_at, Shift.id)
            .with_for_update()
        ).all()

    def calendar(
        self, wanted: ShiftFilter, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[tuple[Shift, Activity]]:
        """Ordered by (starts_at, id), keyset-paged."""
        query = (
            select(Shift, Activity)
            .join(Activity, and_(Activity.tenant_id == Shift.tenant_id, Activity.id == Shift.activity_id))
            .where(
                within(Shift.tenant_path, self.context.tenant_path),
                Shift.starts_at >= wanted.starts_from,
                Shift.starts_at < wanted.starts_before,
            )
        )
        if wanted.activity_id is not None:
            query = query.where(Shift.activity_id == wanted.activity_id)
        if wanted.project_id is not None:
            query = query.where(Activity.project_id == wanted.project_id)
        if wanted.kind is not None:
            query = query.where(Activity.kind == wanted.kind)
        if wanted.area_ids is not None:
            query = query.where(Activity.area_id.in_(wanted.area_ids))
        if wanted.status is not None:
            query = query.where(Shift.status == wanted.status)
        if wanted.volunteer_id is not None:
            booked = (
                select(Signup.id)
                .where(
                    Signup.tenant_id == Shift.tenant_id,
                    Signup.shift_id == Shift.id,
                    Signup.volunteer_id == wanted.volunteer_id,
                    Signup.status.in_(LIVE),
                )
                .exists()
            )
            query = query.where(booked)
        if after is not None:
            starts_at, shift_id = after
            query = query.where(
                or_(Shift.starts_at > starts_at, and_(Shift.starts_at == starts_at, Shift.id > shift_id))
            )
        rows = self.session.execute(query.order_by(Shift.starts_at, Shift.id).limit(limit)).all()
        return [(shift, activity) for shift, activity in rows]

    def waitlisted(self, shifts: Collection[Shift]) -> dict[uuid.UUID, int]:
        if not shifts:
            return {}
        rows = self.session.execute(
            select(Signup.shift_id, func.count())
            .where(
                Signup.tenant_id.in_({shift.tenant_id for shift in shifts}),
                Signup.shift_id.in_([shift.id for shift in shifts]),
                Signup.status == SignupStatus.WAITLISTED,
            )
            .group_by(Signup.shift_id)
        ).all()
        return {shift_id: count for shift_id, count in rows}

    def live_signups(self, shift: Shift) -> Sequence[Signup]:
        return live_signups(self.session, shift)

    # the facts an activity refers to ------------------------------------------------------------------

    def project(self, project_id: uuid.UUID) -> Project | None:
        return self.session.scalars(
            select(Project).where(
                Project.id == project_id,
                Project.tenant_id == self.context.tenant_id,
                within(Project.tenant_path, self.context.tenant_path),
            )
        ).first()

    def area(self, area_id: uuid.UUID) -> AreaFact | None:
        return self.session.scalars(
            select(AreaFact).where(
                AreaFact.area_id == area_id,
                AreaFact.tenant_id == self.context.tenant_id,
                within(AreaFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    def area_and_below(self, area_id: uuid.UUID) -> list[uuid.UUID]:
        """A grid, its micro-grids and their buildings: the area tree walked down by `parent_id`."""
        start = (
            select(AreaFact.tenant_id, AreaFact.area_id)
            .where(AreaFact.area_id == area_id, within(AreaFact.tenant_path, self.context.tenant_path))
            .cte("area_tree", recursive=True)
        )
        children = select(AreaFact.tenant_id, AreaFact.area_id).join(
            start, and_(AreaFact.tenant_id == start.c.tenant_id, AreaFact.parent_id == start.c.area_id)
        )
        tree = start.union(children)
        return list(self.session.scalars(select(tree.c.area_id)))

    def volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.volunteer_id == volunteer_id,
                VolunteerFact.tenant_id == self.context.tenant_id,
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    def course(self, course_id: uuid.UUID) -> CourseFact | None:
        return self.session.scalars(
            select(CourseFact).where(
                CourseFact.course_id == course_id,
                CourseFact.tenant_id == self.context.tenant_id,
                within(CourseFact.tenant_path, self.context.tenant_path),
            )
        ).first()


def activity_of(session: Session, shift: Shift) -> Activity:
    return session.scalars(
        select(Activity).where(Activity.tenant_id == shift.tenant_id, Activity.id == shift.activity_id)
    ).one()


def live_signups(session: Session, shift: Shift) -> Sequence[Signup]:
    """Locked, in queue order: their shift is changing under them."""
    return session.scalars(
        select(Signup)
        .where(Signup.tenant_id == shift.tenant_id, Signup.shift_id == shift.id, Signup.status.in_(LIVE))
        .order_by(Signup.queued_at, Signup.id)
        .with_for_update()
    ).all()
