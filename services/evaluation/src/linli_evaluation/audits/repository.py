"""Every query of the audits domain. Row-level security limits each to the acting context's subtree; the
explicit `within` filters say the same thing in the query, so a town's list is its towns' committees'."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Row, Select, and_, case, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from linli_evaluation.audits.models import AuditPlan, AuditPolicy, AuditTask, Outcome, PlanStatus
from linli_evaluation.database import directory
from linli_evaluation.facts.models import RecordFact
from linli_shared.db import within
from linli_shared.tenancy import TenantContext

T = TypeVar("T")


@dataclass(frozen=True)
class TaskFilter:
    plan_id: uuid.UUID | None = None
    outcome: Outcome | None = None
    #: an auditor's own tasks only
    auditor_id: uuid.UUID | None = None


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def nearest(self, tenant_path: str) -> AuditPolicy | None:
        """The policy nearest up the path: the node's own, else its town's, else its district's."""
        return self.session.scalars(
            select(AuditPolicy)
            .where(AuditPolicy.tenant_path.op("@>")(tenant_path))
            .order_by(func.nlevel(AuditPolicy.tenant_path).desc())
            .limit(1)
        ).first()

    def own(self, tenant_id: uuid.UUID) -> AuditPolicy | None:
        return self.session.scalars(
            _locked(select(AuditPolicy).where(AuditPolicy.tenant_id == tenant_id))
        ).first()

    def add(self, policy: AuditPolicy) -> None:
        self.session.add(policy)
        self.session.flush()


class PlanRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def lock_committee_plans(self, tenant_id: uuid.UUID) -> None:
        """One plan made for a committee at a time, so two overlapping periods never both pass the check
        (the lock ends with the transaction)."""
        self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"audit-plans:{tenant_id}", 0)))
        )

    def plan(self, plan_id: uuid.UUID, for_update: bool = False) -> AuditPlan | None:
        statement = select(AuditPlan).where(
            AuditPlan.id == plan_id, within(AuditPlan.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(_locked(statement) if for_update else statement).first()

    def starting(self, tenant_id: uuid.UUID, period_start: date) -> AuditPlan | None:
        return self.session.scalars(
            select(AuditPlan).where(AuditPlan.tenant_id == tenant_id, AuditPlan.period_start == period_start)
        ).first()

    def overlapping(self, tenant_id: uuid.UUID, start: date, end: date) -> AuditPlan | None:
        return self.session.scalars(
            select(AuditPlan).where(
                AuditPlan.tenant_id == tenant_id, AuditPlan.period_start <= end, AuditPlan.period_end >= start
            )
        ).first()

    def add(self, plan: AuditPlan) -> None:
        self.session.add(plan)
        self.session.flush()

    def page(
        self, status: str | None, after: tuple[date, uuid.UUID, uuid.UUID] | None, limit: int
    ) -> Sequence[AuditPlan]:
        """Newest period first."""
        statement = select(AuditPlan).where(within(AuditPlan.tenant_path, self.context.tenant_path))
        if status is not None:
            statement = statement.where(AuditPlan.status == status)
        if after is not None:
            start, tenant_id, plan_id = after
            statement = statement.where(
                (AuditPlan.period_start < start)
                | (
                    (AuditPlan.period_start == start)
                    & (tuple_(AuditPlan.tenant_id, AuditPlan.id) > tuple_(tenant_id, plan_id))
                )
            )
        return self.session.scalars(
            statement.order_by(AuditPlan.period_start.desc(), AuditPlan.tenant_id, AuditPlan.id).limit(limit)
        ).all()

    def due(self, tenant_id: uuid.UUID, ended_by: date) -> Sequence[AuditPlan]:
        """Committed plans whose period ended on or before `ended_by`, oldest first, locked for drawing."""
        return self.session.scalars(
            _locked(
                select(AuditPlan)
                .where(
                    AuditPlan.tenant_id == tenant_id,
                    AuditPlan.status == PlanStatus.COMMITTED,
                    AuditPlan.period_end <= ended_by,
                )
                .order_by(AuditPlan.period_start)
            )
        ).all()

    def task_counts(self, plans: Sequence[AuditPlan]) -> dict[tuple[uuid.UUID, uuid.UUID], dict[str, int]]:
        if not plans:
            return {}
        rows = self.session.execute(
            select(AuditTask.tenant_id, AuditTask.plan_id, AuditTask.outcome, func.count())
            .where(tuple_(AuditTask.tenant_id, AuditTask.plan_id).in_([(p.tenant_id, p.id) for p in plans]))
            .group_by(AuditTask.tenant_id, AuditTask.plan_id, AuditTask.outcome)
        ).all()
        counts: dict[tuple[uuid.UUID, uuid.UUID], dict[str, int]] = {}
        for tenant_id, plan_id, outcome, count in rows:
            counts.setdefault((tenant_id, plan_id), {})[outcome] = count
        return counts

    def population(self, plan: AuditPlan) -> Sequence[RecordFact]:
        """The period's service records that count (not voided), in record-id order."""
        return self.session.scalars(
            select(RecordFact)
            .where(
                RecordFact.tenant_id == plan.tenant_id,
                RecordFact.service_date >= plan.period_start,
                RecordFact.service_date <= plan.period_end,
                RecordFact.voided.is_(False),
            )
            .order_by(RecordFact.record_id)
        ).all()

    def add_tasks(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(AuditTask), rows)

    def tasks_of(self, plan: AuditPlan) -> Sequence[AuditTask]:
        return self.session.scalars(
            select(AuditTask)
            .where(AuditTask.tenant_id == plan.tenant_id, AuditTask.plan_id == plan.id)
            .order_by(AuditTask.record_id)
        ).all()

    def open_tasks(self, plan: AuditPlan) -> Sequence[AuditTask]:
        """The plan's undecided tasks, locked for dealing, in record-id order."""
        return self.session.scalars(
            _locked(
                select(AuditTask)
                .where(
                    AuditTask.tenant_id == plan.tenant_id,
                    AuditTask.plan_id == plan.id,
                    AuditTask.outcome == Outcome.OPEN,
                )
                .order_by(AuditTask.record_id)
            )
        ).all()

    def any_open(self, plan: AuditPlan) -> bool:
        return (
            self.session.scalars(
                select(AuditTask.id)
                .where(
                    AuditTask.tenant_id == plan.tenant_id,
                    AuditTask.plan_id == plan.id,
                    AuditTask.outcome == Outcome.OPEN,
                )
                .limit(1)
            ).first()
            is not None
        )


class TaskRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def task(
        self, task_id: uuid.UUID, auditor_id: uuid.UUID | None = None, for_update: bool = False
    ) -> AuditTask | None:
        statement = select(AuditTask).where(
            AuditTask.id == task_id, within(AuditTask.tenant_path, self.context.tenant_path)
        )
        if auditor_id is not None:
            statement = statement.where(AuditTask.auditor_id == auditor_id)
        return self.session.scalars(_locked(statement) if for_update else statement).first()

    def page(
        self, where: TaskFilter, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[AuditTask]:
        """Oldest first, as a work queue."""
        statement = select(AuditTask).where(within(AuditTask.tenant_path, self.context.tenant_path))
        if where.auditor_id is not None:
            statement = statement.where(AuditTask.auditor_id == where.auditor_id)
        if where.plan_id is not None:
            statement = statement.where(AuditTask.plan_id == where.plan_id)
        if where.outcome is not None:
            statement = statement.where(AuditTask.outcome == where.outcome)
        if after is not None:
            statement = statement.where(tuple_(AuditTask.created_at, AuditTask.id) > tuple_(*after))
        return self.session.scalars(statement.order_by(AuditTask.created_at, AuditTask.id).limit(limit)).all()

    def plan(self, task: AuditTask) -> AuditPlan:
        """The task's plan, locked: decisions on one plan are taken one at a time, so the last one sees that
        nothing is left open and completes the plan."""
        return self.session.scalars(
            _locked(
                select(AuditPlan).where(AuditPlan.tenant_id == task.tenant_id, AuditPlan.id == task.plan_id)
            )
        ).one()

    def record(self, task: AuditTask, for_update: bool = False) -> RecordFact:
        statement = select(RecordFact).where(
            RecordFact.tenant_id == task.tenant_id, RecordFact.record_id == task.record_id
        )
        return self.session.scalars(_locked(statement) if for_update else statement).one()


class ReportRepository:
    """Aggregates over a date range of plan periods (by the month each plan's period starts in)."""

    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def committees(self) -> Sequence[Row[uuid.UUID, str, str]]:
        names = directory.table
        return self.session.execute(
            select(names.c.id, names.c.name, names.c.path)
            .where(names.c.kind == "committee", within(names.c.path, self.context.tenant_path))
            .order_by(names.c.path)
        ).all()

    def plans_per_month(self, start: date, end: date) -> Sequence[Row[uuid.UUID, str, int]]:
        month = func.to_char(AuditPlan.period_start, "YYYY-MM")
        return self.session.execute(
            select(AuditPlan.tenant_id, month, func.count())
            .where(self._plans_in(start, end))
            .group_by(AuditPlan.tenant_id, month)
        ).all()

    def tasks_per_month(
        self, start: date, end: date
    ) -> Sequence[Row[uuid.UUID, str, int, int, int, int, Decimal]]:
        """Per committee and month: tasks, confirmed, adjusted, rejected, and hours moved by decisions."""
        month = func.to_char(AuditPlan.period_start, "YYYY-MM")
        moved = case(
            (
                AuditTask.outcome.in_([Outcome.ADJUSTED, Outcome.REJECTED]),
                AuditTask.hours_after - AuditTask.hours_before,
            ),
            else_=Decimal(0),
        )
        return self.session.execute(
            select(
                AuditTask.tenant_id,
                month,
                func.count(),
                func.count().filter(AuditTask.outcome == Outcome.CONFIRMED),
                func.count().filter(AuditTask.outcome == Outcome.ADJUSTED),
                func.count().filter(AuditTask.outcome == Outcome.REJECTED),
                func.coalesce(func.sum(moved), Decimal(0)),
            )
            .join(AuditPlan, self._task_plan())
            .where(self._plans_in(start, end))
            .group_by(AuditTask.tenant_id, month)
        ).all()

    def findings(
        self, start: date, end: date, per_committee: int
    ) -> Sequence[Row[AuditTask, str, str, date, int]]:
        """Adjusted and rejected tasks with their records, the latest decisions first, at most
        `per_committee` each, and each committee's total."""
        ranked = (
            select(
                AuditTask,
                RecordFact.volunteer_name,
                RecordFact.activity_name,
                RecordFact.service_date,
                func.row_number()
                .over(
                    partition_by=AuditTask.tenant_id,
                    order_by=(AuditTask.decided_at.desc(), AuditTask.id),
                )
                .label("position"),
                func.count().over(partition_by=AuditTask.tenant_id).label("total"),
            )
            .join(AuditPlan, self._task_plan())
            .join(
                RecordFact,
                and_(
                    RecordFact.tenant_id == AuditTask.tenant_id, RecordFact.record_id == AuditTask.record_id
                ),
            )
            .where(
                self._plans_in(start, end),
                AuditTask.outcome.in_([Outcome.ADJUSTED, Outcome.REJECTED]),
            )
            .subquery()
        )
        task = aliased(AuditTask, ranked)
        return self.session.execute(
            select(
                task,
                ranked.c.volunteer_name,
                ranked.c.activity_name,
                ranked.c.service_date,
                ranked.c.total,
            )
            .where(ranked.c.position <= per_committee)
            .order_by(ranked.c.tenant_id, ranked.c.position)
        ).all()

    def _plans_in(self, start: date, end: date) -> Any:
        return and_(
            within(AuditPlan.tenant_path, self.context.tenant_path),
            AuditPlan.period_start >= start,
            AuditPlan.period_start <= end,
        )

    @staticmethod
    def _task_plan() -> Any:
        return and_(AuditPlan.tenant_id == AuditTask.tenant_id, AuditPlan.id == AuditTask.plan_id)


def _locked(statement: Select[T]) -> Select[T]:
    """Lock the rows and read them afresh: an object loaded earlier in the transaction may be stale by the
    time its lock is granted."""
    return statement.with_for_update().execution_options(populate_existing=True)
