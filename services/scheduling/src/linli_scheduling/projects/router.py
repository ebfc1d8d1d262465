from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_scheduling.access import Reader, Writer
from linli_scheduling.projects.models import ProjectStatus
from linli_scheduling.projects.schemas import (
    MemberAdd,
    MemberOut,
    ProjectCreate,
    ProjectDetail,
    ProjectPage,
    ProjectUpdate,
    StatusChange,
)
from linli_scheduling.projects.service import ProjectService
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["projects"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post(
    "/v1/projects",
    status_code=status.HTTP_201_CREATED,
    summary="Start incubating a service project (项目孵化)",
)
def create_project(body: ProjectCreate, context: Writer, session: ContextSession, now: Now) -> ProjectDetail:
    return ProjectService(session, context, now).create(body)


@router.get("/v1/projects", summary="The projects, by name; optionally of one status")
def list_projects(
    context: Reader,
    session: ContextSession,
    now: Now,
    status_: Annotated[ProjectStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ProjectPage:
    return ProjectService(session, context, now).page(status_, cursor, limit)


@router.get("/v1/projects/{project_id}", summary="A project with its team, status trail and activity count")
def get_project(project_id: uuid.UUID, context: Reader, session: ContextSession, now: Now) -> ProjectDetail:
    return ProjectService(session, context, now).detail(project_id)


@router.patch(
    "/v1/projects/{project_id}",
    summary="Change name, description, owner or goals; `version` must be the one last read",
)
def update_project(
    project_id: uuid.UUID, body: ProjectUpdate, context: Writer, session: ContextSession, now: Now
) -> ProjectDetail:
    return ProjectService(session, context, now).update(project_id, body)


@router.post(
    "/v1/projects/{project_id}/status",
    summary="Establish or close a project: incubating → established | closed, established → closed",
)
def change_project_status(
    project_id: uuid.UUID, body: StatusChange, context: Writer, session: ContextSession, now: Now
) -> ProjectDetail:
    return ProjectService(session, context, now).change_status(project_id, body)


@router.post(
    "/v1/projects/{project_id}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Add an active volunteer of the committee to the team",
)
def add_project_member(
    project_id: uuid.UUID, body: MemberAdd, context: Writer, session: ContextSession, now: Now
) -> MemberOut:
    return ProjectService(session, context, now).add_member(project_id, body)


@router.post(
    "/v1/projects/{project_id}/members/{volunteer_id}/leave",
    summary="A member leaves the team; the membership stays as history",
)
def leave_project(
    project_id: uuid.UUID, volunteer_id: uuid.UUID, context: Writer, session: ContextSession, now: Now
) -> MemberOut:
    return ProjectService(session, context, now).leave(project_id, volunteer_id)
