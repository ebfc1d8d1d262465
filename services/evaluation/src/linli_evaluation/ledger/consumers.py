"""Books scheduling's service records into the hours ledger.

A record arrives whole (`recorded`) and becomes a RecordFact plus its first entry; later `adjusted` and
`voided` events become further entries. Each entry is keyed by the fact it books (the record id for the
first, scheduling's own entry id for the others), so a replayed or re-published event books nothing twice.
Adjustments are applied as the delta scheduling decided, on top of whatever the audits here did."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.facts import contracts
from linli_evaluation.facts.models import AreaFact, RecordFact
from linli_evaluation.ledger.booking import ZERO, book, move_hours
from linli_evaluation.ledger.models import EntryKind
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.problems import NotFound
from linli_shared.tenancy import TenantContext

TOPICS = (contracts.SERVICE_RECORDS_TOPIC,)
#: how far up the area tree a grid is looked for (building → micro-grid → grid)
AREA_DEPTH = 3


class RecordUnknown(NotFound):
    slug = "record-unknown"
    title = "The service record is not known to evaluation"


def unverified_reasons(late_entry: bool, self_reported: bool, auto_closed: bool) -> bool:
    """A record entered late, reported by the volunteer themself or closed by the sweep is unverified
    until an auditor confirms it; a check-out or a leader's confirmation is verified as recorded."""
    return late_entry or self_reported or auto_closed


def book_recorded(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.RECORD_RECORDED)
    hours = Decimal(str(data.hours)).quantize(Decimal("0.01"))
    verified = not unverified_reasons(data.late_entry, data.self_reported, data.auto_closed)
    created = session.execute(
        insert(RecordFact)
        .values(
            tenant_id=context.tenant_id,
            record_id=data.record_id,
            tenant_path=context.tenant_path,
            volunteer_id=data.volunteer_id,
            volunteer_name=data.volunteer_name,
            activity_id=data.activity_id,
            activity_name=data.activity_name,
            activity_kind=data.activity_kind,
            project_id=data.project_id,
            shift_id=data.shift_id,
            area_id=data.area_id,
            grid_id=grid_of(session, context, data.area_id),
            place=data.place,
            recipient=data.recipient,
            content=data.content,
            service_date=data.service_date,
            started_at=data.started_at,
            ended_at=data.ended_at,
            service_minutes=data.service_minutes,
            hours=hours,
            lead_name=data.lead_name,
            recorder_name=data.recorder_name,
            source=data.source,
            late_entry=data.late_entry,
            self_reported=data.self_reported,
            auto_closed=data.auto_closed,
            verified=verified,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "record_id"])
        .returning(RecordFact.record_id)
    ).scalar()
    if created is None:
        return  # the same record published again: already booked
    record = _record(session, context, data.record_id)
    book(
        session,
        record,
        source_id=data.record_id,
        kind=EntryKind.RECORDED,
        verified_delta=hours if verified else ZERO,
        unverified_delta=ZERO if verified else hours,
    )


def book_adjusted(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.RECORD_ADJUSTED)
    record = _record(session, context, data.record_id, for_update=True)
    hours = max(ZERO, record.hours + Decimal(str(data.delta)).quantize(Decimal("0.01")))
    move_hours(
        session,
        record,
        source_id=data.entry_id,
        kind=EntryKind.ADJUSTED,
        hours_after=hours,
        verified_after=record.verified,
        reason=data.reason,
    )


def book_voided(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.RECORD_VOIDED)
    record = _record(session, context, data.record_id, for_update=True)
    move_hours(
        session,
        record,
        source_id=data.entry_id,
        kind=EntryKind.VOIDED,
        hours_after=ZERO,
        verified_after=record.verified,
        reason=data.reason,
    )


def grid_of(session: Session, context: TenantContext, area_id: uuid.UUID | None) -> uuid.UUID | None:
    """The grid an area lies in (itself if it is one); None when the area is unknown here."""
    for _ in range(AREA_DEPTH):
        if area_id is None:
            return None
        area = session.get(AreaFact, (context.tenant_id, area_id))
        if area is None:
            return None
        if area.kind == "grid":
            return area.area_id
        area_id = area.parent_id
    return None


def _record(
    session: Session, context: TenantContext, record_id: uuid.UUID, for_update: bool = False
) -> RecordFact:
    """Scheduling keys record events by the volunteer, so a record's `recorded` arrives before its
    adjustments; an unknown record is an error the consumer retries, then dead-letters."""
    statement = select(RecordFact).where(
        RecordFact.tenant_id == context.tenant_id, RecordFact.record_id == record_id
    )
    record = session.scalars(statement.with_for_update() if for_update else statement).first()
    if record is None:
        raise RecordUnknown(f"record {record_id}")
    return record


HANDLERS: dict[str, Handler] = {
    contracts.RECORD_RECORDED.type: book_recorded,
    contracts.RECORD_ADJUSTED.type: book_adjusted,
    contracts.RECORD_VOIDED.type: book_voided,
}
