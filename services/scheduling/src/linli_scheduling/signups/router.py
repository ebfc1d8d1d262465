from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_scheduling.access import Me, ReaderOrVolunteer, StaffOrVolunteer, Writer
from linli_scheduling.signups.schemas import (
    MySignups,
    OpenShift,
    ShiftSignups,
    SignupAssign,
    SignupCancel,
    SignupCreate,
    SignupOut,
)
from linli_scheduling.signups.service import SignupService
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["signups"], responses=PROBLEM_RESPONSES)
FromDate = Annotated[date | None, Query(alias="from", description="first local day (Asia/Shanghai)")]
ToDate = Annotated[date | None, Query(alias="to", description="last local day, included")]


@router.post(
    "/v1/shifts/{shift_id}/signups",
    status_code=status.HTTP_201_CREATED,
    summary="Put a volunteer on a shift: confirmed while places last, else waitlisted",
)
def assign_volunteer(
    shift_id: uuid.UUID, body: SignupAssign, context: Writer, session: ContextSession, now: Now
) -> SignupOut:
    return SignupService(session, context, now).assign(shift_id, body)


@router.get(
    "/v1/shifts/{shift_id}/signups",
    summary="A shift's sign-ups: confirmed, the waitlist in order, cancellations and no-shows",
)
def shift_signups(
    shift_id: uuid.UUID,
    context: ReaderOrVolunteer,  # a volunteer only for a shift they lead (the service checks)
    session: ContextSession,
    now: Now,
) -> ShiftSignups:
    return SignupService(session, context, now).of_shift(shift_id)


@router.post(
    "/v1/me/signups",
    status_code=status.HTTP_201_CREATED,
    summary="Sign myself up for a shift: confirmed while places last, else waitlisted",
)
def sign_up_myself(
    body: SignupCreate, context: StaffOrVolunteer, me: Me, session: ContextSession, now: Now
) -> SignupOut:
    return SignupService(session, context, now).sign_up_myself(me, body)


@router.get("/v1/me/signups", summary="My upcoming and past sign-ups on the days asked (default: -30 to +60)")
def my_signups(
    context: StaffOrVolunteer,
    me: Me,
    session: ContextSession,
    now: Now,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> MySignups:
    return SignupService(session, context, now).mine(me, from_date, to_date)


@router.get(
    "/v1/me/open-shifts",
    summary="Shifts of my committee I can still sign up for (requirements met), with free places",
)
def my_open_shifts(
    context: StaffOrVolunteer,
    me: Me,
    session: ContextSession,
    now: Now,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> list[OpenShift]:
    return SignupService(session, context, now).open_shifts(me, from_date, to_date)


@router.post(
    "/v1/signups/{signup_id}/cancel",
    summary="Cancel a sign-up: a volunteer their own before the cut-off, staff anyone's before the start",
)
def cancel_signup(
    signup_id: uuid.UUID, body: SignupCancel, context: StaffOrVolunteer, session: ContextSession, now: Now
) -> SignupOut:
    return SignupService(session, context, now).cancel(signup_id, body)


@router.post(
    "/v1/signups/{signup_id}/no-show",
    summary="Record that a confirmed volunteer did not come (staff, or the shift's leader)",
)
def mark_signup_no_show(
    signup_id: uuid.UUID, context: StaffOrVolunteer, session: ContextSession, now: Now
) -> SignupOut:
    return SignupService(session, context, now).no_show(signup_id)
