"""Volunteer logins. Include this router before the volunteers router (its paths sit under
`/v1/volunteers/{volunteer_id}`)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status

from linli_roster.access import WRITERS
from linli_roster.logins.dependencies import LoginServiceDep
from linli_roster.logins.schemas import LoginInvitationOut
from linli_roster.volunteers.schemas import VolunteerOut
from linli_shared.auth import require_role
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["logins"], responses=PROBLEM_RESPONSES)
Writers = [Depends(require_role(WRITERS))]


@router.post(
    "/volunteers/{volunteer_id}/login-invitation",
    dependencies=Writers,
    status_code=status.HTTP_201_CREATED,
    summary="Give a volunteer a login: a one-time link to show as a QR code or forward by WeChat",
)
def invite_volunteer(volunteer_id: uuid.UUID, service: LoginServiceDep) -> LoginInvitationOut:
    return service.invite(volunteer_id)


@router.get("/me/volunteer", summary="A volunteer's own record (volunteers see only themselves)")
def my_volunteer_record(service: LoginServiceDep) -> VolunteerOut:
    return service.mine()
