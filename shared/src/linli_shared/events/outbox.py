"""The transactional outbox and the consumer inbox, as tables in each service's own database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from linli_shared.events.envelope import CloudEvent, EventSpec, Payload, make_event


class Messaging:
    """A service's outbox and inbox tables and the one way to publish an event: inside the caller's
    transaction, so the state change and its announcement commit or roll back together."""

    def __init__(self, metadata: MetaData, source: str) -> None:
        self.source = source
        self.outbox = Table(
            "outbox",
            metadata,
            Column("id", BigInteger, Identity(), primary_key=True),
            Column("event_id", Uuid, nullable=False, unique=True),
            Column("topic", String(200), nullable=False),
            Column("key", String(200), nullable=False),
            Column("event", JSONB, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
            Column("published_at", DateTime(timezone=True)),
            Index("outbox_unpublished", "id", postgresql_where=text("published_at is null")),
        )
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", String(200), primary_key=True),
            Column("event_id", Uuid, primary_key=True),
            Column("event_type", String(200), nullable=False),
            Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        )

    def publish(
        self,
        session: Session,
        spec: EventSpec[Payload],
        data: Payload,
        *,
        subject: Any,
        tenant_id: Any,
        tenant_path: str,
    ) -> CloudEvent:
        """Add the event to the outbox inside the caller's transaction; `subject` is the aggregate id."""
        event = make_event(
            self.source, spec, data, str(subject), str(tenant_id) if tenant_id else None, tenant_path
        )
        session.execute(
            insert(self.outbox).values(
                event_id=event.id,
                topic=spec.topic,
                key=event.subject,
                event=event.model_dump(mode="json"),
            )
        )
        return event
