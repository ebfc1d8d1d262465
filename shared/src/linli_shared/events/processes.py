"""The two long-running event processes every service runs beside its API: relay and consumer."""

from __future__ import annotations

import signal
import threading
from collections.abc import Sequence
from typing import Any

from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner, Handler
from linli_shared.events.kafka import (
    dead_letter_topic,
    ensure_topics,
    make_consumer,
    make_producer,
    qualified,
)
from linli_shared.events.outbox import Messaging
from linli_shared.events.relay import OutboxRelay
from linli_shared.settings import ServiceSettings


def stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def create_topics(settings: ServiceSettings, topics: Sequence[str], groups: Sequence[str] = ()) -> None:
    """Topics this service publishes to, plus the dead-letter topic of each of its consumer groups."""
    ensure_topics(
        settings.kafka_bootstrap,
        [qualified(settings.kafka_namespace, topic) for topic in topics]
        + [dead_letter_topic(settings.kafka_namespace, group) for group in groups],
        settings.kafka_topic_partitions,
        settings.kafka_replication_factor,
    )


def run_relay(
    settings: ServiceSettings, database: Database, messaging: Messaging, topics: Sequence[str]
) -> None:
    create_topics(settings, topics)
    producer = make_producer(
        settings.kafka_bootstrap, settings.kafka_idempotent, client_id=f"{settings.service_name}-relay"
    )
    try:
        OutboxRelay(database, messaging, producer, settings.kafka_namespace).run(stop_on_signals())
    finally:
        producer.close()


def consumer_runner(
    settings: ServiceSettings,
    group: str,
    database: Database,
    messaging: Messaging,
    handlers: dict[str, Handler],
    dead_letters: Any,
) -> ConsumerRunner:
    return ConsumerRunner(
        group, database, messaging, handlers, dead_letters, dead_letter_topic(settings.kafka_namespace, group)
    )


def run_consumer(
    settings: ServiceSettings,
    group: str,
    database: Database,
    messaging: Messaging,
    handlers: dict[str, Handler],
    topics: Sequence[str],
) -> None:
    """Consume `topics` as `group` until SIGTERM/SIGINT."""
    create_topics(settings, topics, [group])
    names = [qualified(settings.kafka_namespace, topic) for topic in topics]
    producer = make_producer(settings.kafka_bootstrap, settings.kafka_idempotent, client_id=f"{group}-dlq")
    consumer = make_consumer(settings.kafka_bootstrap, group, names)
    try:
        consumer_runner(settings, group, database, messaging, handlers, producer).run(
            consumer, stop_on_signals()
        )
    finally:
        producer.close()
