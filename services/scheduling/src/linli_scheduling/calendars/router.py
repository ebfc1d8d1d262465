"""Calendar files (text/calendar). The feed route is public: its signed token is the credential."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from linli_scheduling.access import Me, Reader
from linli_scheduling.calendars.dependencies import FeedSignerDep, Settings
from linli_scheduling.calendars.exceptions import CalendarFeedNotFound
from linli_scheduling.calendars.schemas import CalendarFeedOut
from linli_scheduling.calendars.service import CalendarService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.db import act_as
from linli_shared.dependencies import ContextSession, PublicSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.tenancy import Role, TenantContext

router = APIRouter(tags=["calendars"], responses=PROBLEM_RESPONSES)
ICALENDAR = "text/calendar; charset=utf-8"
CALENDAR_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "An iCalendar file (RFC 5545)", "content": {"text/calendar": {}}}
}
FEED_SUBJECT = "calendar-feed"


def _calendar(body: str) -> Response:
    return Response(content=body.encode("utf-8"), media_type=ICALENDAR)


@router.get(
    "/v1/volunteers/{volunteer_id}/calendar.ics",
    response_class=Response,
    responses=CALENDAR_FILE,
    summary="A volunteer's confirmed and waitlisted (TENTATIVE) shifts, 30 days back to 180 days ahead",
)
def volunteer_calendar(
    volunteer_id: uuid.UUID, context: Reader, session: ContextSession, now: Now
) -> Response:
    return _calendar(CalendarService(session, context, now).volunteer_calendar(volunteer_id))


@router.get(
    "/v1/calendar.ics",
    response_class=Response,
    responses=CALENDAR_FILE,
    summary="The committee's scheduled shifts, 30 days back to 180 days ahead; optionally of one grid",
)
def committee_calendar(
    context: Reader, session: ContextSession, now: Now, area_id: uuid.UUID | None = None
) -> Response:
    return _calendar(CalendarService(session, context, now).committee_calendar(area_id))


@router.post(
    "/v1/me/calendar-feed",
    summary="A private link a volunteer's calendar app can subscribe to (their own sign-ups)",
)
def my_calendar_feed(
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    signer: FeedSignerDep,
    settings: Settings,
    now: Now,
) -> CalendarFeedOut:
    return CalendarService(session, context, now).feed_link(me, signer, settings.public_url)


@router.get(
    "/v1/calendar-feeds/{token}.ics",
    response_class=Response,
    responses=CALENDAR_FILE,
    summary="A volunteer's calendar feed, fetched by their calendar app without a login",
)
def calendar_feed(
    token: Annotated[str, Path(max_length=400)],
    session: PublicSession,
    signer: FeedSignerDep,
    now: Now,
) -> Response:
    claims = signer.verify(token)
    if claims is None:
        raise CalendarFeedNotFound()
    # the token names one committee: read as that committee's own service, and nothing beyond it
    context = TenantContext(
        tenant_id=claims.tenant_id, tenant_path=claims.tenant_path, role=Role.SERVICE, subject=FEED_SUBJECT
    )
    act_as(session, context)
    return _calendar(CalendarService(session, context, now).feed(claims))
