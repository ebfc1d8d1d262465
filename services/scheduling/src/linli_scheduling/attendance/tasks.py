"""Closing ended shifts: the forgotten check-outs and the no-shows.

Once a shift has ended (and its code is no longer shown), whoever is still checked in is checked out at the shift's end (the hours inside
the window are theirs; the record is flagged as closed by the system, for audit), and every confirmed
volunteer who never came is marked a no-show. Each shift is closed in its own transaction, under its
row lock, and a closed shift is not touched again: running the task twice changes nothing, and the
database allows one record per attendance besides."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from linli_scheduling.activities.models import ShiftStatus
from linli_scheduling.attendance.exceptions import VolunteerNotFound
from linli_scheduling.attendance.models import Method
from linli_scheduling.attendance.repository import AttendanceRepository
from linli_scheduling.attendance.service import CODE_SHOWN_AFTER_END, publish_attendance, record_attendance
from linli_scheduling.events import types as events
from linli_scheduling.records.models import RecordSource
from linli_scheduling.records.recording import Recorder
from linli_scheduling.signups.service import mark_no_show
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

SUBJECT = "task:close-shifts"
#: the name on a record whose check-out the system made
SWEEP_RECORDER = Recorder(SUBJECT, "系统自动签退")


def close_ended_shifts(database: Database, tenant_id: uuid.UUID, tenant_path: str, now: datetime) -> int:
    """Close the committee's scheduled shifts that ended before `now`; returns how many attendances were
    closed (checked out at their shift's end)."""
    context = TenantContext(tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject=SUBJECT)
    with database.transaction(context) as session:
        # only once the site's code is no longer shown: whoever scans out on the way out is not flagged
        due = AttendanceRepository(session, context).shifts_to_close(now - CODE_SHOWN_AFTER_END)
    closed = 0
    for shift_id in due:
        with database.transaction(context) as session:
            closed += _close_shift(session, context, shift_id, now)
    return closed


def _close_shift(session: Session, context: TenantContext, shift_id: uuid.UUID, now: datetime) -> int:
    repository = AttendanceRepository(session, context)
    shift = repository.shift(shift_id, for_update=True)
    # another run closed it (or staff cancelled it) since the list was read
    if shift is None or shift.closed_at is not None or shift.status != ShiftStatus.SCHEDULED:
        return 0
    activity = repository.activity(shift)
    open_attendances = repository.open_attendances(shift)
    for attendance in open_attendances:
        volunteer = repository.volunteer(shift.tenant_id, attendance.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound(f"Volunteer {attendance.volunteer_id} of an attendance is unknown.")
        # a leader may have confirmed an arrival right at the end; a check-out never precedes it
        attendance.checked_out_at = max(shift.ends_at, attendance.checked_in_at)
        attendance.check_out_method = Method.SWEEP
        attendance.auto_closed = True
        session.flush()
        publish_attendance(session, events.CHECKED_OUT, attendance)
        record_attendance(session, attendance, shift, activity, volunteer, RecordSource.SWEEP, SWEEP_RECORDER)
    for signup in repository.confirmed_without_attendance(shift):
        mark_no_show(session, signup, SUBJECT, now)
    shift.closed_at = now
    session.flush()
    return len(open_attendances)
