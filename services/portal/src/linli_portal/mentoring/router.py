"""Mentor pairs (以老带新、结对学): an experienced volunteer paired with a newer one, for a term, with goals."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/mentoring", tags=["mentoring"])

STATES = ("open", "ended", "all")


@router.get("")
def pairs(
    request: Request, user: CommitteeUser, api: ApiDep, state: str = "open", cursor: str = ""
) -> Response:
    state = state if state in STATES else "open"
    page = api.roster.get("/v1/mentor-pairs", state=state, cursor=cursor, limit=50)
    return render(request, "mentoring/list.html", section="mentoring", page=page, state=state, states=STATES)


@router.get("/new")
def new_pair(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    form = {"starts_on": local_date(now).isoformat()}
    return _pair_form(request, api, form)


@router.post("")
def form_pair(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    mentor_id: Annotated[str, Form(max_length=40)] = "",
    mentee_id: Annotated[str, Form(max_length=40)] = "",
    starts_on: Annotated[str, Form(max_length=10)] = "",
    ends_on: Annotated[str, Form(max_length=10)] = "",
    goals: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "goals": goals,
    }
    # the service judges every field (two different people, both active, a term that ends after it starts)
    body = {
        **form,
        "mentor_id": mentor_id or None,
        "mentee_id": mentee_id or None,
        "ends_on": ends_on or None,
    }
    try:
        made = api.roster.post("/v1/mentor-pairs", body)
    except UpstreamError as refused:
        return _pair_form(request, api, form, refused)
    flash(request, _("The mentor pair is formed."))
    return see_other(f"/t/{user.slug}/mentoring/{made['id']}")


def _pair_form(
    request: Request, api: Api, form: dict[str, str], refused: UpstreamError | None = None
) -> Response:
    return render(
        request,
        "mentoring/new.html",
        status_code=refused.status if refused else 200,
        section="mentoring",
        volunteers=active_volunteers(api),
        form=form,
        errors=refused.messages if refused else [],
    )


@router.get("/{pair_id}")
def pair(request: Request, user: CommitteeUser, api: ApiDep, pair_id: uuid.UUID, now: Now) -> Response:
    return _pair_page(request, api, pair_id, {"ended_on": local_date(now).isoformat(), "reason": ""})


@router.post("/{pair_id}/end")
def end_pair(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    pair_id: uuid.UUID,
    ended_on: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = {"ended_on": ended_on, "reason": reason}
    try:
        api.roster.post(f"/v1/mentor-pairs/{pair_id}/end", form)
    except UpstreamError as refused:
        return _pair_page(request, api, pair_id, form, refusal_to_show(refused))
    flash(request, _("The mentor pair has ended."))
    return see_other(f"/t/{user.slug}/mentoring/{pair_id}")


def _pair_page(
    request: Request,
    api: Api,
    pair_id: uuid.UUID,
    form: dict[str, str],
    refused: UpstreamError | None = None,
) -> Response:
    return render(
        request,
        "mentoring/detail.html",
        status_code=refused.status if refused else 200,
        section="mentoring",
        pair=api.roster.get(f"/v1/mentor-pairs/{pair_id}"),
        form=form,
        errors=refused.messages if refused else [],
    )
