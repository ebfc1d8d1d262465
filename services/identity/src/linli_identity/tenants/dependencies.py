from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from linli_identity.audit.dependencies import ActorDep
from linli_identity.tenants.service import TenantService
from linli_shared.dependencies import ContextSession


def tenant_service(session: ContextSession, actor: ActorDep) -> TenantService:
    return TenantService(session, actor)


TenantServiceDep = Annotated[TenantService, Depends(tenant_service)]
