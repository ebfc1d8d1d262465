from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status

from linli_identity.accounts.roles import TENANTS_READ, TENANTS_WRITE
from linli_identity.tenants.dependencies import TenantServiceDep
from linli_identity.tenants.models import Tenant
from linli_identity.tenants.schemas import TenantCreate, TenantDeactivate, TenantMove, TenantOut, TenantRename
from linli_shared.auth import require_scopes
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/tenants", tags=["tenants"], responses=PROBLEM_RESPONSES)
Readers = [Depends(require_scopes(TENANTS_READ))]
Writers = [Depends(require_scopes(TENANTS_WRITE))]


def _out(tenant: Tenant) -> TenantOut:
    return TenantOut.model_validate(tenant, from_attributes=True)


@router.get("", dependencies=Readers, summary="The tenant tree below (and including) your node")
def list_tenants(service: TenantServiceDep, include_inactive: bool = False) -> list[TenantOut]:
    return [_out(tenant) for tenant in service.subtree(include_inactive)]


@router.post("", dependencies=Writers, status_code=status.HTTP_201_CREATED, summary="Add a town or committee")
def create_tenant(body: TenantCreate, service: TenantServiceDep) -> TenantOut:
    return _out(service.create_child(body))


@router.get("/{tenant_id}", dependencies=Readers)
def get_tenant(tenant_id: uuid.UUID, service: TenantServiceDep) -> TenantOut:
    return _out(service.get(tenant_id))


@router.patch("/{tenant_id}", dependencies=Writers, summary="Rename")
def rename_tenant(tenant_id: uuid.UUID, body: TenantRename, service: TenantServiceDep) -> TenantOut:
    return _out(service.rename(tenant_id, body.name))


@router.post(
    "/{tenant_id}/move", dependencies=Writers, summary="Move under another parent (with its subtree)"
)
def move_tenant(tenant_id: uuid.UUID, body: TenantMove, service: TenantServiceDep) -> TenantOut:
    return _out(service.move(tenant_id, body))


@router.post(
    "/{tenant_id}/deactivate", dependencies=Writers, summary="Deactivate (with its subtree); history stays"
)
def deactivate_tenant(tenant_id: uuid.UUID, body: TenantDeactivate, service: TenantServiceDep) -> TenantOut:
    return _out(service.deactivate(tenant_id, body.reason))
