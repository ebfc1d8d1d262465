"""Making service records and adding ledger entries to them — the one place hours are written.

Every path that records service (a QR check-out, a leader's confirmation, the sweep closing a forgotten
check-out, an approved 补录) calls `make_record`; every change of hours afterwards (a correction, a
review, a void) calls `add_entry`. Each publishes its event in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.database import directory, messaging
from linli_scheduling.events import types as events
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import EffectivePolicy, round_hours
from linli_scheduling.records.models import EntryKind, RecordEntry, RecordSource, ServiceRecord
from linli_shared.clock import local_date
from linli_shared.tenancy import Role, TenantContext


@dataclass(frozen=True)
class Recorder:
    """谁记录谁证明: the subject (for the trail) and the name printed on the record."""

    subject: str
    name: str


#: the width of `service_records.recorder_name`
RECORDER_NAME_LENGTH = 50


def recorder_of(session: Session, context: TenantContext) -> Recorder:
    """The recorder printed on a record the caller makes. A volunteer (a shift leader confirming
    attendance) is named; committee staff, whose names scheduling does not hold, record in the name of
    their committee, which is also who certifies the hours (谁记录谁证明)."""
    name = ""
    if context.role == Role.VOLUNTEER and context.user_id is not None:
        name = (
            session.scalar(
                select(VolunteerFact.name).where(
                    VolunteerFact.user_id == context.user_id, VolunteerFact.tenant_id == context.tenant_id
                )
            )
            or ""
        )
    elif context.tenant_id is not None:
        name = directory.name_of(session, context.tenant_id) or ""
    return Recorder(subject=context.subject, name=name[:RECORDER_NAME_LENGTH])


def service_minutes(started_at: datetime, ended_at: datetime, shift: Shift | None, break_minutes: int) -> int:
    """Actual time inside the shift's window (arriving early or staying late does not count), less the
    breaks and travel the leader entered."""
    start, end = started_at, ended_at
    if shift is not None:
        start, end = max(start, shift.starts_at), min(end, shift.ends_at)
    inside = max(0, int((end - start).total_seconds() // 60))
    return max(0, inside - break_minutes)


def make_record(
    session: Session,
    *,
    activity: Activity,
    shift: Shift | None,
    volunteer: VolunteerFact,
    started_at: datetime,
    ended_at: datetime,
    break_minutes: int,
    source: RecordSource,
    recorder: Recorder,
    policy: EffectivePolicy,
    attendance_id: uuid.UUID | None = None,
    late_entry: bool = False,
    self_reported: bool = False,
    auto_closed: bool = False,
) -> ServiceRecord | None:
    """The record of one volunteer's service, or None when the activity's kind earns no hours under the
    policy (a training session, say): the attendance is kept, no hours are credited."""
    if not policy.counts(activity.kind):
        return None
    minutes = service_minutes(started_at, ended_at, shift, break_minutes)
    hours = round_hours(minutes, policy.rounding)
    record = ServiceRecord(
        tenant_id=activity.tenant_id,
        id=uuid.uuid4(),
        tenant_path=activity.tenant_path,
        volunteer_id=volunteer.volunteer_id,
        volunteer_name=volunteer.name,
        shift_id=shift.id if shift else None,
        attendance_id=attendance_id,
        activity_id=activity.id,
        project_id=activity.project_id,
        activity_name=activity.name,
        activity_kind=activity.kind,
        service_date=shift.local_date if shift else local_date(started_at),
        area_id=activity.area_id,
        place=activity.place,
        recipient=activity.recipient,
        content=activity.content,
        started_at=started_at,
        ended_at=ended_at,
        service_minutes=minutes,
        rounding=policy.rounding,
        lead_name=_lead_name(session, activity, shift),
        recorded_by=recorder.subject,
        recorder_name=recorder.name,
        source=source,
        late_entry=late_entry,
        self_reported=self_reported,
        auto_closed=auto_closed,
        hours=hours,
        voided=False,
    )
    session.add(record)
    session.flush()
    session.add(
        RecordEntry(
            tenant_id=record.tenant_id,
            id=uuid.uuid4(),
            tenant_path=record.tenant_path,
            record_id=record.id,
            sequence=1,
            kind=EntryKind.RECORDED,
            hours_before=Decimal(0),
            hours_after=hours,
            reason="",
            decided_by=recorder.subject,
        )
    )
    messaging.publish(
        session,
        events.RECORD_RECORDED,
        recorded_event(record),
        subject=record.volunteer_id,
        tenant_id=record.tenant_id,
        tenant_path=record.tenant_path,
    )
    return record


def add_entry(
    session: Session,
    record: ServiceRecord,
    kind: EntryKind,
    hours_after: Decimal,
    reason: str,
    decided_by: str,
    correction_id: uuid.UUID | None = None,
) -> RecordEntry:
    """A new entry on a (row-locked) record: an adjustment to `hours_after`, or a void (to zero)."""
    sequence = session.scalar(
        select(func.max(RecordEntry.sequence)).where(
            RecordEntry.tenant_id == record.tenant_id, RecordEntry.record_id == record.id
        )
    )
    entry = RecordEntry(
        tenant_id=record.tenant_id,
        id=uuid.uuid4(),
        tenant_path=record.tenant_path,
        record_id=record.id,
        sequence=(sequence or 0) + 1,
        kind=kind,
        hours_before=record.hours,
        hours_after=Decimal(0) if kind is EntryKind.VOIDED else hours_after,
        reason=reason,
        decided_by=decided_by,
        correction_id=correction_id,
    )
    session.add(entry)
    record.hours = entry.hours_after
    record.voided = kind is EntryKind.VOIDED
    session.flush()
    spec = events.RECORD_VOIDED if kind is EntryKind.VOIDED else events.RECORD_ADJUSTED
    messaging.publish(
        session,
        spec,
        events.RecordEntryV1(
            record_id=record.id,
            entry_id=entry.id,
            sequence=entry.sequence,
            volunteer_id=record.volunteer_id,
            activity_id=record.activity_id,
            activity_kind=record.activity_kind,
            project_id=record.project_id,
            area_id=record.area_id,
            service_date=record.service_date,
            hours_before=float(entry.hours_before),
            hours_after=float(entry.hours_after),
            delta=float(entry.hours_after - entry.hours_before),
            reason=reason,
            decided_by=decided_by,
            correction_id=correction_id,
        ),
        subject=record.volunteer_id,
        tenant_id=record.tenant_id,
        tenant_path=record.tenant_path,
    )
    return entry


def recorded_event(record: ServiceRecord) -> events.ServiceRecordedV1:
    return events.ServiceRecordedV1(
        record_id=record.id,
        sequence=1,
        volunteer_id=record.volunteer_id,
        volunteer_name=record.volunteer_name,
        activity_id=record.activity_id,
        activity_name=record.activity_name,
        activity_kind=record.activity_kind,
        project_id=record.project_id,
        shift_id=record.shift_id,
        area_id=record.area_id,
        place=record.place,
        recipient=record.recipient,
        content=record.content,
        service_date=record.service_date,
        started_at=record.started_at,
        ended_at=record.ended_at,
        service_minutes=record.service_minutes,
        hours=float(record.hours),
        rounding=record.rounding,
        lead_name=record.lead_name,
        recorded_by=record.recorded_by,
        recorder_name=record.recorder_name,
        source=record.source,
        late_entry=record.late_entry,
        self_reported=record.self_reported,
        auto_closed=record.auto_closed,
    )


def _lead_name(session: Session, activity: Activity, shift: Shift | None) -> str:
    lead = (shift.leader_volunteer_id if shift else None) or activity.lead_volunteer_id
    if lead is None:
        return ""
    fact = session.get(VolunteerFact, (activity.tenant_id, lead))
    return fact.name if fact else ""
