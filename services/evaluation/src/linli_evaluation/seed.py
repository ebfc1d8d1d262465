"""The demo committee's evaluation for `make run`: its year of service records (replayed by the scheduling
seed, arriving here as events) tallied and starred, residents' ratings, scores, last month's audit drawn and
open for the demo auditor, this month's plan committed, and a district award programme with nominees in
their public notice.

Everything but the residents goes through the services the API and the workers use; residents' ratings are
written as the public feedback page would store them (the seed stands in for residents with phones)."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select

from linli_evaluation.audits.models import AuditPlan
from linli_evaluation.audits.service import PlanService, month_of
from linli_evaluation.audits.tasks import commit_due_plans, commit_plan, draw_plan
from linli_evaluation.facts.models import RecordFact
from linli_evaluation.feedback.models import Rating
from linli_evaluation.ledger.tallying import apply_pending
from linli_evaluation.recognition.schemas import CriteriaIn, Decision, NominationCreate, ProgrammeCreate
from linli_evaluation.recognition.service import NominationService, ProgrammeService
from linli_evaluation.scores.tasks import recompute_scores
from linli_shared.clock import SHANGHAI, Clock, local_date
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

COMMENTS = ("非常耐心, 谢谢!", "来得很准时", "服务很周到", "", "", "希望以后常来")


def seed_committee(
    database: Database,
    tenant_id: uuid.UUID,
    tenant_path: str,
    expect_records: int,
    auditor_id: uuid.UUID | None = None,
    wait_seconds: float = 600,
    clock: Clock | None = None,
) -> str:
    """Idempotent: a committee that already has audit plans is left as it is."""
    staff = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.TENANT_ADMIN, subject="seed"
    )
    _wait_for_records(database, staff, expect_records, wait_seconds)
    now = (clock or Clock()).now()
    today = local_date(now)
    with database.transaction(staff) as session:
        if session.scalar(select(func.count()).select_from(AuditPlan)):
            return "already seeded"
    apply_pending(database, tenant_id, tenant_path, today)
    rated = _ratings(database, staff, now)
    recompute_scores(database, tenant_id, tenant_path, today)
    tasks = _audits(database, staff, now, auditor_id)
    nominees = _nominations(database, staff, now)
    return f"{rated} ratings, {tasks} audit tasks, {nominees} nominees"


def _wait_for_records(database: Database, staff: TenantContext, expected: int, wait_seconds: float) -> None:
    """The scheduling seed's records reach evaluation through the broker; wait (bounded) for them all."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with database.transaction(staff) as session:
            known = session.scalar(select(func.count()).select_from(RecordFact)) or 0
        if known >= expected:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"evaluation knows {known} of {expected} records after {wait_seconds:.0f} s")
        time.sleep(0.5)


def _ratings(database: Database, staff: TenantContext, now: datetime) -> int:
    """About a third of the records rated by the resident served, mostly well."""
    rng = random.Random(20_261_125)
    with database.transaction(staff) as session:
        records = session.scalars(
            select(RecordFact)
            .where(RecordFact.voided.is_(False))
            .order_by(RecordFact.service_date, RecordFact.record_id)
        ).all()
        rated = [record for record in records if rng.random() < 0.35]
        for record in rated:
            served = datetime.combine(record.service_date, datetime.min.time(), SHANGHAI)
            session.add(
                Rating(
                    tenant_id=record.tenant_id,
                    record_id=record.record_id,
                    tenant_path=record.tenant_path,
                    volunteer_id=record.volunteer_id,
                    score=rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0],
                    comment=rng.choice(COMMENTS),
                    client_hash=f"seed-{rng.getrandbits(64):016x}",
                    submitted_at=min(now, served + timedelta(hours=rng.randint(12, 60))),
                )
            )
        return len(rated)


def _audits(database: Database, staff: TenantContext, now: datetime, auditor_id: uuid.UUID | None) -> int:
    """Last month's plan, committed on its first day and drawn now, its tasks dealt to the demo auditor;
    and this month's plan committed (its seed's hash published, the seed kept until the draw)."""
    assert staff.tenant_id is not None
    today = local_date(now)
    start, end = month_of(today.replace(day=1) - timedelta(days=1))
    committed_at = datetime.combine(start, datetime.min.time(), SHANGHAI)
    plan_id = commit_plan(database, staff.tenant_id, staff.tenant_path, start, end, committed_at)
    draw_plan(database, staff.tenant_id, staff.tenant_path, plan_id, now)
    with database.transaction(staff) as session:
        plans = PlanService(session, staff, now)
        drawn = plans.get(plan_id)
        if auditor_id is not None and drawn.status != "completed":  # a month without records has no tasks
            drawn = plans.assign(plan_id, [auditor_id])
    commit_due_plans(database, staff.tenant_id, staff.tenant_path, today)
    return drawn.sample_size or 0


def _nominations(database: Database, staff: TenantContext, now: datetime) -> int:
    """The district's 最美志愿者 programme (a modest bar, so the demo always has candidates); the committee
    nominates its two leading candidates, its admin approves them (a second person), and they are in their
    7-day public notice (公示)."""
    district_id = uuid.UUID(hex=staff.tenant_path.split(".")[1][1:])
    district = TenantContext(
        tenant_id=district_id,
        tenant_path=".".join(staff.tenant_path.split(".")[:2]),
        role=Role.DISTRICT_ADMIN,
        subject="seed-district",
    )
    with database.transaction(district) as session:
        programme = ProgrammeService(session, district, now).create(
            ProgrammeCreate(
                name="最美志愿者",
                description="年度服务时长、群众评价和抽查结果俱佳的志愿者",
                period_kind="year",
                criteria=CriteriaIn(min_verified_hours=10, min_ratings=1),
                max_nominees=3,
                notice_days=7,
            )
        )
    period = str(local_date(now).year)
    with database.transaction(staff) as session:
        nominations = NominationService(session, staff, now)
        candidates = nominations.candidates(programme.id, period, None, 2).candidates
        made = [
            nominations.create(
                NominationCreate(
                    programme_id=programme.id,
                    period=period,
                    volunteer_id=candidate.volunteer_id,
                    statement=f"{candidate.name}常年坚持社区服务, 居民评价好。",
                )
            ).id
            for candidate in candidates
        ]
        for nomination_id in made:
            nominations.submit(nomination_id)
    approver = TenantContext(
        tenant_id=staff.tenant_id,
        tenant_path=staff.tenant_path,
        role=Role.TENANT_ADMIN,
        subject="seed-approver",
    )
    with database.transaction(approver) as session:
        approvals = NominationService(session, approver, now)
        for nomination_id in made:
            approvals.decide(nomination_id, Decision(approve=True, note="同意推荐, 进入公示"))
    return len(made)
