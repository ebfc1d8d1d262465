"""Helpers for the calendar tests, writing straight to the database as `plan` does: sign-ups (the sign-up
API is not what these tests are about), places on the roster's map, and a shift's place."""

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select, update

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.facts.models import AreaFact, VolunteerFact
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.tenancy import Role, TenantContext


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def sign_up(scheduling_database) -> Callable[..., uuid.UUID]:
    """`sign_up(tenant, shift_id, volunteer_id, status="confirmed")` → the sign-up's id."""

    def add(
        tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, status: str = SignupStatus.CONFIRMED
    ) -> uuid.UUID:
        signup_id = uuid.uuid4()
        with scheduling_database.transaction(service_context(tenant)) as session:
            shift = session.scalars(
                select(Shift).where(Shift.tenant_id == tenant.id, Shift.id == shift_id).with_for_update()
            ).one()
            if status == SignupStatus.CONFIRMED:
                shift.confirmed += 1
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
        return signup_id

    return add


@pytest.fixture
def area(scheduling_database) -> Callable[..., uuid.UUID]:
    """`area(tenant, kind, name, parent=None)` → an area id, as the roster's map announced it."""

    def add(tenant, kind: str, name: str, parent: uuid.UUID | None = None) -> uuid.UUID:
        area_id = uuid.uuid4()
        with scheduling_database.transaction(service_context(tenant)) as session:
            session.add(
                AreaFact(
                    tenant_id=tenant.id,
                    area_id=area_id,
                    tenant_path=tenant.path,
                    parent_id=parent,
                    kind=kind,
                    name=name,
                )
            )
        return area_id

    return add


@pytest.fixture
def place_shift(scheduling_database) -> Callable[[object, uuid.UUID, uuid.UUID], None]:
    """`place_shift(tenant, shift_id, area_id)`: the shift's activity happens in that area."""

    def move(tenant, shift_id: uuid.UUID, area_id: uuid.UUID) -> None:
        with scheduling_database.transaction(service_context(tenant)) as session:
            activity_id = session.scalars(
                select(Shift.activity_id).where(Shift.tenant_id == tenant.id, Shift.id == shift_id)
            ).one()
            session.execute(
                update(Activity)
                .where(Activity.tenant_id == tenant.id, Activity.id == activity_id)
                .values(area_id=area_id)
            )

    return move


@pytest.fixture
def change_volunteer(scheduling_database) -> Callable[..., None]:
    """`change_volunteer(tenant, volunteer_id, status="exited")` or `user_id=…`: as roster events would."""

    def change(tenant, volunteer_id: uuid.UUID, **values) -> None:
        with scheduling_database.transaction(service_context(tenant)) as session:
            session.execute(
                update(VolunteerFact)
                .where(VolunteerFact.tenant_id == tenant.id, VolunteerFact.volunteer_id == volunteer_id)
                .values(**values)
            )

    return change


@pytest.fixture
def read_ics() -> Callable[[str], tuple[dict[str, str], list[dict[str, str]]]]:
    """`read_ics(body)` → (the calendar's properties, each event's properties), after checking that every
    line ends in CRLF and is at most 75 octets, and unfolding."""

    def parse(body: str) -> tuple[dict[str, str], list[dict[str, str]]]:
        assert body.endswith("\r\n")
        for line in body[:-2].split("\r\n"):
            assert len(line.encode("utf-8")) <= 75, line
        lines = body.replace("\r\n ", "")[:-2].split("\r\n")
        assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
        calendar: dict[str, str] = {}
        events: list[dict[str, str]] = []
        current: dict[str, str] | None = None
        for line in lines[1:-1]:
            if line == "BEGIN:VEVENT":
                current = {}
            elif line == "END:VEVENT":
                assert current is not None
                events.append(current)
                current = None
            else:
                name, _, value = line.partition(":")
                (calendar if current is None else current)[name] = value
        return calendar, events

    return parse
