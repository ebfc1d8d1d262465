"""Calendars in iCalendar form: a volunteer's sign-ups (for staff, or for the volunteer's own calendar app
through a signed feed link) and a committee's schedule, from 30 days back to 180 days ahead."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from linli_scheduling.calendars.exceptions import (
    AreaNotFound,
    CalendarFeedNotFound,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_scheduling.calendars.feeds import FeedClaims, FeedSigner
from linli_scheduling.calendars.ics import CalendarEvent, EventStatus, render_calendar
from linli_scheduling.calendars.repository import CalendarRepository, PlannedShift, Window
from linli_scheduling.calendars.schemas import CalendarFeedOut
from linli_scheduling.database import directory
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.signups.models import SignupStatus
from linli_shared.tenancy import TenantContext

#: recent history stays visible (what did I do last week?), and the plan a season ahead
PAST = timedelta(days=30)
AHEAD = timedelta(days=180)
ACTIVE_VOLUNTEER = "active"
#: the iCalendar UID domain: a shift keeps its UID in every feed, so apps update rather than duplicate it
UID_DOMAIN = "linli"


class CalendarService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.calendars = CalendarRepository(session, context)
        self.window = Window(starts=now - PAST, ends=now + AHEAD)

    def volunteer_calendar(self, volunteer_id: uuid.UUID) -> str:
        volunteer = self.calendars.volunteer(volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        return self._sign_ups(volunteer)

    def committee_calendar(self, area_id: uuid.UUID | None) -> str:
        name = (
            directory.name_of(self.session, self.context.tenant_id) if self.context.tenant_id else None
        ) or ""
        area_ids = None
        if area_id is not None:
            area = self.calendars.area(area_id)
            if area is None:
                raise AreaNotFound()
            area_ids = self.calendars.area_with_descendants(area)
            name = f"{name} {area.name}".strip()
        planned = self.calendars.scheduled_shifts(self.window, area_ids)
        return render_calendar(f"{name}志愿服务排班", [_event(row) for row in planned], self.now)

    def feed_link(self, volunteer: VolunteerFact, signer: FeedSigner, public_url: str) -> CalendarFeedOut:
        """The link is the same every time it is asked for: asking again does not revoke the old one."""
        if volunteer.status != ACTIVE_VOLUNTEER:
            raise VolunteerNotActive()
        assert volunteer.user_id is not None  # the caller's own login found this volunteer
        token = signer.sign(
            FeedClaims(
                tenant_path=volunteer.tenant_path,
                volunteer_id=volunteer.volunteer_id,
                user_id=volunteer.user_id,
            )
        )
        url = f"{public_url.rstrip('/')}/v1/calendar-feeds/{token}.ics"
        return CalendarFeedOut(url=url, webcal_url="webcal://" + url.split("://", 1)[1])

    def feed(self, claims: FeedClaims) -> str:
        """A feed link's calendar, while the volunteer is active and still linked to the login it was
        handed to; otherwise, as for a forged link, there is no such feed."""
        volunteer = self.calendars.volunteer(claims.volunteer_id, claims.tenant_id)
        if volunteer is None or volunteer.status != ACTIVE_VOLUNTEER or volunteer.user_id != claims.user_id:
            raise CalendarFeedNotFound()
        return self._sign_ups(volunteer)

    def _sign_ups(self, volunteer: VolunteerFact) -> str:
        planned = self.calendars.signed_up_shifts(volunteer, self.window)
        return render_calendar(f"{volunteer.name}的志愿服务", [_event(row) for row in planned], self.now)


def _event(planned: PlannedShift) -> CalendarEvent:
    activity, shift = planned.activity, planned.shift
    waitlisted = planned.signup_status == SignupStatus.WAITLISTED
    details = [activity.content]
    if activity.recipient:
        details.append(f"服务对象：{activity.recipient}")
    if waitlisted:
        details.append("您在候补名单上，有人取消时将按顺序递补，届时名额确认。")
    return CalendarEvent(
        uid=f"{shift.id}@{UID_DOMAIN}",
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        summary=f"（候补）{activity.name}" if waitlisted else activity.name,
        location=" ".join(part for part in (planned.area_name, activity.place) if part),
        description="\n".join(detail for detail in details if detail),
        status=EventStatus.TENTATIVE if waitlisted else EventStatus.CONFIRMED,
    )
