"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

Only one relay per service database publishes at a time (a PostgreSQL advisory lock), so events of one
aggregate leave in commit order; consumers deduplicate by event id, which makes the effect exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import UTC, datetime
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from sqlalchemy import select, text, update

from linli_shared.db import Database
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.kafka import qualified
from linli_shared.events.outbox import Messaging

logger = logging.getLogger(__name__)
tracer = trace.get_tracer("linli.relay")


class OutboxRelay:
    def __init__(
        self, database: Database, messaging: Messaging, producer: Any, namespace: str, batch_size: int = 500
    ) -> None:
        self.database = database
        self.namespace = namespace
        self.messaging = messaging
        self.producer = producer
        self.batch_size = batch_size
        self._lock_key = _advisory_key(messaging.source)

    def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published (0 when idle or not leader)."""
        outbox = self.messaging.outbox
        with self.database.transaction() as session:
            if not session.execute(
                text("select pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key}
            ).scalar():
                return 0
            rows = session.execute(
                select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.event)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            futures = [self._send(qualified(self.namespace, row.topic), row.key, row.event) for row in rows]
            self.producer.flush()
            published = []
            for row, future in zip(rows, futures, strict=True):
                try:
                    future.get(timeout=30)
                except Exception:
                    # Stop at the first failure so nothing after it is marked published out of order.
                    logger.exception("publishing failed", extra={"outbox_id": row.id})
                    break
                published.append(row.id)
            if published:
                session.execute(
                    update(outbox).where(outbox.c.id.in_(published)).values(published_at=datetime.now(UTC))
                )
            return len(published)

    def _send(self, topic: str, key: str, event: dict[str, object]) -> Any:
        envelope = CloudEvent.model_validate(event)
        parent = propagate.extract({"traceparent": envelope.traceparent} if envelope.traceparent else {})
        with tracer.start_as_current_span(
            f"publish {envelope.type}",
            context=parent,
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "event.id": str(envelope.id),
            },
        ):
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            headers = [
                ("ce_id", str(envelope.id).encode()),
                ("ce_type", envelope.type.encode()),
                ("traceparent", carrier.get("traceparent", "").encode()),
            ]
            return self.producer.send(topic, key=key.encode(), value=envelope.to_json(), headers=headers)

    def purge_published(self, older_than_hours: int = 72) -> int:
        outbox = self.messaging.outbox
        with self.database.transaction() as session:
            result = session.execute(
                outbox.delete().where(
                    outbox.c.published_at < text(f"now() - interval '{int(older_than_hours)} hours'")
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def run(self, stop: threading.Event, idle_wait: float = 0.2) -> None:
        logger.info("outbox relay started", extra={"service": self.messaging.source})
        while not stop.is_set():
            try:
                published = self.publish_batch()
            except Exception:
                logger.exception("relay batch failed; retrying")
                published = 0
                stop.wait(1.0)
            if published < self.batch_size:
                stop.wait(idle_wait)


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"outbox-relay:{name}".encode()).digest()[:8], "big", signed=True)
