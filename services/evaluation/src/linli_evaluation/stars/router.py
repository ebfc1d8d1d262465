"""Star levels and the rules that award them (per district, town or committee; national by default)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.access import PolicySetter, Reader
from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.stars.levels import star_rules
from linli_evaluation.stars.models import StarLevel, StarPolicy
from linli_evaluation.stars.schemas import StarLevelOut, StarPolicyIn, StarPolicyOut
from linli_shared.auth import CurrentContext
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.problems import Forbidden
from linli_shared.tenancy import TenantContext

router = APIRouter(tags=["stars"], responses=PROBLEM_RESPONSES)


@router.get("/v1/star-policy", summary="The star rules in force here, and whose they are")
def get_star_policy(context: CurrentContext, session: ContextSession) -> StarPolicyOut:
    return _policy_out(session, context)


@router.put("/v1/star-policy", summary="Set the star rules of one's own district, town or committee")
def put_star_policy(body: StarPolicyIn, context: PolicySetter, session: ContextSession) -> StarPolicyOut:
    if context.tenant_id is None:
        raise Forbidden("Star rules belong to a district, a town or a committee.")
    directory.ensure_active(session, context.tenant_id)
    values = {
        "tenant_path": context.tenant_path,
        "thresholds": body.thresholds,
        "tenure_months": body.tenure_months,
        "updated_by": context.subject,
    }
    statement = insert(StarPolicy).values(tenant_id=context.tenant_id, **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id"], set_={**values, "updated_at": func.now()}
        )
    )
    return _policy_out(session, context)


@router.get("/v1/star-levels", summary="Volunteers by star level")
def star_levels(
    context: Reader, session: ContextSession, stars: Annotated[int | None, Query(ge=0, le=5)] = None
) -> list[StarLevelOut]:
    statement = select(StarLevel, VolunteerFact.name).join(
        VolunteerFact,
        (VolunteerFact.tenant_id == StarLevel.tenant_id)
        & (VolunteerFact.volunteer_id == StarLevel.volunteer_id),
    )
    if stars is not None:
        statement = statement.where(StarLevel.stars == stars)
    rows = session.execute(
        statement.order_by(
            StarLevel.stars.desc(), StarLevel.verified_hours.desc(), StarLevel.volunteer_id
        ).limit(500)
    ).all()
    return [
        StarLevelOut(
            volunteer_id=level.volunteer_id,
            name=name,
            stars=level.stars,
            verified_hours=level.verified_hours,
            since=level.since,
        )
        for level, name in rows
    ]


def _policy_out(session: Session, context: TenantContext) -> StarPolicyOut:
    rules = star_rules(session, context.tenant_path)
    source, source_id = "national_default", None
    if rules.source_tenant_path is not None:
        labels = rules.source_tenant_path.split(".")
        source_id = uuid.UUID(hex=labels[-1][1:])
        # a committee may not read its ancestors' directory rows: the path's depth says what they are
        # (root.district = 2 labels, root.district.town = 3)
        source = "own" if source_id == context.tenant_id else ("town" if len(labels) == 3 else "district")
    return StarPolicyOut(
        thresholds=list(rules.thresholds),
        tenure_months=list(rules.tenure_months),
        source=source,
        source_tenant_id=source_id,
    )
