"""Helpers for the recognition tests: volunteers (through the roster's events), service through
scheduling's record events and the tallying that follows, residents' ratings and spot-check outcomes
(written as their own domains write them), programmes, and what the service published."""

import copy
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from linli_evaluation.audits.models import AuditPlan, AuditTask, Outcome
from linli_evaluation.database import messaging
from linli_evaluation.ledger.tallying import apply_pending
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import Role, TenantContext

#: the day most tests stand on: late in 2026, so the year's and Q4's service is there to judge
TODAY = date(2026, 12, 1)

MOST_BEAUTIFUL = {
    "name": "最美志愿者",
    "description": "年度服务时长、群众满意度俱佳的志愿者",
    "period_kind": "year",
    "criteria": {
        "min_verified_hours": 10,
        "min_average_satisfaction": 4.5,
        "min_ratings": 2,
        "require_no_rejected_audit": True,
    },
    "max_nominees": 2,
}


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def today(clock):
    """Stand the app at noon (Asia/Shanghai) on TODAY; `today.move(day)` to stand elsewhere."""

    class Today:
        day = TODAY

        def move(self, day: date) -> None:
            self.day = day
            clock.at = noon(day)

    standing = Today()
    standing.move(TODAY)
    return standing


Volunteer = Callable[..., uuid.UUID]


@pytest.fixture
def volunteer(deliver) -> Volunteer:
    """`volunteer(tenant, "张三", party_member=True)` → a volunteer id, through the roster's event."""

    def add(tenant, name: str, party_member: bool = False, user_id: uuid.UUID | None = None) -> uuid.UUID:
        volunteer_id = uuid.uuid4()
        deliver(
            "linli.roster.volunteer.registered.v1",
            "roster.volunteers",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "name": name,
                "tier": "volunteer",
                "status": "active",
                "party_member": party_member,
                "building_id": None,
                "joined_on": "2024-01-01",
                "user_id": str(user_id) if user_id else None,
            },
        )
        return volunteer_id

    return add


@pytest.fixture
def exit_volunteer(deliver) -> Callable[[object, uuid.UUID], None]:
    def leave(tenant, volunteer_id: uuid.UUID) -> None:
        deliver(
            "linli.roster.volunteer.exited.v1",
            "roster.volunteers",
            tenant,
            volunteer_id,
            {"volunteer_id": str(volunteer_id), "reason": "搬离小区", "exited_on": "2026-11-30"},
        )

    return leave


Serve = Callable[..., uuid.UUID]


@pytest.fixture
def serve(record, evaluation_database) -> Serve:
    """`serve(tenant, volunteer_id, hours, on=date(2026, 11, 7), verified=True)` → a record id: scheduling's
    record event through the consumer, then the tallying (as the Celery task runs it). An unverified
    record is a late entry."""

    def add(
        tenant, volunteer_id: uuid.UUID, hours: float, on: date = date(2026, 11, 7), verified: bool = True
    ):
        record_id = record(tenant, volunteer_id, hours=hours, on=on, late_entry=not verified)
        apply_pending(evaluation_database, tenant.id, tenant.path, TODAY)
        return record_id

    return add


@pytest.fixture
def audit(evaluation_database) -> Callable[..., None]:
    """`audit(tenant, record_id, volunteer_id, "rejected")`: a spot check of the record, decided."""

    def add(tenant, record_id: uuid.UUID, volunteer_id: uuid.UUID, outcome: str) -> None:
        with evaluation_database.transaction(service_context(tenant)) as session:
            plan_id = session.scalars(select(AuditPlan.id).where(AuditPlan.tenant_id == tenant.id)).first()
            if plan_id is None:
                plan_id = uuid.uuid4()
                session.add(
                    AuditPlan(
                        tenant_id=tenant.id,
                        id=plan_id,
                        tenant_path=tenant.path,
                        period_start=date(2026, 11, 1),
                        period_end=date(2026, 11, 30),
                        seed_hash="a" * 64,
                        seed="b" * 64,
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
                    plan_id=plan_id,
                    record_id=record_id,
                    volunteer_id=volunteer_id,
                    stratum="grid_duty",
                    weight=Decimal(1),
                    risks=[],
                    outcome=Outcome(outcome),
                    hours_before=Decimal(2),
                    hours_after=None if outcome == "confirmed" else Decimal(0),
                    evidence="现场核实",
                )
            )

    return add


@pytest.fixture
def most_beautiful() -> dict:
    """The body that defines 最美志愿者 (yearly; 10 verified hours, satisfaction 4.5 over 2+ ratings, no
    rejected spot check; 2 nominees per committee)."""
    return copy.deepcopy(MOST_BEAUTIFUL)


@pytest.fixture
def define(api) -> Callable[..., dict]:
    """`define(headers, **overrides)` → a programme, created through the API (最美志愿者 by default)."""

    def create(headers: dict, **overrides) -> dict:
        response = api.post("/v1/award-programmes", json={**MOST_BEAUTIFUL, **overrides}, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    return create


@pytest.fixture
def published(evaluation_database) -> Callable[[str, uuid.UUID], list[dict]]:
    """`published(event_type, subject)` → the events of that type keyed by the subject, oldest first."""

    def events(event_type: str, subject: uuid.UUID) -> list[dict]:
        outbox = messaging.outbox
        with evaluation_database.transaction() as session:
            return list(
                session.execute(
                    select(outbox.c.event)
                    .where(outbox.c.key == str(subject), outbox.c.event["type"].astext == event_type)
                    .order_by(outbox.c.id)
                ).scalars()
            )

    return events
