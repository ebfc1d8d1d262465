from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_scheduling.access import Me, ReaderOrVolunteer, StaffOrVolunteer
from linli_scheduling.attendance.dependencies import CheckInPage, Signer
from linli_scheduling.attendance.schemas import (
    AttendanceOut,
    CheckInCodeOut,
    CodePresented,
    LeaderConfirmation,
)
from linli_scheduling.attendance.service import AttendanceService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["attendance"], responses=PROBLEM_RESPONSES)


@router.get(
    "/v1/shifts/{shift_id}/check-in-code",
    summary="The site's current check-in code (show it as a QR code); staff or the shift's leader",
)
def check_in_code(
    shift_id: uuid.UUID,
    context: StaffOrVolunteer,
    session: ContextSession,
    now: Now,
    signer: Signer,
    page: CheckInPage,
) -> CheckInCodeOut:
    return AttendanceService(session, context, now).check_in_code(shift_id, signer, page)


@router.post(
    "/v1/me/check-in",
    status_code=status.HTTP_201_CREATED,
    summary="Check in to a shift with the code scanned at the site",
)
def check_in(
    body: CodePresented, me: Me, context: CurrentContext, session: ContextSession, now: Now, signer: Signer
) -> AttendanceOut:
    return AttendanceService(session, context, now).check_in(me, body, signer)


@router.post(
    "/v1/me/check-out", summary="Check out with the code scanned at the site; records the service hours"
)
def check_out(
    body: CodePresented, me: Me, context: CurrentContext, session: ContextSession, now: Now, signer: Signer
) -> AttendanceOut:
    return AttendanceService(session, context, now).check_out(me, body, signer)


@router.post(
    "/v1/shifts/{shift_id}/attendance",
    summary="Confirm a volunteer's arrival and/or departure (proxy entry); staff or the shift's leader",
)
def confirm_attendance(
    shift_id: uuid.UUID,
    body: LeaderConfirmation,
    context: StaffOrVolunteer,
    session: ContextSession,
    now: Now,
) -> AttendanceOut:
    return AttendanceService(session, context, now).confirm(shift_id, body)


@router.get(
    "/v1/shifts/{shift_id}/attendance",
    summary="Everyone's attendance of a shift, with the hours recorded; readers or the shift's leader",
)
def shift_attendance(
    shift_id: uuid.UUID, context: ReaderOrVolunteer, session: ContextSession, now: Now
) -> list[AttendanceOut]:
    return AttendanceService(session, context, now).of_shift(shift_id)


@router.get(
    "/v1/me/attendance",
    summary="My attendance on shifts whose service day is in the range (default: the past year), newest first",
)
def my_attendance(
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    now: Now,
    first_day: Annotated[date | None, Query(alias="from")] = None,
    last_day: Annotated[date | None, Query(alias="to")] = None,
) -> list[AttendanceOut]:
    return AttendanceService(session, context, now).mine(me, first_day, last_day)
