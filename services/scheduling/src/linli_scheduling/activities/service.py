"""Activities and their shifts: planning a series, skipping a day, ending or calling it off, and changing
or cancelling one shift.

A series is materialised as shift rows up to a horizon a year ahead (`HORIZON`), so each shift's places can
be locked row by row; the horizon task extends it daily. Every change to a shift locks its row first."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import volunteer_of, writable_committee
from linli_scheduling.activities.events import publish_shift
from linli_scheduling.activities.exceptions import (
    ActivityNotActive,
    ActivityNotFound,
    AreaInactive,
    AreaNotFound,
    CalendarTooWide,
    CapacityBelowConfirmed,
    CourseNotFound,
    DayPassed,
    ExceptionExists,
    FirstStartOutOfRange,
    NotAnOccurrence,
    OverlappingBooking,
    ProjectClosed,
    ProjectNotFound,
    SeriesEndsBeforeStart,
    ShiftCancelled,
    ShiftClosed,
    ShiftDayTaken,
    ShiftMoveInvalid,
    ShiftNotFound,
    ShiftStarted,
    TooManyExceptions,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_scheduling.activities.models import Activity, ActivityKind, ActivityStatus, Shift, ShiftStatus
from linli_scheduling.activities.recurrence import expand, normalise_rule
from linli_scheduling.activities.repository import (
    ActivityRepository,
    ShiftFilter,
    activity_of,
    live_signups,
)
from linli_scheduling.activities.schemas import (
    MAX_CALENDAR_DAYS,
    MAX_DURATION_MINUTES,
    MAX_EXCEPTIONS,
    MIN_DURATION_MINUTES,
    ActivityCancel,
    ActivityChanged,
    ActivityCreate,
    ActivityCreated,
    ActivityDetail,
    ActivityOut,
    ActivityPage,
    ExceptionAdd,
    SeriesEnd,
    ShiftOut,
    ShiftPage,
    ShiftUpdate,
)
from linli_scheduling.events import types as events
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.projects.models import ProjectStatus
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_scheduling.signups.waitlist import promote_waitlist, publish_signup
from linli_shared.clock import SHANGHAI, local_date
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.problems import Forbidden, Problem
from linli_shared.tenancy import Role, TenantContext

logger = logging.getLogger(__name__)

#: shifts exist this far ahead of today, so volunteers can sign up a year in advance
HORIZON = timedelta(days=366)
#: an activity may start this far back: a district's late-entry (补录) window reaches at most a year
EARLIEST_START = timedelta(days=366)
#: the roster's status of a volunteer who may lead and serve
ACTIVE_VOLUNTEER = "active"
ONE_DAY = timedelta(days=1)


class ActivityService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.repository = ActivityRepository(session, context)

    # activities ---------------------------------------------------------------------------------------

    def create_activity(self, request: ActivityCreate, now: datetime) -> ActivityCreated:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        self._check_references(request)
        first_start = request.first_starts_at.astimezone(SHANGHAI).replace(tzinfo=None)
        today = local_date(now)
        if not today - EARLIEST_START <= first_start.date() < today + HORIZON:
            raise FirstStartOutOfRange(
                f"The first start must fall between {today - EARLIEST_START} and {today + HORIZON - ONE_DAY}."
            )
        activity = Activity(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            project_id=request.project_id,
            name=request.name,
            kind=request.kind,
            content=request.content,
            recipient=request.recipient,
            area_id=request.area_id,
            place=request.place,
            lead_volunteer_id=request.lead_volunteer_id,
            course_id=request.course_id,
            first_starts_at=first_start,
            duration_minutes=int(request.duration / timedelta(minutes=1)),
            recurrence=normalise_rule(request.recurrence) if request.recurrence else None,
            exceptions=sorted(set(request.exceptions)),
            # nothing materialised yet: the first day is the first one still to make
            materialised_until=first_start.date(),
            capacity=request.capacity,
            required_qualification=request.required_qualification,
            required_role=request.required_role,
            required_tier=request.required_tier,
            status=ActivityStatus.ACTIVE,
            created_by=self.context.subject,
            created_at=now,
            updated_at=now,
        )
        self.session.add(activity)
        self.session.flush()
        # a one-off is its single shift, however far ahead; a series fills the horizon
        until = today + HORIZON if activity.recurrence else first_start.date() + ONE_DAY
        shifts = self._materialise(activity, until)
        return ActivityCreated(**_activity_fields(activity), shifts_created=len(shifts))

    def activity(self, activity_id: uuid.UUID, now: datetime) -> ActivityDetail:
        activity = self._activity(activity_id)
        return ActivityDetail(
            **_activity_fields(activity), upcoming_shifts=self.repository.upcoming_shifts(activity, now)
        )

    def list_activities(
        self,
        project_id: uuid.UUID | None,
        kind: ActivityKind | None,
        status: ActivityStatus | None,
        cursor: str | None,
        limit: int,
    ) -> ActivityPage:
        after = decode_cursor(cursor, str, uuid.UUID) if cursor else None
        found = self.repository.activities(project_id, kind, status, after, limit + 1)
        shown = list(found[:limit])
        last = shown[-1] if len(found) > limit else None
        return ActivityPage(
            items=[ActivityOut(**_activity_fields(activity)) for activity in shown],
            next_cursor=encode_cursor(last.name, last.id) if last else None,
        )

    def add_exception(self, activity_id: uuid.UUID, request: ExceptionAdd, now: datetime) -> ActivityChanged:
        """The rule skips the day from now on; a shift already made for it is cancelled with its sign-ups."""
        writable_committee(self.session, self.context)
        activity = self._open_activity(activity_id)
        if request.date < local_date(now):
            raise DayPassed()
        if request.date in activity.exceptions:
            raise ExceptionExists()
        if len(activity.exceptions) >= MAX_EXCEPTIONS:
            raise TooManyExceptions()
        if not expand(
            activity.first_starts_at,
            timedelta(minutes=activity.duration_minutes),
            activity.recurrence,
            (),
            request.date,
            request.date + ONE_DAY,
        ):
            raise NotAnOccurrence()
        activity.exceptions = sorted([*activity.exceptions, request.date])
        activity.updated_at = now
        shift = self.repository.scheduled_shift_on(activity, request.date)
        cancelled = self._cancel_all([shift] if shift is not None else [], request.reason, now)
        self.session.flush()
        return ActivityChanged(**_activity_fields(activity), shifts_cancelled=cancelled)

    def end_series(self, activity_id: uuid.UUID, request: SeriesEnd, now: datetime) -> ActivityChanged:
        """The series stops after `last_date`: later shifts are cancelled and no more are made."""
        writable_committee(self.session, self.context)
        activity = self._open_activity(activity_id)
        if request.last_date < activity.first_starts_at.date():
            raise SeriesEndsBeforeStart()
        cancelled = self._cancel_all(
            self.repository.scheduled_shifts_after(activity, request.last_date), request.reason, now
        )
        activity.status = ActivityStatus.ENDED
        activity.updated_at = now
        self.session.flush()
        return ActivityChanged(**_activity_fields(activity), shifts_cancelled=cancelled)

    def cancel_activity(
        self, activity_id: uuid.UUID, request: ActivityCancel, now: datetime
    ) -> ActivityChanged:
        """Called off: every shift not yet started is cancelled; what already happened stays on record."""
        writable_committee(self.session, self.context)
        activity = self._open_activity(activity_id)
        cancelled = self._cancel_all(
            self.repository.scheduled_shifts_starting_after(activity, now), request.reason, now
        )
        activity.status = ActivityStatus.CANCELLED
        activity.updated_at = now
        self.session.flush()
        return ActivityChanged(**_activity_fields(activity), shifts_cancelled=cancelled)

    def extend_horizon(self, today: date) -> int:
        """Materialise every active series up to today's horizon; returns how many shifts were made.
        Each series goes in its own savepoint: one whose rule no longer expands is logged and left for a
        person to look at, and the committee's other series are extended all the same."""
        horizon = today + HORIZON
        created = 0
        for activity in self.repository.series_to_extend(horizon):
            try:
                with self.session.begin_nested():
                    created += len(self._materialise(activity, horizon))
            except Problem:
                logger.exception(
                    "a series could not be extended",
                    extra={"tenant_id": str(activity.tenant_id), "activity_id": str(activity.id)},
                )
        return created

    # shifts -------------------------------------------------------------------------------------------

    def calendar(
        self,
        from_date: date,
        to_date: date,
        activity_id: uuid.UUID | None,
        project_id: uuid.UUID | None,
        kind: ActivityKind | None,
        area_id: uuid.UUID | None,
        volunteer_id: uuid.UUID | None,
        status: ShiftStatus | None,
        cursor: str | None,
        limit: int,
    ) -> ShiftPage:
        """Shifts whose local date is in [from_date, to_date], by start time."""
        if not 1 <= (to_date - from_date).days + 1 <= MAX_CALENDAR_DAYS:
            raise CalendarTooWide()
        if (
            volunteer_id is not None
            and self.context.role == Role.VOLUNTEER
            and volunteer_of(self.session, self.context).volunteer_id != volunteer_id
        ):
            raise Forbidden("A volunteer sees only their own sign-ups.")
        area_ids = None
        if area_id is not None:
            area_ids = self.repository.area_and_below(area_id)
            if not area_ids:
                raise AreaNotFound()
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        wanted = ShiftFilter(
            starts_from=_local_midnight(from_date),
            starts_before=_local_midnight(to_date + ONE_DAY),
            activity_id=activity_id,
            project_id=project_id,
            kind=kind,
            area_ids=area_ids,
            volunteer_id=volunteer_id,
            status=status,
        )
        found = self.repository.calendar(wanted, after, limit + 1)
        shown = list(found[:limit])
        waitlisted = self.repository.waitlisted([shift for shift, _ in shown])
        last = shown[-1][0] if len(found) > limit else None
        return ShiftPage(
            items=[_shift_out(shift, activity, waitlisted.get(shift.id, 0)) for shift, activity in shown],
            next_cursor=encode_cursor(last.starts_at, last.id) if last else None,
        )

    def shift(self, shift_id: uuid.UUID) -> ShiftOut:
        return self._shift_out(self._shift(shift_id))

    def update_shift(self, shift_id: uuid.UUID, request: ShiftUpdate, now: datetime) -> ShiftOut:
        """A shift that has started only changes its leader (someone must confirm attendance); the rest
        changes while it is still ahead. A larger capacity moves the waitlist up at once."""
        writable_committee(self.session, self.context)
        shift = self._shift(shift_id, for_update=True)
        activity = activity_of(self.session, shift)
        if shift.status == ShiftStatus.CANCELLED:
            raise ShiftCancelled()
        if shift.closed_at is not None:
            raise ShiftClosed()
        given = request.model_fields_set
        if given - {"leader_volunteer_id"} and shift.starts_at <= now:
            raise ShiftStarted("Only the leader of a shift that has started can change.")
        changed = False
        if "leader_volunteer_id" in given and request.leader_volunteer_id != shift.leader_volunteer_id:
            if request.leader_volunteer_id is not None:
                self._active_volunteer(request.leader_volunteer_id)
            shift.leader_volunteer_id = request.leader_volunteer_id
            changed = True
        for field in ("required_qualification", "required_role", "required_tier"):
            if field in given and getattr(request, field) != getattr(shift, field):
                setattr(shift, field, getattr(request, field))
                changed = True
        if "starts_at" in given or "ends_at" in given:
            changed = self._move(shift, activity, request, now) or changed
        capacity_raised = False
        if request.capacity is not None and request.capacity != shift.capacity:
            if request.capacity < shift.confirmed:
                raise CapacityBelowConfirmed(
                    f"{shift.confirmed} volunteers are confirmed; cancel sign-ups before shrinking the shift."
                )
            capacity_raised = request.capacity > shift.capacity
            shift.capacity = request.capacity
            changed = True
        if not changed:
            return self._shift_out(shift)
        shift.version += 1
        shift.updated_at = now
        self.session.flush()
        if capacity_raised:
            promote_waitlist(self.session, shift, now)
        publish_shift(self.session, events.SHIFT_CHANGED, shift, activity)
        return self._shift_out(shift)

    def cancel_single_shift(self, shift_id: uuid.UUID, reason: str, now: datetime) -> ShiftOut:
        writable_committee(self.session, self.context)
        shift = self._shift(shift_id, for_update=True)
        cancel_shift(self.session, shift, reason, self.context.subject, now)
        return self._shift_out(shift)

    # helpers ------------------------------------------------------------------------------------------

    def _materialise(self, activity: Activity, until: date) -> list[Shift]:
        """Make the shifts of [materialised_until, until). A day that already has a shift of the activity
        (one moved there) is left alone, so a repeated or concurrent run never makes a second one."""
        start = activity.materialised_until
        if until <= start:
            return []
        occurrences = expand(
            activity.first_starts_at,
            timedelta(minutes=activity.duration_minutes),
            activity.recurrence,
            activity.exceptions,
            start,
            until,
        )
        taken = self.repository.shift_days(activity, start)
        shifts = [
            Shift(
                tenant_id=activity.tenant_id,
                id=uuid.uuid4(),
                tenant_path=activity.tenant_path,
                activity_id=activity.id,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                local_date=occurrence.local_date,
                capacity=activity.capacity,
                confirmed=0,
                required_qualification=activity.required_qualification,
                required_role=activity.required_role,
                required_tier=activity.required_tier,
                leader_volunteer_id=activity.lead_volunteer_id,
                status=ShiftStatus.SCHEDULED,
            )
            for occurrence in occurrences
            if occurrence.local_date not in taken
        ]
        self.session.add_all(shifts)
        activity.materialised_until = until
        self.session.flush()
        for shift in shifts:
            publish_shift(self.session, events.SHIFT_CREATED, shift, activity)
        return shifts

    def _move(self, shift: Shift, activity: Activity, request: ShiftUpdate, now: datetime) -> bool:
        """Move the shift and its live sign-ups' ranges together: if that double-books anyone the
        database refuses it, and the whole change with it. A new start alone keeps the length."""
        starts_at = (request.starts_at or shift.starts_at).astimezone(UTC)
        if request.ends_at is not None:
            ends_at = request.ends_at.astimezone(UTC)
        elif request.starts_at is not None:
            ends_at = starts_at + (shift.ends_at - shift.starts_at)
        else:
            ends_at = shift.ends_at
        if (starts_at, ends_at) == (shift.starts_at, shift.ends_at):
            return False
        minutes = (ends_at - starts_at) / timedelta(minutes=1)
        if starts_at <= now or not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
            raise ShiftMoveInvalid(
                "The shift must start after now and end 5 minutes to 24 hours after it starts."
            )
        day = local_date(starts_at)
        if day != shift.local_date and self.repository.scheduled_shift_on(activity, day, other_than=shift):
            raise ShiftDayTaken()
        shift.starts_at, shift.ends_at, shift.local_date = starts_at, ends_at, day
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError as error:
            # a cancelled shift of the activity starts at exactly that time (one start per activity)
            raise ShiftDayTaken("Another shift of the activity starts at exactly that time.") from error
        for signup in self.repository.live_signups(shift):
            signup.starts_at, signup.ends_at, signup.updated_at = starts_at, ends_at, now
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError as error:
            if "signups_no_double_booking" in str(error.orig):
                raise OverlappingBooking() from error
            raise
        return True

    def _cancel_all(self, shifts: Sequence[Shift], reason: str | None, now: datetime) -> int:
        for shift in shifts:
            cancel_shift(self.session, shift, reason, self.context.subject, now)
        return len(shifts)

    def _check_references(self, request: ActivityCreate) -> None:
        """Everything an activity names must be this committee's, and still in use."""
        if request.project_id is not None:
            project = self.repository.project(request.project_id)
            if project is None:
                raise ProjectNotFound()
            if project.status == ProjectStatus.CLOSED:
                raise ProjectClosed()
        if request.area_id is not None:
            area = self.repository.area(request.area_id)
            if area is None:
                raise AreaNotFound()
            if not area.active:
                raise AreaInactive()
        if request.lead_volunteer_id is not None:
            self._active_volunteer(request.lead_volunteer_id)
        if request.course_id is not None and self.repository.course(request.course_id) is None:
            raise CourseNotFound()

    def _active_volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact:
        volunteer = self.repository.volunteer(volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        if volunteer.status != ACTIVE_VOLUNTEER:
            raise VolunteerNotActive()
        return volunteer

    def _activity(self, activity_id: uuid.UUID, for_update: bool = False) -> Activity:
        activity = self.repository.activity(activity_id, for_update=for_update)
        if activity is None:
            raise ActivityNotFound()
        return activity

    def _open_activity(self, activity_id: uuid.UUID) -> Activity:
        activity = self._activity(activity_id, for_update=True)
        if activity.status != ActivityStatus.ACTIVE:
            raise ActivityNotActive(f"The activity is {activity.status}.")
        return activity

    def _shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift:
        shift = self.repository.shift(shift_id, for_update=for_update)
        if shift is None:
            raise ShiftNotFound()
        return shift

    def _shift_out(self, shift: Shift) -> ShiftOut:
        waitlisted = self.repository.waitlisted([shift]).get(shift.id, 0)
        return _shift_out(shift, activity_of(self.session, shift), waitlisted)


def cancel_shift(session: Session, shift: Shift, reason: str | None, by: str, now: datetime) -> list[Signup]:
    """Call off one shift, whose row the caller holds locked: its live sign-ups are cancelled with the
    reason (not the volunteers' doing, so never late cancellations) and everyone is told. A shift that has
    started cannot be called off: what happened in it is on record."""
    if shift.status == ShiftStatus.CANCELLED:
        raise ShiftCancelled()
    if shift.starts_at <= now:
        raise ShiftStarted("A shift that has started or is over cannot be cancelled.")
    signups = list(live_signups(session, shift))
    for signup in signups:
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = now
        signup.cancelled_by = by
        signup.cancel_reason = reason
        signup.updated_at = now
    shift.status = ShiftStatus.CANCELLED
    shift.cancelled_reason = reason
    shift.confirmed = 0
    shift.version += 1
    shift.updated_at = now
    session.flush()
    publish_shift(session, events.SHIFT_CANCELLED, shift, activity_of(session, shift), reason)
    for signup in signups:
        publish_signup(session, events.SIGNUP_CANCELLED, signup, reason=reason)
    return signups


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SHANGHAI).astimezone(UTC)


def _activity_fields(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "project_id": activity.project_id,
        "name": activity.name,
        "kind": activity.kind,
        "content": activity.content,
        "recipient": activity.recipient,
        "area_id": activity.area_id,
        "place": activity.place,
        "lead_volunteer_id": activity.lead_volunteer_id,
        "course_id": activity.course_id,
        "first_starts_at": activity.first_starts_at.replace(tzinfo=SHANGHAI),
        "duration_minutes": activity.duration_minutes,
        "recurrence": activity.recurrence,
        "exceptions": activity.exceptions,
        "materialised_until": activity.materialised_until,
        "capacity": activity.capacity,
        "required_qualification": activity.required_qualification,
        "required_role": activity.required_role,
        "required_tier": activity.required_tier,
        "status": activity.status,
        "created_by": activity.created_by,
        "created_at": activity.created_at,
        "version": activity.version,
    }


def _shift_out(shift: Shift, activity: Activity, waitlisted: int) -> ShiftOut:
    return ShiftOut(
        id=shift.id,
        activity_id=activity.id,
        project_id=activity.project_id,
        activity_name=activity.name,
        kind=ActivityKind(activity.kind),
        area_id=activity.area_id,
        place=activity.place,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        local_date=shift.local_date,
        capacity=shift.capacity,
        confirmed=shift.confirmed,
        waitlisted=waitlisted,
        leader_volunteer_id=shift.leader_volunteer_id,
        required_qualification=shift.required_qualification,
        required_role=shift.required_role,
        required_tier=shift.required_tier,
        status=ShiftStatus(shift.status),
        cancelled_reason=shift.cancelled_reason,
        closed_at=shift.closed_at,
        version=shift.version,
    )
