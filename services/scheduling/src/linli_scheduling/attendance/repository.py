from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.attendance.models import Attendance, CheckInCodeUse
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.records.models import ServiceRecord
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class AttendanceRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # shifts -------------------------------------------------------------------------------------------

    def shift(self, shift_id: uuid.UUID, for_update: bool = False, for_share: bool = False) -> Shift | None:
        """`for_share`: check-ins hold the shift so the end-of-shift sweep (which locks it for update)
        cannot close it between their checks and their commit, without queueing behind each other."""
        query = select(Shift).where(Shift.id == shift_id, within(Shift.tenant_path, self.context.tenant_path))
        if for_update or for_share:
            query = query.with_for_update(read=not for_update)
        return self.session.scalars(query).first()

    def activity(self, shift: Shift) -> Activity:
        activity = self.session.get(Activity, (shift.tenant_id, shift.activity_id))
        assert activity is not None, "a shift's activity is its foreign key"
        return activity

    def activities_by_id(self, activity_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Activity]:
        rows = self.session.scalars(
            select(Activity).where(
                Activity.id.in_(set(activity_ids)), within(Activity.tenant_path, self.context.tenant_path)
            )
        ).all()
        return {activity.id: activity for activity in rows}

    def shifts_to_close(self, now: datetime) -> Sequence[uuid.UUID]:
        """Scheduled shifts of the committee that ended before `now` and are not closed, oldest first."""
        return self.session.scalars(
            select(Shift.id)
            .where(
                Shift.tenant_id == self.context.tenant_id,
                within(Shift.tenant_path, self.context.tenant_path),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.closed_at.is_(None),
                Shift.ends_at < now,
            )
            .order_by(Shift.ends_at, Shift.id)
        ).all()

    # volunteers and sign-ups --------------------------------------------------------------------------

    def volunteer(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.get(VolunteerFact, (tenant_id, volunteer_id))

    def volunteers_by_id(self, volunteer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, VolunteerFact]:
        rows = self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.volunteer_id.in_(set(volunteer_ids)),
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).all()
        return {fact.volunteer_id: fact for fact in rows}

    def confirmed_signup(self, shift: Shift, volunteer_id: uuid.UUID) -> Signup | None:
        return self.session.scalars(
            select(Signup).where(
                Signup.tenant_id == shift.tenant_id,
                Signup.shift_id == shift.id,
                Signup.volunteer_id == volunteer_id,
                Signup.status == SignupStatus.CONFIRMED,
            )
        ).first()

    def confirmed_without_attendance(self, shift: Shift) -> Sequence[Signup]:
        """The confirmed sign-ups of a shift nobody checked in for: the no-shows once it has ended."""
        return self.session.scalars(
            select(Signup)
            .where(
                Signup.tenant_id == shift.tenant_id,
                Signup.shift_id == shift.id,
                Signup.status == SignupStatus.CONFIRMED,
                ~exists().where(
                    and_(
                        Attendance.tenant_id == Signup.tenant_id,
                        Attendance.shift_id == Signup.shift_id,
                        Attendance.volunteer_id == Signup.volunteer_id,
                    )
                ),
            )
            .order_by(Signup.queued_at, Signup.id)
            .with_for_update()
        ).all()

    # attendance ---------------------------------------------------------------------------------------

    def attendance(
        self, shift: Shift, volunteer_id: uuid.UUID, for_update: bool = False
    ) -> Attendance | None:
        query = select(Attendance).where(
            Attendance.tenant_id == shift.tenant_id,
            Attendance.shift_id == shift.id,
            Attendance.volunteer_id == volunteer_id,
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def open_attendances(self, shift: Shift) -> Sequence[Attendance]:
        return self.session.scalars(
            select(Attendance)
            .where(
                Attendance.tenant_id == shift.tenant_id,
                Attendance.shift_id == shift.id,
                Attendance.checked_out_at.is_(None),
            )
            .order_by(Attendance.checked_in_at, Attendance.id)
            .with_for_update()
        ).all()

    def attendances_of_shift(self, shift: Shift) -> Sequence[Attendance]:
        return self.session.scalars(
            select(Attendance)
            .where(Attendance.tenant_id == shift.tenant_id, Attendance.shift_id == shift.id)
            .order_by(Attendance.checked_in_at, Attendance.id)
        ).all()

    def attendances_of_volunteer(
        self, volunteer: VolunteerFact, first_day: date, last_day: date
    ) -> Sequence[tuple[Attendance, Shift]]:
        """A volunteer's attendance on shifts whose service day is within the range, newest first."""
        rows = self.session.execute(
            select(Attendance, Shift)
            .join(Shift, and_(Shift.tenant_id == Attendance.tenant_id, Shift.id == Attendance.shift_id))
            .where(
                Attendance.tenant_id == volunteer.tenant_id,
                Attendance.volunteer_id == volunteer.volunteer_id,
                Shift.local_date >= first_day,
                Shift.local_date <= last_day,
            )
            .order_by(Attendance.checked_in_at.desc(), Attendance.id.desc())
        ).all()
        return [(attendance, shift) for attendance, shift in rows]

    def records_by_attendance(self, attendance_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ServiceRecord]:
        rows = self.session.scalars(
            select(ServiceRecord).where(
                ServiceRecord.attendance_id.in_(set(attendance_ids)),
                within(ServiceRecord.tenant_path, self.context.tenant_path),
            )
        ).all()
        return {record.attendance_id: record for record in rows if record.attendance_id is not None}

    def add(self, row: Attendance | CheckInCodeUse) -> None:
        self.session.add(row)
        self.session.flush()

    def code_used(self, tenant_id: uuid.UUID, code_id: str, volunteer_id: uuid.UUID, action: str) -> bool:
        return self.session.get(CheckInCodeUse, (tenant_id, code_id, volunteer_id, action)) is not None
