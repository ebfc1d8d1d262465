"""The committee's volunteer management rules (《志愿者管理办法》): versions and who acknowledged which."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.rules.exceptions import AlreadyAcknowledged, RulesNotFound
from linli_roster.rules.models import Acknowledgement, RulesDocument
from linli_roster.rules.repository import RulesRepository
from linli_roster.rules.schemas import (
    AcknowledgedBy,
    AcknowledgementCreate,
    AcknowledgementStatus,
    RulesCreate,
    RulesOut,
)
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.tenancy import TenantContext


class RulesService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.rules = RulesRepository(session, context)

    def versions(self) -> list[RulesOut]:
        return [_out(document) for document in self.rules.versions()]

    def publish(self, request: RulesCreate) -> RulesOut:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        document = RulesDocument(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            version=self.rules.next_version(context.tenant_id),
            title=request.title,
            body=request.body,
            published_on=request.published_on,
        )
        self.rules.add(document)
        return _out(document)

    def acknowledge(self, document_id: uuid.UUID, request: AcknowledgementCreate) -> AcknowledgementStatus:
        writable_committee(self.session, self.context)
        document = self._document(document_id)
        volunteer = VolunteerRepository(self.session, self.context).get(request.volunteer_id)
        if (
            volunteer is None
            or volunteer.status != Status.ACTIVE
            or volunteer.tenant_id != document.tenant_id
        ):
            raise VolunteerNotFound()
        try:
            with self.session.begin_nested():
                self.rules.add(
                    Acknowledgement(
                        tenant_id=document.tenant_id,
                        id=uuid.uuid4(),
                        tenant_path=document.tenant_path,
                        document_id=document.id,
                        volunteer_id=volunteer.id,
                        acknowledged_on=request.acknowledged_on,
                        recorded_by=self.context.subject,
                    )
                )
        except IntegrityError as error:
            raise AlreadyAcknowledged() from error
        return self.status(document.id)

    def status(self, document_id: uuid.UUID) -> AcknowledgementStatus:
        document = self._document(document_id)
        acknowledged: list[AcknowledgedBy] = []
        missing: list[AcknowledgedBy] = []
        for volunteer, acknowledgement in self.rules.acknowledgements(document):
            entry = AcknowledgedBy(
                volunteer_id=volunteer.id,
                name=volunteer.name,
                acknowledged_on=acknowledgement.acknowledged_on if acknowledgement else None,
            )
            (acknowledged if acknowledgement else missing).append(entry)
        return AcknowledgementStatus(version=document.version, acknowledged=acknowledged, missing=missing)

    def _document(self, document_id: uuid.UUID) -> RulesDocument:
        document = self.rules.get(document_id)
        if document is None:
            raise RulesNotFound()
        return document


def _out(document: RulesDocument) -> RulesOut:
    return RulesOut(
        id=document.id,
        version=document.version,
        title=document.title,
        body=document.body,
        published_on=document.published_on,
    )
