"""Check-in and check-out: by the volunteer scanning the site's rotating QR code, or confirmed by the
shift leader (or staff) for someone without a smartphone. Closing an attendance makes its service
record through `make_record`, the one place hours are written."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import READERS, WRITERS, volunteer_of, writable_committee
from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.attendance.codes import CheckInCode, CheckInCodeSigner
from linli_scheduling.attendance.exceptions import (
    AlreadyCheckedIn,
    AttendanceClosed,
    CheckInCodeUsed,
    CheckInNotOpen,
    CheckInRecorded,
    NotCheckedIn,
    NotShiftLeader,
    NotSignedUp,
    OwnAttendance,
    ShiftNotFound,
    ShiftNotOpen,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_scheduling.attendance.models import Attendance, CheckInCodeUse, CodeAction, Method
from linli_scheduling.attendance.repository import AttendanceRepository
from linli_scheduling.attendance.schemas import (
    AttendanceOut,
    CheckInCodeOut,
    CodePresented,
    LeaderConfirmation,
    RecordBrief,
)
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_scheduling.facts.eligibility import ACTIVE
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import EffectivePolicy, effective_policy
from linli_scheduling.records.models import RecordSource, ServiceRecord
from linli_scheduling.records.recording import Recorder, make_record, recorder_of
from linli_shared.clock import local_date
from linli_shared.events.envelope import EventSpec
from linli_shared.problems import Invalid
from linli_shared.tenancy import Role, TenantContext

#: the site's code is still shown this long after the shift ends, for those checking out on the way out
CODE_SHOWN_AFTER_END = timedelta(minutes=15)
#: a leader may confirm a departure up to a day after the shift (an evening's work that ran late)
LATEST_CHECK_OUT_AFTER_END = timedelta(days=1)
#: how far back a volunteer's own list reaches when they do not say
DEFAULT_HISTORY = timedelta(days=365)
LONGEST_HISTORY = timedelta(days=366)
#: the name on a record a volunteer checked out of by QR on a shift without a leader
QR_RECORDER_NAME = "扫码签到"


def leader_of(shift: Shift, activity: Activity) -> uuid.UUID | None:
    """Who leads the shift: its own leader, else the activity's lead."""
    return shift.leader_volunteer_id or activity.lead_volunteer_id


def check_in_opens(shift: Shift, policy: EffectivePolicy) -> datetime:
    return shift.starts_at - timedelta(minutes=policy.check_in_opens_minutes)


def publish_attendance(
    session: Session, spec: EventSpec[events.AttendanceV1], attendance: Attendance
) -> None:
    """Attendance events are keyed by the shift, like its sign-ups: one shift's story stays in order."""
    checked_out = spec is events.CHECKED_OUT
    at = attendance.checked_out_at if checked_out else attendance.checked_in_at
    method = attendance.check_out_method if checked_out else attendance.check_in_method
    assert at is not None, "a check-out event follows a check-out"
    assert method is not None, "a check-out event follows a check-out"
    messaging.publish(
        session,
        spec,
        events.AttendanceV1(
            attendance_id=attendance.id,
            shift_id=attendance.shift_id,
            volunteer_id=attendance.volunteer_id,
            at=at,
            method=method,
            auto_closed=attendance.auto_closed,
        ),
        subject=attendance.shift_id,
        tenant_id=attendance.tenant_id,
        tenant_path=attendance.tenant_path,
    )


def record_attendance(
    session: Session,
    attendance: Attendance,
    shift: Shift,
    activity: Activity,
    volunteer: VolunteerFact,
    source: RecordSource,
    recorder: Recorder,
) -> ServiceRecord | None:
    """The service record of a closed attendance (None for a kind the policy does not count)."""
    assert attendance.checked_out_at is not None, "only a closed attendance is recorded"
    return make_record(
        session,
        activity=activity,
        shift=shift,
        volunteer=volunteer,
        started_at=attendance.checked_in_at,
        ended_at=attendance.checked_out_at,
        break_minutes=attendance.break_minutes,
        source=source,
        recorder=recorder,
        policy=effective_policy(session, shift.tenant_path),
        attendance_id=attendance.id,
        auto_closed=attendance.auto_closed,
    )


class AttendanceService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.attendance = AttendanceRepository(session, context)

    # the site's code ----------------------------------------------------------------------------------

    def check_in_code(self, shift_id: uuid.UUID, signer: CheckInCodeSigner, page: str) -> CheckInCodeOut:
        """The code to show at the site, from check-in opening until a little after the shift ends."""
        writable_committee(self.session, self.context)
        shift, activity = self._shift(shift_id)
        self._leading(shift, activity, allowed=WRITERS)
        self._ensure_scheduled(shift)
        policy = effective_policy(self.session, shift.tenant_path)
        if not check_in_opens(shift, policy) <= self.now <= shift.ends_at + CODE_SHOWN_AFTER_END:
            raise CheckInNotOpen(
                f"The code is shown from {policy.check_in_opens_minutes} minutes before the shift "
                "until shortly after it ends."
            )
        token, code = signer.issue(shift.tenant_id, shift.id, self.now)
        refresh = max(1, int((signer.next_rotation(self.now) - self.now).total_seconds()))
        return CheckInCodeOut(
            code=token,
            expires_at=code.expires_at,
            refresh_after_seconds=refresh,
            check_in_url=f"{page}?code={token}",
        )

    # the volunteer's own scan -------------------------------------------------------------------------

    def check_in(
        self, me: VolunteerFact, presented: CodePresented, signer: CheckInCodeSigner
    ) -> AttendanceOut:
        writable_committee(self.session, self.context)
        code = signer.verify(presented.code, self.now)
        shift, activity = self._shift_of(code)
        self._ensure_scheduled(shift)
        policy = effective_policy(self.session, shift.tenant_path)
        if not check_in_opens(shift, policy) <= self.now <= shift.ends_at:
            raise CheckInNotOpen(
                f"Check-in opens {policy.check_in_opens_minutes} minutes before the shift and closes at its end."
            )
        if self.attendance.code_used(shift.tenant_id, code.code_id, me.volunteer_id, CodeAction.CHECK_IN):
            raise CheckInCodeUsed()
        signup = self.attendance.confirmed_signup(shift, me.volunteer_id)
        # the leader runs the shift whether or not they took one of its places
        if signup is None and me.volunteer_id != leader_of(shift, activity):
            raise NotSignedUp()
        self._ensure_active(me)
        if self.attendance.attendance(shift, me.volunteer_id) is not None:
            raise AlreadyCheckedIn()
        self._use(code, me, CodeAction.CHECK_IN)
        attendance = self._open(shift, me, self.now, Method.QR, signup.id if signup else None)
        return attendance_out(attendance, shift, activity, me, None)

    def check_out(
        self, me: VolunteerFact, presented: CodePresented, signer: CheckInCodeSigner
    ) -> AttendanceOut:
        writable_committee(self.session, self.context)
        code = signer.verify(presented.code, self.now)
        shift, activity = self._shift_of(code)
        attendance = self.attendance.attendance(shift, me.volunteer_id, for_update=True)
        if attendance is None:
            raise NotCheckedIn()
        if self.attendance.code_used(shift.tenant_id, code.code_id, me.volunteer_id, CodeAction.CHECK_OUT):
            raise CheckInCodeUsed()
        if attendance.checked_out_at is not None:
            raise AttendanceClosed()
        self._use(code, me, CodeAction.CHECK_OUT)
        # a check-out never precedes its check-in, even when the clocks of two servers disagree
        attendance.checked_out_at = max(self.now, attendance.checked_in_at)
        attendance.check_out_method = Method.QR
        self.session.flush()
        publish_attendance(self.session, events.CHECKED_OUT, attendance)
        leader = self._leader_fact(shift, activity)
        recorder = Recorder(self.context.subject, leader.name if leader else QR_RECORDER_NAME)
        record = record_attendance(
            self.session, attendance, shift, activity, me, RecordSource.CHECK_OUT, recorder
        )
        return attendance_out(attendance, shift, activity, me, record)

    # the leader's confirmation ------------------------------------------------------------------------

    def confirm(self, shift_id: uuid.UUID, request: LeaderConfirmation) -> AttendanceOut:
        """Proxy entry for a volunteer without a smartphone: arrival, departure, or both at once. Walk-ins
        (committee volunteers without a sign-up) are welcome; they take no place on the shift."""
        writable_committee(self.session, self.context)
        shift, activity = self._shift(shift_id, for_update=True)
        confirming_leader = self._leading(shift, activity, allowed=WRITERS)
        if confirming_leader is not None and confirming_leader.volunteer_id == request.volunteer_id:
            raise OwnAttendance()
        self._ensure_scheduled(shift)
        volunteer = self.attendance.volunteer(shift.tenant_id, request.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        self._check_times(shift, request)
        attendance = self.attendance.attendance(shift, volunteer.volunteer_id, for_update=True)
        if attendance is None:
            if request.checked_in_at is None:
                raise NotCheckedIn("Give checked_in_at: the volunteer has not checked in.")
            self._ensure_active(volunteer)
            signup = self.attendance.confirmed_signup(shift, volunteer.volunteer_id)
            attendance = self._open(
                shift, volunteer, request.checked_in_at, Method.LEADER, signup.id if signup else None
            )
        elif attendance.checked_out_at is not None:
            raise AttendanceClosed()
        elif request.checked_out_at is None:
            raise AlreadyCheckedIn()
        elif request.checked_in_at is not None and request.checked_in_at != attendance.checked_in_at:
            raise CheckInRecorded(f"The check-in is recorded at {attendance.checked_in_at.isoformat()}.")
        record = None
        if request.checked_out_at is not None:
            self._check_break(attendance.checked_in_at, request.checked_out_at, request.break_minutes)
            attendance.checked_out_at = request.checked_out_at
            attendance.check_out_method = Method.LEADER
            attendance.break_minutes = request.break_minutes
            self.session.flush()
            publish_attendance(self.session, events.CHECKED_OUT, attendance)
            record = record_attendance(
                self.session,
                attendance,
                shift,
                activity,
                volunteer,
                RecordSource.LEADER,
                recorder_of(self.session, self.context),
            )
        return attendance_out(attendance, shift, activity, volunteer, record)

    # reading ------------------------------------------------------------------------------------------

    def of_shift(self, shift_id: uuid.UUID) -> list[AttendanceOut]:
        shift, activity = self._shift(shift_id)
        self._leading(shift, activity, allowed=READERS)
        rows = self.attendance.attendances_of_shift(shift)
        volunteers = self.attendance.volunteers_by_id(row.volunteer_id for row in rows)
        records = self.attendance.records_by_attendance(row.id for row in rows)
        return [
            attendance_out(row, shift, activity, volunteers.get(row.volunteer_id), records.get(row.id))
            for row in rows
        ]

    def mine(self, me: VolunteerFact, first_day: date | None, last_day: date | None) -> list[AttendanceOut]:
        last_day = last_day or local_date(self.now)
        first_day = first_day or last_day - DEFAULT_HISTORY
        if last_day < first_day:
            raise Invalid("`to` is before `from`.")
        if last_day - first_day > LONGEST_HISTORY:
            raise Invalid("Ask for at most a year at a time.")
        rows = self.attendance.attendances_of_volunteer(me, first_day, last_day)
        activities = self.attendance.activities_by_id(shift.activity_id for _, shift in rows)
        records = self.attendance.records_by_attendance(attendance.id for attendance, _ in rows)
        return [
            attendance_out(attendance, shift, activities[shift.activity_id], me, records.get(attendance.id))
            for attendance, shift in rows
        ]

    # rules --------------------------------------------------------------------------------------------

    def _shift(
        self, shift_id: uuid.UUID, for_update: bool = False, for_share: bool = False
    ) -> tuple[Shift, Activity]:
        shift = self.attendance.shift(shift_id, for_update=for_update, for_share=for_share)
        if shift is None:
            raise ShiftNotFound()
        return shift, self.attendance.activity(shift)

    def _shift_of(self, code: CheckInCode) -> tuple[Shift, Activity]:
        """The code's shift, which must be the caller's committee's: another committee's code is a code
        for a shift this volunteer cannot see."""
        if code.tenant_id != self.context.tenant_id:
            raise ShiftNotFound()
        shift, activity = self._shift(code.shift_id, for_share=True)
        if shift.tenant_id != code.tenant_id:
            raise ShiftNotFound()
        return shift, activity

    def _leading(self, shift: Shift, activity: Activity, allowed: frozenset[Role]) -> VolunteerFact | None:
        """Lets through the allowed roles (None) and the volunteer leading the shift (their record)."""
        if self.context.role in allowed:
            return None
        if self.context.role == Role.VOLUNTEER:
            me = volunteer_of(self.session, self.context)
            if me.volunteer_id == leader_of(shift, activity):
                return me
        raise NotShiftLeader()

    def _leader_fact(self, shift: Shift, activity: Activity) -> VolunteerFact | None:
        leader = leader_of(shift, activity)
        return self.attendance.volunteer(shift.tenant_id, leader) if leader else None

    @staticmethod
    def _ensure_active(volunteer: VolunteerFact) -> None:
        """Someone who has left the volunteer team is not checked in to new service (an attendance they
        opened before leaving may still be closed)."""
        if volunteer.status != ACTIVE:
            raise VolunteerNotActive()

    @staticmethod
    def _ensure_scheduled(shift: Shift) -> None:
        if shift.status != ShiftStatus.SCHEDULED or shift.closed_at is not None:
            raise ShiftNotOpen()

    def _check_times(self, shift: Shift, request: LeaderConfirmation) -> None:
        """Confirmed times happened (not in the future) and belong to this shift: arrival between check-in
        opening and the shift's end, departure no later than a day after it."""
        opens = check_in_opens(shift, effective_policy(self.session, shift.tenant_path))
        for moment in (request.checked_in_at, request.checked_out_at):
            if moment is not None and moment > self.now:
                raise Invalid("Attendance cannot be confirmed for a time still to come.")
        if request.checked_in_at is not None and not opens <= request.checked_in_at <= shift.ends_at:
            raise Invalid("checked_in_at is outside the shift: from check-in opening to the shift's end.")
        if request.checked_out_at is not None and not (
            opens <= request.checked_out_at <= shift.ends_at + LATEST_CHECK_OUT_AFTER_END
        ):
            raise Invalid("checked_out_at is outside the shift: at most a day after the shift's end.")

    @staticmethod
    def _check_break(checked_in_at: datetime, checked_out_at: datetime, break_minutes: int) -> None:
        if checked_out_at < checked_in_at:
            raise Invalid("checked_out_at is before the recorded check-in.")
        present = (checked_out_at - checked_in_at).total_seconds() / 60
        if break_minutes and break_minutes >= present:
            raise Invalid("break_minutes must be shorter than the time the volunteer was there.")

    # writing ------------------------------------------------------------------------------------------

    def _use(self, code: CheckInCode, volunteer: VolunteerFact, action: CodeAction) -> None:
        """Spend the code for this volunteer and action; a concurrent replay loses on the primary key."""
        try:
            with self.session.begin_nested():
                self.attendance.add(
                    CheckInCodeUse(
                        tenant_id=code.tenant_id,
                        code_id=code.code_id,
                        volunteer_id=volunteer.volunteer_id,
                        action=action,
                        tenant_path=volunteer.tenant_path,
                        used_at=self.now,
                    )
                )
        except IntegrityError as error:
            raise CheckInCodeUsed() from error

    def _open(
        self,
        shift: Shift,
        volunteer: VolunteerFact,
        checked_in_at: datetime,
        method: Method,
        signup_id: uuid.UUID | None,
    ) -> Attendance:
        attendance = Attendance(
            tenant_id=shift.tenant_id,
            id=uuid.uuid4(),
            tenant_path=shift.tenant_path,
            shift_id=shift.id,
            volunteer_id=volunteer.volunteer_id,
            signup_id=signup_id,
            checked_in_at=checked_in_at,
            checked_out_at=None,
            check_in_method=method,
            check_out_method=None,
            break_minutes=0,
            auto_closed=False,
            recorded_by=self.context.subject,
        )
        try:
            with self.session.begin_nested():
                self.attendance.add(attendance)
        except IntegrityError as error:
            raise AlreadyCheckedIn() from error
        publish_attendance(self.session, events.CHECKED_IN, attendance)
        return attendance


def attendance_out(
    attendance: Attendance,
    shift: Shift,
    activity: Activity,
    volunteer: VolunteerFact | None,
    record: ServiceRecord | None,
) -> AttendanceOut:
    return AttendanceOut(
        id=attendance.id,
        shift_id=shift.id,
        activity_name=activity.name,
        service_date=shift.local_date,
        volunteer_id=attendance.volunteer_id,
        volunteer_name=volunteer.name if volunteer else "",
        signup_id=attendance.signup_id,
        checked_in_at=attendance.checked_in_at,
        checked_out_at=attendance.checked_out_at,
        check_in_method=attendance.check_in_method,
        check_out_method=attendance.check_out_method,
        break_minutes=attendance.break_minutes,
        auto_closed=attendance.auto_closed,
        recorded_by=attendance.recorded_by,
        record=RecordBrief(
            id=record.id, hours=record.hours, service_minutes=record.service_minutes, voided=record.voided
        )
        if record
        else None,
    )
