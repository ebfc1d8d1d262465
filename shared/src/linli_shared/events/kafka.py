"""Kafka clients configured the way every Linli process needs them."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import Any

with warnings.catch_warnings():
    # kafka-python 3 on Python 3.11 warns about importlib.resources.read_text at import time.
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka.errors import TopicAlreadyExistsError

logger = logging.getLogger(__name__)

# A consumer group joins in ~3 s with these instead of ~23 s with the defaults; still safe for handlers
# that finish well under max_poll_interval_ms.
GROUP_TIMINGS = {"max_poll_interval_ms": 60_000, "session_timeout_ms": 6_000, "heartbeat_interval_ms": 2_000}


def qualified(namespace: str, topic: str) -> str:
    """Topics are named `<namespace>.<service>.<aggregate>`: one namespace per environment (or test run)."""
    return f"{namespace}.{topic}"


def dead_letter_topic(namespace: str, group: str) -> str:
    return f"{namespace}.dlq.{group}"


def make_producer(bootstrap: str, idempotent: bool = True, **overrides: Any) -> KafkaProducer:
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "acks": "all",
        "enable_idempotence": idempotent,
        "linger_ms": 5,
        "retries": 10,
        "max_in_flight_requests_per_connection": 5 if idempotent else 1,
        "client_id": overrides.pop("client_id", "linli"),
    }
    options.update(overrides)
    return KafkaProducer(**options)


def make_consumer(bootstrap: str, group: str, topics: Iterable[str], **overrides: Any) -> KafkaConsumer:
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "group_id": group,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "client_id": group,
        **GROUP_TIMINGS,
    }
    options.update(overrides)
    consumer = KafkaConsumer(**options)
    consumer.subscribe(list(topics))
    return consumer


def ensure_topics(
    bootstrap: str, topics: Iterable[str], partitions: int, replication_factor: int = 1
) -> None:
    """Create missing topics at start-up; existing ones are left as they are."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="linli-admin")
    try:
        existing = set(admin.list_topics())
        missing = sorted(set(topics) - existing)
        if not missing:
            return
        specs = {
            name: {"num_partitions": partitions, "replication_factor": replication_factor} for name in missing
        }
        try:
            admin.create_topics(specs, wait_for_metadata=True)
            logger.info("created topics", extra={"topics": missing})
        except TopicAlreadyExistsError:
            pass  # another process won the race
    finally:
        admin.close()
