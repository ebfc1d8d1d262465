"""A committee's portal front page (how the programme stands this month, what needs doing) and its team
(who has a login here; inviting staff, auditors and admins)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.months import month_label, months_back
from linli_portal.qr import invitation_link, qr_svg
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}", tags=["committee"])


@router.get("/")
def dashboard(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    today = local_date(now)
    this_month = today.strftime("%Y-%m")
    report = api.evaluation.get("/v1/reports/committee-monthly", month=this_month)
    months = months_back(today, 12)
    rollup = api.evaluation.get("/v1/reports/rollup", **{"from": months[0], "to": months[-1]})
    series = rollup["total"]["series"]
    chart = {
        "type": "bar",
        "labels": [month_label(row["month"]) for row in series],
        "datasets": [
            {
                "label": _("Verified hours"),
                "data": [row["verified_hours"] for row in series],
                "backgroundColor": "#b3261e",
            },
            {
                "label": _("Unverified hours"),
                "data": [row["unverified_hours"] for row in series],
                "backgroundColor": "#e0a39f",
            },
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
    return render(
        request,
        "committee/dashboard.html",
        section="dashboard",
        month=this_month,
        metrics=report["metrics"],
        change=report["change"],
        top_volunteers=report["top_volunteers"][:5],
        gaps=api.roster.get("/v1/areas/coverage-gaps"),
        # whichever month they belong to (last month's sample is worked through in this one)
        open_audits=api.evaluation.get("/v1/audit-tasks", outcome="open", limit=200)["items"],
        chart=json.dumps(chart, ensure_ascii=False),
    )


# the committee's team: who has a login here, and inviting staff, auditors and admins ---------------------

#: whom a committee's admin invites from this page (volunteers get their logins from their roster profile)
INVITABLE_ROLES = ("staff", "auditor", "tenant_admin")


@router.get("/team")
def team(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    return team_page(request, user, api)


def team_page(request: Request, user: PortalUser, api: Api, status_code: int = 200, **extra: Any) -> Response:
    memberships = api.identity.get(f"/v1/tenants/{user.tenant_id}/memberships")
    invitations = api.identity.get(f"/v1/tenants/{user.tenant_id}/invitations") if user.is_admin else []
    return render(
        request,
        "committee/team.html",
        status_code=status_code,
        section="team",
        members=[m for m in memberships if m["revoked_at"] is None and m["role"] != "volunteer"],
        invitations=[i for i in invitations if i["status"] == "pending" and i["role"] != "volunteer"],
        roles=INVITABLE_ROLES,
        errors=extra.pop("errors", []),
        **extra,
    )


@router.post("/team/invitations")
def invite(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    display_name: Annotated[str, Form(min_length=1, max_length=100)],
    email: Annotated[str, Form(min_length=3, max_length=254)],
    role: Annotated[str, Form(pattern="^(staff|auditor|tenant_admin)$")],
) -> Response:
    body = {"display_name": display_name.strip(), "email": email.strip(), "role": role}
    try:
        issued = api.identity.post(f"/v1/tenants/{user.tenant_id}/invitations", body)
    except UpstreamError as refused:
        return team_page(
            request, user, api, status_code=refusal_to_show(refused).status, errors=refused.messages
        )
    link = invitation_link(request, issued["token"])
    return team_page(
        request, user, api, issued=issued, link=link, link_qr=qr_svg(link, scale=5, svgclass=None)
    )


@router.post("/team/members/{membership_id}/revoke")
def revoke_member(request: Request, membership_id: str, user: CommitteeUser, api: ApiDep) -> Response:
    api.identity.post(f"/v1/memberships/{membership_id}/revoke")
    flash(request, _("Their login here has ended."))
    return see_other(f"/t/{user.slug}/team")
