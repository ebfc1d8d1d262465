from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_roster.rules.models import Acknowledgement, RulesDocument
from linli_roster.volunteers.models import Status, Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class RulesRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def versions(self) -> Sequence[RulesDocument]:
        return self.session.scalars(
            select(RulesDocument)
            .where(within(RulesDocument.tenant_path, self.context.tenant_path))
            .order_by(RulesDocument.version.desc())
        ).all()

    def get(self, document_id: uuid.UUID) -> RulesDocument | None:
        return self.session.scalars(
            select(RulesDocument).where(
                RulesDocument.id == document_id, within(RulesDocument.tenant_path, self.context.tenant_path)
            )
        ).first()

    def next_version(self, tenant_id: uuid.UUID) -> int:
        latest = self.session.scalar(
            select(func.max(RulesDocument.version)).where(RulesDocument.tenant_id == tenant_id)
        )
        return int(latest or 0) + 1

    def acknowledgements(self, document: RulesDocument) -> Sequence[tuple[Volunteer, Acknowledgement | None]]:
        rows = self.session.execute(
            select(Volunteer, Acknowledgement)
            .outerjoin(
                Acknowledgement,
                (Acknowledgement.tenant_id == Volunteer.tenant_id)
                & (Acknowledgement.volunteer_id == Volunteer.id)
                & (Acknowledgement.document_id == document.id),
            )
            .where(
                Volunteer.tenant_id == document.tenant_id,
                within(Volunteer.tenant_path, self.context.tenant_path),
                (Volunteer.status == Status.ACTIVE) | Acknowledgement.id.is_not(None),
            )
            .order_by(Volunteer.name, Volunteer.id)
        ).all()
        return [(volunteer, acknowledgement) for volunteer, acknowledgement in rows]

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
