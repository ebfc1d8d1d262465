"""`make bench`: measure the event path and the API on this machine, each against a floor measured in
the same run, and write docs/benchmarks.md. Needs the services from deploy/local/infra.py."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_identity.audit.service import Actor
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging
from linli_identity.events import types as events
from linli_identity.events.consumers import HANDLERS
from linli_identity.main import create_app
from linli_identity.seed import DEMO_PASSWORD, PLATFORM, seed_demo
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database
from linli_shared.events.kafka import make_consumer, make_producer, qualified
from linli_shared.events.processes import consumer_runner, create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.testing import backing_service, fresh_service_database

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluation_flow
import portal_pages
import roster_lists
import scheduling_flow

REPO = Path(__file__).resolve().parents[2]
EVENTS = 5_000
REQUESTS = 500


def main() -> None:
    os.environ.setdefault("LINLI_TEST_DB_SUFFIX", "bench")
    admin = backing_service("LINLI_TEST_POSTGRES_ADMIN_URL", "postgres")
    bootstrap = backing_service("LINLI_TEST_KAFKA_BOOTSTRAP", "kafka")
    urls = fresh_service_database(admin, "identity", REPO / "services" / "identity" / "alembic.ini")
    settings = IdentitySettings(
        database_url=urls.app,
        migration_database_url=urls.owner,
        key_encryption_key="22" * 32,
        kafka_bootstrap=bootstrap,
        kafka_namespace=f"bench{uuid.uuid4().hex[:6]}",
        kafka_topic_partitions=6,
    )
    database = Database.from_url(settings.database_url)
    rows = [
        ("Kafka broker restart to ready (Apache Kafka 4.2, KRaft)", *broker_restart()),
        ("Outbox relay → Kafka, events/s (floor: bare producer, same messages)", *relay(database, settings)),
        ("Consumer with inbox, events/s (floor: bare consumer poll)", *consume(database, settings)),
        ("GET /v1/tenants with token + RLS, req/s (floor: GET /healthz)", *api(database, settings)),
    ]
    with TestClient(create_app(settings, database)) as identity_client:
        rows += roster_lists.measure(admin, REPO, database, identity_client)
    rows += scheduling_flow.measure(admin, REPO, database, bootstrap)
    rows += evaluation_flow.measure(
        admin, REPO, database, bootstrap, backing_service("LINLI_TEST_REDIS_URL", "redis")
    )
    rows += portal_pages.measure(admin, REPO, database, settings)
    write_report(rows)
    database.dispose()


def broker_restart() -> tuple[str, str]:
    spec = importlib.util.spec_from_file_location("linli_infra", REPO / "deploy" / "local" / "infra.py")
    assert spec is not None
    assert spec.loader is not None
    infra = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = infra
    spec.loader.exec_module(infra)
    started = time.perf_counter()
    infra.restart("kafka")
    return f"{time.perf_counter() - started:.1f} s", "—"


def _fill_outbox(database: Database, count: int) -> None:
    with database.transaction(PLATFORM) as session:
        district = TenantService(session, Actor(PLATFORM)).create_district(
            "压测区", f"bench-{uuid.uuid4().hex[:8]}"
        )
        for n in range(count):
            data = events.TenantRenamedV1(tenant_id=uuid.uuid4(), name=f"居民区{n}", previous_name="旧")
            messaging.publish(
                session,
                events.TENANT_RENAMED,
                data,
                subject=data.tenant_id,
                tenant_id=district.id,
                tenant_path=district.path,
            )


def relay(database: Database, settings: IdentitySettings) -> tuple[str, str]:
    create_topics(settings, events.TOPICS, [settings.consumer_group])
    _fill_outbox(database, EVENTS)
    producer = make_producer(settings.kafka_bootstrap)
    relay = OutboxRelay(database, messaging, producer, settings.kafka_namespace)
    started = time.perf_counter()
    published = 0
    while batch := relay.publish_batch():
        published += batch
    relay_rate = published / (time.perf_counter() - started)

    with database.transaction() as session:
        payloads = session.scalars(select(messaging.outbox.c.event).limit(EVENTS)).all()
    values = [json.dumps(payload).encode() for payload in payloads]
    topic = qualified(settings.kafka_namespace, events.TENANTS_TOPIC)
    started = time.perf_counter()
    for value in values:
        producer.send(topic, key=uuid.uuid4().bytes, value=value)
    producer.flush()
    floor = len(values) / (time.perf_counter() - started)
    producer.close()
    return f"{relay_rate:,.0f}", f"{floor:,.0f}"


def consume(database: Database, settings: IdentitySettings) -> tuple[str, str]:
    """Both read the same topic from the start; the runner also writes an inbox row per event."""
    topic = qualified(settings.kafka_namespace, events.TENANTS_TOPIC)

    def drain(group: str, on_message) -> float:
        consumer = make_consumer(settings.kafka_bootstrap, group, [topic])
        seen, started = 0, None
        while seen < EVENTS:
            for batch in consumer.poll(timeout_ms=1000, max_records=500).values():
                started = started or time.perf_counter()
                for message in batch:
                    on_message(message)
                    seen += 1
            consumer.commit()
        elapsed = time.perf_counter() - (started or time.perf_counter())
        consumer.close()
        return seen / elapsed

    floor = drain(f"bench-floor-{uuid.uuid4().hex[:6]}", lambda message: None)
    producer = make_producer(settings.kafka_bootstrap)
    handlers = {**HANDLERS, events.IdentityEvent.TENANT_RENAMED: lambda session, event, context: None}
    runner = consumer_runner(
        settings, f"bench-{uuid.uuid4().hex[:6]}", database, messaging, handlers, producer
    )
    rate = drain(runner.group, lambda message: runner.handle(message.topic, message.value, message.headers))
    producer.close()
    return f"{rate:,.0f}", f"{floor:,.0f}"


def api(database: Database, settings: IdentitySettings) -> tuple[str, str]:
    seed_demo(database)
    with TestClient(create_app(settings, database)) as client:
        token = client.post(
            "/v1/auth/login", json={"email": "district@demo.linli.cn", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def rate(path: str, headers: dict[str, str]) -> float:
            started = time.perf_counter()
            for _ in range(REQUESTS):
                assert client.get(path, headers=headers).status_code == 200
            return REQUESTS / (time.perf_counter() - started)

        return f"{rate('/v1/tenants', headers):,.0f}", f"{rate('/healthz', {}):,.0f}"


def write_report(rows: list[tuple[str, str, str]]) -> None:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), {memory} GiB, "
        f"Python {platform.python_version()}, by `make bench` ({EVENTS:,} events, {REQUESTS} requests, one process).",
        "Each result sits beside a floor measured in the same run on the same machine.",
        "",
        "| what | result | floor (same run) |",
        "|---|---|---|",
        *(f"| {what} | {result} | {floor} |" for what, result, floor in rows),
        "",
    ]
    path = REPO / "docs" / "benchmarks.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    sys.stdout.write(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
