"""Booking entries into the hours ledger — the one place hours move in evaluation.

An entry says how many verified and how many unverified hours it adds; a record's hours sit in one
bucket or the other (`RecordFact.verified`), so moving a record between buckets is one entry that takes
from one and adds to the other. Entries are applied to the tallies later, exactly once (`ledger.tallying`)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.facts.models import RecordFact
from linli_evaluation.ledger.models import EntryKind, LedgerEntry

ZERO = Decimal(0)


def book(
    session: Session,
    record: RecordFact,
    *,
    source_id: uuid.UUID,
    kind: EntryKind,
    verified_delta: Decimal,
    unverified_delta: Decimal,
    reason: str = "",
) -> LedgerEntry | None:
    """Append an entry for `record`; None when this source was booked before (a replay changes nothing)."""
    entry_id = uuid.uuid4()
    booked = session.execute(
        insert(LedgerEntry)
        .values(
            tenant_id=record.tenant_id,
            id=entry_id,
            tenant_path=record.tenant_path,
            source_id=source_id,
            kind=kind,
            record_id=record.record_id,
            volunteer_id=record.volunteer_id,
            project_id=record.project_id,
            grid_id=record.grid_id,
            service_date=record.service_date,
            verified_delta=verified_delta,
            unverified_delta=unverified_delta,
            reason=reason,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "source_id"])
        .returning(LedgerEntry.id)
    ).scalar()
    if booked is None:
        return None
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.tenant_id == record.tenant_id, LedgerEntry.id == entry_id)
    ).one()


def move_hours(
    session: Session,
    record: RecordFact,
    *,
    source_id: uuid.UUID,
    kind: EntryKind,
    hours_after: Decimal,
    verified_after: bool,
    reason: str = "",
) -> LedgerEntry | None:
    """Take the record's hours out of their bucket and put `hours_after` into the bucket `verified_after`
    names — an adjustment, a void (0 hours), an audit's confirmation (same hours, now verified) — and keep
    the record's `hours` and `verified` in step. The caller holds the record row locked."""
    verified_delta = (hours_after if verified_after else ZERO) - (record.hours if record.verified else ZERO)
    unverified_delta = (ZERO if verified_after else hours_after) - (ZERO if record.verified else record.hours)
    entry = book(
        session,
        record,
        source_id=source_id,
        kind=kind,
        verified_delta=verified_delta,
        unverified_delta=unverified_delta,
        reason=reason,
    )
    if entry is not None:
        record.hours = hours_after
        record.verified = verified_after
        record.voided = kind is EntryKind.VOIDED or (kind is EntryKind.AUDIT_REJECTED and hours_after == ZERO)
    return entry
