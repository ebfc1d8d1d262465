"""The audit calendar, run by Celery beat once a day per committee: on the first of each month a plan's
seed is committed for that month, while its records are still being made; once a period has ended and its
grace for late records has passed, its sample is drawn. Both are idempotent: a second run, or a task
redelivered after a worker died, finds the plan already made or drawn."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, timedelta

from linli_evaluation.access import writable_committee
from linli_evaluation.audits.exceptions import PeriodNotEnded, PeriodOverlaps, PlanNotFound
from linli_evaluation.audits.models import PlanStatus
from linli_evaluation.audits.repository import PlanRepository
from linli_evaluation.audits.service import GRACE_DAYS, commit, draw, month_of
from linli_evaluation.ledger.tallying import committee_context
from linli_shared.clock import local_date
from linli_shared.db import Database

logger = logging.getLogger(__name__)


def commit_plan(
    database: Database,
    tenant_id: uuid.UUID,
    tenant_path: str,
    period_start: date,
    period_end: date,
    now: datetime,
) -> uuid.UUID:
    """The committee's plan for the period (committed now if missing); its id."""
    context = committee_context(tenant_id, tenant_path, "audit_commit")
    with database.transaction(context) as session:
        writable_committee(session, context)
        plan, _ = commit(session, context, period_start, period_end, local_date(now), now)
        return plan.id


def draw_plan(
    database: Database, tenant_id: uuid.UUID, tenant_path: str, plan_id: uuid.UUID, now: datetime
) -> str:
    """Draw one plan whose period has ended (a drawn plan is left as it is); its status."""
    context = committee_context(tenant_id, tenant_path, "audit_draw")
    with database.transaction(context) as session:
        writable_committee(session, context)
        plan = PlanRepository(session, context).plan(plan_id, for_update=True)
        if plan is None:
            raise PlanNotFound()
        if plan.status == PlanStatus.COMMITTED and local_date(now) <= plan.period_end:
            raise PeriodNotEnded()
        return draw(session, context, plan, now).status


def commit_due_plans(database: Database, tenant_id: uuid.UUID, tenant_path: str, day: date) -> int:
    """Commit the plan for the month containing `day` (Asia/Shanghai) if the committee has none; 1 when
    one was made."""
    context = committee_context(tenant_id, tenant_path, "audit_commit")
    start, end = month_of(day)
    with database.transaction(context) as session:
        writable_committee(session, context)
        try:
            _, created = commit(session, context, start, end, day, datetime.now(UTC))
        except PeriodOverlaps:
            # staff committed a plan of their own over part of this month; it samples those records
            logger.info(
                "audit month %s already covered by another plan", start, extra={"tenant": str(tenant_id)}
            )
            return 0
        return int(created)


def draw_due_plans(database: Database, tenant_id: uuid.UUID, tenant_path: str, day: date) -> int:
    """Draw the committee's plans whose period ended more than GRACE_DAYS before `day` (a November plan
    on 6 December); how many were drawn."""
    context = committee_context(tenant_id, tenant_path, "audit_draw")
    with database.transaction(context) as session:
        writable_committee(session, context)
        due = PlanRepository(session, context).due(tenant_id, day - timedelta(days=GRACE_DAYS + 1))
        now = datetime.now(UTC)
        for plan in due:
            draw(session, context, plan, now)
        return len(due)
