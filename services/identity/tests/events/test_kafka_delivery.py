"""Identity events through the outbox, a real Apache Kafka and consumers in separate processes."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaConsumer
from sqlalchemy import func, select

from linli_identity.audit.models import AuditEntry
from linli_identity.audit.service import Actor
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging
from linli_identity.events.consumers import HANDLERS
from linli_identity.events.types import TENANTS_TOPIC, TOPICS
from linli_identity.seed import PLATFORM
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.kafka import dead_letter_topic, make_consumer, make_producer, qualified
from linli_shared.events.processes import consumer_runner, create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.testing import unique_slug

pytestmark = pytest.mark.integration
HERE = Path(__file__).resolve().parent
ENDED = "sessions.ended_by_deactivation"


@pytest.fixture
def kafka_settings(identity_settings: IdentitySettings, kafka_bootstrap: str) -> IdentitySettings:
    """A private topic namespace and consumer group per test: nothing seen by another test or run."""
    settings = identity_settings.model_copy(
        update={
            "kafka_bootstrap": kafka_bootstrap,
            "kafka_namespace": f"t{uuid.uuid4().hex[:10]}",
            "consumer_group": f"identity-test-{uuid.uuid4().hex[:8]}",
            "kafka_topic_partitions": 3,
        }
    )
    create_topics(settings, TOPICS, [settings.consumer_group])
    return settings


def _env(settings: IdentitySettings) -> dict[str, str]:
    return {
        **os.environ,
        "LINLI_IDENTITY_DATABASE_URL": settings.database_url,
        "LINLI_IDENTITY_MIGRATION_DATABASE_URL": settings.migration_database_url,
        "LINLI_IDENTITY_KEY_ENCRYPTION_KEY": settings.key_encryption_key,
        "LINLI_IDENTITY_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "LINLI_IDENTITY_KAFKA_NAMESPACE": settings.kafka_namespace,
        "LINLI_IDENTITY_CONSUMER_GROUP": settings.consumer_group,
        "LINLI_IDENTITY_LOG_JSON": "false",
    }


def _relay_everything(database: Database, settings: IdentitySettings) -> int:
    producer = make_producer(settings.kafka_bootstrap)
    try:
        relay = OutboxRelay(database, messaging, producer, settings.kafka_namespace)
        published = 0
        while batch := relay.publish_batch():
            published += batch
        return published
    finally:
        producer.close()


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition with a deadline: waiting on observable state, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _deactivate_town_with_committees(database: Database, committees: int) -> list[uuid.UUID]:
    """One deactivation event per node: the town and each of its committees."""
    with database.transaction(PLATFORM) as session:
        service = TenantService(session, Actor(PLATFORM))
        district = service.create_district("测试区", unique_slug("d"))
        town = service.create_child(TenantCreate(parent_id=district.id, name="镇", slug=unique_slug("t")))
        ids = [town.id] + [
            service.create_child(TenantCreate(parent_id=town.id, name=f"居民区{n}", slug=unique_slug("c"))).id
            for n in range(committees)
        ]
        service.deactivate(town.id, "撤并")
    return ids


def _effects(database: Database, tenant_ids: list[uuid.UUID]) -> list[AuditEntry]:
    with database.transaction(PLATFORM) as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == ENDED, AuditEntry.tenant_id.in_(tenant_ids))
            ).all()
        )


def _deactivation_events(database: Database, tenant_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    outbox = messaging.outbox
    with database.transaction() as session:
        return list(
            session.scalars(
                select(outbox.c.event_id).where(
                    outbox.c.key.in_([str(tenant_id) for tenant_id in tenant_ids]),
                    outbox.c.event["type"].astext == "linli.identity.tenant.deactivated.v1",
                )
            ).all()
        )


def _handled(database: Database, group: str, event_ids: list[uuid.UUID] | None = None) -> int:
    """How many events (of these, when given) the group has handled; other tests' events share the topics."""
    inbox = messaging.inbox
    with database.transaction() as session:
        query = select(func.count()).where(inbox.c.consumer == group)
        if event_ids is not None:
            query = query.where(inbox.c.event_id.in_(event_ids))
        return int(session.scalar(query) or 0)


@pytest.mark.kafka_durable
def test_each_event_takes_effect_exactly_once_when_the_consumer_dies_mid_batch(
    identity_database, kafka_settings
):
    tenant_ids = _deactivate_town_with_committees(identity_database, committees=40)
    event_ids = _deactivation_events(identity_database, tenant_ids)
    assert len(event_ids) == len(tenant_ids)
    assert _relay_everything(identity_database, kafka_settings) >= len(tenant_ids)

    crashed = subprocess.run(
        [sys.executable, str(HERE / "crashing_consumer.py"), "7"], env=_env(kafka_settings), timeout=120
    )
    assert crashed.returncode == 137
    # the crashed process committed 7 effects (some may be other tests' events relayed alongside) and no offsets
    assert _handled(identity_database, kafka_settings.consumer_group) == 7

    consumer = subprocess.Popen(
        [sys.executable, "-m", "linli_identity.cli", "consume"], env=_env(kafka_settings)
    )
    try:
        _wait_for(lambda: len(_effects(identity_database, tenant_ids)) >= len(tenant_ids), 90, "all effects")
        # redelivered events must all have been seen before we look for duplicates
        _wait_for(
            lambda: _handled(identity_database, kafka_settings.consumer_group, event_ids) >= len(tenant_ids),
            30,
            "inbox",
        )
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    assert consumer.returncode == 0, "the consumer stops cleanly on SIGTERM"

    effects = _effects(identity_database, tenant_ids)
    assert sorted(entry.tenant_id for entry in effects) == sorted(tenant_ids)
    assert len({entry.details["event_id"] for entry in effects}) == len(tenant_ids)
    assert _handled(identity_database, kafka_settings.consumer_group, event_ids) == len(tenant_ids)


def test_poison_events_go_to_the_dead_letter_topic_and_the_consumer_keeps_going(
    identity_database, kafka_settings
):
    group = kafka_settings.consumer_group
    topic = qualified(kafka_settings.kafka_namespace, TENANTS_TOPIC)
    producer = make_producer(kafka_settings.kafka_bootstrap)
    failing_type = "linli.identity.test.always_fails.v1"

    def always_fails(session, event, context):
        raise RuntimeError("cannot handle this")

    handlers = {**HANDLERS, failing_type: always_fails}
    runner = consumer_runner(kafka_settings, group, identity_database, messaging, handlers, producer)
    runner.max_attempts, runner.backoff_seconds = 3, 0.01

    tenant_ids = _deactivate_town_with_committees(identity_database, committees=0)
    failing = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/test",
        "type": failing_type,
        "subject": "x",
        "time": "2026-11-25T00:00:00Z",
        "tenantid": None,
        "tenantpath": "linli",
        "data": {},
    }
    producer.send(topic, key=b"poison", value=b"{not json").get(timeout=30)
    producer.send(topic, key=b"fails", value=json.dumps(failing).encode()).get(timeout=30)
    _relay_everything(identity_database, kafka_settings)  # the good deactivation event comes after them

    stop = threading.Event()
    consumer = make_consumer(kafka_settings.kafka_bootstrap, group, [topic])
    worker = threading.Thread(target=runner.run, args=(consumer, stop), daemon=True)
    worker.start()
    try:
        _wait_for(lambda: len(_effects(identity_database, tenant_ids)) == 1, 60, "the good event")
    finally:
        stop.set()
        worker.join(timeout=30)
        producer.close()

    dead = KafkaConsumer(
        dead_letter_topic(kafka_settings.kafka_namespace, group),
        bootstrap_servers=kafka_settings.kafka_bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    letters = []
    for message in dead:
        letters.append(message)
        if len(letters) == 2:
            break
    dead.close()
    reasons = [dict(message.headers)["dlq_reason"].decode() for message in letters]
    assert sorted(message.value[:9] for message in letters) == sorted(
        [b"{not json", json.dumps(failing).encode()[:9]]
    )
    assert any("unreadable" in reason for reason in reasons)
    assert any("cannot handle this" in reason for reason in reasons)


def test_a_duplicate_delivery_changes_nothing(identity_database, kafka_settings):
    tenant_ids = _deactivate_town_with_committees(identity_database, committees=0)
    with identity_database.transaction() as session:
        row = (
            session.execute(
                select(messaging.outbox.c.event)
                .where(messaging.outbox.c.key == str(tenant_ids[0]))
                .order_by(messaging.outbox.c.id.desc())
            )
            .scalars()
            .first()
        )
    runner: ConsumerRunner = consumer_runner(
        kafka_settings, kafka_settings.consumer_group, identity_database, messaging, HANDLERS, None
    )
    raw = json.dumps(row).encode()
    assert runner.handle("t", raw, []).handled
    assert runner.handle("t", raw, []).duplicate
    assert len(_effects(identity_database, tenant_ids)) == 1
