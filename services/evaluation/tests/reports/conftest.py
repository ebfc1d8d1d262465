"""Helpers for the reports tests: the app with the reports' routes, service records through scheduling's
events and the tallying that follows, residents' ratings and audit outcomes written as their own domains
write them, project names through the reports' consumer, and a count of every row (reports never write)."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from linli_evaluation.audits.models import AuditPlan, AuditTask, Outcome
from linli_evaluation.database import EvaluationBase, messaging
from linli_evaluation.events.consumers import HANDLERS
from linli_evaluation.ledger.tallying import apply_pending
from linli_evaluation.reports.consumers import HANDLERS as REPORT_HANDLERS
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.tenancy import Role, TenantContext

TODAY = date(2026, 12, 5)


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def tally(evaluation_database) -> Callable[..., int]:
    """`tally(tenant)`: the Celery tally task for one committee, run now."""

    def run(tenant) -> int:
        return apply_pending(evaluation_database, tenant.id, tenant.path, TODAY)

    return run


@pytest.fixture
def void(deliver) -> Callable[..., None]:
    """`void(tenant, volunteer_id, record_id)`: scheduling voids a record."""

    def send(tenant, volunteer_id: uuid.UUID, record_id: uuid.UUID) -> None:
        deliver(
            "linli.scheduling.service_record.voided.v1",
            "scheduling.service_records",
            tenant,
            volunteer_id,
            {
                "record_id": str(record_id),
                "entry_id": str(uuid.uuid4()),
                "volunteer_id": str(volunteer_id),
                "delta": -2.0,
                "reason": "重复登记",
            },
            source="/linli/scheduling",
        )

    return send


@pytest.fixture
def grid(deliver) -> Callable[..., uuid.UUID]:
    """`grid(tenant, "一网格")` → an area id the roster announced as a grid."""

    def add(tenant, name: str) -> uuid.UUID:
        area_id = uuid.uuid4()
        deliver(
            "linli.roster.area.changed.v1",
            "roster.areas",
            tenant,
            area_id,
            {"area_id": str(area_id), "parent_id": None, "kind": "grid", "name": name},
        )
        return area_id

    return add


@pytest.fixture
def project_runner(evaluation_database) -> ConsumerRunner:
    """The consumer with the reports' handlers too (as `events/consumers.py` wires them)."""
    return ConsumerRunner(
        "linli-evaluation", evaluation_database, messaging, {**HANDLERS, **REPORT_HANDLERS}, None, "unused"
    )


@pytest.fixture
def project(project_runner) -> Callable[..., uuid.UUID]:
    """`project(tenant, "关爱银发", project_id=None, event="created")` → the project id, announced by
    scheduling's project event."""

    def announce(tenant, name: str, project_id: uuid.UUID | None = None, event: str = "created") -> uuid.UUID:
        project_id = project_id or uuid.uuid4()
        envelope = {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/linli/scheduling",
            "type": f"linli.scheduling.project.{event}.v1",
            "subject": str(project_id),
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "tenantid": str(tenant.id),
            "tenantpath": tenant.path,
            "data": {
                "project_id": str(project_id),
                "name": name,
                "status": "incubating",
                "owner_volunteer_id": None,
                "goals": [],
            },
        }
        outcome = project_runner.handle("scheduling.projects", json.dumps(envelope).encode(), [])
        assert outcome.handled, outcome
        return project_id

    return announce


@pytest.fixture
def audit(evaluation_database) -> Callable[..., None]:
    """`audit(tenant, record_id, volunteer_id, outcome)`: a task of the committee's drawn plan, decided or
    open, as the audits domain writes it."""
    plans: dict[uuid.UUID, uuid.UUID] = {}

    def add(tenant, record_id: uuid.UUID, volunteer_id: uuid.UUID, outcome: Outcome) -> None:
        with evaluation_database.transaction(service_context(tenant)) as session:
            if tenant.id not in plans:
                plans[tenant.id] = uuid.uuid4()
                session.add(
                    AuditPlan(
                        tenant_id=tenant.id,
                        id=plans[tenant.id],
                        tenant_path=tenant.path,
                        period_start=date(2026, 10, 1),
                        period_end=date(2026, 11, 30),
                        seed_hash="0" * 64,
                        seed="0" * 64,
                        status="drawn",
                        rate=Decimal("0.1"),
                        min_count=1,
                        risk_weights={},
                        auditor_ids=[],
                    )
                )
                session.flush()
            session.add(
                AuditTask(
                    tenant_id=tenant.id,
                    id=uuid.uuid4(),
                    tenant_path=tenant.path,
                    plan_id=plans[tenant.id],
                    record_id=record_id,
                    volunteer_id=volunteer_id,
                    stratum="grid_duty",
                    weight=Decimal(1),
                    risks=[],
                    outcome=outcome,
                    hours_before=Decimal(2),
                )
            )

    return add


@pytest.fixture
def row_counts(world, evaluation_database) -> Callable[[], dict[str, int]]:
    """Rows of every evaluation table in this world's district (and the outbox): a report writes none."""
    district = TenantContext(
        tenant_id=world.district.id, tenant_path=world.district.path, role=Role.SERVICE, subject="test"
    )

    def count() -> dict[str, int]:
        with evaluation_database.transaction(district) as session:
            return {
                table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in EvaluationBase.metadata.sorted_tables
                if "tenant_path" in table.c or table is messaging.outbox
            }

    return count


@dataclass
class November:
    """Committee A's November 2026 (and its October), built through the events and domains that make it."""

    committee: object
    zhang: uuid.UUID
    li: uuid.UUID
    wang: uuid.UUID
    zhao: uuid.UUID
    qian: uuid.UUID
    sun: uuid.UUID
    elderly_care: uuid.UUID
    first_grid: uuid.UUID
    records: dict[str, uuid.UUID]


@pytest.fixture
def november(
    committee, world, register, record, deliver, void, grid, project, rate, audit, tally
) -> November:
    """Committee A. On the register in November: 张阿姨 and 李叔 (backbone), 王姐 and 赵伯; 钱新 joined in
    December; 孙退 has exited (his November record still counts in the hours).

    November: r1 张 3.0 h verified (关爱银发, 一网格, grid duty), r2 张 1.5 h late entry (service), r3 李 2.0 h
    verified (关爱银发, service), r4 王 1.0 h self-reported (一网格), r5 赵 2.0 h voided, r6 孙 1.0 h verified
    → 6.0 verified + 2.5 unverified over 5 records, 3 of 4 on the register active. Ratings r1 5, r3 4, r5 1
    (voided: left out). Audits r1 confirmed, r3 adjusted, r5 rejected, r4 open → 1 of 3 passed.
    October: 赵 2.0 h, 张 1.0 h, rated 3. December 1st: 李 1.0 h. June 2025: 张 120 h (1★). Committee B: 5 h."""
    tenant = world.committee
    zhang = register(tenant, "张阿姨", tier="backbone")
    li = register(tenant, "李叔", tier="backbone")
    wang = register(tenant, "王姐")
    zhao = register(tenant, "赵伯")
    qian = register(tenant, "钱新", joined_on=date(2026, 12, 1))
    sun = register(tenant, "孙退")
    deliver("linli.roster.volunteer.exited.v1", "roster.volunteers", tenant, sun, {"volunteer_id": str(sun)})
    elderly_care = project(tenant, "关爱银发")
    first_grid = grid(tenant, "一网格")
    nov = date(2026, 11, 1)
    records = {
        "r1": record(tenant, zhang, 3.0, nov.replace(day=7), project_id=elderly_care, area_id=first_grid),
        "r2": record(tenant, zhang, 1.5, nov.replace(day=20), late_entry=True, activity_kind="service"),
        "r3": record(tenant, li, 2.0, nov.replace(day=10), project_id=elderly_care, activity_kind="service"),
        "r4": record(tenant, wang, 1.0, nov.replace(day=30), self_reported=True, area_id=first_grid),
        "r5": record(tenant, zhao, 2.0, nov.replace(day=15)),
        "r6": record(tenant, sun, 1.0, nov.replace(day=2)),
        "oct_zhao": record(tenant, zhao, 2.0, date(2026, 10, 12)),
        "oct_zhang": record(tenant, zhang, 1.0, date(2026, 10, 31)),
        "dec_li": record(tenant, li, 1.0, date(2026, 12, 1)),
        "old_zhang": record(tenant, zhang, 120.0, date(2025, 6, 1)),
    }
    void(tenant, zhao, records["r5"])
    rate(tenant, records["r1"], zhang, 5)
    rate(tenant, records["r3"], li, 4)
    rate(tenant, records["r5"], zhao, 1)
    rate(tenant, records["oct_zhao"], zhao, 3)
    audit(tenant, records["r1"], zhang, Outcome.CONFIRMED)
    audit(tenant, records["r3"], li, Outcome.ADJUSTED)
    audit(tenant, records["r5"], zhao, Outcome.REJECTED)
    audit(tenant, records["r4"], wang, Outcome.OPEN)
    other = register(world.sibling, "乙志愿者")
    record(world.sibling, other, 5.0, nov.replace(day=8))
    tally(tenant)
    tally(world.sibling)
    return November(tenant, zhang, li, wang, zhao, qian, sun, elderly_care, first_grid, records)
