"""Service hours and records (志愿服务记录): the committee's records with their ledger trail, the resident's
rating (评价情况) and the link to give it, adjustments and voids, the late-entry queue (补录) and the
correction requests (更正申请). Scheduling keeps the records; evaluation keeps the ratings."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

import segno
from fastapi import Form, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import SHANGHAI, Now, local_date

router = portal_router(prefix="/t/{slug}/records", tags=["records"])

#: the record list's one "show only" choice → the service's flag filter
FLAGS: dict[str, tuple[str, str]] = {
    "late_entry": ("late_entry", N_("Late entries")),
    "self_reported": ("self_reported", N_("Self-reported")),
    "auto_closed": ("auto_closed", N_("Closed automatically")),
    "voided": ("voided", N_("Voided")),
}
#: what each ledger entry did to a record's hours
ENTRY_KINDS = {"recorded": N_("Recorded"), "adjusted": N_("Adjusted"), "voided": N_("Voided")}
REQUEST_STATUSES = ("pending", "approved", "rejected")
FormText = Annotated[str, Form(max_length=2000)]


def _refused_status(refused: UpstreamError) -> int:
    """A refusal shows the form again with the service's words; a 404 stays the not-found page."""
    if refused.status == 404:
        raise refused
    return refused.status


# late entries (补录) -------------------------------------------------------------------------------------


@router.get("/late-entries")
def late_entries(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: Annotated[str, Query(pattern="^(|pending|approved|rejected)$")] = "pending",
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    return _late_entries_page(request, api, status, cursor)


def _late_entries_page(
    request: Request,
    api: Api,
    status: str,
    cursor: str | None,
    status_code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    page = api.scheduling.get("/v1/late-entries", status=status, cursor=cursor, limit=50)
    entries = page["items"]
    return render(
        request,
        "records/late_entries.html",
        status_code=status_code,
        section="records",
        tab="late_entries",
        page=page,
        status=status,
        statuses=REQUEST_STATUSES,
        volunteers=_names(api.roster, "/v1/volunteers", {entry["volunteer_id"] for entry in entries}),
        activities=_names(api.scheduling, "/v1/activities", {entry["activity_id"] for entry in entries}),
        next_query=_query({"status": status, "cursor": page["next_cursor"]}),
        cursor=cursor,
        errors=errors,
    )


def _names(service: Any, collection: str, ids: set[str]) -> dict[str, str]:
    """The names behind a queue's ids (a queue is short: one look-up each); one gone shows as a dash."""
    found = {}
    for each in ids:
        try:
            found[each] = service.get(f"{collection}/{each}")["name"]
        except UpstreamError:
            found[each] = "—"
    return found


@router.post("/late-entries/{late_entry_id}/decision")
def decide_late_entry(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    late_entry_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    note: FormText = "",
) -> Response:
    try:
        api.scheduling.post(f"/v1/late-entries/{late_entry_id}/decision", {"approve": approve, "note": note})
    except UpstreamError as refused:
        # four eyes: the filer's own entry is refused by the service, and the queue says why
        return _late_entries_page(request, api, "pending", None, _refused_status(refused), refused.messages)
    if approve:
        flash(request, _("Late entry approved: its record is made and flagged for audit."))
    else:
        flash(request, _("Late entry rejected."))
    return see_other(f"/t/{user.slug}/records/late-entries")


@router.get("/late-entries/new")
def new_late_entry(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, volunteer_id: uuid.UUID | None = None
) -> Response:
    form = {"volunteer_id": str(volunteer_id or ""), "day": local_date(now).isoformat(), "break_minutes": 0}
    return _late_entry_form(request, api, form)


def _late_entry_form(
    request: Request,
    api: Api,
    form: dict[str, Any],
    status_code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    return render(
        request,
        "records/late_entry_new.html",
        status_code=status_code,
        section="records",
        tab="new_late_entry",
        volunteers=api.roster.get("/v1/volunteers", limit=200)["items"],
        activities=api.scheduling.get("/v1/activities", limit=200)["items"],
        form=form,
        errors=errors,
    )


@router.post("/late-entries")
def file_late_entry(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    volunteer_id: Annotated[uuid.UUID, Form()],
    activity_id: Annotated[uuid.UUID, Form()],
    day: Annotated[date, Form()],
    start: Annotated[time, Form()],
    end: Annotated[time, Form()],
    break_minutes: Annotated[int, Form(ge=0, le=1440)] = 0,
    reason: FormText = "",
) -> Response:
    body = {
        "volunteer_id": str(volunteer_id),
        "activity_id": str(activity_id),
        "started_at": _instant(day, start),
        "ended_at": _instant(day, end),
        "break_minutes": break_minutes,
        "reason": reason,
    }
    try:
        api.scheduling.post("/v1/late-entries", body)
    except UpstreamError as refused:
        form = {
            **body,
            "day": day.isoformat(),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
        return _late_entry_form(request, api, form, _refused_status(refused), refused.messages)
    flash(request, _("Late entry filed; a colleague approves it."))
    return see_other(f"/t/{user.slug}/records/late-entries")


def _instant(day: date, wall_clock: time) -> str:
    """A time of day on a Shanghai day, as the UTC instant the services store."""
    return datetime.combine(day, wall_clock, tzinfo=SHANGHAI).astimezone(UTC).isoformat()


# corrections (更正申请) -----------------------------------------------------------------------------------


@router.get("/corrections")
def corrections(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: Annotated[str, Query(pattern="^(|pending|approved|rejected)$")] = "pending",
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    return _corrections_page(request, api, status, cursor)


def _corrections_page(
    request: Request,
    api: Api,
    status: str,
    cursor: str | None,
    status_code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    page = api.scheduling.get("/v1/corrections", status=status, cursor=cursor, limit=50)
    # the record each request is about: who, what, and the hours it counts now
    records = {
        record_id: api.scheduling.get(f"/v1/service-records/{record_id}")
        for record_id in {correction["record_id"] for correction in page["items"]}
    }
    return render(
        request,
        "records/corrections.html",
        status_code=status_code,
        section="records",
        tab="corrections",
        page=page,
        records=records,
        status=status,
        statuses=REQUEST_STATUSES,
        next_query=_query({"status": status, "cursor": page["next_cursor"]}),
        cursor=cursor,
        errors=errors,
    )


@router.post("/corrections/{correction_id}/decision")
def decide_correction(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    correction_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    note: FormText = "",
) -> Response:
    try:
        api.scheduling.post(f"/v1/corrections/{correction_id}/decision", {"approve": approve, "note": note})
    except UpstreamError as refused:
        return _corrections_page(request, api, "pending", None, _refused_status(refused), refused.messages)
    if approve:
        flash(request, _("Correction granted: the record counts the requested hours."))
    else:
        flash(request, _("Correction refused."))
    return see_other(f"/t/{user.slug}/records/corrections")


# service records ------------------------------------------------------------------------------------------


@router.get("")
def records(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    served_from: Annotated[date | None, Query(alias="from")] = None,
    served_to: Annotated[date | None, Query(alias="to")] = None,
    activity_id: uuid.UUID | None = None,
    volunteer_id: uuid.UUID | None = None,
    flag: Annotated[str, Query(pattern="^(|late_entry|self_reported|auto_closed|voided)$")] = "",
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    filters: dict[str, Any] = {
        "from": served_from,
        "to": served_to,
        "activity_id": activity_id,
        "volunteer_id": volunteer_id,
    }
    if flag:
        filters[FLAGS[flag][0]] = "true"
    page = api.scheduling.get("/v1/service-records", cursor=cursor, limit=50, **filters)
    activities = api.scheduling.get("/v1/activities", limit=200)["items"]
    shown = {"from": served_from, "to": served_to, "activity_id": activity_id, "flag": flag}
    return render(
        request,
        "records/list.html",
        section="records",
        tab="records",
        page=page,
        activities=activities,
        flags=FLAGS,
        filters={key: value or "" for key, value in shown.items()},
        volunteer_id=volunteer_id,
        first_query=_query({**shown, "volunteer_id": volunteer_id}),
        next_query=_query({**shown, "volunteer_id": volunteer_id, "cursor": page["next_cursor"]}),
        cursor=cursor,
    )


def _query(params: dict[str, Any]) -> str:
    """A page's filters as a query string, the empty ones left out."""
    return urlencode({key: str(value) for key, value in params.items() if value not in (None, "")})


@router.get("/{record_id}")
def record(request: Request, user: CommitteeUser, api: ApiDep, record_id: uuid.UUID) -> Response:
    return _record_page(request, user, api, record_id)


def _record_page(
    request: Request,
    user: PortalUser,
    api: Api,
    record_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = api.scheduling.get(f"/v1/service-records/{record_id}")
    try:
        rating = api.evaluation.get(f"/v1/records/{record_id}/rating")
    except UpstreamError as refused:
        if refused.status != 404:
            raise
        rating = None  # evaluation has not heard of the record yet (its event is on the way)
    link, link_problem = None, None
    if user.writes and not found["voided"]:
        try:
            link = _feedback_link(request, api.evaluation.get(f"/v1/records/{record_id}/feedback-link"))
        except UpstreamError as refused:
            link_problem = refused.messages
    return render(
        request,
        "records/detail.html",
        status_code=status_code,
        section="records",
        tab="records",
        record=found,
        rating=rating,
        link=link,
        link_problem=link_problem,
        entry_kinds=ENTRY_KINDS,
        errors=errors,
        form=form or {},
    )


def _feedback_link(request: Request, given: dict[str, Any]) -> dict[str, Any]:
    """The resident's link opens the portal's rating page, whatever host the service named: the token is
    the credential, so the portal's own address is built around it."""
    token = given["url"].rsplit("/feedback/", 1)[-1]
    url = f"{request.app.state.settings.public_url.rstrip('/')}/feedback/{token}"
    qr = segno.make(url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, svgclass="qr", title=_("Rate this service")
    )
    return {"url": url, "expires_at": given["expires_at"], "qr": Markup(qr)}  # segno's own SVG markup


@router.post("/{record_id}/adjust")
def adjust(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    record_id: uuid.UUID,
    hours: Annotated[float, Form(ge=0, le=24, allow_inf_nan=False)],
    reason: FormText = "",
) -> Response:
    try:
        api.scheduling.post(
            f"/v1/service-records/{record_id}/adjustments", {"hours": hours, "reason": reason}
        )
    except UpstreamError as refused:
        form = {"hours": hours, "reason": reason}
        return _record_page(request, user, api, record_id, _refused_status(refused), refused.messages, form)
    flash(request, _("The hours were changed."))
    return see_other(f"/t/{user.slug}/records/{record_id}")


@router.post("/{record_id}/void")
def void(
    request: Request, user: CommitteeUser, api: ApiDep, record_id: uuid.UUID, reason: FormText = ""
) -> Response:
    try:
        api.scheduling.post(f"/v1/service-records/{record_id}/void", {"reason": reason})
    except UpstreamError as refused:
        form = {"void_reason": reason}
        return _record_page(request, user, api, record_id, _refused_status(refused), refused.messages, form)
    flash(request, _("The record was voided; its hours no longer count."))
    return see_other(f"/t/{user.slug}/records/{record_id}")
