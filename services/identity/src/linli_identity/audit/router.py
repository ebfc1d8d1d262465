from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from linli_identity.accounts.roles import AUDIT_READ
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.schemas import AuditPage
from linli_identity.audit.service import read_page
from linli_shared.auth import CurrentContext, require_scopes
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/audit-log", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("", dependencies=[Depends(require_scopes(AUDIT_READ))], summary="Admin actions, newest first")
def audit_log(
    session: ContextSession,
    context: CurrentContext,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
    tenant_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")] = None,
) -> AuditPage:
    return read_page(AuditRepository(session, context), limit, before, tenant_id, action)
