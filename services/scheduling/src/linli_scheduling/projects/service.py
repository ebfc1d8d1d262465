"""Service projects (项目孵化): created incubating, established once they run, closed for good.

Every status change leaves a trail entry; a closed project is history — no edits, no new members — and
frees its name for a new project. Name, owner, goal and status changes are announced (PROJECT_CHANGED)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import writable_committee
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.projects.exceptions import (
    AlreadyMember,
    MemberNotFound,
    ProjectClosed,
    ProjectNameTaken,
    ProjectNotFound,
    ProjectVersionMismatch,
    StatusChangeNotAllowed,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_scheduling.projects.models import Project, ProjectMember, ProjectStatus, ProjectStatusChange
from linli_scheduling.projects.repository import ProjectRepository
from linli_scheduling.projects.schemas import (
    MemberAdd,
    MemberOut,
    ProjectCreate,
    ProjectDetail,
    ProjectPage,
    ProjectSummary,
    ProjectUpdate,
    StatusChange,
    StatusChangeOut,
)
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.events.envelope import EventSpec
from linli_shared.tenancy import TenantContext

#: where a project may go from each status; closed is final
NEXT_STATUSES: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    ProjectStatus.INCUBATING: frozenset({ProjectStatus.ESTABLISHED, ProjectStatus.CLOSED}),
    ProjectStatus.ESTABLISHED: frozenset({ProjectStatus.CLOSED}),
    ProjectStatus.CLOSED: frozenset(),
}
ACTIVE_VOLUNTEER = "active"
#: the partial unique indexes (migration 0001) that turn a race into a clear 409
ONE_OPEN_NAME = "projects_one_name"
ONE_OPEN_MEMBERSHIP = "project_members_once"


class ProjectService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.projects = ProjectRepository(session, context)

    # reading --------------------------------------------------------------------------------------------

    def page(self, status: ProjectStatus | None, cursor: str | None, limit: int) -> ProjectPage:
        after = decode_cursor(cursor, str, uuid.UUID) if cursor else None
        found = self.projects.projects(status, after, limit + 1)
        shown = list(found[:limit])
        sizes = self.projects.team_sizes(shown)
        owners = self.projects.volunteer_names(
            {(p.tenant_id, p.owner_volunteer_id) for p in shown if p.owner_volunteer_id is not None}
        )
        last = shown[-1] if len(found) > limit else None
        return ProjectPage(
            items=[_summary(project, owners, sizes.get(project.id, 0)) for project in shown],
            next_cursor=encode_cursor(last.name, last.id) if last else None,
        )

    def detail(self, project_id: uuid.UUID) -> ProjectDetail:
        return self._detail(self._project(project_id))

    # writing --------------------------------------------------------------------------------------------

    def create(self, request: ProjectCreate) -> ProjectDetail:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        if request.owner_volunteer_id is not None:
            self._active_volunteer(context.tenant_id, request.owner_volunteer_id)
        project = Project(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            name=request.name,
            description=request.description,
            owner_volunteer_id=request.owner_volunteer_id,
            goals=request.goals,
            status=ProjectStatus.INCUBATING,
            created_at=self.now,
            updated_at=self.now,
        )
        self._save(project, new=True)
        self._trail(project, None, ProjectStatus.INCUBATING, "")
        self._publish(project, events.PROJECT_CREATED)
        return self._detail(project)

    def update(self, project_id: uuid.UUID, request: ProjectUpdate) -> ProjectDetail:
        writable_committee(self.session, self.context)
        project = self._open_project(project_id)
        if request.version != project.version:
            raise ProjectVersionMismatch(
                f"You edited version {request.version}; the project is now at version {project.version}.",
                current_version=project.version,
            )
        changes = {
            field: value
            for field, value in request.model_dump(exclude_unset=True, exclude={"version"}).items()
            if getattr(project, field) != value
        }
        if changes.get("owner_volunteer_id") is not None:
            self._active_volunteer(project.tenant_id, changes["owner_volunteer_id"])
        if not changes:
            return self._detail(project)
        announced_before = _announced(project)
        for field, value in changes.items():
            setattr(project, field, value)
        project.updated_at = self.now
        self._save(project)
        if _announced(project) != announced_before:
            self._publish(project, events.PROJECT_CHANGED)
        return self._detail(project)

    def change_status(self, project_id: uuid.UUID, request: StatusChange) -> ProjectDetail:
        writable_committee(self.session, self.context)
        project = self._project(project_id, for_update=True)
        current = ProjectStatus(project.status)
        if request.status not in NEXT_STATUSES[current]:
            raise StatusChangeNotAllowed(f"A project that is {current} cannot become {request.status}.")
        project.status = request.status
        project.updated_at = self.now
        self._save(project)
        self._trail(project, current, request.status, request.note)
        self._publish(project, events.PROJECT_CHANGED)
        return self._detail(project)

    def add_member(self, project_id: uuid.UUID, request: MemberAdd) -> MemberOut:
        writable_committee(self.session, self.context)
        project = self._open_project(project_id)
        volunteer = self._active_volunteer(project.tenant_id, request.volunteer_id)
        member = ProjectMember(
            tenant_id=project.tenant_id,
            id=uuid.uuid4(),
            tenant_path=project.tenant_path,
            project_id=project.id,
            volunteer_id=volunteer.volunteer_id,
            duty=request.duty,
            joined_at=self.now,
        )
        try:
            with self.session.begin_nested():
                self.projects.add(member)
        except IntegrityError as error:
            if _constraint(error) == ONE_OPEN_MEMBERSHIP:
                raise AlreadyMember() from error
            raise
        return _member_out(member, {volunteer.volunteer_id: volunteer.name})

    def leave(self, project_id: uuid.UUID, volunteer_id: uuid.UUID) -> MemberOut:
        """Leaving keeps the membership as history (`left_at`); the volunteer may join again later."""
        writable_committee(self.session, self.context)
        project = self._open_project(project_id)
        member = self.projects.open_membership(project, volunteer_id)
        if member is None:
            raise MemberNotFound()
        member.left_at = self.now
        self.session.flush()
        return _member_out(member, self.projects.volunteer_names({(project.tenant_id, volunteer_id)}))

    # helpers --------------------------------------------------------------------------------------------

    def _project(self, project_id: uuid.UUID, for_update: bool = False) -> Project:
        project = self.projects.project(project_id, for_update=for_update)
        if project is None:
            raise ProjectNotFound()
        return project

    def _open_project(self, project_id: uuid.UUID) -> Project:
        """Locked, so an edit or a new member cannot slip past a concurrent close."""
        project = self._project(project_id, for_update=True)
        if project.status == ProjectStatus.CLOSED:
            raise ProjectClosed()
        return project

    def _active_volunteer(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerFact:
        volunteer = self.projects.volunteer(tenant_id, volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        if volunteer.status != ACTIVE_VOLUNTEER:
            raise VolunteerNotActive()
        return volunteer

    def _save(self, project: Project, new: bool = False) -> None:
        try:
            with self.session.begin_nested():
                if new:
                    self.session.add(project)
                self.session.flush()
        except IntegrityError as error:
            if _constraint(error) == ONE_OPEN_NAME:
                raise ProjectNameTaken() from error
            raise

    def _trail(
        self, project: Project, from_status: ProjectStatus | None, to_status: ProjectStatus, note: str
    ) -> None:
        self.projects.add(
            ProjectStatusChange(
                tenant_id=project.tenant_id,
                id=uuid.uuid4(),
                tenant_path=project.tenant_path,
                project_id=project.id,
                from_status=from_status,
                to_status=to_status,
                note=note,
                changed_by=self.context.subject,
                changed_at=self.now,
            )
        )

    def _publish(self, project: Project, spec: EventSpec[events.ProjectV1]) -> None:
        messaging.publish(
            self.session,
            spec,
            events.ProjectV1(
                project_id=project.id,
                name=project.name,
                status=project.status,
                owner_volunteer_id=project.owner_volunteer_id,
                goals=list(project.goals),
            ),
            subject=project.id,
            tenant_id=project.tenant_id,
            tenant_path=project.tenant_path,
        )

    def _detail(self, project: Project) -> ProjectDetail:
        members = self.projects.members(project)
        people = {(project.tenant_id, member.volunteer_id) for member in members}
        if project.owner_volunteer_id is not None:
            people.add((project.tenant_id, project.owner_volunteer_id))
        names = self.projects.volunteer_names(people)
        team = [_member_out(member, names) for member in members if member.left_at is None]
        summary = _summary(project, names, len(team))
        return ProjectDetail(
            **summary.model_dump(),
            description=project.description,
            team=team,
            former_members=[_member_out(member, names) for member in members if member.left_at is not None],
            status_trail=[
                StatusChangeOut.model_validate(change, from_attributes=True)
                for change in self.projects.status_trail(project)
            ],
            activity_count=self.projects.activity_count(project),
        )


def _announced(project: Project) -> tuple[object, ...]:
    """What PROJECT_CHANGED carries: a change to anything else (the description) is not announced."""
    return (project.name, project.status, project.owner_volunteer_id, tuple(project.goals))


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def _summary(project: Project, names: dict[uuid.UUID, str], team_size: int) -> ProjectSummary:
    return ProjectSummary(
        id=project.id,
        name=project.name,
        status=ProjectStatus(project.status),
        owner_volunteer_id=project.owner_volunteer_id,
        owner_name=names.get(project.owner_volunteer_id) if project.owner_volunteer_id else None,
        goals=list(project.goals),
        team_size=team_size,
        version=project.version,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )


def _member_out(member: ProjectMember, names: dict[uuid.UUID, str]) -> MemberOut:
    return MemberOut(
        volunteer_id=member.volunteer_id,
        name=names.get(member.volunteer_id, ""),
        duty=member.duty,
        joined_at=member.joined_at,
        left_at=member.left_at,
    )
