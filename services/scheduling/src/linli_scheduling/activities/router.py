from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_scheduling.access import Reader, ReaderOrVolunteer, Writer
from linli_scheduling.activities.models import ActivityKind, ActivityStatus, ShiftStatus
from linli_scheduling.activities.schemas import (
    ActivityCancel,
    ActivityChanged,
    ActivityCreate,
    ActivityCreated,
    ActivityDetail,
    ActivityPage,
    ExceptionAdd,
    SeriesEnd,
    ShiftCancel,
    ShiftOut,
    ShiftPage,
    ShiftUpdate,
)
from linli_scheduling.activities.service import ActivityService
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["activities"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post(
    "/v1/activities",
    status_code=status.HTTP_201_CREATED,
    summary="Plan an activity: a one-off, or a series whose shifts are made a year ahead",
)
def create_activity(
    body: ActivityCreate, context: Writer, session: ContextSession, now: Now
) -> ActivityCreated:
    return ActivityService(session, context).create_activity(body, now)


@router.get("/v1/activities", summary="The committee's activities, by name")
def list_activities(
    context: Reader,
    session: ContextSession,
    project_id: uuid.UUID | None = None,
    kind: ActivityKind | None = None,
    status: ActivityStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ActivityPage:
    return ActivityService(session, context).list_activities(project_id, kind, status, cursor, limit)


@router.get("/v1/activities/{activity_id}", summary="An activity, with how many of its shifts are ahead")
def get_activity(
    activity_id: uuid.UUID, context: Reader, session: ContextSession, now: Now
) -> ActivityDetail:
    return ActivityService(session, context).activity(activity_id, now)


@router.post(
    "/v1/activities/{activity_id}/exceptions",
    summary="Skip one day of a series; that day's shift is cancelled with its sign-ups",
)
def add_exception(
    activity_id: uuid.UUID, body: ExceptionAdd, context: Writer, session: ContextSession, now: Now
) -> ActivityChanged:
    return ActivityService(session, context).add_exception(activity_id, body, now)


@router.post(
    "/v1/activities/{activity_id}/end",
    summary="End a series after a last day; its later shifts are cancelled",
)
def end_series(
    activity_id: uuid.UUID, body: SeriesEnd, context: Writer, session: ContextSession, now: Now
) -> ActivityChanged:
    return ActivityService(session, context).end_series(activity_id, body, now)


@router.post(
    "/v1/activities/{activity_id}/cancel",
    summary="Call an activity off; every shift not yet started is cancelled",
)
def cancel_activity(
    activity_id: uuid.UUID, body: ActivityCancel, context: Writer, session: ContextSession, now: Now
) -> ActivityChanged:
    return ActivityService(session, context).cancel_activity(activity_id, body, now)


@router.get(
    "/v1/shifts",
    summary="The calendar: shifts whose day (Asia/Shanghai) is from `from` to `to`, at most 92 days",
)
def list_shifts(
    context: ReaderOrVolunteer,
    session: ContextSession,
    from_date: Annotated[date, Query(alias="from")],
    to_date: Annotated[date, Query(alias="to")],
    activity_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    kind: ActivityKind | None = None,
    area_id: Annotated[
        uuid.UUID | None, Query(description="a grid includes its micro-grids and buildings")
    ] = None,
    volunteer_id: Annotated[
        uuid.UUID | None, Query(description="shifts the volunteer is signed up for (or waitlisted on)")
    ] = None,
    status: ShiftStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> ShiftPage:
    return ActivityService(session, context).calendar(
        from_date, to_date, activity_id, project_id, kind, area_id, volunteer_id, status, cursor, limit
    )


@router.get("/v1/shifts/{shift_id}", summary="A shift, with its activity's facts and its places")
def get_shift(shift_id: uuid.UUID, context: ReaderOrVolunteer, session: ContextSession) -> ShiftOut:
    return ActivityService(session, context).shift(shift_id)


@router.patch(
    "/v1/shifts/{shift_id}",
    summary="Change a shift's capacity, leader, time or requirements; its sign-ups move with it",
)
def update_shift(
    shift_id: uuid.UUID, body: ShiftUpdate, context: Writer, session: ContextSession, now: Now
) -> ShiftOut:
    return ActivityService(session, context).update_shift(shift_id, body, now)


@router.post(
    "/v1/shifts/{shift_id}/cancel",
    summary="Call a shift off; its sign-ups are cancelled and the volunteers told",
)
def cancel_shift(
    shift_id: uuid.UUID, body: ShiftCancel, context: Writer, session: ContextSession, now: Now
) -> ShiftOut:
    return ActivityService(session, context).cancel_single_shift(shift_id, body.reason, now)
