"""Fixtures for the cross-service journeys: the scheduling and roster apps side by side (each with its own
migrated database, verifying tokens through the in-process identity app), the scheduling app standing at
a settable moment, and `bus`, one test's private Kafka namespace on the real broker, with each service's
outbox relay and consumer group as they run in production.

The services' own conftests are not visible here (a conftest applies to its directory), so the few
fixtures these journeys share with them are repeated in their smallest form. The databases get their own
names (`linli_scheduling_e2e_test_…`, `linli_roster_e2e_test_…`): `fresh_service_database` drops and
recreates a database, and a run of the whole suite must not drop the ones the services' tests are using."""

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select

from linli_identity.accounts.models import User
from linli_identity.seed import PLATFORM
from linli_roster.config import RosterSettings
from linli_roster.database import messaging as roster_messaging
from linli_roster.events.consumers import CONSUMED_TOPICS as ROSTER_CONSUMES
from linli_roster.events.consumers import HANDLERS as ROSTER_HANDLERS
from linli_roster.events.types import TOPICS as ROSTER_PUBLISHES
from linli_roster.main import create_app as create_roster_app
from linli_scheduling.config import SchedulingSettings
from linli_scheduling.database import messaging as scheduling_messaging
from linli_scheduling.events.consumers import CONSUMED_TOPICS as SCHEDULING_CONSUMES
from linli_scheduling.events.consumers import HANDLERS as SCHEDULING_HANDLERS
from linli_scheduling.events.types import TOPICS as SCHEDULING_PUBLISHES
from linli_scheduling.main import create_app as create_scheduling_app
from linli_shared.clock import SettableClock
from linli_shared.db import Database, act_as
from linli_shared.events.consumer import ConsumerRunner, Handler, Outcome
from linli_shared.events.kafka import make_consumer, make_producer, qualified
from linli_shared.events.outbox import Messaging
from linli_shared.events.processes import consumer_runner, create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.provisioning import DatabaseUrls
from linli_shared.testing import foreign_event, fresh_service_database

SERVICES = Path(__file__).resolve().parents[2] / "services"
#: how long a journey waits for an event to come through Kafka before it fails
ARRIVAL_SECONDS = 60.0


# the two services -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def settable_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def clock(settable_clock: SettableClock) -> Iterator[SettableClock]:
    """Stand the scheduling app at a moment: `clock.at = datetime(...)`; real time again after the test."""
    yield settable_clock
    settable_clock.at = None


@pytest.fixture(scope="session")
def scheduling_settings(postgres_admin_url: str) -> SchedulingSettings:
    urls = fresh_service_database(
        postgres_admin_url, "scheduling_e2e", SERVICES / "scheduling" / "alembic.ini"
    )
    return SchedulingSettings(
        database_url=urls.app,
        migration_database_url=urls.owner,
        signing_key="e2e-signing-key-" + "7" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        log_json=False,
    )


@pytest.fixture(scope="session")
def scheduling_database(scheduling_settings: SchedulingSettings) -> Iterator[Database]:
    database = Database.from_url(scheduling_settings.database_url, pool_size=4)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def scheduling_client(
    scheduling_settings, scheduling_database, settable_clock, client
) -> Iterator[TestClient]:
    """`client` is the identity app: scheduling fetches its JWKS from it, as it would over the network."""
    app = create_scheduling_app(
        scheduling_settings, scheduling_database, jwks_http=client, clock=settable_clock
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def roster_urls(postgres_admin_url: str) -> DatabaseUrls:
    return fresh_service_database(postgres_admin_url, "roster_e2e", SERVICES / "roster" / "alembic.ini")


@pytest.fixture(scope="session")
def roster_settings(roster_urls: DatabaseUrls) -> RosterSettings:
    return RosterSettings(
        database_url=roster_urls.app,
        migration_database_url=roster_urls.owner,
        id_number_keys="k1:" + "55" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        log_json=False,
    )


@pytest.fixture(scope="session")
def roster_database(roster_settings: RosterSettings) -> Iterator[Database]:
    database = Database.from_url(roster_settings.database_url, pool_size=4)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def roster_client(roster_settings, roster_database, client) -> Iterator[TestClient]:
    app = create_roster_app(roster_settings, roster_database, jwks_http=client)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# the world, known to both ---------------------------------------------------------------------------------


def handle_directly(
    database: Database,
    group: str,
    messaging: Messaging,
    handlers: dict[str, Handler],
    topic: str,
    event: dict,
) -> Outcome:
    """An event through a service's consumer handlers without Kafka (what came before the journey)."""
    runner = ConsumerRunner(group, database, messaging, handlers, None, "unused")
    return runner.handle(topic, json.dumps(event).encode(), [])


@pytest.fixture
def committee(world, tenant_events, scheduling_database, roster_database):
    """The world's committee A, known to both services: identity's tenant events of this world handled by
    each service's consumer (the directory every write checks). The journeys are about what follows."""
    events = tenant_events()
    for database, group, messaging, handlers in (
        (scheduling_database, "linli-scheduling", scheduling_messaging, SCHEDULING_HANDLERS),
        (roster_database, "linli-roster", roster_messaging, ROSTER_HANDLERS),
    ):
        for event in events:
            assert handle_directly(database, group, messaging, handlers, "identity.tenants", event).handled
    return world.committee


@pytest.fixture
def user_id_of(identity_database) -> Callable[[str], uuid.UUID]:
    def find(email: str) -> uuid.UUID:
        with identity_database.transaction(PLATFORM) as session:
            act_as(session, login_email=email)
            return session.scalars(select(User.id).where(User.email == email)).one()

    return find


@pytest.fixture
def register(scheduling_database) -> Callable[..., str]:
    """`register(tenant, "张三", user_id=None)` → the id (as JSON has it) of a volunteer scheduling knows:
    the roster's `volunteer.registered` event, as the roster publishes it, through scheduling's handlers."""

    def add(tenant: Any, name: str, user_id: uuid.UUID | None = None) -> str:
        volunteer_id = uuid.uuid4()
        event = foreign_event(
            "linli.roster.volunteer.registered.v1",
            "/linli/roster",
            tenant,
            volunteer_id,
            {
                "volunteer_id": str(volunteer_id),
                "name": name,
                "tier": "volunteer",
                "status": "active",
                "party_member": False,
                "building_id": None,
                "joined_on": "2024-01-01",
                "user_id": str(user_id) if user_id else None,
            },
        )
        outcome = handle_directly(
            scheduling_database,
            "linli-scheduling",
            scheduling_messaging,
            SCHEDULING_HANDLERS,
            "roster.volunteers",
            event,
        )
        assert outcome.handled, outcome
        return str(volunteer_id)

    return add


# one test's Kafka -----------------------------------------------------------------------------------------


@dataclass
class Subscription:
    """A consumer group on the test's namespace: polls the real broker and, like `ConsumerRunner.run`,
    hands every message to the service's runner and commits — until what the test waits for has come."""

    consumer: Any
    runner: ConsumerRunner | None

    def until(self, arrived: Callable[[list[dict]], bool], within: float = ARRIVAL_SECONDS) -> list[dict]:
        """The events polled (CloudEvents as published, with the message key as `_key`) until
        `arrived(events)` holds."""
        events: list[dict] = []
        deadline = time.monotonic() + within
        while not arrived(events):
            assert time.monotonic() < deadline, f"gave up waiting; arrived: {[e['type'] for e in events]}"
            batches = self.consumer.poll(timeout_ms=500, max_records=200)
            messages = [message for batch in batches.values() for message in batch]
            for message in messages:
                if self.runner is not None:
                    outcome = self.runner.handle(message.topic, message.value, message.headers or [])
                    assert not outcome.dead_lettered, f"{self.runner.group} dead-lettered {message.value!r}"
                events.append({**json.loads(message.value), "_key": message.key})
            if messages:
                self.consumer.commit()
        return events


@dataclass
class Bus:
    """A private namespace on the real Kafka broker: topics of both services, each service's outbox
    relay, and consumer groups (named after the namespace, so runs never share offsets)."""

    bootstrap: str
    namespace: str
    scheduling: SchedulingSettings
    roster: RosterSettings
    _closing: list[Any] = field(default_factory=list)

    def topic(self, name: str) -> str:
        return qualified(self.namespace, name)

    def relay(self, database: Database, messaging: Messaging) -> int:
        """What the service's relay process does, until its outbox is empty; how many it published."""
        producer = make_producer(self.bootstrap, client_id=f"{self.namespace}-relay")
        try:
            relay = OutboxRelay(database, messaging, producer, self.namespace)
            published = total = relay.publish_batch()
            while published:
                published = relay.publish_batch()
                total += published
            return total
        finally:
            producer.close()

    def scheduling_consumer(self, database: Database) -> Subscription:
        """The scheduling service's consumer process: its group, its topics, its handlers."""
        return self._service_consumer(
            self.scheduling, database, scheduling_messaging, SCHEDULING_HANDLERS, SCHEDULING_CONSUMES
        )

    def roster_consumer(self, database: Database) -> Subscription:
        return self._service_consumer(
            self.roster, database, roster_messaging, ROSTER_HANDLERS, ROSTER_CONSUMES
        )

    def messages_on(self, topic: str) -> int:
        """How many messages a topic of this namespace holds (all of them, whoever has read what)."""
        reader = KafkaConsumer(bootstrap_servers=self.bootstrap, client_id=f"{self.namespace}-count")
        try:
            name = self.topic(topic)
            partitions = [TopicPartition(name, p) for p in reader.partitions_for_topic(name) or ()]
            ends, starts = reader.end_offsets(partitions), reader.beginning_offsets(partitions)
            return sum(ends[partition] - starts[partition] for partition in partitions)
        finally:
            reader.close()

    def observer(self, *topics: str) -> Subscription:
        """A bystander reading topics from their start, handling nothing."""
        return Subscription(self._consumer(f"{self.namespace}-observer-{uuid.uuid4().hex[:6]}", topics), None)

    def _service_consumer(
        self, settings, database, messaging, handlers: dict[str, Handler], topics
    ) -> Subscription:
        dead_letters = make_producer(self.bootstrap, client_id=f"{settings.consumer_group}-dlq")
        self._closing.append(dead_letters)
        runner = consumer_runner(
            settings, settings.consumer_group, database, messaging, handlers, dead_letters
        )
        return Subscription(self._consumer(f"{self.namespace}-{settings.consumer_group}", topics), runner)

    def _consumer(self, group: str, topics) -> Any:
        consumer = make_consumer(self.bootstrap, group, [self.topic(name) for name in topics])
        self._closing.append(consumer)
        return consumer

    def close(self) -> None:
        for client in reversed(self._closing):
            client.close()


@pytest.fixture
def bus(kafka_bootstrap, scheduling_settings, roster_settings) -> Iterator[Bus]:
    namespace = f"e2e{uuid.uuid4().hex[:10]}"
    kafka = {"kafka_bootstrap": kafka_bootstrap, "kafka_namespace": namespace, "kafka_topic_partitions": 3}
    scheduling = scheduling_settings.model_copy(update=kafka)
    roster = roster_settings.model_copy(update=kafka)
    topics = sorted({*SCHEDULING_PUBLISHES, *SCHEDULING_CONSUMES, *ROSTER_PUBLISHES, *ROSTER_CONSUMES})
    create_topics(scheduling, topics, [scheduling.consumer_group, roster.consumer_group])
    bus = Bus(kafka_bootstrap, namespace, scheduling, roster)
    yield bus
    bus.close()
