"""Onboarding: a district adds its towns and committees (a town its committees), hands each new node's
admin a one-time invitation link, renames nodes and deactivates them with a reason."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, AreaUser, PageNotFound
from linli_portal.district.common import subtree
from linli_portal.i18n import gettext as _
from linli_portal.qr import invitation_link, qr_svg
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = APIRouter(prefix="/d/{slug}/committees")
#: the admin role an invitation gives, by the kind of node it is for
ADMIN_ROLE = {"committee": "tenant_admin", "town": "town_admin"}
#: what a node of each kind may have added under it
CHILD_KIND = {"district": "town", "town": "committee"}


def _list_page(
    request: Request,
    api: Api,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    nodes = subtree(api, include_inactive=True)
    towns = [node for node in nodes if node["kind"] == "town"]
    committees = [node for node in nodes if node["kind"] == "committee"]
    # where something may be added: the caller's own node (a district adds towns) and the active towns
    parents = [node for node in nodes if node["active"] and node["kind"] in CHILD_KIND]
    return render(
        request,
        "district/committees.html",
        status_code=status_code,
        section="committees",
        towns=towns,
        committees=committees,
        parents=parents,
        child_kind=CHILD_KIND,
        errors=errors or [],
        form=form or {},
    )


@router.get("")
def committees(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _list_page(request, api)


@router.post("")
def add_node(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    parent_id: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=200)],
    short_name: Annotated[str, Form(max_length=100)],
) -> Response:
    # `slug` is the URL's (the caller's node); the new node's is its `short_name`
    form = {"parent_id": parent_id, "name": name, "slug": short_name.strip()}
    try:
        made = api.identity.post("/v1/tenants", form)
    except UpstreamError as refused:
        return _list_page(request, api, refused.status, refused.messages, form)
    flash(request, _("Added. Now invite its admin with a one-time link."))
    return see_other(f"/d/{user.slug}/committees/{made['id']}")


def _node(api: Api, user: PortalUser, tenant_id: uuid.UUID) -> dict[str, Any]:
    """A node below the caller's (identity answers 404 for one outside the caller's subtree); the caller's
    own node is not managed here."""
    node: dict[str, Any] = api.identity.get(f"/v1/tenants/{tenant_id}")
    if node["id"] == user.tenant_id or node["kind"] not in ADMIN_ROLE:
        raise PageNotFound()
    return node


def _node_page(
    request: Request,
    api: Api,
    node: dict[str, Any],
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    members = api.identity.get(f"/v1/tenants/{node['id']}/memberships")
    invitations = api.identity.get(f"/v1/tenants/{node['id']}/invitations")
    return render(
        request,
        "district/node.html",
        status_code=status_code,
        section="committees",
        node=node,
        admin_role=ADMIN_ROLE[node["kind"]],
        members=[member for member in members if member["role"] != "volunteer"],
        invitations=[invitation for invitation in invitations if invitation["role"] != "volunteer"],
        errors=errors or [],
        form=form or {},
    )


@router.get("/{tenant_id}")
def node_page(request: Request, user: AreaUser, api: ApiDep, tenant_id: uuid.UUID) -> Response:
    return _node_page(request, api, _node(api, user, tenant_id))


@router.post("/{tenant_id}/invitations")
def invite_admin(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    tenant_id: uuid.UUID,
    display_name: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    node = _node(api, user, tenant_id)
    form = {"display_name": display_name, "email": email.strip()}
    body = {**form, "role": ADMIN_ROLE[node["kind"]]}
    try:
        issued = api.identity.post(f"/v1/tenants/{node['id']}/invitations", body)
    except UpstreamError as refused:
        return _node_page(request, api, node, refused.status, refused.messages, form)
    # the link opens the portal's own acceptance page; identity's token is shown once and never stored here
    link = invitation_link(request, issued["token"])
    return render(
        request,
        "district/invitation.html",
        status_code=201,
        section="committees",
        node=node,
        invitation=issued,
        link=link,
        qr=qr_svg(link, _("Scan to accept the invitation")),
    )


@router.post("/{tenant_id}/rename")
def rename(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    tenant_id: uuid.UUID,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    node = _node(api, user, tenant_id)
    try:
        api.identity.patch(f"/v1/tenants/{node['id']}", {"name": name})
    except UpstreamError as refused:
        return _node_page(request, api, node, refused.status, refused.messages, {"name": name})
    flash(request, _("Renamed."))
    return see_other(f"/d/{user.slug}/committees/{node['id']}")


@router.post("/{tenant_id}/deactivate")
def deactivate(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    tenant_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=1000)],
) -> Response:
    node = _node(api, user, tenant_id)
    try:
        api.identity.post(f"/v1/tenants/{node['id']}/deactivate", {"reason": reason})
    except UpstreamError as refused:
        return _node_page(request, api, node, refused.status, refused.messages, {"reason": reason})
    flash(request, _("Deactivated. Its history stays."))
    return see_other(f"/d/{user.slug}/committees")
