"""Service hours and records (志愿服务记录): the committee's records with their ledger trail, the resident's
rating (评价情况) and the link to give it, adjustments and voids, the late-entry queue (补录) and the
correction requests (更正申请). Scheduling keeps the records; evaluation keeps the ratings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import query_string, refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_portal.qr import portal_link, qr_svg
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


# the review queues: late entries (补录) and correction requests (更正申请) -------------------------------


@dataclass(frozen=True)
class _Queue:
    """A queue of requests staff decide: `tab` names the page's tab and template, `path` its address."""

    tab: str
    path: str
    #: the service's collection of the requests
    collection: str
    #: what the queue's page shows besides the requests, by the page of them
    context: Callable[[Api, list[dict[str, Any]]], dict[str, Any]]
    approved: str
    rejected: str


def _late_entry_names(api: Api, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "volunteers": _names(api.roster, "/v1/volunteers", {entry["volunteer_id"] for entry in entries}),
        "activities": _names(api.scheduling, "/v1/activities", {entry["activity_id"] for entry in entries}),
    }


def _corrected_records(api: Api, corrections: list[dict[str, Any]]) -> dict[str, Any]:
    # the record each request is about: who, what, and the hours it counts now
    return {
        "records": {
            record_id: api.scheduling.get(f"/v1/service-records/{record_id}")
            for record_id in {correction["record_id"] for correction in corrections}
        }
    }


LATE_ENTRIES = _Queue(
    "late_entries",
    "late-entries",
    "/v1/late-entries",
    _late_entry_names,
    N_("Late entry approved: its record is made and flagged for audit."),
    N_("Late entry rejected."),
)
CORRECTIONS = _Queue(
    "corrections",
    "corrections",
    "/v1/corrections",
    _corrected_records,
    N_("Correction granted: the record counts the requested hours."),
    N_("Correction refused."),
)
RequestStatus = Annotated[str, Query(pattern="^(|pending|approved|rejected)$")]
Cursor = Annotated[str | None, Query(max_length=400)]


@router.get("/late-entries")
def late_entries(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: RequestStatus = "pending",
    cursor: Cursor = None,
) -> Response:
    return _queue_page(request, api, LATE_ENTRIES, status, cursor)


@router.get("/corrections")
def corrections(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: RequestStatus = "pending",
    cursor: Cursor = None,
) -> Response:
    return _queue_page(request, api, CORRECTIONS, status, cursor)


def _queue_page(
    request: Request,
    api: Api,
    queue: _Queue,
    status: str,
    cursor: str | None,
    status_code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    page = api.scheduling.get(queue.collection, status=status, cursor=cursor, limit=50)
    return render(
        request,
        f"records/{queue.tab}.html",
        status_code=status_code,
        section="records",
        tab=queue.tab,
        queue_path=queue.path,
        page=page,
        status=status,
        statuses=REQUEST_STATUSES,
        next_query=query_string({"status": status, "cursor": page["next_cursor"]}),
        cursor=cursor,
        errors=errors,
        **queue.context(api, page["items"]),
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


@router.post("/late-entries/{request_id}/decision")
def decide_late_entry(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    request_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    note: FormText = "",
) -> Response:
    return _decide(request, user, api, LATE_ENTRIES, request_id, approve, note)


@router.post("/corrections/{request_id}/decision")
def decide_correction(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    request_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    note: FormText = "",
) -> Response:
    return _decide(request, user, api, CORRECTIONS, request_id, approve, note)


def _decide(
    request: Request,
    user: PortalUser,
    api: Api,
    queue: _Queue,
    request_id: uuid.UUID,
    approve: bool,
    note: str,
) -> Response:
    try:
        api.scheduling.post(f"{queue.collection}/{request_id}/decision", {"approve": approve, "note": note})
    except UpstreamError as refused:
        # four eyes: the filer's own entry is refused by the service, and the queue says why
        shown = refusal_to_show(refused)
        return _queue_page(request, api, queue, "pending", None, shown.status, shown.messages)
    flash(request, _(queue.approved if approve else queue.rejected))
    return see_other(f"/t/{user.slug}/records/{queue.path}")


# a late entry to file ----------------------------------------------------------------------------------


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
        volunteers=active_volunteers(api),
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
        return _late_entry_form(request, api, form, refusal_to_show(refused).status, refused.messages)
    flash(request, _("Late entry filed; a colleague approves it."))
    return see_other(f"/t/{user.slug}/records/late-entries")


def _instant(day: date, wall_clock: time) -> str:
    """A time of day on a Shanghai day, as the UTC instant the services store."""
    return datetime.combine(day, wall_clock, tzinfo=SHANGHAI).astimezone(UTC).isoformat()


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
        first_query=query_string({**shown, "volunteer_id": volunteer_id}),
        next_query=query_string({**shown, "volunteer_id": volunteer_id, "cursor": page["next_cursor"]}),
        cursor=cursor,
    )


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
    url = portal_link(request, f"/feedback/{token}")
    return {"url": url, "expires_at": given["expires_at"], "qr": qr_svg(url, _("Rate this service"))}


@router.post("/{record_id}/adjust")
def adjust(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    record_id: uuid.UUID,
    hours: Annotated[float, Form(ge=0, le=24, allow_inf_nan=False)],
    reason: FormText = "",
) -> Response:
    body = {"hours": hours, "reason": reason}
    return _change_record(
        request, user, api, record_id, "adjustments", body, body, _("The hours were changed.")
    )


@router.post("/{record_id}/void")
def void(
    request: Request, user: CommitteeUser, api: ApiDep, record_id: uuid.UUID, reason: FormText = ""
) -> Response:
    done = _("The record was voided; its hours no longer count.")
    return _change_record(
        request, user, api, record_id, "void", {"reason": reason}, {"void_reason": reason}, done
    )


def _change_record(
    request: Request,
    user: PortalUser,
    api: Api,
    record_id: uuid.UUID,
    action: str,
    body: dict[str, Any],
    form: dict[str, Any],
    done: str,
) -> Response:
    """A change to a record's hours; a refusal shows on the record's page with what was typed kept."""
    try:
        api.scheduling.post(f"/v1/service-records/{record_id}/{action}", body)
    except UpstreamError as refused:
        shown = refusal_to_show(refused)
        return _record_page(request, user, api, record_id, shown.status, shown.messages, form)
    flash(request, done)
    return see_other(f"/t/{user.slug}/records/{record_id}")
