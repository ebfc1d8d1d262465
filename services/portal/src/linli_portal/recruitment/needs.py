"""Needs (需求识别): what the committee is looking for ("building leaders for blocks 3–7"), how many, with
which skill or role; each need's candidates ranked by their screening."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.recruitment.common import MAX_PAGE, PREFIX, ROLE_KINDS, optional
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix=PREFIX)
NEED_STATUSES = ("open", "filled", "closed")

Title = Annotated[str, Form(max_length=200)]
Description = Annotated[str, Form(max_length=4000)]
Headcount = Annotated[str, Form(max_length=10)]
Skill = Annotated[str, Form(max_length=60)]
RoleKind = Annotated[str, Form(max_length=40)]


def _need_body(
    title: str, description: str, headcount: str, required_skill: str, required_role: str
) -> dict[str, Any]:
    # a headcount that is not a number goes as typed: the roster says what is wrong with it, next to the rest
    count: int | str = int(headcount) if headcount.strip().isdigit() else headcount
    return {
        "title": title,
        "description": description,
        "headcount": count,
        "required_skill": optional(required_skill),
        "required_role": optional(required_role),
    }


@router.get("/needs")
def needs_page(request: Request, user: CommitteeUser, api: ApiDep, status: str = "") -> Response:
    return _needs_page(request, api, status)


def _needs_page(
    request: Request,
    api: Api,
    status: str = "",
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    status = status if status in NEED_STATUSES else ""
    needs = api.roster.get("/v1/recruitment/needs", status=status, limit=MAX_PAGE)
    return render(
        request,
        "recruitment/needs.html",
        status_code=status_code,
        section="recruitment",
        tab="needs",
        needs=needs["items"],
        status=status,
        statuses=NEED_STATUSES,
        role_kinds=ROLE_KINDS,
        errors=errors or [],
        form={"headcount": "1", **(form or {})},
    )


@router.post("/needs")
def open_need(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    title: Title = "",
    description: Description = "",
    headcount: Headcount = "",
    required_skill: Skill = "",
    required_role: RoleKind = "",
) -> Response:
    body = _need_body(title, description, headcount, required_skill, required_role)
    try:
        made = api.roster.post("/v1/recruitment/needs", body)
    except UpstreamError as refused:
        form = {**body, "headcount": headcount, "required_skill": required_skill}
        return _needs_page(request, api, "", refused.status, refused.messages, form)
    flash(request, _("Need recorded."))
    return see_other(f"/t/{user.slug}/recruitment/needs/{made['id']}")


@router.get("/needs/{need_id}")
def need_page(request: Request, user: CommitteeUser, api: ApiDep, need_id: uuid.UUID) -> Response:
    return _need_page(request, api, need_id)


def _need_page(
    request: Request,
    api: Api,
    need_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    need = api.roster.get(f"/v1/recruitment/needs/{need_id}")
    return render(
        request,
        "recruitment/need.html",
        status_code=status_code,
        section="recruitment",
        tab="needs",
        need=need,
        ranking=api.roster.get(f"/v1/recruitment/needs/{need_id}/ranking"),
        role_kinds=ROLE_KINDS,
        errors=errors or [],
        # what was sent stands over what is stored, so a refused form keeps what the user typed
        form={**need, "required_skill": need["required_skill"] or "", "close_reason": "", **(form or {})},
    )


@router.post("/needs/{need_id}")
def edit_need(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    need_id: uuid.UUID,
    title: Title = "",
    description: Description = "",
    headcount: Headcount = "",
    required_skill: Skill = "",
    required_role: RoleKind = "",
) -> Response:
    body = _need_body(title, description, headcount, required_skill, required_role)
    try:
        api.roster.patch(f"/v1/recruitment/needs/{need_id}", body)
    except UpstreamError as refused:
        form = {**body, "headcount": headcount, "required_skill": required_skill}
        return _need_page(request, api, need_id, refusal_to_show(refused).status, refused.messages, form)
    flash(request, _("Need saved."))
    return see_other(f"/t/{user.slug}/recruitment/needs/{need_id}")


@router.post("/needs/{need_id}/close")
def close_need(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    need_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        api.roster.post(f"/v1/recruitment/needs/{need_id}/close", {"reason": reason})
    except UpstreamError as refused:
        shown = refusal_to_show(refused)
        return _need_page(request, api, need_id, shown.status, shown.messages, {"close_reason": reason})
    flash(request, _("Need closed."))
    return see_other(f"/t/{user.slug}/recruitment/needs/{need_id}")
