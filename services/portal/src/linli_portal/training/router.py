"""Training (课堂式培训): the committee's courses, who completed them, and the qualifications a passing
completion grants — who holds one today, whose runs out soon, and withdrawing one with a reason."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import volunteer_choices
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/training", tags=["training"])

#: a qualification that runs out within this many days is flagged, so the next course can be planned
EXPIRING_SOON_DAYS = 30
#: holders are read a page at a time; a committee's few hundred volunteers take one or two pages
HOLDER_PAGES = 10

CourseName = Annotated[str, Form(max_length=60)]
Description = Annotated[str, Form(max_length=2000)]
QualificationName = Annotated[str, Form(max_length=60)]
#: empty: the qualification never expires (the browser's number field; anything else is a 400)
ValidityMonths = Annotated[int | None, Form()]


def _course_form(
    name: str, description: str, qualification: str, validity_months: int | None
) -> dict[str, Any]:
    """A course's fields as typed (a refused form comes back exactly so)."""
    return {
        "name": name,
        "description": description,
        "qualification": qualification,
        "validity_months": validity_months,
    }


def _course_body(form: dict[str, Any]) -> dict[str, Any]:
    """A course as the roster takes it: no qualification named means the course grants none."""
    return {**form, "qualification": form["qualification"].strip() or None}


# courses --------------------------------------------------------------------------------------------------


def _courses_page(
    request: Request,
    api: Api,
    retired: bool = False,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "training/courses.html",
        status_code=status_code,
        section="training",
        courses=api.roster.get("/v1/courses", include_retired=retired or None),
        retired=retired,
        errors=errors,
        form=form or {},
    )


@router.get("")
def courses(request: Request, user: CommitteeUser, api: ApiDep, retired: bool = False) -> Response:
    return _courses_page(request, api, retired)


@router.post("")
def add_course(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    name: CourseName = "",
    description: Description = "",
    qualification: QualificationName = "",
    validity_months: ValidityMonths = None,
) -> Response:
    form = _course_form(name, description, qualification, validity_months)
    try:
        made = api.roster.post("/v1/courses", _course_body(form))
    except UpstreamError as refused:
        return _courses_page(request, api, False, refused.status, refused.messages, form)
    flash(request, _("Course “%(name)s” added.", name=made["name"]))
    return see_other(f"/t/{user.slug}/training/courses/{made['id']}")


def _volunteer_names(api: Api, ids: set[str], known: dict[str, str]) -> dict[str, str]:
    """Names for the completions' volunteers: the active ones are at hand; the few who have exited since
    are looked up one by one."""
    names = dict(known)
    for volunteer_id in ids - names.keys():
        names[volunteer_id] = api.roster.get(f"/v1/volunteers/{volunteer_id}")["name"]
    return names


def _course_page(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    course_id: str,
    cursor: str = "",
    q: str = "",
    status_code: int = 200,
    errors: list[str] | None = None,
    edit_errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
    edit_form: dict[str, Any] | None = None,
) -> Response:
    course = api.roster.get(f"/v1/courses/{course_id}")
    completions = api.roster.get(f"/v1/courses/{course_id}/completions", cursor=cursor)
    # the active roster names the completions; a search narrows only the select
    everyone = volunteer_choices(api)
    choices = None
    if user.writes and course["retired_on"] is None:
        choices = volunteer_choices(api, q) if q.strip() else everyone
    known = {option["id"]: option["name"] for option in everyone.options}
    names = _volunteer_names(api, {row["volunteer_id"] for row in completions["items"]}, known)
    return render(
        request,
        "training/course.html",
        status_code=status_code,
        section="training",
        course=course,
        completions=completions,
        names=names,
        choices=choices,
        q=q,
        errors=errors,
        edit_errors=edit_errors,
        form=form or {"completed_on": local_date(now).isoformat(), "passed": "true"},
        edit_form=edit_form or course,
    )


@router.get("/courses/{course_id}")
def course(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    course_id: str,
    cursor: str = "",
    q: str = "",
) -> Response:
    return _course_page(request, user, api, now, course_id, cursor, q)


@router.post("/courses/{course_id}")
def edit_course(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    course_id: str,
    name: CourseName = "",
    description: Description = "",
    qualification: QualificationName = "",
    validity_months: ValidityMonths = None,
) -> Response:
    form = _course_form(name, description, qualification, validity_months)
    try:
        api.roster.patch(f"/v1/courses/{course_id}", _course_body(form))
    except UpstreamError as refused:
        # the page again with the complaint; a course that is not theirs fails to load there: a 404
        return _course_page(
            request,
            user,
            api,
            now,
            course_id,
            status_code=refused.status,
            edit_errors=refused.messages,
            edit_form=form,
        )
    flash(request, _("Course saved."))
    return see_other(f"/t/{user.slug}/training/courses/{course_id}")


@router.post("/courses/{course_id}/retire")
def retire_course(request: Request, user: CommitteeUser, api: ApiDep, course_id: str) -> Response:
    api.roster.post(f"/v1/courses/{course_id}/retire")
    flash(request, _("Course retired: it takes no new completions."))
    return see_other(f"/t/{user.slug}/training/courses/{course_id}")


@router.post("/courses/{course_id}/completions")
def record_completion(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    course_id: str,
    passed: Annotated[bool, Form()],
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
    completed_on: Annotated[str, Form(max_length=10)] = "",
    score: Annotated[int | None, Form()] = None,
    trainer: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    body = {
        "volunteer_id": volunteer_id,
        "completed_on": completed_on,
        "passed": passed,
        "score": score,
        "trainer": trainer,
    }
    try:
        made = api.roster.post(f"/v1/courses/{course_id}/completions", body)
    except UpstreamError as refused:
        form = {**body, "passed": "true" if passed else "false"}
        return _course_page(
            request, user, api, now, course_id, status_code=refused.status, errors=refused.messages, form=form
        )
    if made["qualification"] is not None:
        flash(
            request,
            _(
                "Completion recorded; the qualification “%(name)s” is granted.",
                name=made["qualification"]["name"],
            ),
        )
    else:
        flash(request, _("Completion recorded."))
    return see_other(f"/t/{user.slug}/training/courses/{course_id}")


# qualifications -------------------------------------------------------------------------------------------


def _holders(api: Api, name: str, today: date) -> list[dict[str, Any]]:
    """Everyone holding a valid `name` today, across the roster's pages."""
    found: list[dict[str, Any]] = []
    cursor = None
    for _page in range(HOLDER_PAGES):
        page = api.roster.get(
            "/v1/qualifications", name=name, valid_on=today.isoformat(), cursor=cursor, limit=200
        )
        found.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return found


@router.get("/qualifications")
def qualifications(request: Request, user: CommitteeUser, api: ApiDep, now: Now, name: str = "") -> Response:
    """One qualification at a time (the roster lists holders by name): its holders today, soonest expiry
    flagged; the names to choose from are those the committee's courses grant, retired courses included."""
    offered = api.roster.get("/v1/courses", include_retired=True)
    names = sorted({course["qualification"] for course in offered if course["qualification"]})
    chosen = name or (names[0] if names else "")
    today = local_date(now)
    soon = today + timedelta(days=EXPIRING_SOON_DAYS)
    holders = _holders(api, chosen, today) if chosen else []
    expiring = [row for row in holders if row["expires_on"] and date.fromisoformat(row["expires_on"]) <= soon]
    return render(
        request,
        "training/qualifications.html",
        section="training",
        names=names,
        chosen=chosen,
        holders=holders,
        expiring=sorted(expiring, key=lambda row: row["expires_on"]),
        expiring_ids={row["qualification_id"] for row in expiring},
        today=today,
        soon_days=EXPIRING_SOON_DAYS,
    )


def _qualification_page(
    request: Request,
    api: Api,
    qualification_id: str,
    status_code: int = 200,
    errors: list[str] | None = None,
    reason: str = "",
) -> Response:
    grant = api.roster.get(f"/v1/qualifications/{qualification_id}")
    return render(
        request,
        "training/qualification.html",
        status_code=status_code,
        section="training",
        grant=grant,
        volunteer=api.roster.get(f"/v1/volunteers/{grant['volunteer_id']}"),
        course=api.roster.get(f"/v1/courses/{grant['course_id']}"),
        errors=errors,
        reason=reason,
    )


@router.get("/qualifications/{qualification_id}")
def qualification(request: Request, user: CommitteeUser, api: ApiDep, qualification_id: str) -> Response:
    return _qualification_page(request, api, qualification_id)


@router.post("/qualifications/{qualification_id}/revoke")
def revoke_qualification(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    qualification_id: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        api.roster.post(f"/v1/qualifications/{qualification_id}/revoke", {"reason": reason})
    except UpstreamError as refused:
        return _qualification_page(request, api, qualification_id, refused.status, refused.messages, reason)
    flash(request, _("Qualification revoked."))
    return see_other(f"/t/{user.slug}/training/qualifications/{qualification_id}")
