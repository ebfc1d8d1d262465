"""Dynamic evaluation (动态评估): the score weights of a district, town or committee; each volunteer's score
with its explanation; the committee's volunteers ranked; recomputing on demand."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from linli_evaluation.access import Me, PolicySetter, Reader, Writer
from linli_evaluation.scores.schemas import (
    RecomputeOut,
    ScoreOut,
    ScorePage,
    ScoreWeightsIn,
    ScoreWeightsOut,
)
from linli_evaluation.scores.service import ScoreService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["scores"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get(
    "/v1/score-weights",
    summary="The score weights, window and hours target in force here, and whose they are",
)
def get_score_weights(context: CurrentContext, session: ContextSession, now: Now) -> ScoreWeightsOut:
    return ScoreService(session, context, now).weights()


@router.put(
    "/v1/score-weights",
    summary="Set the score weights (≥ 0, summing to 1) of one's own district, town or committee",
)
def put_score_weights(
    body: ScoreWeightsIn, context: PolicySetter, session: ContextSession, now: Now
) -> ScoreWeightsOut:
    return ScoreService(session, context, now).set_weights(body)


@router.get("/v1/scores", summary="Volunteers ranked by their latest score (best first unless order=asc)")
def ranked_scores(
    context: Reader,
    session: ContextSession,
    now: Now,
    order: Literal["desc", "asc"] = "desc",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ScorePage:
    return ScoreService(session, context, now).ranking(order == "desc", cursor, limit)


@router.post(
    "/v1/scores/recompute",
    summary="Recompute every active volunteer's score of the committee as of today, now",
)
def recompute_committee_scores(context: Writer, session: ContextSession, now: Now) -> RecomputeOut:
    return ScoreService(session, context, now).recompute_committee()


@router.get(
    "/v1/volunteers/{volunteer_id}/score",
    summary="A volunteer's score with its explanation: each component's inputs, value, weight, contribution",
)
def volunteer_score(volunteer_id: uuid.UUID, context: Reader, session: ContextSession, now: Now) -> ScoreOut:
    return ScoreService(session, context, now).of_volunteer(volunteer_id)


@router.post(
    "/v1/volunteers/{volunteer_id}/score/recompute",
    summary="Recompute a volunteer's score as of today, keep it and show it explained",
)
def recompute_volunteer_score(
    volunteer_id: uuid.UUID, context: Writer, session: ContextSession, now: Now
) -> ScoreOut:
    return ScoreService(session, context, now).recompute_volunteer(volunteer_id)


@router.get("/v1/me/score", summary="My score with its explanation")
def my_score(me: Me, context: CurrentContext, session: ContextSession, now: Now) -> ScoreOut:
    return ScoreService(session, context, now).mine(me)
