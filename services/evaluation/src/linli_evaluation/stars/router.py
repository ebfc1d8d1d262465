"""Star levels and the rules that award them (per district, town or committee; national by default)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from linli_evaluation.access import PolicySetter, Reader
from linli_evaluation.stars.schemas import StarLevelOut, StarPolicyIn, StarPolicyOut
from linli_evaluation.stars.service import StarService
from linli_shared.auth import CurrentContext
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["stars"], responses=PROBLEM_RESPONSES)


@router.get("/v1/star-policy", summary="The star rules in force here, and whose they are")
def get_star_policy(context: CurrentContext, session: ContextSession) -> StarPolicyOut:
    return StarService(session, context).policy()


@router.put("/v1/star-policy", summary="Set the star rules of one's own district, town or committee")
def put_star_policy(body: StarPolicyIn, context: PolicySetter, session: ContextSession) -> StarPolicyOut:
    return StarService(session, context).set_policy(body)


@router.get("/v1/star-levels", summary="Volunteers by star level")
def star_levels(
    context: Reader, session: ContextSession, stars: Annotated[int | None, Query(ge=0, le=5)] = None
) -> list[StarLevelOut]:
    return StarService(session, context).levels(stars)
