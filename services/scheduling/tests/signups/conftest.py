"""Fixtures for sign-up tests: the app standing at a fixed moment, a second volunteer login in committee A,
roster facts (qualifications, roles) fed through the consumer, and readers of what was written."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.audit.service import Actor
from linli_identity.seed import PLATFORM
from linli_scheduling.activities.models import Shift
from linli_scheduling.database import messaging
from linli_scheduling.signups.models import Signup
from linli_shared.db import act_as
from linli_shared.tenancy import Role, TenantContext

#: the moment the app stands at in sign-up tests (10:00 in Shanghai)
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def now(clock) -> datetime:
    clock.at = NOW
    return NOW


@dataclass
class Login:
    headers: dict[str, str]
    volunteer_id: uuid.UUID


@pytest.fixture
def me_login(me, login) -> Login:
    """The world's volunteer login (王阿姨 of committee A)."""
    return Login(login("volunteer"), me)


@pytest.fixture
def other_login(world, identity_database, client, register, password) -> Login:
    """A second volunteer login of committee A (李叔), linked to their own volunteer."""
    email = f"volunteer2.{uuid.uuid4().hex[:8]}@test.linli.cn"
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        user = User(
            id=uuid.uuid4(),
            email=email,
            display_name="测试 李叔",
            password_hash=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password),
        )
        session.add(user)
        session.flush()
        grant_membership(session, Actor(PLATFORM), user, world.committee, Role.VOLUNTEER, registered=True)
        user_id = user.id
    volunteer_id = register(world.committee, "李叔", user_id=user_id)
    response = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return Login({"Authorization": f"Bearer {response.json()['access_token']}"}, volunteer_id)


Grant = Callable[..., uuid.UUID]


@pytest.fixture
def grant(roster_event) -> Grant:
    """`grant(tenant, volunteer_id, "应急救护", granted_on="2025-01-01", expires_on=None, revoked=False)`"""

    def add(tenant, volunteer_id, name, granted_on="2025-01-01", expires_on=None, revoked=False):
        qualification_id = uuid.uuid4()
        data = {
            "volunteer_id": str(volunteer_id),
            "qualification_id": str(qualification_id),
            "name": name,
            "granted_on": granted_on,
            "expires_on": expires_on,
        }
        roster_event("linli.roster.qualification.granted.v1", "roster.training", tenant, volunteer_id, data)
        if revoked:
            roster_event(
                "linli.roster.qualification.revoked.v1", "roster.training", tenant, volunteer_id, data
            )
        return qualification_id

    return add


Assign = Callable[..., uuid.UUID]


@pytest.fixture
def assign_role(roster_event) -> Assign:
    """`assign_role(tenant, volunteer_id, "building_leader", starts_on="2025-01-01", ends_on=None)`"""

    def add(tenant, volunteer_id, role, starts_on="2025-01-01", ends_on=None):
        role_id = uuid.uuid4()
        roster_event(
            "linli.roster.volunteer.role_assigned.v1",
            "roster.volunteers",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "role_id": str(role_id),
                "role": role,
                "area_id": None,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        return role_id

    return add


@dataclass
class Written:
    """What the scheduling database holds for one committee."""

    database: object
    context: TenantContext

    def signups(self, shift_id: uuid.UUID) -> list[Signup]:
        with self.database.transaction(self.context) as session:  # type: ignore[attr-defined]
            rows = session.scalars(
                select(Signup).where(Signup.shift_id == shift_id).order_by(Signup.queued_at, Signup.id)
            ).all()
            session.expunge_all()
            return list(rows)

    def shift(self, shift_id: uuid.UUID) -> Shift:
        with self.database.transaction(self.context) as session:  # type: ignore[attr-defined]
            shift = session.scalars(select(Shift).where(Shift.id == shift_id)).one()
            session.expunge(shift)
            return shift

    def events(self, subject: uuid.UUID) -> list[dict]:
        """The events published about `subject` (a shift), in order."""
        outbox = messaging.outbox
        with self.database.transaction(self.context) as session:  # type: ignore[attr-defined]
            return list(
                session.execute(
                    select(outbox.c.event).where(outbox.c.key == str(subject)).order_by(outbox.c.id)
                ).scalars()
            )


@pytest.fixture
def written(committee, scheduling_database) -> Written:
    return Written(scheduling_database, committee.context)


@dataclass
class Api:
    """The sign-up endpoints, and the problem+json check every refusal gets."""

    client: object

    def _call(self, method: str, path: str, headers: dict[str, str], **kwargs):
        return self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[attr-defined]

    def sign_up(self, headers, shift_id):
        return self._call("POST", "/v1/me/signups", headers, json={"shift_id": str(shift_id)})

    def assign(self, headers, shift_id, volunteer_id):
        body = {"volunteer_id": str(volunteer_id)}
        return self._call("POST", f"/v1/shifts/{shift_id}/signups", headers, json=body)

    def cancel(self, headers, signup_id, reason="临时有事"):
        return self._call("POST", f"/v1/signups/{signup_id}/cancel", headers, json={"reason": reason})

    def no_show(self, headers, signup_id):
        return self._call("POST", f"/v1/signups/{signup_id}/no-show", headers)

    def of_shift(self, headers, shift_id):
        return self._call("GET", f"/v1/shifts/{shift_id}/signups", headers)

    def mine(self, headers, **params):
        return self._call("GET", "/v1/me/signups", headers, params=params)

    def open_shifts(self, headers, **params):
        return self._call("GET", "/v1/me/open-shifts", headers, params=params)

    @staticmethod
    def ok(response, status=200) -> dict:
        assert response.status_code == status, response.text
        return response.json()

    @staticmethod
    def problem(response, status: int, slug: str | None = None) -> dict:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json"), response.text
        body = response.json()
        if slug is not None:
            assert body["type"].endswith(f"/{slug}"), body
        return body


@pytest.fixture
def api(scheduling_client) -> Api:
    return Api(scheduling_client)
