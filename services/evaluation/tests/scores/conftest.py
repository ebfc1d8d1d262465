"""Fixtures for score tests: scheduling's sign-up and the roster's qualification events fed through the
consumer, residents' ratings and decided audit tasks written directly (their own APIs are other domains'),
and the app standing at a fixed day."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from linli_evaluation.audits.models import AuditPlan, AuditTask
from linli_evaluation.feedback.models import Rating
from linli_evaluation.scores.models import ScorePolicy, VolunteerScore
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import Role, TenantContext

#: the moment the app stands at in score tests: 10:00 on 25 Nov 2026 in Shanghai
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def now(clock) -> datetime:
    clock.at = NOW
    return NOW


Signup = Callable[..., uuid.UUID]


@pytest.fixture
def signup(deliver) -> Signup:
    """`signup(tenant, volunteer_id, "confirmed", "no_show", on=date, late=False)` → the sign-up id:
    scheduling's events of one sign-up, in order, for a shift starting at 09:00 (Shanghai) that day;
    `late` is the cancelled event's flag."""

    def send(tenant, volunteer_id, *kinds, on=date(2026, 10, 10), late=False, signup_id=None) -> uuid.UUID:
        signup_id = signup_id or uuid.uuid4()
        starts = datetime.combine(on, time(9, 0), SHANGHAI)
        shift_id = uuid.uuid5(signup_id, "shift")
        for kind in kinds:
            deliver(
                f"linli.scheduling.signup.{kind}.v1",
                "scheduling.signups",
                tenant,
                shift_id,
                {
                    "signup_id": str(signup_id),
                    "shift_id": str(shift_id),
                    "volunteer_id": str(volunteer_id),
                    "status": kind,
                    "source": "self",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=2)).isoformat(),
                    "promoted": False,
                    "late_cancellation": late and kind == "cancelled",
                    "reason": None,
                },
                source="/linli/scheduling",
            )
        return signup_id

    return send


Qualification = Callable[..., uuid.UUID]


@pytest.fixture
def qualification(deliver) -> Qualification:
    """`qualification(tenant, volunteer_id, "应急救护", granted_on=date, expires_on=None, event="granted",
    qualification_id=None)` → the qualification id: the roster's qualification event."""

    def send(
        tenant,
        volunteer_id,
        name="应急救护",
        granted_on=date(2026, 3, 1),
        expires_on=None,
        event="granted",
        qualification_id=None,
    ) -> uuid.UUID:
        qualification_id = qualification_id or uuid.uuid4()
        deliver(
            f"linli.roster.qualification.{event}.v1",
            "roster.training",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "qualification_id": str(qualification_id),
                "name": name,
                "granted_on": granted_on.isoformat(),
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
        return qualification_id

    return send


Rate = Callable[..., None]


@pytest.fixture
def rate(evaluation_database) -> Rate:
    """`rate(committee, record_id, volunteer_id, score)`: a resident's rating of a record."""

    def add(committee, record_id, volunteer_id, score) -> None:
        with evaluation_database.transaction(committee.context) as session:
            session.add(
                Rating(
                    tenant_id=committee.id,
                    record_id=record_id,
                    tenant_path=committee.path,
                    volunteer_id=volunteer_id,
                    score=score,
                    comment="",
                    client_hash="0" * 64,
                )
            )

    return add


Audit = Callable[..., uuid.UUID]


@pytest.fixture
def audit(evaluation_database) -> Audit:
    """`audit(committee, record_id, volunteer_id, "confirmed" | "adjusted" | "rejected" | "open",
    decided_at=datetime)` → the task id, in an audit plan of its own."""

    def add(committee, record_id, volunteer_id, outcome, decided_at=datetime(2026, 11, 1, 2, tzinfo=UTC)):
        plan_id, task_id = uuid.uuid4(), uuid.uuid4()
        with evaluation_database.transaction(committee.context) as session:
            # one plan per call: plans are unique per committee and period start
            taken = session.scalar(
                select(func.count()).select_from(AuditPlan).where(AuditPlan.tenant_id == committee.id)
            )
            start = date(2020, 1, 1) + timedelta(days=taken or 0)
            session.add(
                AuditPlan(
                    tenant_id=committee.id,
                    id=plan_id,
                    tenant_path=committee.path,
                    period_start=start,
                    period_end=start,
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
                    tenant_id=committee.id,
                    id=task_id,
                    tenant_path=committee.path,
                    plan_id=plan_id,
                    record_id=record_id,
                    volunteer_id=volunteer_id,
                    auditor_id=None,
                    stratum="垃圾分类值守",
                    weight=Decimal(1),
                    risks=[],
                    outcome=outcome,
                    hours_before=Decimal(2),
                    hours_after=None,
                    evidence="",
                    decided_at=None if outcome == "open" else decided_at,
                )
            )
        return task_id

    return add


@pytest.fixture
def stored_scores(evaluation_database) -> Callable[..., dict[uuid.UUID, VolunteerScore]]:
    """`stored_scores(committee)` → the committee's stored scores by volunteer."""

    def read(committee) -> dict[uuid.UUID, VolunteerScore]:
        with evaluation_database.transaction(committee.context) as session:
            rows = session.scalars(select(VolunteerScore).where(VolunteerScore.tenant_id == committee.id))
            return {row.volunteer_id: row for row in rows}

    return read


@pytest.fixture
def policies_under(evaluation_database) -> Callable[..., list[ScorePolicy]]:
    """`policies_under(tenant)` → every score policy at or below that node of the tree."""

    def read(tenant) -> list[ScorePolicy]:
        context = TenantContext(
            tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test"
        )
        with evaluation_database.transaction(context) as session:
            return list(
                session.scalars(select(ScorePolicy).where(ScorePolicy.tenant_path.op("<@")(tenant.path)))
            )

    return read
