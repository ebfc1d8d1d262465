from __future__ import annotations

import uuid
from datetime import date
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Query

from linli_scheduling.access import Me, Reader, Writer
from linli_scheduling.records.models import RequestStatus
from linli_scheduling.records.repository import RecordFilter
from linli_scheduling.records.schemas import (
    AdjustmentCreate,
    CorrectionCreate,
    CorrectionOut,
    CorrectionPage,
    Decision,
    LateEntryCreate,
    LateEntryOut,
    LateEntryPage,
    MyLateEntryCreate,
    MyRecordPage,
    RecordDetail,
    RecordPage,
    VoidCreate,
)
from linli_scheduling.records.service import CorrectionService, LateEntryService, RecordService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["records"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


# service records ------------------------------------------------------------------------------------------


@router.get("/v1/service-records", summary="Service records, newest service first")
def list_records(
    context: Reader,
    session: ContextSession,
    volunteer_id: uuid.UUID | None = None,
    activity_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    served_from: Annotated[date | None, Query(alias="from", description="first service date")] = None,
    served_to: Annotated[date | None, Query(alias="to", description="last service date")] = None,
    late_entry: bool | None = None,
    self_reported: bool | None = None,
    auto_closed: bool | None = None,
    voided: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> RecordPage:
    where = RecordFilter(
        volunteer_id=volunteer_id,
        activity_id=activity_id,
        project_id=project_id,
        served_from=served_from,
        served_to=served_to,
        late_entry=late_entry,
        self_reported=self_reported,
        auto_closed=auto_closed,
        voided=voided,
    )
    return RecordService(session, context).page(where, cursor, limit)


@router.get("/v1/service-records/{record_id}", summary="A record with its ledger entries and corrections")
def get_record(record_id: uuid.UUID, context: Reader, session: ContextSession) -> RecordDetail:
    return RecordService(session, context).detail(record_id)


@router.post(
    "/v1/service-records/{record_id}/adjustments",
    status_code=HTTPStatus.CREATED,
    summary="Change a record's hours by a new ledger entry, with a reason",
)
def adjust_record(
    record_id: uuid.UUID, body: AdjustmentCreate, context: Writer, session: ContextSession
) -> RecordDetail:
    return RecordService(session, context).adjust(record_id, body)


@router.post("/v1/service-records/{record_id}/void", summary="Void a record: its hours no longer count")
def void_record(
    record_id: uuid.UUID, body: VoidCreate, context: Writer, session: ContextSession
) -> RecordDetail:
    return RecordService(session, context).void(record_id, body)


@router.get("/v1/me/service-records", summary="My service records and my total hours")
def my_records(
    me: Me, context: CurrentContext, session: ContextSession, cursor: Cursor = None, limit: Limit = 50
) -> MyRecordPage:
    return RecordService(session, context).mine(me, cursor, limit)


@router.get("/v1/me/service-records/{record_id}", summary="One of my records with its trail")
def my_record(record_id: uuid.UUID, me: Me, context: CurrentContext, session: ContextSession) -> RecordDetail:
    return RecordService(session, context).my_record(me, record_id)


# corrections (更正申请) -----------------------------------------------------------------------------------


@router.post(
    "/v1/me/service-records/{record_id}/corrections",
    status_code=HTTPStatus.CREATED,
    summary="Ask for one of my records' hours to be corrected",
)
def request_correction(
    record_id: uuid.UUID, body: CorrectionCreate, me: Me, context: CurrentContext, session: ContextSession
) -> CorrectionOut:
    return CorrectionService(session, context).file(me, record_id, body)


@router.get("/v1/me/corrections", summary="My correction requests, oldest first")
def my_corrections(
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    status: RequestStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CorrectionPage:
    return CorrectionService(session, context).page(status, me.volunteer_id, cursor, limit)


@router.get("/v1/corrections", summary="Correction requests, oldest first (a review queue)")
def list_corrections(
    context: Reader,
    session: ContextSession,
    status: RequestStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CorrectionPage:
    return CorrectionService(session, context).page(status, None, cursor, limit)


@router.post("/v1/corrections/{correction_id}/decision", summary="Grant or refuse a correction request")
def decide_correction(
    correction_id: uuid.UUID, body: Decision, context: Writer, session: ContextSession, now: Now
) -> CorrectionOut:
    return CorrectionService(session, context).decide(correction_id, body, now)


# late entries (补录) -------------------------------------------------------------------------------------


@router.post(
    "/v1/late-entries",
    status_code=HTTPStatus.CREATED,
    summary="File a late entry (补录) for a volunteer; someone else approves it",
)
def file_late_entry(
    body: LateEntryCreate, context: Writer, session: ContextSession, now: Now
) -> LateEntryOut:
    return LateEntryService(session, context).file_for(body, now)


@router.get("/v1/late-entries", summary="Late entries, oldest first (a review queue)")
def list_late_entries(
    context: Reader,
    session: ContextSession,
    status: RequestStatus | None = None,
    volunteer_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> LateEntryPage:
    return LateEntryService(session, context).page(status, volunteer_id, cursor, limit)


@router.get("/v1/late-entries/{late_entry_id}")
def get_late_entry(late_entry_id: uuid.UUID, context: Reader, session: ContextSession) -> LateEntryOut:
    return LateEntryService(session, context).entry(late_entry_id)


@router.post(
    "/v1/late-entries/{late_entry_id}/decision",
    summary="Approve (making the flagged record) or reject a late entry; never the filer's own",
)
def decide_late_entry(
    late_entry_id: uuid.UUID, body: Decision, context: Writer, session: ContextSession, now: Now
) -> LateEntryOut:
    return LateEntryService(session, context).decide(late_entry_id, body, now)


@router.post(
    "/v1/me/late-entries",
    status_code=HTTPStatus.CREATED,
    summary="File a late entry for my own service (self-reported); staff approve it",
)
def file_my_late_entry(
    body: MyLateEntryCreate, me: Me, context: CurrentContext, session: ContextSession, now: Now
) -> LateEntryOut:
    return LateEntryService(session, context).file_mine(me, body, now)


@router.get("/v1/me/late-entries", summary="My late entries, oldest first")
def my_late_entries(
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    status: RequestStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> LateEntryPage:
    return LateEntryService(session, context).page(status, me.volunteer_id, cursor, limit)
