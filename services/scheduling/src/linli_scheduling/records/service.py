"""Service records and the two ways they change after the fact.

A record's facts are never edited: staff adjust or void its hours with a new ledger entry, a volunteer asks
for a correction (更正申请) that staff grant or refuse, and service that was never checked in or out is
filed as a late entry (补录) that someone other than its filer must approve before it becomes a record —
flagged, so the audit draw weighs it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import writable_committee
from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.policies.rules import HUNDREDTH, effective_policy
from linli_scheduling.records.exceptions import (
    ActivityEarnsNoHours,
    ActivityNotFound,
    AlreadyDecided,
    AlreadyRecorded,
    CorrectionMoot,
    CorrectionNotFound,
    CorrectionPending,
    FourEyes,
    HoursUnchanged,
    LateEntryNotFound,
    LateEntryPending,
    LateEntryWindowPassed,
    RecordNotFound,
    RecordVoided,
    ServiceInFuture,
    ServiceOverlaps,
    ServiceTimesInvalid,
    ShiftCancelled,
    ShiftNotFound,
    ShiftNotOfActivity,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_scheduling.records.models import (
    Correction,
    EntryKind,
    LateEntry,
    RecordSource,
    RequestStatus,
    ServiceRecord,
)
from linli_scheduling.records.recording import add_entry, make_record, recorder_of
from linli_scheduling.records.repository import RecordFilter, RecordRepository
from linli_scheduling.records.schemas import (
    AdjustmentCreate,
    CorrectionCreate,
    CorrectionOut,
    CorrectionPage,
    Decision,
    EntryOut,
    LateEntryCreate,
    LateEntryOut,
    LateEntryPage,
    MyLateEntryCreate,
    MyRecordPage,
    RecordDetail,
    RecordOut,
    RecordPage,
    VoidCreate,
)
from linli_shared.clock import local_date
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.tenancy import TenantContext

#: the longest service one late entry may claim
LONGEST_SERVICE = timedelta(hours=24)
ACTIVE = "active"


class RecordService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.records = RecordRepository(session, context)

    def page(self, where: RecordFilter, cursor: str | None, limit: int) -> RecordPage:
        items, next_cursor = self._page(where, cursor, limit)
        return RecordPage(items=items, next_cursor=next_cursor)

    def detail(self, record_id: uuid.UUID) -> RecordDetail:
        return self._detail(self._record(record_id))

    def mine(self, me: VolunteerFact, cursor: str | None, limit: int) -> MyRecordPage:
        items, next_cursor = self._page(RecordFilter(volunteer_id=me.volunteer_id), cursor, limit)
        return MyRecordPage(
            items=items, next_cursor=next_cursor, total_hours=self.records.total_hours(me.volunteer_id)
        )

    def my_record(self, me: VolunteerFact, record_id: uuid.UUID) -> RecordDetail:
        record = self.records.record(record_id)
        if record is None or record.volunteer_id != me.volunteer_id:
            raise RecordNotFound()
        return self._detail(record)

    def adjust(self, record_id: uuid.UUID, request: AdjustmentCreate) -> RecordDetail:
        """A new entry to `hours`; the record row is locked so entries of one record never interleave."""
        context = writable_committee(self.session, self.context)
        record = self._open_record(record_id)
        hours = request.hours.quantize(HUNDREDTH)
        if hours == record.hours:
            raise HoursUnchanged(f"The record already counts {record.hours} hours.")
        add_entry(self.session, record, EntryKind.ADJUSTED, hours, request.reason, context.subject)
        return self._detail(record)

    def void(self, record_id: uuid.UUID, request: VoidCreate) -> RecordDetail:
        context = writable_committee(self.session, self.context)
        record = self._open_record(record_id)
        add_entry(self.session, record, EntryKind.VOIDED, Decimal(0), request.reason, context.subject)
        return self._detail(record)

    def _page(
        self, where: RecordFilter, cursor: str | None, limit: int
    ) -> tuple[list[RecordOut], str | None]:
        after = decode_cursor(cursor, date.fromisoformat, uuid.UUID) if cursor else None
        found = self.records.records(where, after, limit + 1)
        shown = found[:limit]
        last = shown[-1] if len(found) > limit else None
        return [record_out(record) for record in shown], (
            encode_cursor(last.service_date, last.id) if last else None
        )

    def _record(self, record_id: uuid.UUID, for_update: bool = False) -> ServiceRecord:
        record = self.records.record(record_id, for_update=for_update)
        if record is None:
            raise RecordNotFound()
        return record

    def _open_record(self, record_id: uuid.UUID) -> ServiceRecord:
        record = self._record(record_id, for_update=True)
        if record.voided:
            raise RecordVoided()
        return record

    def _detail(self, record: ServiceRecord) -> RecordDetail:
        return RecordDetail(
            **record_out(record).model_dump(),
            entries=[
                EntryOut.model_validate(entry, from_attributes=True) for entry in self.records.entries(record)
            ],
            corrections=[correction_out(row) for row in self.records.corrections_of(record)],
            late_entry_id=self.records.late_entry_of(record),
        )


class LateEntryService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.records = RecordRepository(session, context)

    def file_for(self, request: LateEntryCreate, now: datetime) -> LateEntryOut:
        """Staff file for a volunteer (who may not have a smartphone, or forgot to check in)."""
        volunteer = self.records.volunteer(request.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        return self._file(request, volunteer, self_reported=False, now=now)

    def file_mine(self, me: VolunteerFact, request: MyLateEntryCreate, now: datetime) -> LateEntryOut:
        return self._file(request, me, self_reported=True, now=now)

    def entry(self, late_entry_id: uuid.UUID) -> LateEntryOut:
        return late_entry_out(self._entry(late_entry_id))

    def page(
        self, status: RequestStatus | None, volunteer_id: uuid.UUID | None, cursor: str | None, limit: int
    ) -> LateEntryPage:
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        found = self.records.late_entries(status, volunteer_id, after, limit + 1)
        shown = found[:limit]
        last = shown[-1] if len(found) > limit else None
        return LateEntryPage(
            items=[late_entry_out(row) for row in shown],
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def decide(self, late_entry_id: uuid.UUID, request: Decision, now: datetime) -> LateEntryOut:
        """Four eyes: neither the filer (the table checks it too) nor the volunteer whose service it is
        decides. An approval makes the record, flagged as a late entry (and as self-reported when the
        volunteer filed it)."""
        context = writable_committee(self.session, self.context)
        entry = self._entry(late_entry_id, for_update=True)
        if entry.status != RequestStatus.PENDING:
            raise AlreadyDecided(f"This late entry was {entry.status}.")
        if entry.filed_by == context.subject:
            raise FourEyes("You filed this late entry; a colleague decides it.")
        if self._is_own_service(entry.volunteer_id, context):
            raise FourEyes("This late entry is for your own service; a colleague decides it.")
        entry.decided_by, entry.decided_at = context.subject, now
        entry.decision_note = request.note or None
        if not request.approve:
            entry.status = RequestStatus.REJECTED
            self.session.flush()
            return late_entry_out(entry)
        record = self._record_for(entry)
        entry.status, entry.record_id = RequestStatus.APPROVED, record.id
        self.session.flush()
        messaging.publish(
            self.session,
            events.LATE_ENTRY_APPROVED,
            events.LateEntryApprovedV1(
                late_entry_id=entry.id,
                record_id=record.id,
                volunteer_id=entry.volunteer_id,
                service_date=record.service_date,
                hours=float(record.hours),
                self_reported=entry.self_reported,
                filed_by=entry.filed_by,
                approved_by=context.subject,
            ),
            subject=entry.volunteer_id,
            tenant_id=entry.tenant_id,
            tenant_path=entry.tenant_path,
        )
        return late_entry_out(entry)

    def _file(
        self,
        request: MyLateEntryCreate | LateEntryCreate,
        volunteer: VolunteerFact,
        self_reported: bool,
        now: datetime,
    ) -> LateEntryOut:
        context = writable_committee(self.session, self.context)
        _check_times(request.started_at, request.ended_at, request.break_minutes, now)
        if volunteer.status != ACTIVE:
            raise VolunteerNotActive("A volunteer who has exited gets no new records.")
        shift, activity = self._what_was_served(request.shift_id, request.activity_id)
        if shift is not None:
            if shift.status == ShiftStatus.CANCELLED:
                raise ShiftCancelled()
            if request.started_at >= shift.ends_at or request.ended_at <= shift.starts_at:
                raise ServiceTimesInvalid("The service times lie outside the shift.")
        policy = effective_policy(self.session, activity.tenant_path)
        if not policy.counts(activity.kind):
            raise ActivityEarnsNoHours(f"Attending a {activity.kind} earns no service hours.")
        service_date = shift.local_date if shift is not None else local_date(request.started_at)
        if (local_date(now) - service_date).days > policy.late_entry_window_days:
            raise LateEntryWindowPassed(
                f"Late entries are filed within {policy.late_entry_window_days} days of the service day."
            )
        if shift is not None and self.records.pending_late_entry_for_shift(
            shift.tenant_id, shift.id, volunteer.volunteer_id
        ):
            raise LateEntryPending()
        self._check_not_recorded(
            activity.tenant_id, volunteer.volunteer_id, shift, request.started_at, request.ended_at
        )
        entry = LateEntry(
            tenant_id=activity.tenant_id,
            id=uuid.uuid4(),
            tenant_path=activity.tenant_path,
            volunteer_id=volunteer.volunteer_id,
            shift_id=shift.id if shift is not None else None,
            activity_id=activity.id,
            started_at=request.started_at,
            ended_at=request.ended_at,
            break_minutes=request.break_minutes,
            reason=request.reason,
            self_reported=self_reported,
            filed_by=context.subject,
            status=RequestStatus.PENDING,
        )
        self.records.add(entry)
        return late_entry_out(entry)

    def _record_for(self, entry: LateEntry) -> ServiceRecord:
        """The shift row is locked, so two approvals for one volunteer and shift cannot both record."""
        activity = self.records.activity(entry.activity_id)
        if activity is None:
            raise ActivityNotFound()
        shift = None
        if entry.shift_id is not None:
            shift = self.records.shift(entry.shift_id, for_update=True)
            if shift is None:
                raise ShiftNotFound()
            if shift.status == ShiftStatus.CANCELLED:
                raise ShiftCancelled()
        self._check_not_recorded(
            activity.tenant_id, entry.volunteer_id, shift, entry.started_at, entry.ended_at
        )
        volunteer = self.records.volunteer(entry.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        record = make_record(
            self.session,
            activity=activity,
            shift=shift,
            volunteer=volunteer,
            started_at=entry.started_at,
            ended_at=entry.ended_at,
            break_minutes=entry.break_minutes,
            source=RecordSource.LATE_ENTRY,
            recorder=recorder_of(self.session, self.context),
            policy=effective_policy(self.session, activity.tenant_path),
            late_entry=True,
            self_reported=entry.self_reported,
        )
        if record is None:
            raise ActivityEarnsNoHours("The committee's hour policy no longer credits this kind of activity.")
        return record

    def _what_was_served(
        self, shift_id: uuid.UUID | None, activity_id: uuid.UUID | None
    ) -> tuple[Shift | None, Activity]:
        shift = None
        if shift_id is not None:
            shift = self.records.shift(shift_id)
            if shift is None:
                raise ShiftNotFound()
            if activity_id is not None and shift.activity_id != activity_id:
                raise ShiftNotOfActivity()
            activity_id = shift.activity_id
        assert activity_id is not None, "the request names a shift or an activity"
        activity = self.records.activity(activity_id)
        if activity is None:
            raise ActivityNotFound()
        return shift, activity

    def _check_not_recorded(
        self,
        tenant_id: uuid.UUID,
        volunteer_id: uuid.UUID,
        shift: Shift | None,
        started_at: datetime,
        ended_at: datetime,
    ) -> None:
        """No hour is counted twice: not a second record for one shift, nor service overlapping a record
        the volunteer already has."""
        if shift is not None and self.records.record_for_shift(tenant_id, shift.id, volunteer_id):
            raise AlreadyRecorded()
        if self.records.overlapping_record(tenant_id, volunteer_id, started_at, ended_at):
            raise ServiceOverlaps()

    def _is_own_service(self, volunteer_id: uuid.UUID, context: TenantContext) -> bool:
        """Whether the decider is the volunteer themself (staff who also volunteer, with a linked login)."""
        volunteer = self.records.volunteer(volunteer_id)
        return volunteer is not None and context.user_id is not None and volunteer.user_id == context.user_id

    def _entry(self, late_entry_id: uuid.UUID, for_update: bool = False) -> LateEntry:
        entry = self.records.late_entry(late_entry_id, for_update=for_update)
        if entry is None:
            raise LateEntryNotFound()
        return entry


class CorrectionService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.records = RecordRepository(session, context)

    def file(self, me: VolunteerFact, record_id: uuid.UUID, request: CorrectionCreate) -> CorrectionOut:
        """One pending request per record, held by a unique index: a second (or a racing) one is a 409."""
        context = writable_committee(self.session, self.context)
        record = self.records.record(record_id)
        if record is None or record.volunteer_id != me.volunteer_id:
            raise RecordNotFound()
        if record.voided:
            raise RecordVoided()
        requested = request.requested_hours.quantize(HUNDREDTH)
        if requested == record.hours:
            raise HoursUnchanged(f"The record already counts {record.hours} hours.")
        correction = Correction(
            tenant_id=record.tenant_id,
            id=uuid.uuid4(),
            tenant_path=record.tenant_path,
            record_id=record.id,
            volunteer_id=record.volunteer_id,
            requested_hours=requested,
            reason=request.reason,
            filed_by=context.subject,
            status=RequestStatus.PENDING,
        )
        try:
            with self.session.begin_nested():
                self.records.add(correction)
        except IntegrityError as error:
            raise CorrectionPending() from error
        return correction_out(correction)

    def page(
        self, status: RequestStatus | None, volunteer_id: uuid.UUID | None, cursor: str | None, limit: int
    ) -> CorrectionPage:
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        found = self.records.corrections(status, volunteer_id, after, limit + 1)
        shown = found[:limit]
        last = shown[-1] if len(found) > limit else None
        return CorrectionPage(
            items=[correction_out(row) for row in shown],
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def decide(self, correction_id: uuid.UUID, request: Decision, now: datetime) -> CorrectionOut:
        """A grant is a new ledger entry to the requested hours that names the request (the trail); a
        refusal keeps the hours and says why. Either way the request records who decided and when."""
        context = writable_committee(self.session, self.context)
        correction = self.records.correction(correction_id, for_update=True)
        if correction is None:
            raise CorrectionNotFound()
        if correction.status != RequestStatus.PENDING:
            raise AlreadyDecided(f"This correction request was {correction.status}.")
        if correction.filed_by == context.subject:
            raise FourEyes("You asked for this correction; a colleague decides it.")
        if request.approve:
            record = self.records.record(correction.record_id, for_update=True)
            if record is None:
                raise RecordNotFound()
            if record.voided:
                raise RecordVoided()
            if record.hours == correction.requested_hours:
                raise CorrectionMoot()
            add_entry(
                self.session,
                record,
                EntryKind.ADJUSTED,
                correction.requested_hours,
                request.note or correction.reason,
                context.subject,
                correction_id=correction.id,
            )
        correction.status = RequestStatus.APPROVED if request.approve else RequestStatus.REJECTED
        correction.decided_by, correction.decided_at = context.subject, now
        correction.decision_note = request.note or None
        self.session.flush()
        return correction_out(correction)


def _check_times(started_at: datetime, ended_at: datetime, break_minutes: int, now: datetime) -> None:
    if ended_at <= started_at:
        raise ServiceTimesInvalid("The service ends after it starts.")
    if ended_at - started_at > LONGEST_SERVICE:
        raise ServiceTimesInvalid("One late entry covers at most 24 hours of service.")
    if break_minutes * 60 >= (ended_at - started_at).total_seconds():
        raise ServiceTimesInvalid("The breaks take up the whole time entered.")
    if ended_at > now:
        raise ServiceInFuture()


def record_out(record: ServiceRecord) -> RecordOut:
    return RecordOut.model_validate(record, from_attributes=True)


def late_entry_out(entry: LateEntry) -> LateEntryOut:
    return LateEntryOut.model_validate(entry, from_attributes=True)


def correction_out(correction: Correction) -> CorrectionOut:
    return CorrectionOut.model_validate(correction, from_attributes=True)
