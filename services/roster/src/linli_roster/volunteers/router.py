from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from linli_roster.access import WRITERS
from linli_roster.volunteers.dependencies import VolunteerFilterDep, VolunteerServiceDep
from linli_roster.volunteers.schemas import (
    ChangeOut,
    Exit,
    Rejoin,
    RoleAssign,
    RoleEnd,
    TierChange,
    VolunteerCreate,
    VolunteerOut,
    VolunteerPage,
    VolunteerUpdate,
)
from linli_shared.auth import require_role
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/volunteers", tags=["volunteers"], responses=PROBLEM_RESPONSES)
Writers = [Depends(require_role(WRITERS))]


@router.get("", summary="The roster: filter, search by name or phone suffix, page with a cursor")
def list_volunteers(
    service: VolunteerServiceDep,
    where: VolunteerFilterDep,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> VolunteerPage:
    return service.page(where, cursor, limit)


@router.post("", dependencies=Writers, status_code=status.HTTP_201_CREATED, summary="Register a volunteer")
def register(body: VolunteerCreate, service: VolunteerServiceDep) -> VolunteerOut:
    return service.register(body)


@router.get("/{volunteer_id}")
def get_volunteer(volunteer_id: uuid.UUID, service: VolunteerServiceDep) -> VolunteerOut:
    return service.get(volunteer_id)


@router.patch("/{volunteer_id}", dependencies=Writers)
def update_volunteer(
    volunteer_id: uuid.UUID, body: VolunteerUpdate, service: VolunteerServiceDep
) -> VolunteerOut:
    return service.update(volunteer_id, body)


@router.get("/{volunteer_id}/history", summary="Tier changes, roles, exits and re-joins, oldest first")
def history(volunteer_id: uuid.UUID, service: VolunteerServiceDep) -> list[ChangeOut]:
    return service.history(volunteer_id)


@router.post("/{volunteer_id}/tier", dependencies=Writers, summary="volunteer → backbone → reserve")
def change_tier(volunteer_id: uuid.UUID, body: TierChange, service: VolunteerServiceDep) -> VolunteerOut:
    return service.change_tier(volunteer_id, body)


@router.post(
    "/{volunteer_id}/roles", dependencies=Writers, summary="Add a stacked role with a scope and a term"
)
def assign_role(volunteer_id: uuid.UUID, body: RoleAssign, service: VolunteerServiceDep) -> VolunteerOut:
    return service.assign_role(volunteer_id, body)


@router.post("/{volunteer_id}/roles/{role_id}/end", dependencies=Writers)
def end_role(
    volunteer_id: uuid.UUID, role_id: uuid.UUID, body: RoleEnd, service: VolunteerServiceDep
) -> VolunteerOut:
    return service.end_role(volunteer_id, role_id, body)


@router.post("/{volunteer_id}/exit", dependencies=Writers, summary="Voluntary exit, dismissal or inactivity")
def exit_volunteer(volunteer_id: uuid.UUID, body: Exit, service: VolunteerServiceDep) -> VolunteerOut:
    return service.exit(volunteer_id, body)


@router.post("/{volunteer_id}/rejoin", dependencies=Writers)
def rejoin(volunteer_id: uuid.UUID, body: Rejoin, service: VolunteerServiceDep) -> VolunteerOut:
    return service.rejoin(volunteer_id, body)
