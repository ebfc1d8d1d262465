"""Fixtures for the evaluation service's tests: its own migrated database, the app verifying tokens through
the in-process identity service's JWKS and standing at a settable moment, and helpers that feed identity's
tenant events, the roster's volunteers and scheduling's service records through the service's consumer
(the path Kafka delivery runs)."""

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_evaluation.config import EvaluationSettings
from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import HANDLERS
from linli_evaluation.feedback.models import Rating
from linli_evaluation.main import create_app
from linli_identity.accounts.models import User
from linli_identity.seed import PLATFORM
from linli_shared.clock import SettableClock
from linli_shared.db import Database, act_as
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.provisioning import DatabaseUrls
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import foreign_event, fresh_service_database, service_record_data

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def evaluation_urls(postgres_admin_url: str) -> DatabaseUrls:
    return fresh_service_database(postgres_admin_url, "evaluation", ALEMBIC_INI)


@pytest.fixture(scope="session")
def evaluation_settings(evaluation_urls: DatabaseUrls) -> EvaluationSettings:
    return EvaluationSettings(
        database_url=evaluation_urls.app,
        migration_database_url=evaluation_urls.owner,
        signing_key="test-evaluation-key-" + "7" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        log_json=False,
    )


@pytest.fixture(scope="session")
def evaluation_database(evaluation_settings: EvaluationSettings) -> Iterator[Database]:
    database = Database.from_url(evaluation_settings.database_url, pool_size=8)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def evaluation_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def clock(evaluation_clock: SettableClock) -> Iterator[SettableClock]:
    """Stand the app at a moment: `clock.at = datetime(...)`; real time again after the test."""
    yield evaluation_clock
    evaluation_clock.at = None


@pytest.fixture(scope="session")
def evaluation_client(
    evaluation_settings, evaluation_database, evaluation_clock, client
) -> Iterator[TestClient]:
    """`client` is the identity app: evaluation fetches its JWKS from it, as it would over the network."""
    app = create_app(evaluation_settings, evaluation_database, jwks_http=client, clock=evaluation_clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def api(evaluation_client) -> TestClient:
    """The evaluation app (a short name for tests that call it a lot)."""
    return evaluation_client


def consumer(database: Database) -> ConsumerRunner:
    return ConsumerRunner("linli-evaluation", database, messaging, HANDLERS, None, "unused")


@pytest.fixture
def sync_directory(tenant_events, evaluation_database) -> Callable[[], int]:
    """Deliver every identity tenant event of this world to the evaluation consumer; returns how many."""

    def deliver() -> int:
        events = tenant_events()
        runner = consumer(evaluation_database)
        return sum(
            runner.handle("identity.tenants", json.dumps(event).encode(), []).handled for event in events
        )

    return deliver


Deliver = Callable[..., uuid.UUID]


@pytest.fixture
def deliver(evaluation_database) -> Deliver:
    """`deliver(type, topic, tenant, subject, data, source="/linli/roster", event_id=None)` → the event id:
    another service's event, handled by the evaluation consumer as Kafka would deliver it."""
    runner = consumer(evaluation_database)

    def send(
        event_type: str,
        topic: str,
        tenant,
        subject: uuid.UUID,
        data: dict,
        source: str = "/linli/roster",
        event_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        event_id = event_id or uuid.uuid4()
        event = foreign_event(event_type, source, tenant, subject, data, event_id)
        outcome = runner.handle(topic, json.dumps(event).encode(), [])
        assert outcome.handled or outcome.duplicate, outcome
        return event_id

    return send


def user_id_of(identity_database: Database, email: str) -> uuid.UUID:
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        return session.scalars(select(User.id).where(User.email == email)).one()


@dataclass
class Committee:
    """A world's committee A, known to evaluation (its directory rows synced)."""

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
def register(deliver) -> Register:
    """`register(tenant, "张三", tier="backbone", user_id=None, joined_on=date(2024, 1, 1))` → a volunteer id
    evaluation knows (through the roster's `volunteer.registered` event)."""

    def add(
        tenant,
        name: str,
        tier: str = "volunteer",
        user_id: uuid.UUID | None = None,
        joined_on: date = date(2024, 1, 1),
    ) -> uuid.UUID:
        volunteer_id = uuid.uuid4()
        deliver(
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
                "joined_on": joined_on.isoformat(),
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


@pytest.fixture
def rate(evaluation_database) -> Callable[..., None]:
    """`rate(tenant, record_id, volunteer_id, score)`: a resident's rating of a record, as the feedback page
    stores it (the scores and feedback suites define their own)."""

    def add(tenant, record_id: uuid.UUID, volunteer_id: uuid.UUID, score: int) -> None:
        context = TenantContext(
            tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test"
        )
        with evaluation_database.transaction(context) as session:
            session.add(
                Rating(
                    tenant_id=tenant.id,
                    record_id=record_id,
                    tenant_path=tenant.path,
                    volunteer_id=volunteer_id,
                    score=score,
                    client_hash="0" * 64,
                )
            )

    return add


Record = Callable[..., uuid.UUID]


@pytest.fixture
def record(deliver) -> Record:
    """`record(tenant, volunteer_id, hours=2.0, on=date(...), **fields)` → a record id: scheduling's
    `service_record.recorded` event (fields override the payload: late_entry=True, project_id=…, …)."""

    def add(
        tenant, volunteer_id: uuid.UUID, hours: float = 2.0, on: date = date(2026, 11, 7), **fields
    ) -> uuid.UUID:
        record_id = uuid.uuid4()
        data = service_record_data(record_id, volunteer_id, hours, on, **fields)
        deliver(
            "linli.scheduling.service_record.recorded.v1",
            "scheduling.service_records",
            tenant,
            volunteer_id,
            data,
            source="/linli/scheduling",
        )
        return record_id

    return add
