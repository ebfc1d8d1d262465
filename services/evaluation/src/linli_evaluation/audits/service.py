"""Random audits (随机抽查): the policy in force, plans (seed committed before the period's records are
final, sample drawn after them), the auditors' decisions booked into the hours ledger, and reports.

A plan's life: `commit` fixes a fresh random seed and publishes only its hash, with the rate and weights
the draw will use; after the period (and a grace for late records) `draw` samples the period's records
from that seed (`audits.draw`), keeps the population it drew from, reveals the seed and deals the tasks to
the plan's auditors; each decision moves the record's hours through the ledger; the last one completes
the plan. Anyone who reads the plan can re-run the draw (`verify`)."""

from __future__ import annotations

import calendar
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_evaluation.access import writable_committee
from linli_evaluation.audits import draw as drawing
from linli_evaluation.audits.exceptions import (
    HoursUnchanged,
    PeriodEnded,
    PeriodNotEnded,
    PeriodOverlaps,
    PeriodTooLong,
    PlanCompleted,
    PlanNotDrawn,
    PlanNotFound,
    PolicyChangedConcurrently,
    RecordVoided,
    ReportRangeInvalid,
    TaskDecided,
    TaskNotFound,
)
from linli_evaluation.audits.models import AuditPlan, AuditPolicy, AuditTask, Outcome, PlanStatus
from linli_evaluation.audits.repository import (
    PlanRepository,
    PolicyRepository,
    ReportRepository,
    TaskFilter,
    TaskRepository,
)
from linli_evaluation.audits.schemas import (
    AuditCounts,
    AuditedRecord,
    AuditPolicyIn,
    AuditPolicyOut,
    AuditReport,
    CommitteeAudits,
    Decision,
    Finding,
    OutcomeIn,
    PlanOut,
    PlanPage,
    PolicySource,
    PopulationRecord,
    TaskCounts,
    TaskDetail,
    TaskOut,
    TaskPage,
    TrendPoint,
    Verification,
)
from linli_evaluation.database import directory, messaging
from linli_evaluation.events.audits import (
    AUDIT_COMPLETED,
    AUDIT_PLAN_COMMITTED,
    AUDIT_PLAN_DRAWN,
    AuditCompletedV1,
    AuditPlanCommittedV1,
    AuditPlanDrawnV1,
)
from linli_evaluation.facts.models import RecordFact
from linli_evaluation.ledger.booking import ZERO, move_hours
from linli_evaluation.ledger.models import EntryKind
from linli_evaluation.policies import policy_source
from linli_shared.clock import local_date
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

#: a period's records are taken as final this many days after it ends (late entries, corrections)
GRACE_DAYS = 5
#: the longest period one plan samples
LONGEST_PERIOD = timedelta(days=366)
#: a report without a range covers the twelve months to today; no report covers more than three years
DEFAULT_REPORT_MONTHS = 12
LONGEST_REPORT_MONTHS = 36
#: the findings listed per committee (the count says how many there are in all)
FINDINGS_PER_COMMITTEE = 50
KINDS = {
    Decision.CONFIRMED: EntryKind.AUDIT_CONFIRMED,
    Decision.ADJUSTED: EntryKind.AUDIT_ADJUSTED,
    Decision.REJECTED: EntryKind.AUDIT_REJECTED,
}


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month `day` lies in."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


# policy ---------------------------------------------------------------------------------------------------


def effective_rules(session: Session, tenant_path: str) -> tuple[drawing.Rules, str | None]:
    """The nearest policy up the path (own, town's, district's), else the defaults; and whose it is."""
    policy = PolicyRepository(session).nearest(tenant_path)
    if policy is None:
        return drawing.Rules(), None
    return _rules(policy.rate, policy.min_count, policy.risk_weights), policy.tenant_path


def _rules(rate: Decimal, min_count: int, weights: dict[str, float]) -> drawing.Rules:
    # JSON numbers come back as floats; their shortest text is what was stored (2 decimals at most)
    return drawing.Rules(
        rate=Decimal(rate),
        min_count=min_count,
        weights={risk: Decimal(str(weights.get(risk, 0))) for risk in drawing.RISKS},
    )


def plan_rules(plan: AuditPlan) -> drawing.Rules:
    """The rules fixed on the plan when its seed was committed (a later policy change never applies)."""
    return _rules(plan.rate, plan.min_count, plan.risk_weights)


class PolicyService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.policies = PolicyRepository(session)

    def effective(self) -> AuditPolicyOut:
        rules, source_path = effective_rules(self.session, self.context.tenant_path)
        source, source_id = policy_source(source_path, self.context.tenant_path, PolicySource.DEFAULT)
        return AuditPolicyOut(
            rate=rules.rate,
            min_count=rules.min_count,
            risk_weights=dict(rules.weights),
            source=PolicySource(source),
            source_tenant_id=source_id,
        )

    def replace(self, request: AuditPolicyIn) -> AuditPolicyOut:
        tenant_id = self.context.tenant_id
        if tenant_id is None:
            raise Forbidden("Audit rules belong to a district, a town or a committee.")
        directory.ensure_active(self.session, tenant_id)
        values = {
            "rate": request.rate,
            "min_count": request.min_count,
            "risk_weights": {risk: float(weight) for risk, weight in request.risk_weights},
            "updated_by": self.context.subject,
            "updated_at": self.now,
        }
        policy = self.policies.own(tenant_id)
        if policy is None:
            try:
                with self.session.begin_nested():
                    self.policies.add(
                        AuditPolicy(tenant_id=tenant_id, tenant_path=self.context.tenant_path, **values)
                    )
            except IntegrityError as error:
                # two first-time settings raced; the other one won
                raise PolicyChangedConcurrently() from error
        else:
            for field, value in values.items():
                setattr(policy, field, value)
            self.session.flush()
        return self.effective()


# plans ----------------------------------------------------------------------------------------------------


def commit(
    session: Session,
    context: TenantContext,
    period_start: date,
    period_end: date,
    today: date,
    now: datetime,
) -> tuple[AuditPlan, bool]:
    """The committee's plan for the period, made now if it has none: a fresh seed from the operating
    system's CSPRNG, of which only the hash is published. `today` (Asia/Shanghai) is the day it is made
    on: never after the period, while its records may still change. Returns the plan and whether it is new; asking
    again for the same period returns the same plan (a redelivered task, a retried request)."""
    tenant_id = context.tenant_id
    if tenant_id is None:
        raise Forbidden("Audit plans belong to a committee.")
    if period_end < period_start:
        raise PeriodTooLong("The period ends before it starts.")
    if period_end - period_start >= LONGEST_PERIOD:
        raise PeriodTooLong()
    plans = PlanRepository(session, context)
    plans.lock_committee_plans(tenant_id)
    existing = plans.starting(tenant_id, period_start)
    if existing is not None and existing.period_end == period_end:
        return existing, False
    if period_end < today:
        raise PeriodEnded()
    overlapping = existing or plans.overlapping(tenant_id, period_start, period_end)
    if overlapping is not None:
        raise PeriodOverlaps(
            f"The plan {overlapping.id} covers {overlapping.period_start} – {overlapping.period_end}.",
            plan_id=str(overlapping.id),
        )
    rules, _ = effective_rules(session, context.tenant_path)
    seed = secrets.token_bytes(32).hex()
    plan = AuditPlan(
        tenant_id=tenant_id,
        id=uuid.uuid4(),
        tenant_path=context.tenant_path,
        period_start=period_start,
        period_end=period_end,
        seed=seed,
        seed_hash=drawing.seed_hash(seed),
        status=PlanStatus.COMMITTED,
        rate=rules.rate,
        min_count=rules.min_count,
        risk_weights={risk: float(weight) for risk, weight in rules.weights.items()},
        auditor_ids=[],
        committed_at=now,
    )
    plans.add(plan)
    messaging.publish(
        session,
        AUDIT_PLAN_COMMITTED,
        AuditPlanCommittedV1(
            plan_id=plan.id,
            period_start=period_start,
            period_end=period_end,
            seed_hash=plan.seed_hash,
            rate=float(plan.rate),
            min_count=plan.min_count,
            risk_weights=plan.risk_weights,
            algorithm=drawing.ALGORITHM,
        ),
        subject=plan.id,
        tenant_id=tenant_id,
        tenant_path=context.tenant_path,
    )
    return plan, True


def draw(session: Session, context: TenantContext, plan: AuditPlan, now: datetime) -> AuditPlan:
    """Draw the locked, committed `plan`'s sample from the period's records as they stand, keep the
    population drawn from, reveal the seed, make the tasks and deal them. A drawn plan is left as it is."""
    if plan.status != PlanStatus.COMMITTED:
        return plan
    plans = PlanRepository(session, context)
    records = plans.population(plan)
    candidates = [candidate_of(record) for record in records]
    result = drawing.draw(plan.seed, plan_rules(plan), candidates)
    hours = {record.record_id: record.hours for record in records}
    volunteers = {record.record_id: record.volunteer_id for record in records}
    auditors = deal(len(result.sample), list(plan.auditor_ids), {})
    plans.add_tasks(
        [
            {
                "tenant_id": plan.tenant_id,
                "id": uuid.uuid4(),
                "tenant_path": plan.tenant_path,
                "plan_id": plan.id,
                "record_id": drawn.record_id,
                "volunteer_id": volunteers[drawn.record_id],
                "auditor_id": auditor,
                "stratum": drawn.candidate.stratum_name,
                "weight": drawn.weight,
                "risks": list(drawn.risks),
                "outcome": Outcome.OPEN,
                "hours_before": hours[drawn.record_id],
                "created_at": now,
            }
            for drawn, auditor in zip(result.sample, auditors, strict=True)
        ]
    )
    plan.population_snapshot = [candidate.snapshot() for candidate in candidates]
    plan.population = result.population
    plan.sample_size = len(result.sample)
    plan.drawn_at = now
    # nothing to audit in an empty period: the plan is done as soon as it is drawn
    plan.status = PlanStatus.DRAWN if result.sample else PlanStatus.COMPLETED
    session.flush()
    messaging.publish(
        session,
        AUDIT_PLAN_DRAWN,
        AuditPlanDrawnV1(
            plan_id=plan.id,
            period_start=plan.period_start,
            period_end=plan.period_end,
            seed=plan.seed,
            seed_hash=plan.seed_hash,
            population=result.population,
            sample_size=len(result.sample),
            sample_record_ids=result.sample_ids,
            algorithm=drawing.ALGORITHM,
        ),
        subject=plan.id,
        tenant_id=plan.tenant_id,
        tenant_path=plan.tenant_path,
    )
    return plan


def candidate_of(record: RecordFact) -> drawing.Candidate:
    return drawing.Candidate(
        record_id=record.record_id,
        stratum=str(record.activity_id),
        stratum_name=record.activity_name,
        volunteer_id=record.volunteer_id,
        service_minutes=record.service_minutes,
        hours=record.hours,
        late_entry=record.late_entry,
        self_reported=record.self_reported,
        auto_closed=record.auto_closed,
    )


def deal(count: int, auditor_ids: Sequence[uuid.UUID], load: dict[uuid.UUID, int]) -> list[uuid.UUID | None]:
    """Auditors for `count` tasks in turn: each to whoever has the fewest open tasks (earlier in the list
    first) — plain round-robin from an even start. No auditors: the tasks wait unassigned."""
    if not auditor_ids:
        return [None] * count
    open_tasks = {auditor: load.get(auditor, 0) for auditor in auditor_ids}
    dealt: list[uuid.UUID | None] = []
    for _ in range(count):
        auditor = min(auditor_ids, key=lambda candidate: open_tasks[candidate])
        open_tasks[auditor] += 1
        dealt.append(auditor)
    return dealt


class PlanService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.plans = PlanRepository(session, context)

    def page(self, status: PlanStatus | None, cursor: str | None, limit: int) -> PlanPage:
        after = decode_cursor(cursor, date.fromisoformat, uuid.UUID, uuid.UUID) if cursor else None
        found = self.plans.page(status, after, limit + 1)
        shown = list(found[:limit])
        last = shown[-1] if len(found) > limit else None
        return PlanPage(
            items=self._out(shown),
            next_cursor=encode_cursor(last.period_start, last.tenant_id, last.id) if last else None,
        )

    def get(self, plan_id: uuid.UUID) -> PlanOut:
        return self._out([self._plan(plan_id)])[0]

    def create(self, period_start: date | None, period_end: date | None) -> tuple[PlanOut, bool]:
        context = writable_committee(self.session, self.context)
        if period_start is None or period_end is None:
            period_start, period_end = month_of(local_date(self.now))
        today = local_date(self.now)
        plan, created = commit(self.session, context, period_start, period_end, today, self.now)
        return self._out([plan])[0], created

    def draw(self, plan_id: uuid.UUID) -> PlanOut:
        context = writable_committee(self.session, self.context)
        plan = self._plan(plan_id, for_update=True)
        if plan.status == PlanStatus.COMMITTED and local_date(self.now) <= plan.period_end:
            raise PeriodNotEnded(f"The period ends on {plan.period_end}; draw it from the day after.")
        return self._out([draw(self.session, context, plan, self.now)])[0]

    def assign(self, plan_id: uuid.UUID, auditor_ids: list[uuid.UUID]) -> PlanOut:
        """Set who the plan's tasks go to. Once drawn, its open tasks with no auditor (or one no longer
        listed) are dealt to the listed auditors, the least loaded first; decided tasks keep theirs."""
        writable_committee(self.session, self.context)
        plan = self._plan(plan_id, for_update=True)
        if plan.status == PlanStatus.COMPLETED:
            raise PlanCompleted()
        plan.auditor_ids = auditor_ids
        open_tasks = self.plans.open_tasks(plan)
        listed = set(auditor_ids)
        load: dict[uuid.UUID, int] = {}
        for task in open_tasks:
            if task.auditor_id in listed:
                load[task.auditor_id] = load.get(task.auditor_id, 0) + 1
        waiting = [task for task in open_tasks if task.auditor_id not in listed]
        for task, auditor in zip(waiting, deal(len(waiting), auditor_ids, load), strict=True):
            task.auditor_id = auditor
        self.session.flush()
        return self._out([plan])[0]

    def verify(self, plan_id: uuid.UUID) -> Verification:
        """Re-run the draw from the revealed seed over the population the plan kept, and compare."""
        plan = self._plan(plan_id)
        if plan.status == PlanStatus.COMMITTED:
            raise PlanNotDrawn()
        population = [drawing.Candidate.from_snapshot(row) for row in plan.population_snapshot or []]
        rules = plan_rules(plan)
        result = drawing.draw(plan.seed, rules, population)
        drawn_ids = set(result.sample_ids)
        task_ids = sorted(task.record_id for task in self.plans.tasks_of(plan))
        seed_ok = drawing.seed_hash(plan.seed) == plan.seed_hash
        return Verification(
            plan_id=plan.id,
            algorithm=drawing.ALGORITHM,
            rules=drawing.__doc__ or "",
            seed=plan.seed,
            seed_hash=plan.seed_hash,
            seed_matches_hash=seed_ok,
            rate=rules.rate,
            min_count=rules.min_count,
            risk_weights=dict(rules.weights),
            long_above_minutes=result.long_above_minutes,
            frequent_above=float(result.frequent_above) if result.frequent_above is not None else None,
            population=[
                PopulationRecord(
                    **{
                        field: getattr(item.candidate, field)
                        for field in (
                            "record_id",
                            "stratum",
                            "stratum_name",
                            "volunteer_id",
                            "service_minutes",
                            "hours",
                            "late_entry",
                            "self_reported",
                            "auto_closed",
                        )
                    },
                    risks=list(item.risks),
                    weight=item.weight,
                    key=str(item.key),
                    drawn=item.record_id in drawn_ids,
                )
                for item in result.assessed
            ],
            allocation=result.allocation,
            sample_size=result.sample_size,
            drawn_record_ids=result.sample_ids,
            task_record_ids=task_ids,
            matches=seed_ok and result.sample_ids == task_ids and plan.sample_size == len(task_ids),
        )

    def _plan(self, plan_id: uuid.UUID, for_update: bool = False) -> AuditPlan:
        plan = self.plans.plan(plan_id, for_update=for_update)
        if plan is None:
            raise PlanNotFound()
        return plan

    def _out(self, plans: Sequence[AuditPlan]) -> list[PlanOut]:
        counts = self.plans.task_counts(plans)
        return [
            PlanOut(
                id=plan.id,
                committee_id=plan.tenant_id,
                period_start=plan.period_start,
                period_end=plan.period_end,
                status=plan.status,
                seed_hash=plan.seed_hash,
                seed=None if plan.status == PlanStatus.COMMITTED else plan.seed,
                rate=plan.rate,
                min_count=plan.min_count,
                risk_weights={risk: Decimal(str(weight)) for risk, weight in plan.risk_weights.items()},
                auditor_ids=list(plan.auditor_ids),
                population=plan.population,
                sample_size=plan.sample_size,
                committed_at=plan.committed_at,
                drawn_at=plan.drawn_at,
                tasks=TaskCounts(**counts.get((plan.tenant_id, plan.id), {})),
                algorithm=drawing.ALGORITHM,
            )
            for plan in plans
        ]


# tasks ----------------------------------------------------------------------------------------------------


class TaskService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.tasks = TaskRepository(session, context)
        self.plans = PlanRepository(session, context)

    @property
    def _own_only(self) -> uuid.UUID | None:
        """An auditor sees only the tasks dealt to them; staff and admins see every task in their scope."""
        if self.context.role != Role.AUDITOR:
            return None
        if self.context.user_id is None:
            raise Forbidden("An auditor acts under their own login.")
        return self.context.user_id

    def page(
        self, plan_id: uuid.UUID | None, outcome: Outcome | None, cursor: str | None, limit: int
    ) -> TaskPage:
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        where = TaskFilter(plan_id=plan_id, outcome=outcome, auditor_id=self._own_only)
        found = self.tasks.page(where, after, limit + 1)
        shown = found[:limit]
        last = shown[-1] if len(found) > limit else None
        return TaskPage(
            items=[task_out(task) for task in shown],
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def detail(self, task_id: uuid.UUID) -> TaskDetail:
        task = self._task(task_id)
        return task_detail(task, self.tasks.record(task))

    def decide(self, task_id: uuid.UUID, request: OutcomeIn) -> TaskDetail:
        """The assigned auditor's decision, booked through the ledger as one entry keyed by the task (so
        nothing is booked twice); the plan, the task and the record are locked in that order."""
        context = writable_committee(self.session, self.context)
        auditor = self._own_only
        if auditor is None:
            raise Forbidden("Only the auditor a task is dealt to decides it.")
        found = self._task(task_id)
        plan = self.tasks.plan(found)
        task = self.tasks.task(task_id, auditor_id=auditor, for_update=True)
        if task is None:
            raise TaskNotFound()  # dealt to someone else since it was read
        if task.outcome != Outcome.OPEN:
            raise TaskDecided(f"The task was {task.outcome} on {task.decided_at}.")
        record = self.tasks.record(task, for_update=True)
        decision = request.outcome
        if record.voided and decision is not Decision.REJECTED:
            raise RecordVoided()
        hours_before = record.hours
        if decision is Decision.ADJUSTED:
            assert request.hours is not None  # the schema requires hours for an adjustment
            hours_after = request.hours.quantize(Decimal("0.01"))
            if hours_after == hours_before:
                raise HoursUnchanged(f"The record already counts {hours_before} hours.")
        elif decision is Decision.CONFIRMED:
            hours_after = hours_before
        else:
            hours_after = ZERO
        move_hours(
            self.session,
            record,
            source_id=task.id,
            kind=KINDS[decision],
            hours_after=hours_after,
            verified_after=True,
            reason=request.evidence,
        )
        # the hours the decision replaced: the record may have been corrected since the draw
        task.hours_before = hours_before
        task.hours_after = hours_after
        task.outcome = Outcome(decision.value)
        task.evidence = request.evidence
        task.decided_at = self.now
        self.session.flush()
        messaging.publish(
            self.session,
            AUDIT_COMPLETED,
            AuditCompletedV1(
                task_id=task.id,
                plan_id=task.plan_id,
                record_id=task.record_id,
                volunteer_id=task.volunteer_id,
                outcome=task.outcome,
                hours_before=float(hours_before),
                hours_after=float(hours_after),
                service_date=record.service_date,
                decided_on=local_date(self.now),
            ),
            subject=task.volunteer_id,
            tenant_id=context.tenant_id,
            tenant_path=task.tenant_path,
        )
        if not self.plans.any_open(plan):
            plan.status = PlanStatus.COMPLETED
            self.session.flush()
        return task_detail(task, record)

    def _task(self, task_id: uuid.UUID) -> AuditTask:
        task = self.tasks.task(task_id, auditor_id=self._own_only)
        if task is None:
            raise TaskNotFound()
        return task


def task_out(task: AuditTask) -> TaskOut:
    return TaskOut(
        id=task.id,
        plan_id=task.plan_id,
        committee_id=task.tenant_id,
        record_id=task.record_id,
        volunteer_id=task.volunteer_id,
        auditor_id=task.auditor_id,
        stratum=task.stratum,
        weight=task.weight,
        risks=list(task.risks),
        outcome=task.outcome,
        hours_before=task.hours_before,
        hours_after=task.hours_after,
        evidence=task.evidence,
        decided_at=task.decided_at,
        created_at=task.created_at,
    )


def task_detail(task: AuditTask, record: RecordFact) -> TaskDetail:
    return TaskDetail(
        **task_out(task).model_dump(),
        record=AuditedRecord.model_validate(record, from_attributes=True),
    )


# reports --------------------------------------------------------------------------------------------------


@dataclass
class _Sums:
    plans: int = 0
    tasks: int = 0
    confirmed: int = 0
    adjusted: int = 0
    rejected: int = 0
    hours_moved: Decimal = ZERO

    def add(self, other: _Sums) -> None:
        self.plans += other.plans
        self.tasks += other.tasks
        self.confirmed += other.confirmed
        self.adjusted += other.adjusted
        self.rejected += other.rejected
        self.hours_moved += other.hours_moved

    def counts(self) -> dict[str, Any]:
        decided = self.confirmed + self.adjusted + self.rejected
        return {
            "plans": self.plans,
            "tasks": self.tasks,
            "decided": decided,
            "confirmed": self.confirmed,
            "adjusted": self.adjusted,
            "rejected": self.rejected,
            "pass_rate": round(self.confirmed / decided, 4) if decided else None,
            "hours_moved": self.hours_moved,
        }


class ReportService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.reports = ReportRepository(session, context)

    def report(self, start: date | None, end: date | None) -> AuditReport:
        """Per committee in the caller's subtree, over the plans whose period starts from `start` to `end`
        (default: the twelve months to today): counts, pass rate, hours moved, findings, a monthly trend."""
        end = end or local_date(self.now)
        if start is None:
            back = _month_index(end) - (DEFAULT_REPORT_MONTHS - 1)
            start = date(back // 12, back % 12 + 1, 1)
        if end < start or _month_index(end) - _month_index(start) >= LONGEST_REPORT_MONTHS:
            raise ReportRangeInvalid()
        months = _months(start, end)
        sums: dict[tuple[uuid.UUID, str], _Sums] = {}
        for tenant_id, month, plans in self.reports.plans_per_month(start, end):
            sums.setdefault((tenant_id, month), _Sums()).plans = plans
        for tenant_id, month, tasks, confirmed, adjusted, rejected, moved in self.reports.tasks_per_month(
            start, end
        ):
            found = sums.setdefault((tenant_id, month), _Sums())
            found.tasks, found.confirmed, found.adjusted, found.rejected = (
                tasks,
                confirmed,
                adjusted,
                rejected,
            )
            found.hours_moved = Decimal(moved)
        findings: dict[uuid.UUID, list[Finding]] = {}
        findings_total: dict[uuid.UUID, int] = {}
        for task, volunteer_name, activity_name, service_date, in_all in self.reports.findings(
            start, end, FINDINGS_PER_COMMITTEE
        ):
            findings_total[task.tenant_id] = in_all
            findings.setdefault(task.tenant_id, []).append(
                Finding(
                    task_id=task.id,
                    plan_id=task.plan_id,
                    record_id=task.record_id,
                    volunteer_id=task.volunteer_id,
                    volunteer_name=volunteer_name,
                    activity_name=activity_name,
                    service_date=service_date,
                    outcome=task.outcome,
                    hours_before=task.hours_before,
                    hours_after=task.hours_after,
                    evidence=task.evidence,
                    decided_at=task.decided_at,
                )
            )

        overall = _Sums()
        overall_by_month = {month: _Sums() for month in months}
        committees = []
        for tenant_id, name, path in self.reports.committees():
            total = _Sums()
            trend = []
            for month in months:
                found = sums.get((tenant_id, month), _Sums())
                total.add(found)
                overall_by_month[month].add(found)
                trend.append(TrendPoint(month=month, **found.counts()))
            overall.add(total)
            committees.append(
                CommitteeAudits(
                    committee_id=tenant_id,
                    name=name,
                    path=path,
                    findings=findings.get(tenant_id, []),
                    findings_total=findings_total.get(tenant_id, 0),
                    trend=trend,
                    **total.counts(),
                )
            )
        return AuditReport(
            period_from=start,
            period_to=end,
            totals=AuditCounts(**overall.counts()),
            trend=[TrendPoint(month=month, **found.counts()) for month, found in overall_by_month.items()],
            committees=committees,
        )


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _months(start: date, end: date) -> list[str]:
    """ "YYYY-MM" of every month from `start`'s to `end`'s."""
    return [
        f"{index // 12:04d}-{index % 12 + 1:02d}"
        for index in range(_month_index(start), _month_index(end) + 1)
    ]
