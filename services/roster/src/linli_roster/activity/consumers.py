"""The "last served" projection, fed by the scheduling service's service-record events.

The roster relies on the fields of `ServiceRecordedV1` only; its JSON Schema is committed in
`events/expected/` and the scheduling service's contract test must publish events that satisfy it.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_roster.activity.models import InactivityFlag, ServiceActivity
from linli_shared.events.envelope import CloudEvent, EventPayload, EventSpec
from linli_shared.tenancy import TenantContext

SERVICE_RECORDS_TOPIC = "scheduling.service_records"


class ServiceRecordedV1(EventPayload):
    """What the roster reads from `linli.scheduling.service_record.recorded.v1` (extra fields are allowed:
    the producer owns the payload, the roster only depends on these)."""

    model_config = EventPayload.model_config | {"extra": "ignore"}

    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    service_date: date
    hours: float


SERVICE_RECORDED = EventSpec(
    "linli.scheduling.service_record.recorded.v1",
    SERVICE_RECORDS_TOPIC,
    ServiceRecordedV1,
    "What the roster expects of a recorded service record (consumer-side contract).",
)


def record_service(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(SERVICE_RECORDED)
    statement = insert(ServiceActivity).values(
        tenant_id=context.tenant_id,
        volunteer_id=data.volunteer_id,
        tenant_path=context.tenant_path,
        last_served_on=data.service_date,
        records=1,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "volunteer_id"],
            set_={
                "last_served_on": func.greatest(
                    ServiceActivity.last_served_on, statement.excluded.last_served_on
                ),
                "records": ServiceActivity.records + 1,
                "updated_at": func.now(),
            },
        )
    )
    session.execute(
        update(InactivityFlag)
        .where(
            InactivityFlag.tenant_id == context.tenant_id,
            InactivityFlag.volunteer_id == data.volunteer_id,
            InactivityFlag.cleared_on.is_(None),
        )
        .values(cleared_on=data.service_date)
    )
