"""The evaluation consumer as it runs in production — `python -m linli_evaluation.cli consume`, a separate
process reading real Apache Kafka — killed with SIGKILL in the middle of a batch, riding out a broker
restart, and meeting poison events. Every test ends with the tallies equal to a recomputation from the
ledger and every record booked exactly once."""

import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from sqlalchemy import func, select

from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import HANDLERS
from linli_evaluation.facts.models import RecordFact
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.kafka import dead_letter_topic, ensure_topics, make_producer, qualified

pytestmark = [pytest.mark.integration, pytest.mark.slow]
RECORDS_TOPIC = "scheduling.service_records"


@dataclass
class Bus:
    """A private namespace and consumer group on one broker, and how to start the consumer on it."""

    bootstrap: str
    namespace: str
    group: str
    env: dict[str, str]
    admin: KafkaAdminClient | None = None

    @property
    def records_topic(self) -> str:
        return qualified(self.namespace, RECORDS_TOPIC)

    def produce(self, events: list[dict], stream) -> None:
        """Keyed by the volunteer, as scheduling publishes them: one person's events stay in order."""
        producer = make_producer(self.bootstrap)
        try:
            for event in events:
                producer.send(self.records_topic, key=event["subject"].encode(), value=stream.raw(event))
            producer.flush(timeout=30)
        finally:
            producer.close()

    def consumer(self, processes) -> subprocess.Popen[bytes]:
        return processes.start([sys.executable, "-m", "linli_evaluation.cli", "consume"], self.env)

    def committed(self) -> int:
        """How many messages the group has committed past, over all partitions."""
        if self.admin is None:
            self.admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        offsets = self.admin.list_group_offsets(self.group).get(self.group, {})
        return sum(max(meta.offset, 0) for meta in offsets.values())


@pytest.fixture
def bus_on(evaluation_settings, service_env):
    made: list[Bus] = []

    def make(bootstrap: str) -> Bus:
        namespace, group = f"rel{uuid.uuid4().hex[:10]}", f"evaluation-rel-{uuid.uuid4().hex[:8]}"
        bus = Bus(
            bootstrap,
            namespace,
            group,
            service_env(
                evaluation_settings,
                KAFKA_BOOTSTRAP=bootstrap,
                KAFKA_NAMESPACE=namespace,
                CONSUMER_GROUP=group,
                KAFKA_TOPIC_PARTITIONS="3",
            ),
        )
        ensure_topics(bootstrap, [bus.records_topic, dead_letter_topic(namespace, group)], 3)
        made.append(bus)
        return bus

    yield make
    for bus in made:
        if bus.admin is not None:
            bus.admin.close()


def ids(events: list[dict]) -> set[str]:
    return {event["id"] for event in events}


@pytest.fixture
def booked_beforehand(evaluation_database, stream):
    """A record booked in-process before the test's events travel: the test holds its row lock
    (`record_locked`) so the consumer stops inside the transaction of the stream's adjustment of it."""

    def book(committee, group: str, volunteer_id: uuid.UUID) -> uuid.UUID:
        event = stream.recorded(committee, volunteer_id, hours=3.0)
        runner = ConsumerRunner(group, evaluation_database, messaging, HANDLERS, None, "unused")
        assert runner.handle(RECORDS_TOPIC, stream.raw(event), []).handled
        return uuid.UUID(event["data"]["record_id"])

    return book


def mixed_stream(stream, committees, records: int) -> list[dict]:
    """Records in both committees (some flagged late, so unverified), then adjustments and voids of some
    of them, then duplicates: redeliveries (same event id) and re-publications (new event id, same fact)."""
    a, b = committees
    volunteers = {a.id: [uuid.uuid4() for _ in range(8)], b.id: [uuid.uuid4() for _ in range(8)]}
    recorded = []
    for n in range(records):
        committee = (a, b)[n % 2]
        recorded.append(
            stream.recorded(
                committee,
                volunteers[committee.id][n % 8],
                hours=0.5 * (1 + n % 8),
                on=date(2026, 1 + n % 12, 1 + n % 28),
                late_entry=n % 7 == 0,
            )
        )
    ids_ = [uuid.UUID(event["data"]["record_id"]) for event in recorded]
    changes = [stream.adjusted(record_id, (-0.5, 0.75, -5.0)[n % 3]) for n, record_id in enumerate(ids_[::6])]
    changes += [stream.voided(record_id) for record_id in ids_[3::15]]
    duplicates = recorded[:8] + changes[-3:]
    republished = [stream.republished(event) for event in recorded[10:15] + changes[:5]]
    return recorded + changes + duplicates + republished


@pytest.mark.kafka_durable
def test_a_consumer_killed_mid_batch_books_every_event_once_after_restart(
    committees,
    stream,
    evaluation_database,
    kafka_bootstrap,
    bus_on,
    booked_beforehand,
    record_locked,
    processes,
    blocked_by,
    handled,
    wait_for,
    apply_all,
    check_exactly_once,
):
    a, _ = committees
    bus = bus_on(kafka_bootstrap)
    events = mixed_stream(stream, committees, records=120)
    # the adjustment the consumer will be stuck in sits in the middle of the stream, on the partition of the
    # stream's first event (same volunteer): the consumer has handled at least that one when it gets stuck
    held = booked_beforehand(a, bus.group, uuid.UUID(events[0]["subject"]))
    events.insert(len(events) // 2, stream.adjusted(held, 0.5))
    assert 150 < len(events) < 200  # one poll's worth: handled events' offsets are committed only at its end
    bus.produce(events, stream)
    everything = ids(events)

    with record_locked(evaluation_database, a, held) as holder:
        first = bus.consumer(processes)
        wait_for(
            lambda: processes.running(first) and blocked_by(evaluation_database, holder) == 1,
            "the consumer to block mid-batch",
            60,
        )
        processes.kill(first)
    done = handled(evaluation_database, bus.group, everything)
    assert 0 < done < len(everything)
    # effects committed whose offsets were not: the restarted consumer gets them again
    assert bus.committed() < done

    second = bus.consumer(processes)
    wait_for(
        lambda: (
            processes.running(second)
            and handled(evaluation_database, bus.group, everything) == len(everything)
        ),
        "every event",
        60,
    )
    assert processes.stop(second) == 0, "the consumer stops cleanly on SIGTERM"

    apply_all(evaluation_database, committees)
    check_exactly_once(evaluation_database, stream)


@pytest.mark.kafka_durable
def test_the_consumer_rides_out_a_kafka_restart_and_books_every_event_once(
    committees,
    stream,
    evaluation_database,
    private_kafka,
    bus_on,
    booked_beforehand,
    record_locked,
    processes,
    blocked_by,
    handled,
    wait_for,
    apply_all,
    check_exactly_once,
):
    a, _ = committees
    bus = bus_on(private_kafka.bootstrap)
    before = mixed_stream(stream, committees, records=40)
    held = booked_beforehand(a, bus.group, uuid.UUID(before[0]["subject"]))
    before.insert(len(before) // 2, stream.adjusted(held, 0.5))
    bus.produce(before, stream)

    consumer = bus.consumer(processes)
    with record_locked(evaluation_database, a, held) as holder:
        wait_for(
            lambda: processes.running(consumer) and blocked_by(evaluation_database, holder) == 1,
            "the consumer to be mid-batch",
            60,
        )
        # the broker goes away while the consumer holds a batch it has not finished (nor committed)
        private_kafka.stop()
    # it finishes the batch against the database alone, then cannot commit its offsets until Kafka is back
    wait_for(
        lambda: (
            processes.running(consumer)
            and handled(evaluation_database, bus.group, ids(before)) == len(ids(before))
        ),
        "the batch, handled while the broker is down",
        30,
    )
    private_kafka.start()

    booked = list(stream.records)
    after = mixed_stream(stream, committees, records=30)
    after += [stream.adjusted(booked[1], 1.0), stream.voided(booked[5])]
    bus.produce(after, stream)
    everything = ids(before) | ids(after)
    wait_for(
        lambda: (
            processes.running(consumer)
            and handled(evaluation_database, bus.group, everything) == len(everything)
        ),
        "every event",
        60,
    )
    # the offsets of the batch held through the outage, and of all after it, are committed once Kafka is back
    wait_for(lambda: bus.committed() == len(before) + len(after), "every offset committed", 30)
    assert processes.stop(consumer) == 0, "the consumer kept running through the broker restart"

    apply_all(evaluation_database, committees)
    check_exactly_once(evaluation_database, stream)


def test_poison_events_are_dead_lettered_and_the_consumer_keeps_going(
    committees,
    stream,
    evaluation_database,
    kafka_bootstrap,
    bus_on,
    processes,
    handled,
    wait_for,
    apply_all,
    check_exactly_once,
):
    a, b = committees
    bus = bus_on(kafka_bootstrap)
    volunteer = uuid.uuid4()
    malformed = stream.envelope(
        "linli.scheduling.service_record.recorded.v1",
        a,
        volunteer,
        {"record_id": "not-a-uuid", "volunteer_id": str(volunteer), "hours": "lots"},
    )
    # an adjustment of a record evaluation has never heard of (its `recorded` never came)
    elsewhere = type(stream)()
    never_recorded = uuid.UUID(elsewhere.recorded(a, volunteer, hours=2.0)["data"]["record_id"])
    unknown = elsewhere.adjusted(never_recorded, -0.5)
    good = [stream.recorded(a, volunteer, hours=2.0), stream.recorded(b, uuid.uuid4(), hours=1.5)]
    good.append(stream.adjusted(uuid.UUID(good[0]["data"]["record_id"]), 0.5))
    # all on the volunteer's partition, in this order: the good events queue behind the poison
    producer = make_producer(bus.bootstrap)
    producer.send(bus.records_topic, key=str(volunteer).encode(), value=b"{not json").get(timeout=30)
    producer.close()
    bus.produce([malformed, unknown, good[0], good[2]], stream)
    bus.produce([good[1]], stream)

    consumer = bus.consumer(processes)
    wait_for(
        lambda: (
            processes.running(consumer) and handled(evaluation_database, bus.group, ids(good)) == len(good)
        ),
        "the good events behind the poison",
        60,
    )
    assert processes.stop(consumer) == 0
    assert handled(evaluation_database, bus.group, ids([malformed, unknown])) == 0, "nothing of them kept"

    # the dead-letter producer does not key its letters: they spread over the partitions, so match by body
    reasons = {letter.value: dict(letter.headers) for letter in dead_letters(bus, expected=3)}
    assert set(reasons) == {b"{not json", stream.raw(malformed), stream.raw(unknown)}
    assert reasons[b"{not json"]["dlq_reason"].startswith(b"unreadable event")
    assert reasons[stream.raw(malformed)]["dlq_reason"].startswith(b"ValidationError")
    assert reasons[stream.raw(unknown)]["dlq_reason"].startswith(b"RecordUnknown")
    assert {headers["dlq_source_topic"] for headers in reasons.values()} == {bus.records_topic.encode()}
    with evaluation_database.transaction(a.context) as session:
        assert session.scalar(select(func.count()).where(RecordFact.record_id == never_recorded)) == 0

    apply_all(evaluation_database, committees)
    check_exactly_once(evaluation_database, stream)


def dead_letters(bus: Bus, expected: int) -> list:
    """The group's dead-letter topic, read from the start until `expected` letters came (or 20 s passed)."""
    reader = KafkaConsumer(
        dead_letter_topic(bus.namespace, bus.group),
        bootstrap_servers=bus.bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
    )
    letters = []
    try:
        for message in reader:
            letters.append(message)
            if len(letters) == expected:
                break
    finally:
        reader.close()
    assert len(letters) == expected, letters
    return letters
