from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.projects.models import Project, ProjectMember, ProjectStatus, ProjectStatusChange
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class ProjectRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def project(self, project_id: uuid.UUID, for_update: bool = False) -> Project | None:
        query = select(Project).where(
            Project.id == project_id, within(Project.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def projects(
        self, status: ProjectStatus | None, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> Sequence[Project]:
        """Keyset-paged by (name, id)."""
        query = select(Project).where(within(Project.tenant_path, self.context.tenant_path))
        if status is not None:
            query = query.where(Project.status == status)
        if after is not None:
            name, project_id = after
            query = query.where(or_(Project.name > name, and_(Project.name == name, Project.id > project_id)))
        return self.session.scalars(query.order_by(Project.name, Project.id).limit(limit)).all()

    def team_sizes(self, projects: Collection[Project]) -> dict[uuid.UUID, int]:
        if not projects:
            return {}
        rows = self.session.execute(
            select(ProjectMember.project_id, func.count())
            .where(
                ProjectMember.tenant_id.in_({project.tenant_id for project in projects}),
                ProjectMember.project_id.in_([project.id for project in projects]),
                ProjectMember.left_at.is_(None),
                within(ProjectMember.tenant_path, self.context.tenant_path),
            )
            .group_by(ProjectMember.project_id)
        ).all()
        return {project_id: count for project_id, count in rows}

    def members(self, project: Project) -> Sequence[ProjectMember]:
        """Everyone who was ever on the team, earliest first."""
        return self.session.scalars(
            select(ProjectMember)
            .where(ProjectMember.tenant_id == project.tenant_id, ProjectMember.project_id == project.id)
            .order_by(ProjectMember.joined_at, ProjectMember.id)
        ).all()

    def open_membership(self, project: Project, volunteer_id: uuid.UUID) -> ProjectMember | None:
        return self.session.scalars(
            select(ProjectMember)
            .where(
                ProjectMember.tenant_id == project.tenant_id,
                ProjectMember.project_id == project.id,
                ProjectMember.volunteer_id == volunteer_id,
                ProjectMember.left_at.is_(None),
            )
            .with_for_update()
        ).first()

    def status_trail(self, project: Project) -> Sequence[ProjectStatusChange]:
        return self.session.scalars(
            select(ProjectStatusChange)
            .where(
                ProjectStatusChange.tenant_id == project.tenant_id,
                ProjectStatusChange.project_id == project.id,
            )
            .order_by(ProjectStatusChange.changed_at, ProjectStatusChange.id)
        ).all()

    def activity_count(self, project: Project) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(Activity)
                .where(Activity.tenant_id == project.tenant_id, Activity.project_id == project.id)
            )
            or 0
        )

    def volunteer(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.tenant_id == tenant_id,
                VolunteerFact.volunteer_id == volunteer_id,
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    def volunteer_names(self, keys: Collection[tuple[uuid.UUID, uuid.UUID]]) -> dict[uuid.UUID, str]:
        """(tenant id, volunteer id) → name."""
        if not keys:
            return {}
        rows = self.session.execute(
            select(VolunteerFact.volunteer_id, VolunteerFact.name).where(
                VolunteerFact.tenant_id.in_({tenant_id for tenant_id, _ in keys}),
                VolunteerFact.volunteer_id.in_({volunteer_id for _, volunteer_id in keys}),
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).all()
        return {volunteer_id: name for volunteer_id, name in rows}

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
