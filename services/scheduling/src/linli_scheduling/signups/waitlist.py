"""Moving people up the waitlist when places free up (a cancellation, a larger capacity)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Shift
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.events.envelope import EventSpec


def promote_waitlist(session: Session, shift: Shift, now: datetime) -> list[Signup]:
    """Fill the free places of a shift, whose row the caller holds locked, from its waitlist in order.
    Once the shift has started nobody is promoted: a place freed at the last minute is not a booking."""
    free = shift.capacity - shift.confirmed
    if free <= 0 or shift.starts_at <= now:
        return []
    promoted = list(
        session.scalars(
            select(Signup)
            .where(
                Signup.tenant_id == shift.tenant_id,
                Signup.shift_id == shift.id,
                Signup.status == SignupStatus.WAITLISTED,
            )
            .order_by(Signup.queued_at, Signup.id)
            .limit(free)
            .with_for_update()
        )
    )
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.updated_at = now
        shift.confirmed += 1
        publish_signup(session, events.SIGNUP_CONFIRMED, signup, promoted=True)
    session.flush()
    return promoted


def publish_signup(
    session: Session,
    spec: EventSpec[events.SignupV1],
    signup: Signup,
    promoted: bool = False,
    reason: str | None = None,
) -> None:
    """Sign-up events are keyed by the shift: its places and queue change in order."""
    messaging.publish(
        session,
        spec,
        events.SignupV1(
            signup_id=signup.id,
            shift_id=signup.shift_id,
            volunteer_id=signup.volunteer_id,
            status=signup.status,
            source=signup.source,
            starts_at=signup.starts_at,
            ends_at=signup.ends_at,
            promoted=promoted,
            late_cancellation=signup.late_cancellation,
            reason=reason,
        ),
        subject=signup.shift_id,
        tenant_id=signup.tenant_id,
        tenant_path=signup.tenant_path,
    )
