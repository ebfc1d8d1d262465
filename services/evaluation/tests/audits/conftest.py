"""Helpers for the audit tests: the app with the audit routes standing at a chosen day, service records of
a chosen activity fed through scheduling's event, a second auditor login, and readers of what was written
and published."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from linli_evaluation.database import messaging
from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.audit.service import Actor
from linli_identity.seed import PLATFORM
from linli_shared.clock import SHANGHAI
from linli_shared.db import act_as
from linli_shared.tenancy import Role, TenantContext

#: two activities (strata) of committee A
PATROL = (uuid.UUID("00000000-0000-4000-8000-00000000a001"), "平安巡逻")
SORTING = (uuid.UUID("00000000-0000-4000-8000-00000000a002"), "垃圾分类值守")


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def stand(clock) -> Callable[[date], None]:
    """`stand(date(2026, 11, 3))`: the app at noon (Asia/Shanghai) that day."""

    def at(day: date) -> None:
        clock.at = noon(day)

    return at


Serve = Callable[..., uuid.UUID]


@pytest.fixture
def serve(record) -> Serve:
    """`serve(tenant, on=date(2026, 11, 7), activity=PATROL, volunteer=None, hours=2.0, **flags)` → a record
    id, through scheduling's `service_record.recorded` event (flags: late_entry=True, …)."""

    def add(
        tenant,
        on: date = date(2026, 11, 7),
        activity: tuple[uuid.UUID, str] = PATROL,
        volunteer: uuid.UUID | None = None,
        hours: float = 2.0,
        **flags,
    ) -> uuid.UUID:
        return record(
            tenant,
            volunteer or uuid.uuid4(),
            hours=hours,
            on=on,
            activity_id=activity[0],
            activity_name=activity[1],
            **flags,
        )

    return add


def user_id(identity_database, email: str) -> uuid.UUID:
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        return session.scalars(select(User.id).where(User.email == email)).one()


@dataclass
class AuditorLogin:
    headers: dict[str, str]
    user_id: uuid.UUID


@pytest.fixture
def auditor(world, identity_database, login) -> AuditorLogin:
    """The world's auditor (督查员) of committee A."""
    return AuditorLogin(login("auditor"), user_id(identity_database, world.email("auditor")))


@pytest.fixture
def second_auditor(world, identity_database, client, password) -> AuditorLogin:
    """Another auditor of committee A."""
    email = f"auditor2.{uuid.uuid4().hex[:8]}@test.linli.cn"
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        user = User(
            id=uuid.uuid4(),
            email=email,
            display_name="测试 第二督查员",
            password_hash=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password),
        )
        session.add(user)
        session.flush()
        grant_membership(session, Actor(PLATFORM), user, world.committee, Role.AUDITOR, registered=True)
        new_id = user.id
    response = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return AuditorLogin({"Authorization": f"Bearer {response.json()['access_token']}"}, new_id)


Published = Callable[[object, str], list[dict]]


@pytest.fixture
def published(evaluation_database) -> Published:
    """`published(tenant, event_type)` → the events of that type the service put in its outbox for the
    tenant, oldest first (whole CloudEvents)."""

    def events(tenant, event_type: str) -> list[dict]:
        outbox = messaging.outbox
        with evaluation_database.transaction(service_context(tenant)) as session:
            rows = session.execute(select(outbox.c.event).order_by(outbox.c.id)).scalars().all()
        return [row for row in rows if row["type"] == event_type and row["tenantid"] == str(tenant.id)]

    return events
