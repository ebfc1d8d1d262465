from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.attendance.models import Attendance
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.signups.models import LIVE, Signup, SignupStatus
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class SignupRepository:
    """Every query is bounded to the caller's subtree (row-level security is the backstop)."""

    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # shifts and volunteers ----------------------------------------------------------------------------

    def shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift | None:
        query = select(Shift).where(Shift.id == shift_id, within(Shift.tenant_path, self.context.tenant_path))
        if for_update:
            # a row already loaded in this transaction must show what the lock now guards
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).first()

    def activity(self, shift: Shift) -> Activity:
        return self.session.get_one(Activity, (shift.tenant_id, shift.activity_id))

    def volunteer(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.get(VolunteerFact, (tenant_id, volunteer_id))

    def names(self, tenant_id: uuid.UUID, volunteer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = self.session.execute(
            select(VolunteerFact.volunteer_id, VolunteerFact.name).where(
                VolunteerFact.tenant_id == tenant_id, VolunteerFact.volunteer_id.in_(set(volunteer_ids))
            )
        ).all()
        return {row.volunteer_id: row.name for row in rows}

    # sign-ups -----------------------------------------------------------------------------------------

    def signup(self, signup_id: uuid.UUID, for_update: bool = False) -> Signup | None:
        query = select(Signup).where(
            Signup.id == signup_id, within(Signup.tenant_path, self.context.tenant_path)
        )
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).first()

    def live_signup(self, shift: Shift, volunteer_id: uuid.UUID) -> Signup | None:
        return self.session.scalars(
            select(Signup).where(
                Signup.tenant_id == shift.tenant_id,
                Signup.shift_id == shift.id,
                Signup.volunteer_id == volunteer_id,
                Signup.status.in_(LIVE),
            )
        ).first()

    def of_shift(self, shift: Shift) -> Sequence[Signup]:
        """In queue order: the waitlist's order is its promotion order."""
        return self.session.scalars(
            select(Signup)
            .where(Signup.tenant_id == shift.tenant_id, Signup.shift_id == shift.id)
            .order_by(Signup.queued_at, Signup.id)
        ).all()

    def waitlist_position(self, signup: Signup) -> int:
        ahead = self.session.scalar(
            select(func.count()).where(
                Signup.tenant_id == signup.tenant_id,
                Signup.shift_id == signup.shift_id,
                Signup.status == SignupStatus.WAITLISTED,
                or_(
                    Signup.queued_at < signup.queued_at,
                    and_(Signup.queued_at == signup.queued_at, Signup.id < signup.id),
                ),
            )
        )
        return (ahead or 0) + 1

    def waitlist_positions(self, tenant_id: uuid.UUID, shift_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Each waitlisted sign-up's place in its shift's queue, for the shifts given."""
        position = (
            func.row_number()
            .over(partition_by=Signup.shift_id, order_by=(Signup.queued_at, Signup.id))
            .label("position")
        )
        rows = self.session.execute(
            select(Signup.id, position).where(
                Signup.tenant_id == tenant_id,
                Signup.shift_id.in_(shift_ids),
                Signup.status == SignupStatus.WAITLISTED,
            )
        ).all()
        return {row.id: row.position for row in rows}

    def waitlist_lengths(self, tenant_id: uuid.UUID, shift_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        rows = self.session.execute(
            select(Signup.shift_id, func.count())
            .where(
                Signup.tenant_id == tenant_id,
                Signup.shift_id.in_(shift_ids),
                Signup.status == SignupStatus.WAITLISTED,
            )
            .group_by(Signup.shift_id)
        ).all()
        return {shift_id: count for shift_id, count in rows}

    def of_volunteer(
        self, volunteer: VolunteerFact, from_date: date, to_date: date
    ) -> Sequence[tuple[Signup, Shift, Activity]]:
        rows = self.session.execute(
            select(Signup, Shift, Activity)
            .join(Shift, and_(Shift.tenant_id == Signup.tenant_id, Shift.id == Signup.shift_id))
            .join(Activity, and_(Activity.tenant_id == Shift.tenant_id, Activity.id == Shift.activity_id))
            .where(
                Signup.tenant_id == volunteer.tenant_id,
                Signup.volunteer_id == volunteer.volunteer_id,
                Shift.local_date.between(from_date, to_date),
            )
            .order_by(Shift.starts_at, Signup.queued_at, Signup.id)
        ).all()
        return [(row.Signup, row.Shift, row.Activity) for row in rows]

    def live_ranges(
        self, volunteer: VolunteerFact, starts_before: datetime, ends_after: datetime
    ) -> Sequence[tuple[datetime, datetime]]:
        """The time ranges the volunteer is booked for (confirmed or queued) within a window."""
        rows = self.session.execute(
            select(Signup.starts_at, Signup.ends_at).where(
                Signup.tenant_id == volunteer.tenant_id,
                Signup.volunteer_id == volunteer.volunteer_id,
                Signup.status.in_(LIVE),
                Signup.starts_at < starts_before,
                Signup.ends_at > ends_after,
            )
        ).all()
        return [(row.starts_at, row.ends_at) for row in rows]

    def open_shifts(
        self, volunteer: VolunteerFact, from_date: date, to_date: date, now: datetime
    ) -> Sequence[tuple[Shift, Activity]]:
        """The committee's scheduled, not yet started shifts on those days the volunteer has no live
        sign-up for, soonest first."""
        signed_up = exists().where(
            Signup.tenant_id == Shift.tenant_id,
            Signup.shift_id == Shift.id,
            Signup.volunteer_id == volunteer.volunteer_id,
            Signup.status.in_(LIVE),
        )
        rows = self.session.execute(
            select(Shift, Activity)
            .join(Activity, and_(Activity.tenant_id == Shift.tenant_id, Activity.id == Shift.activity_id))
            .where(
                Shift.tenant_id == volunteer.tenant_id,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.local_date.between(from_date, to_date),
                ~signed_up,
            )
            .order_by(Shift.starts_at, Shift.id)
        ).all()
        return [(row.Shift, row.Activity) for row in rows]


def has_attendance(session: Session, signup: Signup) -> bool:
    """Whether the sign-up's volunteer checked in to its shift (by any method)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Attendance.tenant_id == signup.tenant_id,
                    Attendance.shift_id == signup.shift_id,
                    Attendance.volunteer_id == signup.volunteer_id,
                )
            )
        )
    )
