"""The schedule: the week's calendar of shifts, activities (one-off or weekly series), each shift's
sign-ups and attendance, and the site's check-in QR code."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from linli_portal.choices import areas, names_by_id, volunteer_options
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import form_refusal
from linli_portal.i18n import gettext as _
from linli_portal.qr import portal_link, qr_svg
from linli_portal.schedule.planning import (
    ENDINGS,
    KINDS,
    ROLES,
    TIERS,
    WEEKDAY_NAMES,
    ActivityForm,
    activity_request,
    describe_rule,
)
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import SHANGHAI, Now, local_date

router = portal_router(prefix="/t/{slug}", tags=["schedule"])

#: the calendar API's largest page; a committee's week rarely fills one
SHIFTS_PAGE = 200
#: never follow a runaway cursor for ever
MAX_PAGES = 10
#: how far ahead an activity's page lists its shifts (the calendar API's widest range)
AHEAD_DAYS = 91
#: while check-in is not yet open the QR screen looks again at least this often
WAITING_REFRESH_SECONDS = 300

Reason = Annotated[str, Form(max_length=1000)]
DayField = Annotated[date, Form()]


def shifts_between(api: Api, first: date, last: date, **filters: Any) -> list[dict[str, Any]]:
    """Every shift whose Shanghai day is from `first` to `last`, by start time."""
    found: list[dict[str, Any]] = []
    cursor = None
    for _page in range(MAX_PAGES):
        page = api.scheduling.get(
            "/v1/shifts",
            **{"from": first.isoformat(), "to": last.isoformat()},
            cursor=cursor,
            limit=SHIFTS_PAGE,
            **filters,
        )
        found.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    return found


# the calendar -------------------------------------------------------------------------------------------


@router.get("/calendar")
def calendar(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    week: date | None = None,
    area_id: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """`area_id` empty is the whole committee (the filter's first option); a grid includes what is in it."""
    today = local_date(now)
    monday = (week or today) - timedelta(days=(week or today).weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]
    shifts = shifts_between(api, days[0], days[-1], area_id=area_id)
    by_day: dict[str, list[dict[str, Any]]] = {day.isoformat(): [] for day in days}
    for shift in shifts:
        by_day.setdefault(shift["local_date"], []).append(shift)
    return render(
        request,
        "schedule/calendar.html",
        section="calendar",
        days=[(day, by_day[day.isoformat()]) for day in days],
        today=today,
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        this_week=today - timedelta(days=today.weekday()),
        monday=monday,
        areas=areas(api),
        area_id=area_id,
    )


# activities ---------------------------------------------------------------------------------------------


@router.get("/activities")
def activities(
    request: Request, user: CommitteeUser, api: ApiDep, status: str = "", cursor: str = ""
) -> Response:
    page = api.scheduling.get(
        "/v1/activities", status=status if status in ("active", "ended", "cancelled") else "", cursor=cursor
    )
    return render(request, "schedule/activities.html", section="calendar", page=page, status=status)


def activity_form_page(
    request: Request,
    api: Api,
    form: ActivityForm,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    projects = api.scheduling.get("/v1/projects", limit=200)["items"]
    return render(
        request,
        "schedule/activity_form.html",
        status_code=status_code,
        section="calendar",
        form=form,
        errors=errors,
        projects=[project for project in projects if project["status"] != "closed"],
        areas=areas(api),
        volunteers=volunteer_options(api),
        kinds=KINDS,
        roles=ROLES,
        tiers=TIERS,
        weekdays=WEEKDAY_NAMES,
        endings=ENDINGS,
    )


@router.get("/activities/new")
def new_activity(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    project_id: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """`project_id`: planned from a project's page, the form starts with that project chosen."""
    form = ActivityForm.blank(local_date(now), project_id)
    return activity_form_page(request, api, form)


@router.post("/activities")
def create_activity(
    request: Request, user: CommitteeUser, api: ApiDep, form: Annotated[ActivityForm, Form()]
) -> Response:
    body, errors = activity_request(form)
    if body is None:
        return activity_form_page(request, api, form, errors, 422)
    try:
        made = api.scheduling.post("/v1/activities", body)
    except UpstreamError as refused:
        return activity_form_page(request, api, form, refused.messages, form_refusal(refused))
    flash(request, _("Activity planned: %(count)s shifts made.", count=made["shifts_created"]))
    return see_other(f"/t/{user.slug}/activities/{made['id']}")


def activity_page(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    activity_id: uuid.UUID,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    activity = api.scheduling.get(f"/v1/activities/{activity_id}")
    today = local_date(now)
    shifts = shifts_between(api, today, today + timedelta(days=AHEAD_DAYS), activity_id=str(activity_id))
    upcoming = [shift for shift in shifts if datetime.fromisoformat(shift["ends_at"]) > now]
    project = api.scheduling.get(f"/v1/projects/{activity['project_id']}") if activity["project_id"] else None
    area_names = names_by_id(areas(api)) if activity["area_id"] else {}
    return render(
        request,
        "schedule/activity.html",
        status_code=status_code,
        section="calendar",
        activity=activity,
        rule=describe_rule(activity["recurrence"]),
        shifts=upcoming,
        skippable=[shift for shift in upcoming if shift["status"] == "scheduled"],
        project=project,
        area_name=area_names.get(str(activity["area_id"]), ""),
        leader=volunteer_name(api, activity["lead_volunteer_id"]),
        changeable=user.writes and activity["status"] == "active",
        today=today,
        errors=errors,
    )


def volunteer_name(api: Api, volunteer_id: str | None) -> str:
    if not volunteer_id:
        return ""
    try:
        return str(api.roster.get(f"/v1/volunteers/{volunteer_id}")["name"])
    except UpstreamError:
        # the roster no longer shows them (exited long ago): the id is all there is to say
        return str(volunteer_id)


@router.get("/activities/{activity_id}")
def activity(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, activity_id: uuid.UUID
) -> Response:
    return activity_page(request, user, api, now, activity_id)


def change_activity(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    activity_id: uuid.UUID,
    action: str,
    body: dict[str, Any],
    done: str,
) -> Response:
    try:
        changed = api.scheduling.post(f"/v1/activities/{activity_id}/{action}", body)
    except UpstreamError as refused:
        return activity_page(request, user, api, now, activity_id, refused.messages, refused.status)
    flash(request, done + " " + _("Shifts cancelled: %(count)s.", count=changed["shifts_cancelled"]))
    return see_other(f"/t/{user.slug}/activities/{activity_id}")


@router.post("/activities/{activity_id}/exceptions")
def skip_day(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    activity_id: uuid.UUID,
    day: DayField,
    reason: Reason = "",
) -> Response:
    body = {"date": day.isoformat(), "reason": reason.strip() or None}
    return change_activity(request, user, api, now, activity_id, "exceptions", body, _("The day is skipped."))


@router.post("/activities/{activity_id}/end")
def end_series(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    activity_id: uuid.UUID,
    last_date: DayField,
    reason: Reason = "",
) -> Response:
    body = {"last_date": last_date.isoformat(), "reason": reason.strip() or None}
    return change_activity(request, user, api, now, activity_id, "end", body, _("The series is ended."))


@router.post("/activities/{activity_id}/cancel")
def cancel_activity(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, activity_id: uuid.UUID, reason: Reason = ""
) -> Response:
    body = {"reason": reason}
    return change_activity(
        request, user, api, now, activity_id, "cancel", body, _("The activity is cancelled.")
    )


# shifts -------------------------------------------------------------------------------------------------


def local_input(moment: str) -> str:
    """An API instant as a `datetime-local` field shows it: Shanghai wall-clock time to the minute."""
    return datetime.fromisoformat(moment).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def shift_page(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    shift_id: uuid.UUID,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    shift = api.scheduling.get(f"/v1/shifts/{shift_id}")
    signups = api.scheduling.get(f"/v1/shifts/{shift_id}/signups")
    attendance = api.scheduling.get(f"/v1/shifts/{shift_id}/attendance")
    volunteers = volunteer_options(api) if user.writes else []
    signed_up = {row["volunteer_id"] for row in signups["confirmed"] + signups["waitlist"]}
    started = datetime.fromisoformat(shift["starts_at"]) <= now
    area_names = names_by_id(areas(api)) if shift["area_id"] else {}
    return render(
        request,
        "schedule/shift.html",
        status_code=status_code,
        section="calendar",
        shift=shift,
        signups=signups,
        attendance=attendance,
        candidates=[volunteer for volunteer in volunteers if volunteer["id"] not in signed_up],
        volunteers=volunteers,
        area_name=area_names.get(str(shift["area_id"]), ""),
        leader=volunteer_name(api, shift["leader_volunteer_id"]),
        started=started,
        open_shift=shift["status"] == "scheduled" and shift["closed_at"] is None,
        arrival=local_input(shift["starts_at"]),
        departure=local_input(shift["ends_at"]),
        errors=errors,
    )


@router.get("/shifts/{shift_id}")
def shift(request: Request, user: CommitteeUser, api: ApiDep, now: Now, shift_id: uuid.UUID) -> Response:
    return shift_page(request, user, api, now, shift_id)


def change_shift(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    shift_id: uuid.UUID,
    path: str,
    body: dict[str, Any] | None,
    done: str | Callable[[dict[str, Any]], str],
    method: str = "POST",
) -> Response:
    """Send one change, then back to the shift's page with `done` (or what it makes of the service's answer);
    a refusal is the shift's page again with the service's messages."""
    try:
        made = api.scheduling.send(method, path, json=body)
    except UpstreamError as refused:
        return shift_page(request, user, api, now, shift_id, refused.messages, form_refusal(refused))
    flash(request, done if isinstance(done, str) else done(made))
    return see_other(f"/t/{user.slug}/shifts/{shift_id}")


def _placed(made: dict[str, Any]) -> str:
    if made["status"] == "confirmed":
        return _("%(name)s has a place on the shift.", name=made["volunteer_name"])
    return _(
        "The shift is full: %(name)s is waitlisted, number %(position)s.",
        name=made["volunteer_name"],
        position=made["position"],
    )


@router.post("/shifts/{shift_id}/signups")
def assign(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    shift_id: uuid.UUID,
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    body = {"volunteer_id": volunteer_id}
    return change_shift(request, user, api, now, shift_id, f"/v1/shifts/{shift_id}/signups", body, _placed)


@router.post("/shifts/{shift_id}/signups/{signup_id}/cancel")
def cancel_signup(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    shift_id: uuid.UUID,
    signup_id: uuid.UUID,
    reason: Reason = "",
) -> Response:
    path, body = f"/v1/signups/{signup_id}/cancel", {"reason": reason}
    return change_shift(request, user, api, now, shift_id, path, body, _("The sign-up is cancelled."))


@router.post("/shifts/{shift_id}/signups/{signup_id}/no-show")
def no_show(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, shift_id: uuid.UUID, signup_id: uuid.UUID
) -> Response:
    path = f"/v1/signups/{signup_id}/no-show"
    return change_shift(request, user, api, now, shift_id, path, None, _("Recorded as a no-show."))


def _instant(text: str) -> str | None:
    """A `datetime-local` value, read as Shanghai wall-clock time; empty is "not given"."""
    if not text.strip():
        return None
    return datetime.fromisoformat(text.strip()).replace(tzinfo=SHANGHAI).isoformat()


@router.post("/shifts/{shift_id}/attendance")
def confirm_attendance(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    shift_id: uuid.UUID,
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
    checked_in_at: Annotated[str, Form(max_length=30)] = "",
    checked_out_at: Annotated[str, Form(max_length=30)] = "",
    break_minutes: Annotated[int, Form(ge=0, le=1440)] = 0,
) -> Response:
    try:
        body = {
            "volunteer_id": volunteer_id,
            "checked_in_at": _instant(checked_in_at),
            "checked_out_at": _instant(checked_out_at),
            "break_minutes": break_minutes,
        }
    except ValueError:
        return shift_page(request, user, api, now, shift_id, [_("Give the times as a day and a time.")], 422)
    path = f"/v1/shifts/{shift_id}/attendance"
    return change_shift(request, user, api, now, shift_id, path, body, _("Attendance confirmed."))


@router.post("/shifts/{shift_id}/capacity")
def change_capacity(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    shift_id: uuid.UUID,
    capacity: Annotated[int, Form(ge=1, le=10_000)],
) -> Response:
    done = _("The number of places is changed.")
    body = {"capacity": capacity}
    return change_shift(request, user, api, now, shift_id, f"/v1/shifts/{shift_id}", body, done, "PATCH")


@router.post("/shifts/{shift_id}/cancel")
def cancel_shift(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, shift_id: uuid.UUID, reason: Reason = ""
) -> Response:
    path, body = f"/v1/shifts/{shift_id}/cancel", {"reason": reason}
    done = _("The shift is cancelled; the volunteers are told.")
    return change_shift(request, user, api, now, shift_id, path, body, done)


# the site's QR code -------------------------------------------------------------------------------------


def check_in_url(request: Request, code: str) -> str:
    """The portal's own check-in page, carrying the code: what a volunteer's phone opens when it scans."""
    return portal_link(request, "/check-in", code=code)


@router.get("/shifts/{shift_id}/qr")
def check_in_qr(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, shift_id: uuid.UUID
) -> Response:
    shift = api.scheduling.get(f"/v1/shifts/{shift_id}")
    try:
        code = api.scheduling.get(f"/v1/shifts/{shift_id}/check-in-code")
    except UpstreamError as refused:
        if refused.status != 409:
            raise
        code = None
    context: dict[str, Any] = {"shift": shift}
    if code is not None:
        url = check_in_url(request, code["code"])
        context.update(
            url=url,
            svg=qr_svg(
                url, attributes={"data-check-in-url": url, "role": "img", "aria-label": _("Check-in code")}
            ),
            refresh_seconds=code["refresh_after_seconds"],
            expires_at=code["expires_at"],
        )
    elif shift["status"] == "scheduled" and shift["closed_at"] is None:
        policy = api.scheduling.get("/v1/hour-policy")
        opens_at = datetime.fromisoformat(shift["starts_at"]) - timedelta(
            minutes=policy["check_in_opens_minutes"]
        )
        if opens_at > now:
            waiting = int((opens_at - now).total_seconds()) + 1
            context.update(opens_at=opens_at, refresh_seconds=min(waiting, WAITING_REFRESH_SECONDS))
    return render(request, "schedule/qr.html", **context)
