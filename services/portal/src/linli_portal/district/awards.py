"""Award programmes (最美志愿者, 优秀党员 …): the ones on the caller's path and below, a new one for the
caller's own node, and changes to one the caller's subtree defined (sent with the version last read, so
two admins' edits never silently overwrite each other)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, AreaUser
from linli_portal.district.common import as_number, subtree
from linli_portal.i18n import gettext as _
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = APIRouter(prefix="/d/{slug}/awards")
NEW_PROGRAMME = {
    "name": "",
    "description": "",
    "period_kind": "year",
    "max_nominees": 3,
    "notice_days": 7,
    "active": True,
    "criteria": {
        "min_verified_hours": 0,
        "min_stars": 0,
        "min_average_satisfaction": None,
        "min_ratings": 0,
        "require_party_member": False,
        "require_no_rejected_audit": False,
    },
}


class CriteriaForm:
    """The criteria fields every programme form has, as the service's `criteria` object."""

    def __init__(
        self,
        min_verified_hours: Annotated[str, Form(max_length=20)] = "0",
        min_stars: Annotated[str, Form(max_length=20)] = "0",
        min_average_satisfaction: Annotated[str, Form(max_length=20)] = "",
        min_ratings: Annotated[str, Form(max_length=20)] = "0",
        require_party_member: Annotated[bool, Form()] = False,
        require_no_rejected_audit: Annotated[bool, Form()] = False,
    ) -> None:
        satisfaction = min_average_satisfaction.strip()
        self.criteria: dict[str, Any] = {
            "min_verified_hours": as_number(min_verified_hours or "0"),
            "min_stars": as_number(min_stars or "0"),
            # empty: satisfaction is not a criterion
            "min_average_satisfaction": as_number(satisfaction) if satisfaction else None,
            "min_ratings": as_number(min_ratings or "0"),
            "require_party_member": require_party_member,
            "require_no_rejected_audit": require_no_rejected_audit,
        }


def _editable(api: Api) -> set[str]:
    """Programmes the caller may change: those its own node or a node below defined."""
    return {node["id"] for node in subtree(api)}


def _list_page(
    request: Request, api: Api, status_code: int = 200, errors: list[str] | None = None, form: Any = None
) -> Response:
    return render(
        request,
        "district/awards.html",
        status_code=status_code,
        section="awards",
        programmes=api.evaluation.get("/v1/award-programmes"),
        editable=_editable(api),
        form=form or NEW_PROGRAMME,
        errors=errors or [],
    )


@router.get("")
def programmes(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _list_page(request, api)


@router.post("")
def define(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    criteria: Annotated[CriteriaForm, Depends()],
    name: Annotated[str, Form(max_length=200)],
    period_kind: Annotated[str, Form(max_length=20)],
    max_nominees: Annotated[str, Form(max_length=20)],
    notice_days: Annotated[str, Form(max_length=20)],
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    body = {
        "name": name,
        "description": description,
        "period_kind": period_kind,
        "max_nominees": as_number(max_nominees),
        "notice_days": as_number(notice_days),
        "criteria": criteria.criteria,
    }
    try:
        made = api.evaluation.post("/v1/award-programmes", body)
    except UpstreamError as refused:
        return _list_page(request, api, refused.status, refused.messages, body)
    flash(request, _("Award programme defined."))
    return see_other(f"/d/{user.slug}/awards/{made['id']}")


def _edit_page(
    request: Request,
    api: Api,
    programme_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: Any = None,
) -> Response:
    programme = api.evaluation.get(f"/v1/award-programmes/{programme_id}")
    return render(
        request,
        "district/award.html",
        status_code=status_code,
        section="awards",
        programme=programme,
        editable=programme["owner_tenant_id"] in _editable(api),
        form=form or programme,
        errors=errors or [],
    )


@router.get("/{programme_id}")
def programme_page(request: Request, user: AreaUser, api: ApiDep, programme_id: uuid.UUID) -> Response:
    return _edit_page(request, api, programme_id)


@router.post("/{programme_id}")
def edit(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    programme_id: uuid.UUID,
    criteria: Annotated[CriteriaForm, Depends()],
    version: Annotated[int, Form(ge=1)],
    name: Annotated[str, Form(max_length=200)],
    max_nominees: Annotated[str, Form(max_length=20)],
    notice_days: Annotated[str, Form(max_length=20)],
    description: Annotated[str, Form(max_length=4000)] = "",
    active: Annotated[bool, Form()] = False,
) -> Response:
    body = {
        "version": version,
        "name": name,
        "description": description,
        "max_nominees": as_number(max_nominees),
        "notice_days": as_number(notice_days),
        "criteria": criteria.criteria,
        "active": active,
    }
    try:
        api.evaluation.patch(f"/v1/award-programmes/{programme_id}", body)
    except UpstreamError as refused:
        return _edit_page(request, api, programme_id, refused.status, refused.messages, body)
    flash(request, _("Award programme saved."))
    return see_other(f"/d/{user.slug}/awards/{programme_id}")
