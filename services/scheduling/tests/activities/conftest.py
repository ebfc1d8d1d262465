"""Fixtures for the activity and shift tests: the app standing on a Monday morning, roster facts (areas,
courses) delivered as roster events, projects and sign-ups written straight to the database, and a look
at what was written (rows, outbox) to prove that refused requests wrote nothing."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from httpx import Response
from sqlalchemy import func, select

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.database import messaging
from linli_scheduling.projects.models import Project
from linli_scheduling.signups.models import Signup
from linli_shared.tenancy import Role, TenantContext

#: Monday 27 April 2026, 10:00 in Shanghai; the horizon is 28 April 2027
MONDAY = datetime(2026, 4, 27, 2, 0, tzinfo=UTC)
#: a weekly grid duty: every Saturday 08:00–10:00 from 2 May 2026, two places, two days skipped
SORTING_DUTY = {
    "name": "垃圾分类值守",
    "kind": "grid_duty",
    "content": "指导居民垃圾分类",
    "recipient": "小区居民",
    "place": "3号楼垃圾房",
    "first_starts_at": "2026-05-02T08:00:00+08:00",
    "duration_minutes": 120,
    "recurrence": "FREQ=WEEKLY;BYDAY=SA",
    "exceptions": ["2026-05-09", "2026-10-03"],
    "capacity": 2,
}


def context_of(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def monday(clock):
    clock.at = MONDAY
    return clock


@pytest.fixture
def create_activity(scheduling_client) -> Callable[..., Response]:
    """`create_activity(headers, **overrides)`: POST the sorting duty with the overrides."""

    def post(headers: dict[str, str], **overrides) -> Response:
        return scheduling_client.post("/v1/activities", json={**SORTING_DUTY, **overrides}, headers=headers)

    return post


@pytest.fixture
def plan_activity(create_activity) -> Callable[..., dict]:
    """`plan_activity(headers, **overrides)` → the created activity."""

    def plan(headers: dict[str, str], **overrides) -> dict:
        response = create_activity(headers, **overrides)
        assert response.status_code == 201, response.text
        return response.json()

    return plan


@pytest.fixture
def calendar(scheduling_client) -> Callable[..., list[dict]]:
    """`calendar(headers, **params)` → the shifts of 27 April to 27 July 2026 (unless given)."""

    def read(headers: dict[str, str], **params) -> list[dict]:
        query = {"from": "2026-04-27", "to": "2026-07-27", "limit": 200, **params}
        response = scheduling_client.get("/v1/shifts", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return read


@pytest.fixture
def add_area(roster_event) -> Callable[..., uuid.UUID]:
    """`add_area(tenant, "grid", "一网格", parent=None, active=True)` → an area id scheduling knows."""

    def add(tenant, kind: str, name: str, parent: uuid.UUID | None = None, active: bool = True) -> uuid.UUID:
        area_id = uuid.uuid4()
        roster_event(
            "linli.roster.area.changed.v1",
            "roster.areas",
            tenant,
            area_id,
            {
                "area_id": str(area_id),
                "parent_id": str(parent) if parent else None,
                "kind": kind,
                "name": name,
                "responsible_volunteer_id": None,
                "active": active,
            },
        )
        return area_id

    return add


@pytest.fixture
def add_course(roster_event) -> Callable[..., uuid.UUID]:
    def add(tenant, name: str = "急救培训") -> uuid.UUID:
        course_id = uuid.uuid4()
        roster_event(
            "linli.roster.course.created.v1",
            "roster.training",
            tenant,
            course_id,
            {"course_id": str(course_id), "name": name, "qualification": "应急救护", "validity_months": 24},
        )
        return course_id

    return add


@pytest.fixture
def add_project(scheduling_database) -> Callable[..., uuid.UUID]:
    def add(tenant, name: str = "关爱银发,乐龄生活", status: str = "incubating") -> uuid.UUID:
        project_id = uuid.uuid4()
        with scheduling_database.transaction(context_of(tenant)) as session:
            session.add(
                Project(
                    tenant_id=tenant.id,
                    id=project_id,
                    tenant_path=tenant.path,
                    name=name,
                    goals=[],
                    status=status,
                )
            )
        return project_id

    return add


@pytest.fixture
def add_signup(scheduling_database) -> Callable[..., uuid.UUID]:
    """`add_signup(tenant, shift_id, volunteer_id, status="confirmed")`: a sign-up as the sign-up flow
    leaves it (a confirmed one holds a place: the shift's `confirmed` counts it)."""

    def add(tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, status: str = "confirmed") -> uuid.UUID:
        signup_id = uuid.uuid4()
        with scheduling_database.transaction(context_of(tenant)) as session:
            shift = session.get(Shift, (tenant.id, shift_id), with_for_update=True)
            assert shift is not None
            session.add(
                Signup(
                    tenant_id=tenant.id,
                    id=signup_id,
                    tenant_path=tenant.path,
                    shift_id=shift_id,
                    volunteer_id=volunteer_id,
                    status=status,
                    source="assigned",
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    created_by="test",
                )
            )
            if status == "confirmed":
                shift.confirmed += 1
        return signup_id

    return add


@pytest.fixture
def signups_of(scheduling_database) -> Callable[..., dict[uuid.UUID, Signup]]:
    def read(tenant, shift_id: uuid.UUID) -> dict[uuid.UUID, Signup]:
        with scheduling_database.transaction(context_of(tenant)) as session:
            rows = session.scalars(select(Signup).where(Signup.shift_id == shift_id)).all()
        return {row.id: row for row in rows}

    return read


@pytest.fixture
def shift_days(scheduling_database) -> Callable[..., list[date]]:
    """`shift_days(tenant, activity_id)` → the days the activity has a shift (any status), in order."""

    def read(tenant, activity_id: str | uuid.UUID) -> list[date]:
        with scheduling_database.transaction(context_of(tenant)) as session:
            return list(
                session.scalars(
                    select(Shift.local_date)
                    .where(Shift.activity_id == uuid.UUID(str(activity_id)))
                    .order_by(Shift.local_date)
                )
            )

    return read


@pytest.fixture
def rows(scheduling_database) -> Callable[..., tuple[int, int]]:
    """`rows(tenant)` → (activities, shifts) the committee has."""

    def count(tenant) -> tuple[int, int]:
        with scheduling_database.transaction(context_of(tenant)) as session:
            activities = session.scalar(select(func.count()).select_from(Activity))
            shifts = session.scalar(select(func.count()).select_from(Shift))
        return activities or 0, shifts or 0

    return count


@pytest.fixture
def outbox(scheduling_database, world) -> Callable[..., list[dict]]:
    """`outbox(type_prefix)` → this world's published events of that type, in order."""

    def read(event_type: str = "") -> list[dict]:
        with scheduling_database.transaction() as session:
            events = session.execute(
                select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)
            ).scalars()
            return [
                event
                for event in events
                if event["tenantpath"].startswith(world.district.path)
                and event["type"].startswith(event_type)
            ]

    return read
