"""Random audits (随机抽查): the committee's plans (a seed committed before the month ends, drawn after it),
their auditors and the proof that the draw was fair; auditors' (督查员) tasks and their outcomes; and the
report of what the audits found. Evaluation runs the audits; identity knows who the auditors are."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import query_string, refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_portal.months import month_label
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix="/t/{slug}/audits", tags=["audits"])

#: the risk signals that weigh a record in the draw
RISKS = {
    "late_entry": N_("Late entry"),
    "self_reported": N_("Self-reported"),
    "auto_closed": N_("Closed automatically"),
    "long": N_("Unusually long"),
    "frequent": N_("Unusually frequent"),
}
OUTCOMES = ("open", "confirmed", "adjusted", "rejected")
Cursor = Annotated[str | None, Query(max_length=400)]


# plans ----------------------------------------------------------------------------------------------------


@router.get("")
def plans(request: Request, user: CommitteeUser, api: ApiDep, cursor: Cursor = None) -> Response:
    return _plans_page(request, api, cursor)


def _plans_page(
    request: Request, api: Api, cursor: str | None, status_code: int = 200, errors: list[str] | None = None
) -> Response:
    page = api.evaluation.get("/v1/audit-plans", cursor=cursor, limit=50)
    return render(
        request,
        "audits/plans.html",
        status_code=status_code,
        section="audits",
        tab="plans",
        page=page,
        policy=api.evaluation.get("/v1/audit-policy"),
        cursor=cursor,
        errors=errors,
    )


@router.post("/plans")
def commit_plan(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    """This month's plan: its seed is fixed (and its hash shown) now, before any of the month's records are
    final, so nobody can choose which records are drawn."""
    try:
        plan = api.evaluation.post("/v1/audit-plans", {})
    except UpstreamError as refused:
        return _plans_page(request, api, None, refusal_to_show(refused).status, refused.messages)
    flash(request, _("This month's plan is committed; its seed's hash is published below."))
    return see_other(f"/t/{user.slug}/audits/plans/{plan['id']}")


@router.get("/plans/{plan_id}")
def plan(request: Request, user: CommitteeUser, api: ApiDep, plan_id: uuid.UUID) -> Response:
    return _plan_page(request, user, api, plan_id)


def _plan_page(
    request: Request,
    user: PortalUser,
    api: Api,
    plan_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    found = api.evaluation.get(f"/v1/audit-plans/{plan_id}")
    auditors = _auditors(api, user)
    tasks = api.evaluation.get("/v1/audit-tasks", plan_id=str(plan_id), limit=200)["items"]
    return render(
        request,
        "audits/plan.html",
        status_code=status_code,
        section="audits",
        tab="plans",
        plan=found,
        auditors=auditors,
        auditor_names={auditor["user_id"]: auditor["display_name"] for auditor in auditors},
        tasks=tasks,
        risks=RISKS,
        errors=errors,
    )


def _auditors(api: Api, user: PortalUser) -> list[dict[str, Any]]:
    """The committee's auditors (督查员), as identity knows them; an auditor reading the page is not asked."""
    if not user.writes:
        return []
    memberships = api.identity.get(f"/v1/tenants/{user.tenant_id}/memberships")
    return [member for member in memberships if member["role"] == "auditor" and not member["revoked_at"]]


@router.post("/plans/{plan_id}/draw")
def draw(request: Request, user: CommitteeUser, api: ApiDep, plan_id: uuid.UUID) -> Response:
    try:
        api.evaluation.post(f"/v1/audit-plans/{plan_id}/draw")
    except UpstreamError as refused:
        return _plan_page(request, user, api, plan_id, refusal_to_show(refused).status, refused.messages)
    flash(request, _("The sample is drawn and its seed revealed; the tasks go to the plan's auditors."))
    return see_other(f"/t/{user.slug}/audits/plans/{plan_id}")


@router.post("/plans/{plan_id}/auditors")
def set_auditors(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    plan_id: uuid.UUID,
    auditor_ids: Annotated[list[uuid.UUID] | None, Form()] = None,
) -> Response:
    chosen = [str(auditor) for auditor in auditor_ids or []]
    try:
        api.evaluation.put(f"/v1/audit-plans/{plan_id}/auditors", {"auditor_ids": chosen})
    except UpstreamError as refused:
        return _plan_page(request, user, api, plan_id, refusal_to_show(refused).status, refused.messages)
    flash(request, _("The plan's auditors are set; its open tasks are dealt to them."))
    return see_other(f"/t/{user.slug}/audits/plans/{plan_id}")


@router.get("/plans/{plan_id}/verification")
def verification(request: Request, user: CommitteeUser, api: ApiDep, plan_id: uuid.UUID) -> Response:
    return render(
        request,
        "audits/verification.html",
        section="audits",
        tab="plans",
        plan=api.evaluation.get(f"/v1/audit-plans/{plan_id}"),
        result=api.evaluation.get(f"/v1/audit-plans/{plan_id}/verification"),
        risks=RISKS,
    )


# tasks ----------------------------------------------------------------------------------------------------


@router.get("/tasks")
def tasks(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    outcome: Annotated[str, Query(pattern="^(|open|confirmed|adjusted|rejected)$")] = "open",
    cursor: Cursor = None,
) -> Response:
    page = api.evaluation.get("/v1/audit-tasks", outcome=outcome, cursor=cursor, limit=50)
    return render(
        request,
        "audits/tasks.html",
        section="audits",
        tab="tasks",
        page=page,
        outcome=outcome,
        outcomes=OUTCOMES,
        risks=RISKS,
        cursor=cursor,
        next_query=query_string({"outcome": outcome, "cursor": page["next_cursor"]}),
    )


@router.get("/tasks/{task_id}")
def task(request: Request, user: CommitteeUser, api: ApiDep, task_id: uuid.UUID) -> Response:
    return _task_page(request, user, api, task_id)


def _task_page(
    request: Request,
    user: PortalUser,
    api: Api,
    task_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = api.evaluation.get(f"/v1/audit-tasks/{task_id}")
    return render(
        request,
        "audits/task.html",
        status_code=status_code,
        section="audits",
        tab="tasks",
        task=found,
        # only the auditor the task is dealt to decides it (the service insists too)
        decides=found["outcome"] == "open" and found["auditor_id"] == user.user_id,
        risks=RISKS,
        errors=errors,
        form=form or {},
    )


@router.post("/tasks/{task_id}/outcome")
def decide(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    task_id: uuid.UUID,
    outcome: Annotated[str, Form(pattern="^(confirmed|adjusted|rejected)$")],
    hours: Annotated[str, Form(max_length=10)] = "",
    evidence: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    body: dict[str, Any] = {"outcome": outcome, "evidence": evidence}
    form = {"outcome": outcome, "hours": hours, "evidence": evidence}
    if hours.strip():
        try:
            body["hours"] = float(hours)
        except ValueError:
            return _task_page(request, user, api, task_id, 400, [_("The hours are not a number.")], form)
    try:
        api.evaluation.post(f"/v1/audit-tasks/{task_id}/outcome", body)
    except UpstreamError as refused:
        return _task_page(
            request, user, api, task_id, refusal_to_show(refused).status, refused.messages, form
        )
    flash(request, _("The outcome is recorded; the volunteer's hours follow it."))
    return see_other(f"/t/{user.slug}/audits/tasks/{task_id}")


# reports --------------------------------------------------------------------------------------------------


@router.get("/reports")
def reports(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    period_from: Annotated[date | None, Query(alias="from")] = None,
    period_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    report = api.evaluation.get("/v1/audit-reports", **{"from": period_from, "to": period_to})
    trend = report["trend"]
    chart = {
        "type": "bar",
        "labels": [month_label(point["month"]) for point in trend],
        "datasets": [
            {"label": _("Confirmed"), "data": [p["confirmed"] for p in trend], "backgroundColor": "#1f6f43"},
            {"label": _("Adjusted"), "data": [p["adjusted"] for p in trend], "backgroundColor": "#8a5300"},
            {
                "label": _("Hours rejected"),
                "data": [p["rejected"] for p in trend],
                "backgroundColor": "#a1221b",
            },
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
    return render(
        request,
        "audits/reports.html",
        section="audits",
        tab="reports",
        report=report,
        chart=json.dumps(chart, ensure_ascii=False),
        period_from=period_from or "",
        period_to=period_to or "",
    )
