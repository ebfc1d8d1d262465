"""Helpers for the project tests: what the service published, an exited volunteer, and an activity
planned under a project (written straight to the database, as `plan` does)."""

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select, update

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.database import messaging
from linli_scheduling.facts.models import VolunteerFact
from linli_shared.tenancy import Role, TenantContext


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def published(scheduling_database) -> Callable[[str], list[dict]]:
    """`published(project_id)` → the events keyed by that project, oldest first."""

    def events(subject: str) -> list[dict]:
        with scheduling_database.transaction() as session:
            return list(
                session.execute(
                    select(messaging.outbox.c.event)
                    .where(messaging.outbox.c.key == str(subject))
                    .order_by(messaging.outbox.c.id)
                ).scalars()
            )

    return events


@pytest.fixture
def exit_volunteer(scheduling_database) -> Callable[[object, uuid.UUID], None]:
    def mark(tenant, volunteer_id: uuid.UUID) -> None:
        with scheduling_database.transaction(service_context(tenant)) as session:
            session.execute(
                update(VolunteerFact)
                .where(VolunteerFact.tenant_id == tenant.id, VolunteerFact.volunteer_id == volunteer_id)
                .values(status="exited")
            )

    return mark


@pytest.fixture
def under_project(scheduling_database) -> Callable[[object, uuid.UUID, str], None]:
    """`under_project(tenant, shift_id, project_id)`: the shift's activity belongs to the project."""

    def link(tenant, shift_id: uuid.UUID, project_id: str) -> None:
        with scheduling_database.transaction(service_context(tenant)) as session:
            activity_id = session.scalars(
                select(Shift.activity_id).where(Shift.tenant_id == tenant.id, Shift.id == shift_id)
            ).one()
            session.execute(
                update(Activity)
                .where(Activity.tenant_id == tenant.id, Activity.id == activity_id)
                .values(project_id=uuid.UUID(project_id))
            )

    return link
