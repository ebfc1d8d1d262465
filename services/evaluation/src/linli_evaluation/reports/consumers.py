"""Keeps scheduling's project names for the reports. An upsert keyed by the project id: a re-delivered or
out-of-date event at worst writes a name the next change event corrects."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.reports import contracts
from linli_evaluation.reports.models import ProjectFact
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.tenancy import TenantContext

TOPICS = (contracts.PROJECTS_TOPIC,)


def keep_project(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.PROJECT_CREATED)
    values = {"tenant_path": context.tenant_path, "name": data.name}
    statement = insert(ProjectFact).values(tenant_id=context.tenant_id, project_id=data.project_id, **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "project_id"], set_={**values, "updated_at": func.now()}
        )
    )


HANDLERS: dict[str, Handler] = {
    contracts.PROJECT_CREATED.type: keep_project,
    contracts.PROJECT_CHANGED.type: keep_project,
}
