"""Training results' routes, kept apart from check-in and check-out's (`main.py` includes both routers)."""

from __future__ import annotations

import uuid
from http import HTTPStatus

from fastapi import APIRouter

from linli_scheduling.access import StaffOrVolunteer
from linli_scheduling.attendance.training import TrainingResultOut, TrainingResultsCreate, TrainingService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["training"], responses=PROBLEM_RESPONSES)


@router.post(
    "/v1/shifts/{shift_id}/training-results",
    status_code=HTTPStatus.CREATED,
    summary="Record who passed a training session; each result completes the course in the roster",
)
def record_training_results(
    shift_id: uuid.UUID,
    body: TrainingResultsCreate,
    context: StaffOrVolunteer,
    session: ContextSession,
    now: Now,
) -> list[TrainingResultOut]:
    return TrainingService(session, context).record(shift_id, body, now)


@router.get(
    "/v1/shifts/{shift_id}/training-results",
    summary="A training session's results (staff, readers, or the session's leader)",
)
def training_results(
    shift_id: uuid.UUID, context: CurrentContext, session: ContextSession
) -> list[TrainingResultOut]:
    return TrainingService(session, context).results(shift_id)
