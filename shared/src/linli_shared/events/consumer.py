"""The consumer runner: one consumer group per service, each event's effect applied exactly once.

For every message: open a transaction acting for the event's tenant, record the event id in the inbox
(a duplicate stops here), run the handler, commit. Offsets are committed to Kafka only after the batch
is handled, so a crash re-delivers and the inbox makes the re-delivery harmless. A handler that keeps
failing is retried with back-off, then the message goes to the group's dead-letter topic and the
consumer moves on.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kafka.errors import KafkaError
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_shared.db import Database
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.outbox import Messaging
from linli_shared.tenancy import Role, TenantContext

logger = logging.getLogger(__name__)
tracer = trace.get_tracer("linli.consumer")

Handler = Callable[[Session, CloudEvent, TenantContext], None]


@dataclass(frozen=True)
class Outcome:
    handled: bool = False
    duplicate: bool = False
    ignored: bool = False
    dead_lettered: bool = False


class ConsumerRunner:
    def __init__(
        self,
        group: str,
        database: Database,
        messaging: Messaging,
        handlers: dict[str, Handler],
        dead_letters: Any,
        dead_letter_topic: str,
        max_attempts: int = 4,
        backoff_seconds: float = 0.2,
    ) -> None:
        self.group = group
        self.database = database
        self.messaging = messaging
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.dead_letter_topic = dead_letter_topic
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self._pause = threading.Event()  # never set; its wait() is an interruptible back-off

    def run(self, consumer: Any, stop: threading.Event, poll_timeout_ms: int = 500) -> None:
        logger.info("consumer started", extra={"group": self.group})
        while not stop.is_set():
            batches = consumer.poll(timeout_ms=poll_timeout_ms, max_records=200)
            messages = [message for batch in batches.values() for message in batch]
            for message in messages:
                self.handle(message.topic, message.value, message.headers or [])
            if messages:
                try:
                    consumer.commit()
                except KafkaError as error:
                    # a broker outage or a rebalance: the next commit covers these offsets, and if another
                    # member gets them first, the inbox makes the redelivery harmless
                    logger.warning("offset commit failed: %s", error, extra={"group": self.group})
        consumer.close()

    def handle(self, topic: str, raw: bytes, headers: Iterable[tuple[str, bytes]]) -> Outcome:
        header_map = {name: value.decode(errors="replace") for name, value in headers if value is not None}
        parent = propagate.extract({"traceparent": header_map.get("traceparent", "")})
        with tracer.start_as_current_span(
            f"consume {header_map.get('ce_type', topic)}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.consumer.group.name": self.group},
        ):
            try:
                event = CloudEvent.from_json(raw)
                context = _context_of(event)
            except (ValueError, ValidationError) as error:
                return self._dead_letter(topic, raw, header_map, f"unreadable event: {error}")
            handler = self.handlers.get(event.type)
            if handler is None:
                return Outcome(ignored=True)
            last_error = ""
            for attempt in range(1, self.max_attempts + 1):
                try:
                    return self._apply(handler, event, context)
                except Exception as error:
                    last_error = f"{type(error).__name__}: {error}"
                    logger.warning(
                        "handler failed",
                        extra={"group": self.group, "event_id": str(event.id), "attempt": attempt},
                        exc_info=True,
                    )
                    if attempt < self.max_attempts:
                        self._pause.wait(self.backoff_seconds * 2 ** (attempt - 1))
            return self._dead_letter(topic, raw, header_map, last_error)

    def _apply(self, handler: Handler, event: CloudEvent, context: TenantContext) -> Outcome:
        inbox = self.messaging.inbox
        with self.database.transaction(context) as session:
            first_time = session.execute(
                insert(inbox)
                .values(consumer=self.group, event_id=event.id, event_type=event.type)
                .on_conflict_do_nothing()
                .returning(inbox.c.event_id)
            ).first()
            if first_time is None:
                return Outcome(duplicate=True)
            handler(session, event, context)
        return Outcome(handled=True)

    def _dead_letter(self, topic: str, raw: bytes, headers: dict[str, str], reason: str) -> Outcome:
        logger.error("dead-lettering event", extra={"group": self.group, "topic": topic, "reason": reason})
        dlq_headers = [
            *((name, value.encode()) for name, value in headers.items()),
            ("dlq_reason", reason[:1000].encode()),
            ("dlq_source_topic", topic.encode()),
        ]
        self.dead_letters.send(self.dead_letter_topic, value=raw, headers=dlq_headers).get(timeout=30)
        return Outcome(dead_lettered=True)


def _context_of(event: CloudEvent) -> TenantContext:
    """A consumer acts for the event's tenant and nothing above it."""
    return TenantContext(
        tenant_id=uuid.UUID(event.tenantid) if event.tenantid else None,
        tenant_path=event.tenantpath,
        role=Role.SERVICE,
        subject=f"event:{event.source}",
    )
