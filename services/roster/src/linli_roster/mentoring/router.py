from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_roster.access import Reader, Writer
from linli_roster.mentoring.schemas import PairCreate, PairEnd, PairOut, PairPage, PairState
from linli_roster.mentoring.service import MentorPairService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/mentor-pairs", tags=["mentoring"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Mentor pairs (以老带新), newest first; filter by a volunteer on either side")
def list_pairs(
    context: Reader,
    session: ContextSession,
    state: PairState = PairState.OPEN,
    volunteer_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PairPage:
    return MentorPairService(session, context).page(state, volunteer_id, cursor, limit)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Pair a mentor with a mentee")
def form_pair(body: PairCreate, context: Writer, session: ContextSession) -> PairOut:
    return MentorPairService(session, context).form(body)


@router.get("/{pair_id}")
def get_pair(pair_id: uuid.UUID, context: Reader, session: ContextSession) -> PairOut:
    return MentorPairService(session, context).get(pair_id)


@router.post("/{pair_id}/end", summary="End a pair, with a reason")
def end_pair(pair_id: uuid.UUID, body: PairEnd, context: Writer, session: ContextSession) -> PairOut:
    return MentorPairService(session, context).end(pair_id, body)
