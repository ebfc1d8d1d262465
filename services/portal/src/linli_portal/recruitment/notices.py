"""Public notices (公示) for promotions to backbone: open one for a volunteer, record residents' objections
while it runs, the committee admin's ruling on each (an upheld objection rejects the promotion), or withdraw
it. A notice that runs its period with no objection upheld makes the volunteer backbone (the roster's job)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.recruitment.common import MAX_PAGE, PREFIX
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix=PREFIX)
NOTICE_STATUSES = ("open", "effective", "rejected", "withdrawn")
DEFAULT_PERIOD_DAYS = 7

Reason = Annotated[str, Form(max_length=500)]


@router.get("/notices")
def notices_page(
    request: Request, user: CommitteeUser, api: ApiDep, status: str = "", volunteer_id: str = ""
) -> Response:
    return _notices_page(request, user, api, status, form={"volunteer_id": volunteer_id})


def _notices_page(
    request: Request,
    user: PortalUser,
    api: Api,
    status: str = "",
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    status = status if status in NOTICE_STATUSES else ""
    notices = api.roster.get("/v1/recruitment/notices", status=status, limit=MAX_PAGE)["items"]
    promotable: list[dict[str, Any]] = []
    if user.writes:
        # who can be put up for backbone: active volunteers not backbone already
        active = active_volunteers(api)
        promotable = [volunteer for volunteer in active if volunteer["tier"] != "backbone"]
    return render(
        request,
        "recruitment/notices.html",
        status_code=status_code,
        section="recruitment",
        tab="notices",
        notices=notices,
        status=status,
        statuses=NOTICE_STATUSES,
        promotable=promotable,
        errors=errors or [],
        form={"volunteer_id": "", "statement": "", "period_days": DEFAULT_PERIOD_DAYS, **(form or {})},
    )


@router.post("/notices")
def open_notice(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
    statement: Annotated[str, Form(max_length=2000)] = "",
    period_days: Annotated[str, Form(max_length=5)] = str(DEFAULT_PERIOD_DAYS),
) -> Response:
    days: int | str = int(period_days) if period_days.strip().isdigit() else period_days
    form = {"volunteer_id": volunteer_id, "statement": statement, "period_days": period_days}
    try:
        made = api.roster.post(
            "/v1/recruitment/notices",
            {"volunteer_id": volunteer_id, "statement": statement, "period_days": days},
        )
    except UpstreamError as refused:
        return _notices_page(request, user, api, "", refused.status, refused.messages, form)
    flash(request, _("Public notice opened."))
    return see_other(f"/t/{user.slug}/recruitment/notices/{made['id']}")


@router.get("/notices/{notice_id}")
def notice_page(request: Request, user: CommitteeUser, api: ApiDep, notice_id: uuid.UUID) -> Response:
    return _notice_page(request, api, notice_id)


def _notice_page(
    request: Request,
    api: Api,
    notice_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "recruitment/notice.html",
        status_code=status_code,
        section="recruitment",
        tab="notices",
        notice=api.roster.get(f"/v1/recruitment/notices/{notice_id}"),
        errors=errors or [],
        form={"text": "", "from_whom": "", "reason": "", **(form or {})},
    )


def _refused(
    request: Request, api: Api, notice_id: uuid.UUID, refused: UpstreamError, **form: str
) -> Response:
    return _notice_page(request, api, notice_id, refusal_to_show(refused).status, refused.messages, form)


@router.post("/notices/{notice_id}/objections")
def record_objection(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    notice_id: uuid.UUID,
    text: Annotated[str, Form(max_length=2000)] = "",
    from_whom: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        api.roster.post(
            f"/v1/recruitment/notices/{notice_id}/objections", {"text": text, "from_whom": from_whom}
        )
    except UpstreamError as refused:
        return _refused(request, api, notice_id, refused, text=text, from_whom=from_whom)
    flash(request, _("Objection recorded."))
    return see_other(f"/t/{user.slug}/recruitment/notices/{notice_id}")


@router.post("/notices/{notice_id}/objections/{objection_id}/ruling")
def rule_on_objection(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    notice_id: uuid.UUID,
    objection_id: uuid.UUID,
    status: Annotated[str, Form(max_length=20)] = "",
    note: Reason = "",
) -> Response:
    try:
        api.roster.post(
            f"/v1/recruitment/notices/{notice_id}/objections/{objection_id}/ruling",
            {"status": status, "note": note},
        )
    except UpstreamError as refused:
        return _refused(request, api, notice_id, refused)
    flash(request, _("Ruling recorded."))
    return see_other(f"/t/{user.slug}/recruitment/notices/{notice_id}")


@router.post("/notices/{notice_id}/withdraw")
def withdraw_notice(
    request: Request, user: CommitteeUser, api: ApiDep, notice_id: uuid.UUID, reason: Reason = ""
) -> Response:
    try:
        api.roster.post(f"/v1/recruitment/notices/{notice_id}/withdraw", {"reason": reason})
    except UpstreamError as refused:
        return _refused(request, api, notice_id, refused, reason=reason)
    flash(request, _("Public notice withdrawn."))
    return see_other(f"/t/{user.slug}/recruitment/notices/{notice_id}")
