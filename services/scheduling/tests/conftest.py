"""Fixtures for the scheduling service's tests: its own migrated database, the app verifying tokens
through the in-process identity service's JWKS and standing at a settable moment, and helpers that feed
identity's tenant events and roster facts through the service's consumer (the path Kafka delivery runs)
and plan shifts directly in the database for tests that are not about planning."""

import asyncio
import email
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_identity.accounts.models import User
from linli_identity.seed import PLATFORM
from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.config import SchedulingSettings
from linli_scheduling.database import messaging
from linli_scheduling.events.consumers import HANDLERS
from linli_scheduling.main import create_app
from linli_shared.clock import SHANGHAI, SettableClock, local_date
from linli_shared.db import Database, act_as
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.provisioning import DatabaseUrls
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import foreign_event, fresh_service_database

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def scheduling_urls(postgres_admin_url: str) -> DatabaseUrls:
    return fresh_service_database(postgres_admin_url, "scheduling", ALEMBIC_INI)


@pytest.fixture(scope="session")
def scheduling_settings(scheduling_urls: DatabaseUrls) -> SchedulingSettings:
    return SchedulingSettings(
        database_url=scheduling_urls.app,
        migration_database_url=scheduling_urls.owner,
        signing_key="test-signing-key-" + "9" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        log_json=False,
    )


@pytest.fixture(scope="session")
def scheduling_database(scheduling_settings: SchedulingSettings) -> Iterator[Database]:
    database = Database.from_url(scheduling_settings.database_url, pool_size=8)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def settable_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def clock(settable_clock: SettableClock) -> Iterator[SettableClock]:
    """Stand the app at a moment: `clock.at = datetime(...)`; real time again after the test."""
    yield settable_clock
    settable_clock.at = None


@pytest.fixture(scope="session")
def scheduling_client(
    scheduling_settings, scheduling_database, settable_clock, client
) -> Iterator[TestClient]:
    """`client` is the identity app: scheduling fetches its JWKS from it, as it would over the network."""
    app = create_app(scheduling_settings, scheduling_database, jwks_http=client, clock=settable_clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def consumer(database: Database) -> ConsumerRunner:
    return ConsumerRunner("linli-scheduling", database, messaging, HANDLERS, None, "unused")


@pytest.fixture
def sync_directory(tenant_events, scheduling_database) -> Callable[[], int]:
    """Deliver every identity tenant event of this world to the scheduling consumer; returns how many."""

    def deliver() -> int:
        events = tenant_events()
        runner = consumer(scheduling_database)
        return sum(
            runner.handle("identity.tenants", json.dumps(event).encode(), []).handled for event in events
        )

    return deliver


RosterEvent = Callable[..., None]


@pytest.fixture
def roster_event(scheduling_database) -> RosterEvent:
    """`roster_event("linli.roster.volunteer.registered.v1", "roster.volunteers", tenant, subject, data)`:
    a roster event as the roster publishes it, handled by the scheduling consumer."""
    runner = consumer(scheduling_database)

    def deliver(event_type: str, topic: str, tenant, subject: uuid.UUID, data: dict) -> None:
        event = foreign_event(event_type, "/linli/roster", tenant, subject, data)
        outcome = runner.handle(topic, json.dumps(event).encode(), [])
        assert outcome.handled, outcome

    return deliver


def user_id_of(identity_database: Database, email: str) -> uuid.UUID:
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        return session.scalars(select(User.id).where(User.email == email)).one()


@dataclass
class Committee:
    """A world's committee A, known to scheduling: its directory rows synced, volunteers registered."""

    tenant: object
    context: TenantContext

    @property
    def id(self) -> uuid.UUID:
        return self.tenant.id  # type: ignore[attr-defined]

    @property
    def path(self) -> str:
        return self.tenant.path  # type: ignore[attr-defined]


@pytest.fixture
def committee(world, sync_directory) -> Committee:
    sync_directory()
    tenant = world.committee
    return Committee(
        tenant, TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")
    )


Register = Callable[..., uuid.UUID]


@pytest.fixture
def register(roster_event) -> Register:
    """`register(tenant, "张三", tier="backbone", user_id=None)` → a volunteer id scheduling knows."""

    def add(tenant, name: str, tier: str = "volunteer", user_id: uuid.UUID | None = None) -> uuid.UUID:
        volunteer_id = uuid.uuid4()
        roster_event(
            "linli.roster.volunteer.registered.v1",
            "roster.volunteers",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "name": name,
                "tier": tier,
                "status": "active",
                "party_member": False,
                "building_id": None,
                "joined_on": "2024-01-01",
                "user_id": str(user_id) if user_id else None,
            },
        )
        return volunteer_id

    return add


@pytest.fixture
def me(world, identity_database, register) -> uuid.UUID:
    """The world's volunteer login, linked to a volunteer of committee A; returns the volunteer id."""
    return register(
        world.committee, "王阿姨", user_id=user_id_of(identity_database, world.email("volunteer"))
    )


Plan = Callable[..., uuid.UUID]


@pytest.fixture
def plan(scheduling_database) -> Plan:
    """`plan(tenant, starts_at, minutes=120, capacity=2, kind="service", **shift_fields)` → a shift id,
    written straight to the database (for tests about what happens to a shift, not how it is planned)."""

    def add(
        tenant,
        starts_at: datetime,
        minutes: int = 120,
        capacity: int = 2,
        kind: str = "service",
        course_id: uuid.UUID | None = None,
        lead_volunteer_id: uuid.UUID | None = None,
        **shift_fields,
    ) -> uuid.UUID:
        context = TenantContext(
            tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test"
        )
        activity_id, shift_id = uuid.uuid4(), uuid.uuid4()
        local_start = starts_at.astimezone(SHANGHAI).replace(tzinfo=None)
        with scheduling_database.transaction(context) as session:
            session.add(
                Activity(
                    tenant_id=tenant.id,
                    id=activity_id,
                    tenant_path=tenant.path,
                    name="垃圾分类值守",
                    kind=kind,
                    content="指导居民垃圾分类",
                    recipient="小区居民",
                    place="3号楼垃圾房",
                    lead_volunteer_id=lead_volunteer_id,
                    course_id=course_id,
                    first_starts_at=local_start,
                    duration_minutes=minutes,
                    recurrence=None,
                    exceptions=[],
                    materialised_until=local_date(starts_at) + timedelta(days=1),
                    capacity=capacity,
                    created_by="test",
                )
            )
            session.flush()
            session.add(
                Shift(
                    tenant_id=tenant.id,
                    id=shift_id,
                    tenant_path=tenant.path,
                    activity_id=activity_id,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=minutes),
                    local_date=local_date(starts_at),
                    capacity=capacity,
                    leader_volunteer_id=shift_fields.pop("leader_volunteer_id", lead_volunteer_id),
                    **shift_fields,
                )
            )
        return shift_id

    return add


# a real SMTP server in the test process: reminders are tested by what arrives over SMTP ---------------


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


class _AnyPortController(Controller):
    """Listens on a port the OS picks (port 0), so parallel test runs never collide."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class MailServer:
    """`with MailServer() as mail:` — an SMTP server on 127.0.0.1:`mail.port` collecting what it accepts.
    `mail.refuse_next(n)` makes it answer the next n recipients with a temporary failure (451)."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._refusals = 0
        self._controller = _AnyPortController(self, hostname=self.host, port=0)

    @property
    def port(self) -> int:
        port: int = self._controller.port
        return port

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.recipients]

    def refuse_next(self, recipients: int) -> None:
        with self._lock:
            self._refusals = recipients

    def __enter__(self) -> "MailServer":
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._controller.stop()

    # aiosmtpd's handler hooks (its names) ---------------------------------------------------------------------------

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            if self._refusals > 0:
                self._refusals -= 1
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server
