"""One trace from the HTTP request, through the outbox and Kafka headers, into the consumer."""

import io
import json
import logging
import time
import uuid

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from linli_identity.database import messaging
from linli_identity.events.consumers import HANDLERS
from linli_identity.events.types import TENANTS_TOPIC, TOPICS
from linli_shared.events.kafka import make_consumer, make_producer, qualified
from linli_shared.events.processes import consumer_runner, create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.telemetry import JsonFormatter, setup_tracing

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    setup_tracing("identity", exporter=exporter)
    return exporter


def test_one_trace_id_from_request_to_consumer(
    client, world, login, identity_database, identity_settings, kafka_bootstrap, spans
):
    settings = identity_settings.model_copy(
        update={"kafka_bootstrap": kafka_bootstrap, "kafka_namespace": f"tr{uuid.uuid4().hex[:8]}"}
    )
    create_topics(settings, TOPICS, ["trace-test"])
    spans.clear()

    created = client.post(
        "/v1/tenants",
        json={"parent_id": str(world.district.id), "name": "追踪镇", "slug": f"tr-{uuid.uuid4().hex[:8]}"},
        headers=login("district_admin"),
    )
    assert created.status_code == 201, created.text
    tenant_id = created.json()["id"]
    server = next(
        span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.SERVER and "/v1/tenants" in span.name
    )
    trace_id = format(server.context.trace_id, "032x")
    sql = [
        span
        for span in spans.get_finished_spans()
        if span.context.trace_id == server.context.trace_id and span.attributes.get("db.system")
    ]
    assert sql, "SQLAlchemy statements appear as spans inside the request"

    with identity_database.transaction() as session:
        event = session.scalars(
            select(messaging.outbox.c.event).where(messaging.outbox.c.key == tenant_id)
        ).one()
    assert event["traceparent"].split("-")[1] == trace_id

    producer = make_producer(settings.kafka_bootstrap)
    relay = OutboxRelay(identity_database, messaging, producer, settings.kafka_namespace)
    while relay.publish_batch():
        pass

    consumer = make_consumer(
        settings.kafka_bootstrap, "trace-test", [qualified(settings.kafka_namespace, TENANTS_TOPIC)]
    )
    runner = consumer_runner(settings, "trace-test", identity_database, messaging, HANDLERS, producer)
    deadline = time.monotonic() + 60
    found = None
    while found is None and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            for message in batch:
                if dict(message.headers).get("ce_id", b"").decode() == event["id"]:
                    found = message
    consumer.close()
    producer.close()
    assert found is not None, "the event reached Kafka"
    runner.handle(found.topic, found.value, found.headers)

    by_kind = {
        span.kind: span
        for span in spans.get_finished_spans()
        if span.context.trace_id == server.context.trace_id
    }
    assert SpanKind.PRODUCER in by_kind, "the relay's publish span joined the request's trace"
    assert SpanKind.CONSUMER in by_kind, "the consumer's span joined the request's trace"
    assert by_kind[SpanKind.CONSUMER].name == "consume linli.identity.tenant.created.v1"


def test_json_logs_carry_the_trace_id(spans):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("identity"))
    logger = logging.getLogger("linli.test.tracing")
    logger.addHandler(handler)
    try:
        with trace.get_tracer("test").start_as_current_span("work") as span:
            logger.warning("something happened", extra={"tenant": "ximen"})
        entry = json.loads(stream.getvalue())
    finally:
        logger.removeHandler(handler)
    assert entry["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert entry["message"] == "something happened"
    assert entry["tenant"] == "ximen"
