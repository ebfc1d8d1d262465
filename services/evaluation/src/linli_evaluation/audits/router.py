"""Random audits (随机抽查): the policy, plans and their verification, auditors' tasks, reports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from linli_evaluation.access import Auditor, PolicySetter, Reader, Writer
from linli_evaluation.audits.models import Outcome, PlanStatus
from linli_evaluation.audits.schemas import (
    AuditorsIn,
    AuditPolicyIn,
    AuditPolicyOut,
    AuditReport,
    OutcomeIn,
    PlanCreate,
    PlanOut,
    PlanPage,
    TaskDetail,
    TaskPage,
    Verification,
)
from linli_evaluation.audits.service import PlanService, PolicyService, ReportService, TaskService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["audits"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


# policy ---------------------------------------------------------------------------------------------------


@router.get("/v1/audit-policy", summary="The audit rules in force here (rate, least count, risk weights)")
def get_audit_policy(context: CurrentContext, session: ContextSession, now: Now) -> AuditPolicyOut:
    return PolicyService(session, context, now).effective()


@router.put("/v1/audit-policy", summary="Set the audit rules of one's own district, town or committee")
def put_audit_policy(
    body: AuditPolicyIn, context: PolicySetter, session: ContextSession, now: Now
) -> AuditPolicyOut:
    return PolicyService(session, context, now).replace(body)


# plans ----------------------------------------------------------------------------------------------------


@router.get("/v1/audit-plans", summary="Audit plans in the caller's subtree, newest period first")
def list_plans(
    context: Reader,
    session: ContextSession,
    now: Now,
    plan_status: Annotated[PlanStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> PlanPage:
    return PlanService(session, context, now).page(plan_status, cursor, limit)


@router.post(
    "/v1/audit-plans",
    status_code=status.HTTP_201_CREATED,
    summary="Commit a plan's seed for a period now ({} for the current month); the same period again "
    "returns its plan (200)",
)
def create_plan(
    body: PlanCreate, context: Writer, session: ContextSession, now: Now, response: Response
) -> PlanOut:
    plan, created = PlanService(session, context, now).create(body.period_start, body.period_end)
    if not created:
        response.status_code = status.HTTP_200_OK
    return plan


@router.get("/v1/audit-plans/{plan_id}", summary="A plan: its seed's hash always, the seed once drawn")
def get_plan(plan_id: uuid.UUID, context: Reader, session: ContextSession, now: Now) -> PlanOut:
    return PlanService(session, context, now).get(plan_id)


@router.post(
    "/v1/audit-plans/{plan_id}/draw",
    summary="Draw a plan's sample now that its period has ended (a drawn plan is returned as it is)",
)
def draw_plan(plan_id: uuid.UUID, context: Writer, session: ContextSession, now: Now) -> PlanOut:
    return PlanService(session, context, now).draw(plan_id)


@router.put(
    "/v1/audit-plans/{plan_id}/auditors",
    summary="Set the auditors a plan's tasks are dealt to; open tasks without one are dealt now",
)
def assign_auditors(
    plan_id: uuid.UUID, body: AuditorsIn, context: Writer, session: ContextSession, now: Now
) -> PlanOut:
    return PlanService(session, context, now).assign(plan_id, body.auditor_ids)


@router.get(
    "/v1/audit-plans/{plan_id}/verification",
    summary="Re-run a drawn plan's draw from its revealed seed and kept population; does it match?",
)
def verify_plan(plan_id: uuid.UUID, context: Reader, session: ContextSession, now: Now) -> Verification:
    return PlanService(session, context, now).verify(plan_id)


# tasks ----------------------------------------------------------------------------------------------------


@router.get(
    "/v1/audit-tasks",
    summary="Audit tasks, oldest first: an auditor's own; every task in scope for staff and admins",
)
def list_tasks(
    context: Reader,
    session: ContextSession,
    now: Now,
    plan_id: uuid.UUID | None = None,
    outcome: Outcome | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> TaskPage:
    return TaskService(session, context, now).page(plan_id, outcome, cursor, limit)


@router.get("/v1/audit-tasks/{task_id}", summary="An audit task with the service record it checks")
def get_task(task_id: uuid.UUID, context: Reader, session: ContextSession, now: Now) -> TaskDetail:
    return TaskService(session, context, now).detail(task_id)


@router.post(
    "/v1/audit-tasks/{task_id}/outcome",
    summary="Confirm, adjust or reject the record's hours, with evidence (the assigned auditor only)",
)
def decide_task(
    task_id: uuid.UUID, body: OutcomeIn, context: Auditor, session: ContextSession, now: Now
) -> TaskDetail:
    return TaskService(session, context, now).decide(task_id, body)


# reports --------------------------------------------------------------------------------------------------


@router.get(
    "/v1/audit-reports",
    summary="Per committee in the caller's subtree: pass rate, findings, hours moved, monthly trend",
    response_model_by_alias=True,
)
def audit_report(
    context: Reader,
    session: ContextSession,
    now: Now,
    period_from: Annotated[
        date | None, Query(alias="from", description="plans whose period starts on or after")
    ] = None,
    period_to: Annotated[date | None, Query(alias="to", description="… and on or before")] = None,
) -> AuditReport:
    return ReportService(session, context, now).report(period_from, period_to)
