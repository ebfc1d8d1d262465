"""Signing up for shifts, cancelling, and marking no-shows.

Places are handed out under the shift's row lock: whoever holds it sees the true `confirmed` count, so
concurrent sign-ups queue on the lock and exactly `capacity` of them are confirmed, the rest waitlisted in
the order they got the lock. Double-booking one volunteer on overlapping shifts locks two different shift
rows, so the lock cannot stop it: the database's exclusion constraint does, and the loser gets a 409."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import volunteer_of, writable_committee
from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.events import types as events
from linli_scheduling.facts.eligibility import holdings_of, unmet_requirements
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import effective_policy
from linli_scheduling.signups.exceptions import (
    AlreadySignedUp,
    CancellationCutoffPassed,
    InvalidDateRange,
    OverlappingBooking,
    RequirementsUnmet,
    ShiftNotFound,
    ShiftNotOpen,
    ShiftNotStarted,
    ShiftStarted,
    SignupNotConfirmed,
    SignupNotFound,
    SignupNotLive,
    VolunteerAttended,
    VolunteerNotFound,
)
from linli_scheduling.signups.models import LIVE, Signup, SignupSource, SignupStatus
from linli_scheduling.signups.repository import SignupRepository, has_attendance
from linli_scheduling.signups.schemas import (
    MySignup,
    MySignups,
    OpenShift,
    ShiftSignups,
    SignupAssign,
    SignupCancel,
    SignupCreate,
    SignupOut,
)
from linli_scheduling.signups.waitlist import promote_waitlist, publish_signup
from linli_shared.clock import local_date
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

DOUBLE_BOOKING = "signups_no_double_booking"
ONCE_PER_SHIFT = "signups_once_per_shift"
#: how far back and ahead "my sign-ups" looks by default, and the longest range one request may ask for
MY_SIGNUPS_BEFORE, MY_SIGNUPS_AHEAD, MY_SIGNUPS_SPAN = 30, 60, 366
#: how far ahead the open-shift list looks by default, and its longest range
OPEN_SHIFTS_AHEAD, OPEN_SHIFTS_SPAN = 30, 92


class SignupService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.signups = SignupRepository(session, context)

    # signing up ---------------------------------------------------------------------------------------

    def assign(self, shift_id: uuid.UUID, request: SignupAssign) -> SignupOut:
        """Staff put a volunteer on a shift (e.g. for someone without a smartphone)."""
        return self._sign_up(shift_id, request.volunteer_id, SignupSource.ASSIGNED)

    def sign_up_myself(self, me: VolunteerFact, request: SignupCreate) -> SignupOut:
        return self._sign_up(request.shift_id, me.volunteer_id, SignupSource.SELF)

    def _sign_up(self, shift_id: uuid.UUID, volunteer_id: uuid.UUID, source: SignupSource) -> SignupOut:
        writable_committee(self.session, self.context)
        shift = self._shift(shift_id, for_update=True)
        if shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= self.now:
            raise ShiftNotOpen()
        volunteer = self.signups.volunteer(shift.tenant_id, volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        unmet = unmet_requirements(self.session, shift, volunteer)
        if unmet:
            raise RequirementsUnmet(f"Unmet: {', '.join(unmet)}.", unmet=unmet)
        if self.signups.live_signup(shift, volunteer_id) is not None:
            raise AlreadySignedUp()
        # a queue left behind by a capacity change moves up before a newcomer takes a freed place
        promote_waitlist(self.session, shift, self.now)
        confirmed = shift.confirmed < shift.capacity
        signup = Signup(
            tenant_id=shift.tenant_id,
            id=uuid.uuid4(),
            tenant_path=shift.tenant_path,
            shift_id=shift.id,
            volunteer_id=volunteer_id,
            status=SignupStatus.CONFIRMED if confirmed else SignupStatus.WAITLISTED,
            source=source,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            created_by=self.context.subject,
            updated_at=self.now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(signup)
                self.session.flush()
        except IntegrityError as error:
            constraint = _constraint(error)
            if constraint == DOUBLE_BOOKING:
                raise OverlappingBooking() from error
            if constraint == ONCE_PER_SHIFT:
                raise AlreadySignedUp() from error
            raise
        if confirmed:
            shift.confirmed += 1
            self.session.flush()
        publish_signup(
            self.session, events.SIGNUP_CONFIRMED if confirmed else events.SIGNUP_WAITLISTED, signup
        )
        position = None if confirmed else self.signups.waitlist_position(signup)
        return signup_out(signup, volunteer.name, position)

    # reading ------------------------------------------------------------------------------------------

    def of_shift(self, shift_id: uuid.UUID) -> ShiftSignups:
        """Readers see any shift of their subtree; a volunteer only the shifts they lead."""
        shift = self._shift(shift_id)
        if self.context.role == Role.VOLUNTEER and self._my_volunteer_id() != shift.leader_volunteer_id:
            raise Forbidden("Only the shift's leader sees who signed up.")
        signups = self.signups.of_shift(shift)
        names = self.signups.names(shift.tenant_id, {signup.volunteer_id for signup in signups})
        waitlisted = [signup for signup in signups if signup.status == SignupStatus.WAITLISTED]

        def out(signup: Signup, position: int | None = None) -> SignupOut:
            return signup_out(signup, names.get(signup.volunteer_id, ""), position)

        return ShiftSignups(
            shift_id=shift.id,
            capacity=shift.capacity,
            confirmed=[out(signup) for signup in signups if signup.status == SignupStatus.CONFIRMED],
            waitlist=[out(signup, position) for position, signup in enumerate(waitlisted, start=1)],
            history=[out(signup) for signup in signups if signup.status not in LIVE],
        )

    def mine(self, me: VolunteerFact, from_date: date | None, to_date: date | None) -> MySignups:
        today = local_date(self.now)
        start = from_date or today - timedelta(days=MY_SIGNUPS_BEFORE)
        end = to_date or min(
            max(start, today) + timedelta(days=MY_SIGNUPS_AHEAD), start + timedelta(days=MY_SIGNUPS_SPAN)
        )
        _check_range(start, end, MY_SIGNUPS_SPAN)
        rows = self.signups.of_volunteer(me, start, end)
        positions = self.signups.waitlist_positions(
            me.tenant_id,
            {signup.shift_id for signup, _, _ in rows if signup.status == SignupStatus.WAITLISTED},
        )
        items = [
            my_signup(signup, shift, activity, positions.get(signup.id)) for signup, shift, activity in rows
        ]
        return MySignups(
            from_date=start,
            to_date=end,
            upcoming=[item for item in items if item.starts_at > self.now],
            past=[item for item in reversed(items) if item.starts_at <= self.now],
        )

    def open_shifts(self, me: VolunteerFact, from_date: date | None, to_date: date | None) -> list[OpenShift]:
        """Shifts the caller could sign up for: scheduled, not started, requirements met on their day,
        not already signed up for; with free places and the waitlist's length."""
        start = from_date or local_date(self.now)
        end = to_date or start + timedelta(days=OPEN_SHIFTS_AHEAD)
        _check_range(start, end, OPEN_SHIFTS_SPAN)
        holdings = holdings_of(self.session, me)
        rows = [
            (shift, activity)
            for shift, activity in self.signups.open_shifts(me, start, end, self.now)
            if not holdings.unmet(shift)
        ]
        if not rows:
            return []
        shift_ids = {shift.id for shift, _ in rows}
        queues = self.signups.waitlist_lengths(me.tenant_id, shift_ids)
        booked = self.signups.live_ranges(
            me, max(shift.ends_at for shift, _ in rows), min(shift.starts_at for shift, _ in rows)
        )
        return [
            OpenShift(
                **_shift_facts(shift, activity),
                capacity=shift.capacity,
                confirmed=shift.confirmed,
                free_places=max(shift.capacity - shift.confirmed, 0),
                waitlist_length=queues.get(shift.id, 0),
                clashes_with_my_signup=any(
                    starts < shift.ends_at and shift.starts_at < ends for starts, ends in booked
                ),
            )
            for shift, activity in rows
        ]

    # cancelling and no-shows --------------------------------------------------------------------------

    def cancel(self, signup_id: uuid.UUID, request: SignupCancel) -> SignupOut:
        """A volunteer cancels their own sign-up up to the committee's cut-off before the start; staff
        cancel anyone's until the start, and a confirmed place given up after the cut-off is flagged
        (a waitlisted sign-up held no place, so leaving the queue late is no reliability signal)."""
        writable_committee(self.session, self.context)
        found = self._signup(signup_id)
        if self.context.role == Role.VOLUNTEER and found.volunteer_id != self._my_volunteer_id():
            raise SignupNotFound()
        shift = self._shift(found.shift_id, for_update=True)
        signup = self._signup(signup_id, for_update=True)  # the lock order is shift, then sign-up
        if signup.status not in LIVE:
            raise SignupNotLive()
        if shift.starts_at <= self.now:
            raise ShiftStarted()
        cutoff_hours = effective_policy(self.session, shift.tenant_path).cancellation_cutoff_hours
        cutoff = shift.starts_at - timedelta(hours=cutoff_hours)
        after_cutoff = self.now > cutoff
        if after_cutoff and self.context.role == Role.VOLUNTEER:
            raise CancellationCutoffPassed(
                f"Sign-ups can be cancelled up to {cutoff_hours} hours before the start "
                f"({cutoff.isoformat()}).",
                cutoff=cutoff.isoformat(),
            )
        held_a_place = signup.status == SignupStatus.CONFIRMED
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = self.now
        signup.cancelled_by = self.context.subject
        signup.cancel_reason = request.reason
        signup.late_cancellation = held_a_place and after_cutoff
        signup.updated_at = self.now
        if held_a_place:
            shift.confirmed -= 1
        self.session.flush()
        publish_signup(self.session, events.SIGNUP_CANCELLED, signup, reason=request.reason)
        if held_a_place:
            promote_waitlist(self.session, shift, self.now)
        return self._out(signup)

    def no_show(self, signup_id: uuid.UUID) -> SignupOut:
        """Staff, or the volunteer leading the shift, record that a confirmed volunteer did not come."""
        writable_committee(self.session, self.context)
        signup = self._signup(signup_id)
        if self.context.role == Role.VOLUNTEER:
            shift = self._shift(signup.shift_id)
            if shift.leader_volunteer_id is None or shift.leader_volunteer_id != self._my_volunteer_id():
                raise SignupNotFound()
        mark_no_show(self.session, signup, self.context.subject, self.now)
        return self._out(signup)

    # helpers ------------------------------------------------------------------------------------------

    def _shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift:
        shift = self.signups.shift(shift_id, for_update=for_update)
        if shift is None:
            raise ShiftNotFound()
        return shift

    def _signup(self, signup_id: uuid.UUID, for_update: bool = False) -> Signup:
        signup = self.signups.signup(signup_id, for_update=for_update)
        if signup is None:
            raise SignupNotFound()
        return signup

    def _my_volunteer_id(self) -> uuid.UUID:
        return volunteer_of(self.session, self.context).volunteer_id

    def _out(self, signup: Signup) -> SignupOut:
        names = self.signups.names(signup.tenant_id, {signup.volunteer_id})
        position = (
            self.signups.waitlist_position(signup) if signup.status == SignupStatus.WAITLISTED else None
        )
        return signup_out(signup, names.get(signup.volunteer_id, ""), position)


def mark_no_show(session: Session, signup: Signup, by: str, now: datetime) -> None:
    """A confirmed volunteer who never checked in to a shift that has started: a reliability signal for
    their evaluation. The one rule for staff, the shift's leader and the end-of-shift sweep alike.

    Locks the shift (again, if the caller already holds it) because the confirmed count drops, and the
    sign-up, so a concurrent cancellation or check-in decides first."""
    session.flush()
    shift = session.scalars(
        select(Shift)
        .where(Shift.tenant_id == signup.tenant_id, Shift.id == signup.shift_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    session.refresh(signup, with_for_update=True)
    if signup.status != SignupStatus.CONFIRMED:
        raise SignupNotConfirmed(f"This sign-up is {signup.status}.")
    if shift.starts_at > now:
        raise ShiftNotStarted()
    if has_attendance(session, signup):
        raise VolunteerAttended()
    signup.status = SignupStatus.NO_SHOW
    signup.updated_at = now
    shift.confirmed -= 1
    session.flush()
    publish_signup(session, events.SIGNUP_NO_SHOW, signup, reason=f"marked by {by}")


def _check_range(start: date, end: date, longest_days: int) -> None:
    if end < start:
        raise InvalidDateRange("`to` is before `from`.")
    if (end - start).days > longest_days:
        raise InvalidDateRange(f"Ask for at most {longest_days} days at a time.")


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def _shift_facts(shift: Shift, activity: Activity) -> dict[str, Any]:
    return {
        "shift_id": shift.id,
        "activity_id": activity.id,
        "activity_name": activity.name,
        "kind": activity.kind,
        "place": activity.place,
        "area_id": activity.area_id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "local_date": shift.local_date,
        "shift_status": shift.status,
    }


def signup_out(signup: Signup, volunteer_name: str, position: int | None = None) -> SignupOut:
    return SignupOut(
        id=signup.id,
        shift_id=signup.shift_id,
        volunteer_id=signup.volunteer_id,
        volunteer_name=volunteer_name,
        status=SignupStatus(signup.status),
        source=SignupSource(signup.source),
        position=position,
        starts_at=signup.starts_at,
        ends_at=signup.ends_at,
        queued_at=signup.queued_at,
        created_by=signup.created_by,
        cancelled_at=signup.cancelled_at,
        cancelled_by=signup.cancelled_by,
        cancel_reason=signup.cancel_reason,
        late_cancellation=signup.late_cancellation,
    )


def my_signup(signup: Signup, shift: Shift, activity: Activity, position: int | None) -> MySignup:
    return MySignup(
        **_shift_facts(shift, activity),
        signup_id=signup.id,
        status=SignupStatus(signup.status),
        source=SignupSource(signup.source),
        position=position,
        late_cancellation=signup.late_cancellation,
        cancelled_at=signup.cancelled_at,
    )
