from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from linli_roster.access import WRITERS
from linli_roster.recruitment.dependencies import RecruitmentServiceDep
from linli_roster.recruitment.models import CandidateStatus, NeedStatus, NoticeStatus
from linli_roster.recruitment.schemas import (
    CandidateCreate,
    CandidateOut,
    CandidatePage,
    CriteriaCreate,
    CriteriaOut,
    DecisionCreate,
    NeedClose,
    NeedCreate,
    NeedOut,
    NeedPage,
    NeedUpdate,
    NoticeCreate,
    NoticeOut,
    NoticePage,
    NoticeWithdraw,
    ObjectionCreate,
    ObjectionRuling,
    RankedCandidate,
    RubricCreate,
    RubricOut,
    ScoreCreate,
    ScoreOut,
    ScreeningOut,
)
from linli_shared.auth import require_role
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.tenancy import Role

router = APIRouter(prefix="/v1/recruitment", tags=["recruitment"], responses=PROBLEM_RESPONSES)
Writers = [Depends(require_role(WRITERS))]
TenantAdmins = [Depends(require_role(frozenset({Role.TENANT_ADMIN})))]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=200)]
CREATED = status.HTTP_201_CREATED


# needs (需求识别) -------------------------------------------------------------------------------------------


@router.post("/needs", dependencies=Writers, status_code=CREATED, summary="Record a need for people")
def open_need(body: NeedCreate, service: RecruitmentServiceDep) -> NeedOut:
    return service.open_need(body)


@router.get("/needs", summary="Needs, newest first")
def list_needs(
    service: RecruitmentServiceDep,
    status_: Annotated[NeedStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> NeedPage:
    return service.needs(status_, cursor, limit)


@router.get("/needs/{need_id}")
def get_need(need_id: uuid.UUID, service: RecruitmentServiceDep) -> NeedOut:
    return service.need(need_id)


@router.patch("/needs/{need_id}", dependencies=Writers)
def update_need(need_id: uuid.UUID, body: NeedUpdate, service: RecruitmentServiceDep) -> NeedOut:
    return service.update_need(need_id, body)


@router.post("/needs/{need_id}/close", dependencies=Writers)
def close_need(need_id: uuid.UUID, body: NeedClose, service: RecruitmentServiceDep) -> NeedOut:
    return service.close_need(need_id, body)


@router.get(
    "/needs/{need_id}/ranking",
    summary="The need's candidates ranked: screened, eligible, then by total score",
)
def ranking(need_id: uuid.UUID, service: RecruitmentServiceDep) -> list[RankedCandidate]:
    return service.ranking(need_id)


# candidates ----------------------------------------------------------------------------------------------


@router.post("/candidates", dependencies=Writers, status_code=CREATED, summary="Add a candidate")
def add_candidate(body: CandidateCreate, service: RecruitmentServiceDep) -> CandidateOut:
    return service.add_candidate(body)


@router.get("/candidates", summary="Candidates, newest first; by need, unlinked, or status (储备库: reserve)")
def list_candidates(
    service: RecruitmentServiceDep,
    need_id: uuid.UUID | None = None,
    unlinked: bool = False,
    status_: Annotated[CandidateStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CandidatePage:
    return service.candidates(need_id, unlinked, status_, cursor, limit)


@router.get("/candidates/{candidate_id}")
def get_candidate(candidate_id: uuid.UUID, service: RecruitmentServiceDep) -> CandidateOut:
    return service.candidate(candidate_id)


@router.post(
    "/candidates/{candidate_id}/decision",
    dependencies=Writers,
    summary="Accept (registers the volunteer), put in the reserve pool, or decline — with a reason",
)
def decide(candidate_id: uuid.UUID, body: DecisionCreate, service: RecruitmentServiceDep) -> CandidateOut:
    return service.decide(candidate_id, body)


@router.post(
    "/candidates/{candidate_id}/scores",
    dependencies=Writers,
    status_code=CREATED,
    summary="Screen a candidate on the current criteria and rubric",
)
def score(candidate_id: uuid.UUID, body: ScoreCreate, service: RecruitmentServiceDep) -> ScoreOut:
    return service.score(candidate_id, body)


@router.get("/candidates/{candidate_id}/scores", summary="Every screening of a candidate, oldest first")
def scores(candidate_id: uuid.UUID, service: RecruitmentServiceDep) -> list[ScoreOut]:
    return service.scores(candidate_id)


# screening: 任职条件 and "三好一会" ----------------------------------------------------------------------------


@router.get("/screening", summary="The criteria and rubric in force")
def screening(service: RecruitmentServiceDep) -> ScreeningOut:
    return service.screening()


@router.get("/criteria", summary="Every stored version of the eligibility criteria, newest first")
def criteria_versions(service: RecruitmentServiceDep) -> list[CriteriaOut]:
    return service.criteria_versions()


@router.post("/criteria", dependencies=Writers, status_code=CREATED, summary="Edit: a new version")
def edit_criteria(body: CriteriaCreate, service: RecruitmentServiceDep) -> CriteriaOut:
    return service.edit_criteria(body)


@router.get("/rubrics", summary="Every stored version of the rubric, newest first")
def rubric_versions(service: RecruitmentServiceDep) -> list[RubricOut]:
    return service.rubric_versions()


@router.post("/rubrics", dependencies=Writers, status_code=CREATED, summary="Edit: a new version")
def edit_rubric(body: RubricCreate, service: RecruitmentServiceDep) -> RubricOut:
    return service.edit_rubric(body)


# public notices (公示) for promotion to backbone -------------------------------------------------------------


@router.post("/notices", dependencies=Writers, status_code=CREATED, summary="Open a notice for promotion")
def open_notice(body: NoticeCreate, service: RecruitmentServiceDep) -> NoticeOut:
    return service.open_notice(body)


@router.get("/notices", summary="Public notices, newest first")
def list_notices(
    service: RecruitmentServiceDep,
    status_: Annotated[NoticeStatus | None, Query(alias="status")] = None,
    volunteer_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> NoticePage:
    return service.notices(status_, volunteer_id, cursor, limit)


@router.get("/notices/{notice_id}")
def get_notice(notice_id: uuid.UUID, service: RecruitmentServiceDep) -> NoticeOut:
    return service.notice(notice_id)


@router.post(
    "/notices/{notice_id}/objections",
    dependencies=Writers,
    status_code=CREATED,
    summary="Record an objection while the notice is open",
)
def object_to(notice_id: uuid.UUID, body: ObjectionCreate, service: RecruitmentServiceDep) -> NoticeOut:
    return service.object(notice_id, body)


@router.post(
    "/notices/{notice_id}/objections/{objection_id}/ruling",
    dependencies=TenantAdmins,
    summary="Uphold (the promotion is rejected) or dismiss an objection",
)
def rule(
    notice_id: uuid.UUID, objection_id: uuid.UUID, body: ObjectionRuling, service: RecruitmentServiceDep
) -> NoticeOut:
    return service.rule(notice_id, objection_id, body)


@router.post("/notices/{notice_id}/withdraw", dependencies=Writers)
def withdraw(notice_id: uuid.UUID, body: NoticeWithdraw, service: RecruitmentServiceDep) -> NoticeOut:
    return service.withdraw(notice_id, body)
