"""Fixtures for attendance tests: sign-ups written straight to the database (the sign-up API is not what
these tests are about), the day's wall clock in Asia/Shanghai, the site's code as staff see it, and the
rows and events a shift has, for asserting what was (and was not) written."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select

from linli_scheduling.activities.models import Shift
from linli_scheduling.attendance.codes import CheckInCodeSigner
from linli_scheduling.attendance.models import Attendance, CheckInCodeUse
from linli_scheduling.database import messaging
from linli_scheduling.records.models import ServiceRecord
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import Role, TenantContext

#: the service day of these tests (a Tuesday)
DAY = (2026, 3, 10)


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def local() -> Callable[..., datetime]:
    """`local(9, 0)` → 09:00 in Shanghai on the test day (`local(9, 0, day=11)` on another day)."""

    def moment(hour: int, minute: int = 0, day: int = DAY[2]) -> datetime:
        return datetime(DAY[0], DAY[1], day, hour, minute, tzinfo=SHANGHAI)

    return moment


@pytest.fixture
def sign_up(scheduling_database) -> Callable[..., uuid.UUID]:
    """`sign_up(tenant, shift_id, volunteer_id, status="confirmed")` → the sign-up id; a confirmed one
    takes a place on the shift, as the sign-up service would."""

    def add(
        tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, status: str = SignupStatus.CONFIRMED
    ) -> uuid.UUID:
        signup_id = uuid.uuid4()
        with scheduling_database.transaction(service_context(tenant)) as session:
            shift = session.get(Shift, (tenant.id, shift_id), with_for_update=True)
            session.add(
                Signup(
                    tenant_id=tenant.id,
                    id=signup_id,
                    tenant_path=tenant.path,
                    shift_id=shift_id,
                    volunteer_id=volunteer_id,
                    status=status,
                    source="self",
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    created_by="test",
                )
            )
            if status == SignupStatus.CONFIRMED:
                shift.confirmed += 1
        return signup_id

    return add


@pytest.fixture
def signer(scheduling_settings) -> CheckInCodeSigner:
    """The app's signer (same key and rotation), for codes the tests make themselves."""
    return CheckInCodeSigner(
        signing_key=scheduling_settings.signing_key.get_secret_value().encode(),
        rotation_seconds=scheduling_settings.check_in_code_rotation_seconds,
        grace_seconds=scheduling_settings.check_in_code_grace_seconds,
    )


@pytest.fixture
def site_code(scheduling_client, login) -> Callable[[uuid.UUID], str]:
    """The code staff show at the site now (wherever the clock stands)."""
    headers: dict[str, str] = {}

    def fetch(shift_id: uuid.UUID) -> str:
        if not headers:
            headers.update(login("staff"))
        response = scheduling_client.get(f"/v1/shifts/{shift_id}/check-in-code", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["code"]

    return fetch


@dataclass(frozen=True)
class Written:
    attendances: int
    code_uses: int
    records: int
    events: int


@pytest.fixture
def written(scheduling_database, world) -> Callable[[object, uuid.UUID], Written]:
    """How much a shift has: attendances, spent codes, records, and outbox events about it — compared
    before and after a refused request to show nothing was written."""

    def count(tenant, shift_id: uuid.UUID) -> Written:
        with scheduling_database.transaction(service_context(tenant)) as session:
            attendances = session.scalar(
                select(func.count()).select_from(Attendance).where(Attendance.shift_id == shift_id)
            )
            uses = session.scalar(select(func.count()).select_from(CheckInCodeUse))
            records = session.scalar(
                select(func.count()).select_from(ServiceRecord).where(ServiceRecord.shift_id == shift_id)
            )
        return Written(attendances, uses, records, len(events_of(scheduling_database, world)))

    return count


def events_of(scheduling_database, world) -> list[dict]:
    with scheduling_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)).scalars()
        return [event for event in rows if event["tenantpath"].startswith(world.district.path)]


@pytest.fixture
def outbox(scheduling_database, world) -> Callable[..., list[dict]]:
    """`outbox()` → this world's scheduling events in order; `outbox("…checked_in.v1")` → of one type."""

    def read(event_type: str | None = None) -> list[dict]:
        events = events_of(scheduling_database, world)
        return [event for event in events if event_type is None or event["type"] == event_type]

    return read
