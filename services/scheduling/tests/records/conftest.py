"""Fixtures for records tests: the app standing at a fixed moment, service records made the one way hours
are written (`make_record`), attendances written straight to the database, and the rows and events a
committee has, for asserting what was (and was not) written."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from linli_identity.accounts.models import User
from linli_identity.seed import PLATFORM
from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.attendance.models import Attendance, TrainingResult
from linli_scheduling.database import messaging
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import effective_policy
from linli_scheduling.records.models import Correction, LateEntry, RecordEntry, RecordSource, ServiceRecord
from linli_scheduling.records.recording import Recorder, make_record
from linli_shared.db import act_as
from linli_shared.tenancy import Role, TenantContext

#: where the app stands in these tests: 14:00 on Friday 2026-11-20 in Shanghai
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


TRAINING_RESULTS = "/v1/shifts/{shift_id}/training-results"


@pytest.fixture
def now(clock) -> datetime:
    clock.at = NOW
    return NOW


@pytest.fixture
def user_id(world, identity_database) -> Callable[[str], uuid.UUID]:
    """`user_id("staff")` → that world user's id: the subject of their tokens."""

    def of(key: str) -> uuid.UUID:
        email = world.email(key)
        with identity_database.transaction(PLATFORM) as session:
            act_as(session, login_email=email)
            return session.scalars(select(User.id).where(User.email == email)).one()

    return of


@pytest.fixture
def record(scheduling_database) -> Callable[..., uuid.UUID]:
    """`record(tenant, shift_id, volunteer_id, **flags)` → a record of the whole shift, made by
    `make_record` as a leader's confirmation would (flags: late_entry, self_reported, auto_closed)."""

    def make(tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, **flags: bool) -> uuid.UUID:
        with scheduling_database.transaction(service_context(tenant)) as session:
            shift = session.get(Shift, (tenant.id, shift_id))
            activity = session.get(Activity, (tenant.id, shift.activity_id))
            made = make_record(
                session,
                activity=activity,
                shift=shift,
                volunteer=session.get(VolunteerFact, (tenant.id, volunteer_id)),
                started_at=shift.starts_at,
                ended_at=shift.ends_at,
                break_minutes=0,
                source=RecordSource.LEADER,
                recorder=Recorder("test", "测试记录人"),
                policy=effective_policy(session, tenant.path),
                **flags,
            )
            assert made is not None
            return made.id

    return make


@pytest.fixture
def attend(scheduling_database) -> Callable[..., uuid.UUID]:
    """`attend(tenant, shift_id, volunteer_id, checked_out=True)` → an attendance of the whole shift."""

    def add(tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, checked_out: bool = True) -> uuid.UUID:
        attendance_id = uuid.uuid4()
        with scheduling_database.transaction(service_context(tenant)) as session:
            shift = session.get(Shift, (tenant.id, shift_id))
            session.add(
                Attendance(
                    tenant_id=tenant.id,
                    id=attendance_id,
                    tenant_path=tenant.path,
                    shift_id=shift_id,
                    volunteer_id=volunteer_id,
                    checked_in_at=shift.starts_at,
                    checked_out_at=shift.ends_at if checked_out else None,
                    check_in_method="leader",
                    check_out_method="leader" if checked_out else None,
                    recorded_by="test",
                )
            )
        return attendance_id

    return add


@pytest.fixture
def exit_volunteer(roster_event) -> Callable[..., None]:
    def leave(tenant, volunteer_id: uuid.UUID) -> None:
        roster_event(
            "linli.roster.volunteer.exited.v1",
            "roster.volunteers",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "kind": "voluntary",
                "reason": "搬家",
                "exited_on": "2026-11-01",
            },
        )

    return leave


@pytest.fixture
def events(scheduling_database) -> Callable[..., list[dict]]:
    """`events(tenant, type=None)` → the tenant's events in the outbox, oldest first."""

    def of(tenant, event_type: str | None = None) -> list[dict]:
        outbox = messaging.outbox
        with scheduling_database.transaction() as session:
            rows = session.execute(select(outbox.c.event).order_by(outbox.c.id)).scalars().all()
        return [
            event
            for event in rows
            if event["tenantpath"] == tenant.path and (event_type is None or event["type"] == event_type)
        ]

    return of


@pytest.fixture
def counts(scheduling_database) -> Callable[..., dict[str, int]]:
    """`counts(tenant)` → how many records, entries, late entries and corrections the tenant has, and
    its outbox size: what a refused request must leave as it was."""

    def of(tenant) -> dict[str, int]:
        with scheduling_database.transaction(service_context(tenant)) as session:
            tally = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (ServiceRecord, RecordEntry, LateEntry, Correction, TrainingResult)
            }
            outbox = messaging.outbox
            tally["outbox"] = session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.event["tenantpath"].astext == tenant.path)
            )
        return tally

    return of
