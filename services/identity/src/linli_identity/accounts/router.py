from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, status

from linli_identity.accounts.dependencies import AccountServiceDep, SettingsDep
from linli_identity.accounts.roles import INVITATIONS_VOLUNTEER, MEMBERS_READ, MEMBERS_WRITE
from linli_identity.accounts.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationIssued,
    InvitationOut,
    MembershipOut,
    VolunteerInvitationCreate,
)
from linli_identity.accounts.service import accept_invitation
from linli_identity.audit.dependencies import client_ip
from linli_identity.auth.schemas import TokenPair
from linli_shared.auth import require_scopes
from linli_shared.dependencies import PublicSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["members"], responses=PROBLEM_RESPONSES)
Readers = [Depends(require_scopes(MEMBERS_READ))]
Writers = [Depends(require_scopes(MEMBERS_WRITE))]
VolunteerInviters = [Depends(require_scopes(INVITATIONS_VOLUNTEER))]


@router.post(
    "/tenants/{tenant_id}/invitations",
    dependencies=Writers,
    status_code=status.HTTP_201_CREATED,
    summary="Invite someone by a one-time, expiring link",
)
def create_invitation(
    tenant_id: uuid.UUID, body: InvitationCreate, service: AccountServiceDep
) -> InvitationIssued:
    return service.invite(tenant_id, body)


@router.post(
    "/service/tenants/{tenant_id}/volunteer-invitations",
    dependencies=VolunteerInviters,
    status_code=status.HTTP_201_CREATED,
    summary="A service gives a committee's volunteer a login (client-credentials token)",
)
def create_volunteer_invitation(
    tenant_id: uuid.UUID, body: VolunteerInvitationCreate, service: AccountServiceDep
) -> InvitationIssued:
    return service.invite_volunteer(tenant_id, body)


@router.get("/tenants/{tenant_id}/invitations", dependencies=Readers)
def list_invitations(tenant_id: uuid.UUID, service: AccountServiceDep) -> list[InvitationOut]:
    return service.invitations(tenant_id)


@router.post("/tenants/{tenant_id}/invitations/{invitation_id}/revoke", dependencies=Writers)
def revoke_invitation(
    tenant_id: uuid.UUID, invitation_id: uuid.UUID, service: AccountServiceDep
) -> InvitationOut:
    return service.revoke_invitation(tenant_id, invitation_id)


@router.post("/invitations/accept", summary="Accept an invitation: set a password and log in")
def accept(
    body: InvitationAccept, request: Request, session: PublicSession, settings: SettingsDep
) -> TokenPair:
    return accept_invitation(session, settings, body, client_ip(request))


@router.get("/tenants/{tenant_id}/memberships", dependencies=Readers)
def list_memberships(
    tenant_id: uuid.UUID, service: AccountServiceDep, include_revoked: bool = False
) -> list[MembershipOut]:
    return service.memberships(tenant_id, include_revoked)


@router.post("/memberships/{membership_id}/revoke", dependencies=Writers)
def revoke_membership(membership_id: uuid.UUID, service: AccountServiceDep) -> MembershipOut:
    return service.revoke_membership(membership_id)
