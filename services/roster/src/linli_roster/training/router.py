from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_roster.access import Reader, Writer
from linli_roster.training.schemas import (
    CompletionCreate,
    CompletionOut,
    CompletionPage,
    CourseCreate,
    CourseOut,
    CourseUpdate,
    HolderPage,
    QualificationOut,
    QualificationRevoke,
)
from linli_roster.training.service import TrainingService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.validation import PLAIN_TEXT

router = APIRouter(tags=["training"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/v1/courses", summary="The committee's courses (课堂式培训)")
def list_courses(context: Reader, session: ContextSession, include_retired: bool = False) -> list[CourseOut]:
    return TrainingService(session, context).courses(include_retired)


@router.post("/v1/courses", status_code=status.HTTP_201_CREATED, summary="Add a course")
def create_course(body: CourseCreate, context: Writer, session: ContextSession) -> CourseOut:
    return TrainingService(session, context).create_course(body)


@router.get("/v1/courses/{course_id}")
def get_course(course_id: uuid.UUID, context: Reader, session: ContextSession) -> CourseOut:
    return TrainingService(session, context).course(course_id)


@router.patch("/v1/courses/{course_id}", summary="Change a course; grants already made keep their dates")
def update_course(
    course_id: uuid.UUID, body: CourseUpdate, context: Writer, session: ContextSession
) -> CourseOut:
    return TrainingService(session, context).update_course(course_id, body)


@router.post("/v1/courses/{course_id}/retire", summary="Retire a course: no new completions")
def retire_course(course_id: uuid.UUID, context: Writer, session: ContextSession) -> CourseOut:
    return TrainingService(session, context).retire_course(course_id)


@router.post(
    "/v1/courses/{course_id}/completions",
    status_code=status.HTTP_201_CREATED,
    summary="Record a completion; a pass of a qualifying course grants (or renews) the qualification",
)
def record_completion(
    course_id: uuid.UUID, body: CompletionCreate, context: Writer, session: ContextSession
) -> CompletionOut:
    return TrainingService(session, context).record_completion(course_id, body)


@router.get("/v1/courses/{course_id}/completions", summary="Who completed the course, newest first")
def course_completions(
    course_id: uuid.UUID, context: Reader, session: ContextSession, cursor: Cursor = None, limit: Limit = 50
) -> CompletionPage:
    return TrainingService(session, context).completions_of_course(course_id, cursor, limit)


@router.get("/v1/volunteers/{volunteer_id}/completions", summary="A volunteer's training record")
def volunteer_completions(
    volunteer_id: uuid.UUID, context: Reader, session: ContextSession
) -> list[CompletionOut]:
    return TrainingService(session, context).completions_of_volunteer(volunteer_id)


@router.get(
    "/v1/volunteers/{volunteer_id}/qualifications",
    summary="A volunteer's current qualifications; with include_expired, every grant as history",
)
def volunteer_qualifications(
    volunteer_id: uuid.UUID, context: Reader, session: ContextSession, include_expired: bool = False
) -> list[QualificationOut]:
    return TrainingService(session, context).qualifications_of(volunteer_id, include_expired)


@router.get(
    "/v1/qualifications", summary="Active volunteers holding a valid qualification on a day (default today)"
)
def qualification_holders(
    context: Reader,
    session: ContextSession,
    name: Annotated[str, Query(min_length=1, max_length=60, pattern=PLAIN_TEXT)],
    valid_on: date | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> HolderPage:
    return TrainingService(session, context).holders(name, valid_on, cursor, limit)


@router.get("/v1/qualifications/{qualification_id}")
def get_qualification(
    qualification_id: uuid.UUID, context: Reader, session: ContextSession
) -> QualificationOut:
    return TrainingService(session, context).qualification(qualification_id)


@router.post(
    "/v1/qualifications/{qualification_id}/revoke", summary="Withdraw a live qualification, with a reason"
)
def revoke_qualification(
    qualification_id: uuid.UUID, body: QualificationRevoke, context: Writer, session: ContextSession
) -> QualificationOut:
    return TrainingService(session, context).revoke(qualification_id, body)
