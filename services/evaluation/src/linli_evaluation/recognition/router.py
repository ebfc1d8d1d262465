"""Recognition: award programmes, candidate lists with evidence, nominations through approval and public
notice (公示), and honours."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from linli_evaluation.access import Me, PolicySetter, Reader, ReaderOrVolunteer, Writer
from linli_evaluation.recognition.evidence import PERIOD
from linli_evaluation.recognition.models import NominationStatus
from linli_evaluation.recognition.repository import NominationFilter
from linli_evaluation.recognition.schemas import (
    CandidateList,
    Decision,
    HonourPage,
    NominationCreate,
    NominationOut,
    NominationPage,
    ObjectionCreate,
    ObjectionResolution,
    ProgrammeCreate,
    ProgrammeOut,
    ProgrammeUpdate,
    Withdrawal,
)
from linli_evaluation.recognition.service import HonourService, NominationService, ProgrammeService
from linli_shared.auth import CurrentContext, require_role
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.tenancy import Role, TenantContext

router = APIRouter(tags=["recognition"], responses=PROBLEM_RESPONSES)
#: who decides nominations and rules on objections: the committee's admin, or a town or district admin above
APPROVERS = frozenset({Role.TENANT_ADMIN, Role.TOWN_ADMIN, Role.DISTRICT_ADMIN})
Approver = Annotated[TenantContext, Depends(require_role(APPROVERS))]
Period = Annotated[
    str, Query(pattern=PERIOD, description="2026 (a yearly programme) or 2026-Q4 (a quarterly one)")
]
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


# programmes ---------------------------------------------------------------------------------------------


@router.post(
    "/v1/award-programmes",
    status_code=status.HTTP_201_CREATED,
    summary="Define an award programme and its criteria for one's own district, town or committee",
)
def create_programme(
    body: ProgrammeCreate, context: PolicySetter, session: ContextSession, now: Now
) -> ProgrammeOut:
    return ProgrammeService(session, context, now).create(body)


@router.get(
    "/v1/award-programmes",
    summary="The programmes on the caller's path: its district's, its town's, its own (and, for a town or "
    "district, its committees')",
)
def list_programmes(
    context: ReaderOrVolunteer, session: ContextSession, now: Now, active: bool | None = None
) -> list[ProgrammeOut]:
    return ProgrammeService(session, context, now).on_path(active)


@router.get("/v1/award-programmes/{programme_id}", summary="One programme and its criteria")
def get_programme(
    programme_id: uuid.UUID, context: ReaderOrVolunteer, session: ContextSession, now: Now
) -> ProgrammeOut:
    return ProgrammeService(session, context, now).get(programme_id)


@router.patch(
    "/v1/award-programmes/{programme_id}",
    summary="Change a programme one's own subtree defined; `version` must be the one last read",
)
def update_programme(
    programme_id: uuid.UUID, body: ProgrammeUpdate, context: PolicySetter, session: ContextSession, now: Now
) -> ProgrammeOut:
    return ProgrammeService(session, context, now).update(programme_id, body)


@router.get(
    "/v1/award-programmes/{programme_id}/candidates",
    summary="The committee's volunteers who meet the programme's criteria in a period, best first, with the "
    "evidence behind each",
)
def list_candidates(
    programme_id: uuid.UUID,
    period: Period,
    context: Reader,
    session: ContextSession,
    now: Now,
    committee_id: Annotated[
        uuid.UUID | None, Query(description="for a town or district admin: which committee")
    ] = None,
    limit: Limit = 50,
) -> CandidateList:
    return NominationService(session, context, now).candidates(programme_id, period, committee_id, limit)


# nominations --------------------------------------------------------------------------------------------


@router.post(
    "/v1/nominations",
    status_code=status.HTTP_201_CREATED,
    summary="Nominate a volunteer who meets the criteria; the evidence is kept as it stands now (a draft)",
)
def create_nomination(
    body: NominationCreate, context: Writer, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).create(body)


@router.get(
    "/v1/nominations", summary="Nominations, newest first; optionally of one programme, period, status"
)
def list_nominations(
    context: Reader,
    session: ContextSession,
    now: Now,
    programme_id: uuid.UUID | None = None,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
    status_: Annotated[NominationStatus | None, Query(alias="status")] = None,
    volunteer_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> NominationPage:
    where = NominationFilter(programme_id, period, status_, volunteer_id)
    return NominationService(session, context, now).page(where, cursor, limit)


@router.get("/v1/nominations/{nomination_id}", summary="A nomination with its evidence and objections")
def get_nomination(
    nomination_id: uuid.UUID, context: Reader, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).get(nomination_id)


@router.post("/v1/nominations/{nomination_id}/submit", summary="Submit a draft for approval")
def submit_nomination(
    nomination_id: uuid.UUID, context: Writer, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).submit(nomination_id)


@router.post(
    "/v1/nominations/{nomination_id}/decision",
    summary="Approve (the public notice opens today) or reject a submitted nomination — never one's own",
)
def decide_nomination(
    nomination_id: uuid.UUID, body: Decision, context: Approver, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).decide(nomination_id, body)


@router.post(
    "/v1/nominations/{nomination_id}/withdraw",
    summary="Withdraw a nomination before it becomes an honour",
)
def withdraw_nomination(
    nomination_id: uuid.UUID, body: Withdrawal, context: Writer, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).withdraw(nomination_id, body)


@router.post(
    "/v1/nominations/{nomination_id}/objections",
    status_code=status.HTTP_201_CREATED,
    summary="Record a resident's objection during the public notice",
)
def object_to_nomination(
    nomination_id: uuid.UUID, body: ObjectionCreate, context: Writer, session: ContextSession, now: Now
) -> NominationOut:
    return NominationService(session, context, now).object(nomination_id, body)


@router.post(
    "/v1/nominations/{nomination_id}/objections/{objection_id}/resolution",
    summary="Uphold an objection (the nomination is withdrawn) or dismiss it",
)
def resolve_objection(
    nomination_id: uuid.UUID,
    objection_id: uuid.UUID,
    body: ObjectionResolution,
    context: Approver,
    session: ContextSession,
    now: Now,
) -> NominationOut:
    return NominationService(session, context, now).resolve(nomination_id, objection_id, body)


# honours ------------------------------------------------------------------------------------------------


@router.get("/v1/honours", summary="Honours conferred, newest first; optionally one volunteer's")
def list_honours(
    context: Reader,
    session: ContextSession,
    volunteer_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> HonourPage:
    return HonourService(session, context).page(volunteer_id, cursor, limit)


@router.get("/v1/me/honours", summary="My honours, newest first")
def my_honours(
    me: Me, context: CurrentContext, session: ContextSession, cursor: Cursor = None, limit: Limit = 50
) -> HonourPage:
    return HonourService(session, context).mine(me, cursor, limit)
