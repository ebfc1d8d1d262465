from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from linli_scheduling.policies.schemas import HourPolicyIn, HourPolicyOut, RoundingPreset
from linli_scheduling.policies.service import POLICY_SETTERS, PolicyService, rounding_presets
from linli_shared.auth import CurrentContext, require_role
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.tenancy import TenantContext

router = APIRouter(tags=["policies"], responses=PROBLEM_RESPONSES)
PolicySetter = Annotated[TenantContext, Depends(require_role(POLICY_SETTERS))]


@router.get(
    "/v1/hour-policy",
    summary="The hour rules in force for the caller's node, and whose they are (own, town, district, default)",
)
def get_hour_policy(context: CurrentContext, session: ContextSession, now: Now) -> HourPolicyOut:
    return PolicyService(session, context, now).effective()


@router.put(
    "/v1/hour-policy",
    summary="Set the hour rules of the caller's own district, town or committee (its admin only)",
)
def put_hour_policy(
    body: HourPolicyIn, context: PolicySetter, session: ContextSession, now: Now
) -> HourPolicyOut:
    return PolicyService(session, context, now).replace(body)


@router.get("/v1/rounding-presets", summary="The roundings a policy may use, explained, with worked examples")
def list_rounding_presets(context: CurrentContext) -> list[RoundingPreset]:
    return rounding_presets()
