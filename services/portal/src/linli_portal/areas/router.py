"""The grid map: the committee's grids (网格), micro-grids (微网格) and buildings (楼栋) as one nested tree,
each with its responsible person (分片包干、责任到人), and the areas nobody answers for highlighted."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import volunteer_choices
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, PageNotFound, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix="/t/{slug}/areas", tags=["areas"])

#: the order areas nest in; a parent is always one step up
KINDS = ("grid", "micro_grid", "building")
AreaName = Annotated[str, Form(max_length=60)]


def grid_tree(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flat list as nested nodes `{area, children}`, each level by name. An area whose parent is not
    listed (retired) stands at the top rather than disappearing from the map."""
    nodes: dict[str, dict[str, Any]] = {area["id"]: {"area": area, "children": []} for area in areas}
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["area"]["parent_id"])
        (parent["children"] if parent else roots).append(node)

    def by_name(level: list[dict[str, Any]]) -> list[dict[str, Any]]:
        level.sort(key=lambda node: (KINDS.index(node["area"]["kind"]), node["area"]["name"]))
        for node in level:
            by_name(node["children"])
        return level

    return by_name(roots)


def _map_page(
    request: Request,
    user: PortalUser,
    api: Api,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    areas = api.roster.get("/v1/areas")
    gaps = api.roster.get("/v1/areas/coverage-gaps")
    counts = {kind: sum(1 for area in areas if area["kind"] == kind) for kind in KINDS}
    return render(
        request,
        "areas/map.html",
        status_code=status_code,
        section="areas",
        tree=grid_tree(areas),
        counts=counts,
        gaps=gaps,
        gap_ids={area["id"] for area in gaps},
        # only grids and micro-grids hold anything
        parents=[area for area in areas if area["kind"] != "building"],
        kinds=KINDS,
        errors=errors,
        form=form or {},
    )


@router.get("")
def grid_map(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    return _map_page(request, user, api)


@router.post("")
def create_area(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    kind: Annotated[str, Form(max_length=20)] = "",
    name: AreaName = "",
    parent_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        made = api.roster.post("/v1/areas", {"kind": kind, "name": name, "parent_id": parent_id or None})
    except UpstreamError as refused:
        form = {"kind": kind, "name": name, "parent_id": parent_id}
        return _map_page(request, user, api, refused.status, refused.messages, form)
    flash(request, _("Area “%(name)s” added.", name=made["name"]))
    return see_other(f"/t/{user.slug}/areas/{made['id']}")


def _find_area(api: Api, area_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The area and everything on the map (the roster lists areas but has no page for one): another
    committee's area, or a made-up id, is not on this committee's map, so not found."""
    areas: list[dict[str, Any]] = api.roster.get("/v1/areas")
    for area in areas:
        if area["id"] == area_id:
            return area, areas
    raise PageNotFound()


def _area_page(
    request: Request,
    user: PortalUser,
    api: Api,
    area_id: str,
    q: str = "",
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    area, areas = _find_area(api, area_id)
    by_id = {row["id"]: row for row in areas}
    # the way up to the grid, for the breadcrumb
    trail: list[dict[str, Any]] = []
    parent = by_id.get(area["parent_id"])
    while parent is not None:
        trail.insert(0, parent)
        parent = by_id.get(parent["parent_id"])
    # a responsible person who has exited has no name here and is not kept: the form offers someone else
    current = (
        {"id": area["responsible_volunteer_id"], "name": area["responsible_name"]}
        if area["responsible_name"]
        else None
    )
    choices = volunteer_choices(api, q, keep=current) if user.writes else None
    return render(
        request,
        "areas/area.html",
        status_code=status_code,
        section="areas",
        area=area,
        trail=trail,
        children=[row for row in areas if row["parent_id"] == area["id"]],
        choices=choices,
        q=q,
        errors=errors,
        form=form or {"name": area["name"], "responsible_volunteer_id": current["id"] if current else ""},
    )


@router.get("/{area_id}")
def area(request: Request, user: CommitteeUser, api: ApiDep, area_id: str, q: str = "") -> Response:
    return _area_page(request, user, api, area_id, q)


@router.post("/{area_id}")
def update_area(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    area_id: str,
    name: AreaName = "",
    responsible_volunteer_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _find_area(api, area_id)
    # both fields every time: an empty choice means "nobody responsible", which the roster takes as null
    change = {"name": name, "responsible_volunteer_id": responsible_volunteer_id or None}
    try:
        api.roster.patch(f"/v1/areas/{area_id}", change)
    except UpstreamError as refused:
        form = {"name": name, "responsible_volunteer_id": responsible_volunteer_id}
        return _area_page(request, user, api, area_id, "", refused.status, refused.messages, form)
    flash(request, _("Area saved."))
    return see_other(f"/t/{user.slug}/areas/{area_id}")
