"""Every mediation endpoint admits the committee's tenant admins only (see `mediation.access`).

There is no delete: cases are records of the studio and are kept."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_roster.mediation.access import MediationAdmin, MediationReader
from linli_roster.mediation.models import CaseStatus, Category
from linli_roster.mediation.schemas import (
    CaseClose,
    CaseCreate,
    CaseOut,
    CaseSummary,
    MediatorAssign,
    MediatorRelease,
    SessionCreate,
)
from linli_roster.mediation.service import MediationService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/mediation-cases", tags=["mediation"], responses=PROBLEM_RESPONSES)


@router.get("", summary="The mediation studio's cases (调解工作室), newest first")
def list_cases(
    context: MediationReader,
    session: ContextSession,
    status_: Annotated[CaseStatus | None, Query(alias="status")] = None,
    category: Category | None = None,
) -> list[CaseSummary]:
    return MediationService(session, context).cases(status_, category)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Take in a case: parties (names only), summary")
def open_case(body: CaseCreate, context: MediationAdmin, session: ContextSession) -> CaseOut:
    return MediationService(session, context).open_case(body)


@router.get("/{case_id}", summary="A case with its mediators and sessions")
def get_case(case_id: uuid.UUID, context: MediationReader, session: ContextSession) -> CaseOut:
    return MediationService(session, context).case(case_id)


@router.post(
    "/{case_id}/mediators",
    status_code=status.HTTP_201_CREATED,
    summary="Assign a volunteer who holds the mediator role; two make a co-mediation",
)
def assign_mediator(
    case_id: uuid.UUID, body: MediatorAssign, context: MediationAdmin, session: ContextSession
) -> CaseOut:
    return MediationService(session, context).assign(case_id, body)


@router.post("/{case_id}/mediators/{volunteer_id}/release", summary="Take a mediator off the case")
def release_mediator(
    case_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    body: MediatorRelease,
    context: MediationAdmin,
    session: ContextSession,
) -> CaseOut:
    return MediationService(session, context).release(case_id, volunteer_id, body)


@router.post("/{case_id}/sessions", status_code=status.HTTP_201_CREATED, summary="Record a mediation session")
def record_session(
    case_id: uuid.UUID, body: SessionCreate, context: MediationAdmin, session: ContextSession
) -> CaseOut:
    return MediationService(session, context).record_session(case_id, body)


@router.post("/{case_id}/close", summary="Close with an outcome: resolved, unresolved or referred")
def close_case(
    case_id: uuid.UUID, body: CaseClose, context: MediationAdmin, session: ContextSession
) -> CaseOut:
    return MediationService(session, context).close(case_id, body)
