"""The mediation studio (调解工作室): intake, mediators who hold the mediator role, sessions, the outcome.

Cases are confidential and the roster decides who sees them (today: the committee's admins only). Whoever it
refuses gets a page saying the studio is restricted (403), not an error; a case of another committee, or
none, is the not-found page."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/mediation", tags=["mediation"])

CASES = "/v1/mediation-cases"
STATUSES = ("open", "closed")
CATEGORIES = ("neighbour", "property", "family", "other")
OUTCOMES = ("resolved", "unresolved", "referred")

Day = Annotated[str, Form(max_length=10)]


def _restricted(request: Request) -> Response:
    return render(request, "mediation/restricted.html", status_code=403, section="mediation")


def _restricted_or_raise(request: Request, refused: UpstreamError) -> Response:
    """A page's refusal: the restricted page for 403; anything else is the usual error page (404 stays 404)."""
    if refused.status == 403:
        return _restricted(request)
    raise refused


def _shown(request: Request, refused: UpstreamError) -> Response | None:
    """A refusal as its page: restricted for 403, not found for 404; None when a form should show it."""
    return _restricted_or_raise(request, refused) if refused.status in (403, 404) else None


@router.get("")
def cases(
    request: Request, user: CommitteeUser, api: ApiDep, status: str = "open", category: str = ""
) -> Response:
    status = status if status in STATUSES else ""
    category = category if category in CATEGORIES else ""
    try:
        found = api.roster.get(CASES, status=status, category=category)
    except UpstreamError as refused:
        return _restricted_or_raise(request, refused)
    return render(
        request,
        "mediation/list.html",
        section="mediation",
        cases=found,
        status=status,
        category=category,
        statuses=STATUSES,
        categories=CATEGORIES,
    )


@router.get("/new")
def new_case(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    try:
        # the roster says who may use the studio: asked before the intake form is offered
        api.roster.get(CASES, status="open", category="other")
    except UpstreamError as refused:
        return _restricted_or_raise(request, refused)
    form = {"parties": "", "category": "", "summary": "", "received_on": local_date(now).isoformat()}
    return render(request, "mediation/new.html", section="mediation", form=form, categories=CATEGORIES)


@router.post("")
def open_case(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    parties: Annotated[str, Form(max_length=600)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    received_on: Day = "",
) -> Response:
    form = {"parties": parties, "category": category, "summary": summary, "received_on": received_on}
    # one party per line, names only (the roster refuses phone or ID numbers)
    names = [line.strip() for line in parties.splitlines() if line.strip()]
    body = {"parties": names, "category": category, "summary": summary, "received_on": received_on}
    try:
        made = api.roster.post(CASES, body)
    except UpstreamError as refused:
        page = _shown(request, refused)
        if page is not None:
            return page
        return render(
            request,
            "mediation/new.html",
            status_code=refused.status,
            section="mediation",
            form=form,
            categories=CATEGORIES,
            errors=refused.messages,
        )
    flash(request, _("The case is taken in."))
    return see_other(f"/t/{user.slug}/mediation/{made['id']}")


@router.get("/{case_id}")
def case(request: Request, user: CommitteeUser, api: ApiDep, now: Now, case_id: uuid.UUID) -> Response:
    try:
        return _case_page(request, api, now, case_id)
    except UpstreamError as refused:
        return _restricted_or_raise(request, refused)


@router.post("/{case_id}/mediators")
def assign_mediator(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    case_id: uuid.UUID,
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
    assigned_on: Day = "",
) -> Response:
    form = {"volunteer_id": volunteer_id, "assigned_on": assigned_on}
    body = {"volunteer_id": volunteer_id or None, "assigned_on": assigned_on}
    return _change(
        request,
        user,
        api,
        now,
        case_id,
        f"{case_id}/mediators",
        body,
        "assign",
        form,
        _("The mediator is assigned to the case."),
    )


@router.post("/{case_id}/mediators/{volunteer_id}/release")
def release_mediator(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    case_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    released_on: Day = "",
) -> Response:
    form = {"released_on": released_on}
    return _change(
        request,
        user,
        api,
        now,
        case_id,
        f"{case_id}/mediators/{volunteer_id}/release",
        form,
        "release",
        form,
        _("The mediator is released from the case."),
    )


@router.post("/{case_id}/sessions")
def record_session(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    case_id: uuid.UUID,
    held_on: Day = "",
    notes: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    form = {"held_on": held_on, "notes": notes}
    return _change(
        request,
        user,
        api,
        now,
        case_id,
        f"{case_id}/sessions",
        form,
        "session",
        form,
        _("The session is recorded."),
    )


@router.post("/{case_id}/close")
def close_case(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    case_id: uuid.UUID,
    outcome: Annotated[str, Form(max_length=20)] = "",
    agreement: Annotated[str, Form(max_length=5000)] = "",
    closed_on: Day = "",
) -> Response:
    form = {"outcome": outcome, "agreement": agreement, "closed_on": closed_on}
    return _change(
        request, user, api, now, case_id, f"{case_id}/close", form, "close", form, _("The case is closed.")
    )


def _change(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    case_id: uuid.UUID,
    path: str,
    body: dict[str, Any],
    failed: str,
    form: dict[str, str],
    done: str,
) -> Response:
    """One of the case page's forms: to the case page when the roster takes it; the page again, with the
    refusal above the form that was sent, when it does not."""
    try:
        api.roster.post(f"{CASES}/{path}", body)
    except UpstreamError as refused:
        page = _shown(request, refused)
        if page is not None:
            return page
        return _case_page(request, api, now, case_id, failed, form, refused)
    flash(request, done)
    return see_other(f"/t/{user.slug}/mediation/{case_id}")


def _case_page(
    request: Request,
    api: Api,
    now: datetime,
    case_id: uuid.UUID,
    failed: str = "",
    form: dict[str, str] | None = None,
    refused: UpstreamError | None = None,
) -> Response:
    found = api.roster.get(f"{CASES}/{case_id}")
    on_case = {m["volunteer_id"] for m in found["mediators"] if m["released_on"] is None}
    mediators = active_volunteers(api, role="mediator")
    return render(
        request,
        "mediation/case.html",
        status_code=refused.status if refused else 200,
        section="mediation",
        case=found,
        current=[m for m in found["mediators"] if m["released_on"] is None],
        released=[m for m in found["mediators"] if m["released_on"] is not None],
        available=[v for v in mediators if v["id"] not in on_case],
        outcomes=OUTCOMES,
        today=local_date(now).isoformat(),
        failed=failed,
        form=form or {},
        errors=refused.messages if refused else [],
    )
