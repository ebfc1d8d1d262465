"""Producer-side contract of the scheduling events: the committed JSON Schemas match the payload models,
and a service record made the one way records are made satisfies both our schema and what the roster
(its consumer) committed to read — in the outbox, and after the relay has carried it through Kafka."""

import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from linli_roster.activity.consumers import SERVICE_RECORDED, ServiceRecordedV1
from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.database import messaging
from linli_scheduling.events import types
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import effective_policy
from linli_scheduling.records.models import RecordSource
from linli_scheduling.records.recording import Recorder, make_record
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.kafka import make_consumer, make_producer, qualified
from linli_shared.events.processes import create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.events.schemas import load_schema, stale_schemas

SERVICES = Path(__file__).resolve().parents[3]
SCHEMAS = SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "schemas"
ROSTER_EXPECTS = SERVICES / "roster" / "src" / "linli_roster" / "events" / "expected"
#: 09:00–11:30 in Shanghai on 20 November 2026
STARTS_AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_committed_schemas_match_the_payload_models():
    assert stale_schemas(types.ALL_EVENTS, SCHEMAS) == [], (
        "run `.venv/bin/python -m linli_scheduling.cli export-schemas` and commit the result"
    )


def test_every_event_has_a_schema_and_a_topic_and_no_schema_is_orphaned():
    assert {f"{spec.type}.json" for spec in types.ALL_EVENTS} == {
        path.name for path in SCHEMAS.glob("*.json")
    }
    assert {spec.type for spec in types.ALL_EVENTS} == set(types.SchedulingEvent)
    assert {spec.topic for spec in types.ALL_EVENTS} == set(types.TOPICS)


def make_service_record(scheduling_database, committee, world, plan, register) -> tuple[uuid.UUID, dict]:
    """A leader-confirmed record of a 150-minute shift, made by `make_record`; returns the volunteer id and
    the event it wrote to the outbox."""
    volunteer_id = register(world.committee, "周阿姨")
    lead_id = register(world.committee, "吴组长", tier="backbone")
    shift_id = plan(world.committee, STARTS_AT, minutes=150, lead_volunteer_id=lead_id)
    with scheduling_database.transaction(committee.context) as session:
        shift = session.get(Shift, (committee.id, shift_id))
        record = make_record(
            session,
            activity=session.get(Activity, (committee.id, shift.activity_id)),
            shift=shift,
            volunteer=session.get(VolunteerFact, (committee.id, volunteer_id)),
            started_at=shift.starts_at - timedelta(minutes=10),
            ended_at=shift.ends_at + timedelta(minutes=5),
            break_minutes=0,
            source=RecordSource.LEADER,
            recorder=Recorder(subject="test:leader", name="吴组长"),
            policy=effective_policy(session, committee.path),
        )
        assert record is not None
    outbox = messaging.outbox
    with scheduling_database.transaction() as session:
        [(topic, key, event)] = session.execute(
            select(outbox.c.topic, outbox.c.key, outbox.c.event).where(
                outbox.c.key == str(volunteer_id),
                outbox.c.event["type"].astext == types.RECORD_RECORDED.type,
            )
        ).all()
    assert (topic, key) == (types.SERVICE_RECORDS_TOPIC, str(volunteer_id))
    return volunteer_id, event


def assert_roster_reads(event: dict, volunteer_id: uuid.UUID) -> None:
    """What the roster's consumer (`linli_roster.activity.consumers.record_service`) accepts and reads."""
    jsonschema.validate(event, load_schema(ROSTER_EXPECTS, SERVICE_RECORDED.type))
    read = ServiceRecordedV1.model_validate(event["data"])
    assert read == CloudEvent.model_validate(event).payload(SERVICE_RECORDED)
    assert (read.volunteer_id, read.service_date, read.hours) == (volunteer_id, date(2026, 11, 20), 2.5)


def test_a_service_record_event_satisfies_our_schema_and_the_roster_contract(
    scheduling_database, committee, world, plan, register
):
    volunteer_id, event = make_service_record(scheduling_database, committee, world, plan, register)

    jsonschema.validate(event, load_schema(SCHEMAS, types.RECORD_RECORDED.type))
    assert (event["source"], event["subject"]) == ("/linli/scheduling", str(volunteer_id))
    assert (event["tenantid"], event["tenantpath"]) == (str(committee.id), committee.path)
    data = types.ServiceRecordedV1.model_validate(event["data"])
    assert (data.service_minutes, data.hours, data.rounding) == (150, 2.5, "chongqing")
    assert (data.volunteer_name, data.lead_name, data.recorder_name) == ("周阿姨", "吴组长", "吴组长")
    assert (data.activity_name, data.place, data.source) == ("垃圾分类值守", "3号楼垃圾房", "leader")
    assert_roster_reads(event, volunteer_id)


def test_the_roster_contract_refuses_an_event_missing_what_it_reads(
    scheduling_database, committee, world, plan, register
):
    _, event = make_service_record(scheduling_database, committee, world, plan, register)
    for field in ("record_id", "volunteer_id", "service_date", "hours"):
        broken = {**event, "data": {k: v for k, v in event["data"].items() if k != field}}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, load_schema(ROSTER_EXPECTS, SERVICE_RECORDED.type))


@pytest.mark.integration
def test_a_service_record_reaches_kafka_keyed_by_its_volunteer(
    scheduling_database, scheduling_settings, kafka_bootstrap, committee, world, plan, register
):
    settings = scheduling_settings.model_copy(
        update={
            "kafka_bootstrap": kafka_bootstrap,
            "kafka_namespace": f"t{uuid.uuid4().hex[:10]}",
            "kafka_topic_partitions": 3,
        }
    )
    create_topics(settings, types.TOPICS)
    volunteer_id, event = make_service_record(scheduling_database, committee, world, plan, register)

    producer = make_producer(settings.kafka_bootstrap)
    try:
        relay = OutboxRelay(scheduling_database, messaging, producer, settings.kafka_namespace)
        while relay.publish_batch():
            pass
    finally:
        producer.close()

    topic = qualified(settings.kafka_namespace, types.SERVICE_RECORDS_TOPIC)
    consumer = make_consumer(settings.kafka_bootstrap, f"scheduling-contract-{uuid.uuid4().hex[:8]}", [topic])
    try:
        delivered = None
        deadline = time.monotonic() + 60
        while delivered is None:
            assert time.monotonic() < deadline, "the service record did not arrive"
            for messages in consumer.poll(timeout_ms=1000).values():
                for message in messages:
                    if json.loads(message.value)["id"] == event["id"]:
                        delivered = message
    finally:
        consumer.close()

    assert delivered.topic == topic
    assert delivered.key == str(volunteer_id).encode()
    assert dict(delivered.headers)["ce_type"] == types.RECORD_RECORDED.type.encode()
    arrived = json.loads(delivered.value)
    assert arrived == event
    jsonschema.validate(arrived, load_schema(SCHEMAS, types.RECORD_RECORDED.type))
    assert_roster_reads(arrived, volunteer_id)
