"""Mediation cases are confidential: the committee's tenant admins run the studio, and a mediator (a volunteer
with a login) reads the cases they are assigned to — nothing else (the repository narrows their view).

Staff, auditors and town or district admins — who otherwise read the roster — are refused (403) on every
mediation endpoint; the cases never appear in roll-ups. A token acting for no committee is refused too."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from linli_shared.auth import CurrentContext
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

MEDIATION_ROLES = frozenset({Role.TENANT_ADMIN})


def mediation_context(context: CurrentContext) -> TenantContext:
    if context.role not in MEDIATION_ROLES or context.tenant_id is None:
        raise Forbidden("Mediation cases are visible only to the committee's administrators.")
    return context


MediationAdmin = Annotated[TenantContext, Depends(mediation_context)]


def mediation_reader(context: CurrentContext) -> TenantContext:
    if context.role not in MEDIATION_ROLES | {Role.VOLUNTEER} or context.tenant_id is None:
        raise Forbidden(
            "Mediation cases are visible only to the committee's administrators and their mediators."
        )
    return context


MediationReader = Annotated[TenantContext, Depends(mediation_reader)]
