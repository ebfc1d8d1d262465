"""Honours on the volunteer's profile, fed by the evaluation service's `honour.conferred` events.

The roster relies on the fields of `HonourConferredV1` below only; their JSON Schema is committed in
`events/expected/`, and the evaluation service's contract test must publish events that satisfy it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_roster.honours.models import Honour
from linli_shared.events.envelope import CloudEvent, EventPayload, EventSpec
from linli_shared.tenancy import TenantContext

HONOURS_TOPIC = "evaluation.honours"


class HonourConferredV1(EventPayload):
    """What the roster reads from `linli.evaluation.honour.conferred.v1` (extra fields are allowed: the
    producer owns the payload, the roster only depends on these)."""

    model_config = EventPayload.model_config | {"extra": "ignore"}

    honour_id: uuid.UUID
    volunteer_id: uuid.UUID
    programme_name: Annotated[str, Field(min_length=1, max_length=60)]
    #: `2026` or `2026-Q4`
    period: Annotated[str, Field(min_length=1, max_length=7)]
    conferred_on: date


HONOUR_CONFERRED = EventSpec(
    "linli.evaluation.honour.conferred.v1",
    HONOURS_TOPIC,
    HonourConferredV1,
    "What the roster expects of an honour conferred (consumer-side contract).",
)


def record_honour(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """Keep the honour for the volunteer's profile; a repeat of the same honour changes nothing."""
    data = event.payload(HONOUR_CONFERRED)
    session.execute(
        insert(Honour)
        .values(
            tenant_id=context.tenant_id,
            id=data.honour_id,
            tenant_path=context.tenant_path,
            volunteer_id=data.volunteer_id,
            programme_name=data.programme_name,
            period=data.period,
            conferred_on=data.conferred_on,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "id"])
    )
