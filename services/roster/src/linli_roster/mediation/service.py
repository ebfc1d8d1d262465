"""The mediation studio (调解工作室): intake, assigned mediators, sessions and the outcome.

Cases are confidential: the router admits only tenant admins, and events carry ids and the category only."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.events import groups as events
from linli_roster.mediation.exceptions import (
    AlreadyOnCase,
    CaseClosed,
    CaseNotFound,
    InvalidCase,
    NotAMediator,
    NotOnCase,
)
from linli_roster.mediation.models import (
    Assignment,
    CaseStatus,
    Category,
    MediationCase,
    MediationSession,
    Outcome,
)
from linli_roster.mediation.repository import MediationRepository
from linli_roster.mediation.schemas import (
    CaseClose,
    CaseCreate,
    CaseOut,
    CaseSummary,
    MediatorAssign,
    MediatorOut,
    MediatorRelease,
    SessionCreate,
    SessionOut,
)
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.tenancy import TenantContext


class MediationService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.repo = MediationRepository(session, context)

    def cases(self, status: CaseStatus | None, category: Category | None) -> list[CaseSummary]:
        cases = self.repo.cases(status, category)
        assignments = self.repo.assignments([case.id for case in cases])
        return [
            CaseSummary(
                id=case.id,
                category=case.category,
                parties=list(case.parties),
                received_on=case.received_on,
                status=case.status,
                outcome=case.outcome,
                closed_on=case.closed_on,
                mediators=[
                    name for assignment, name in assignments[case.id] if assignment.released_on is None
                ],
            )
            for case in cases
        ]

    def case(self, case_id: uuid.UUID) -> CaseOut:
        case = self._case(case_id)
        return CaseOut(
            id=case.id,
            parties=list(case.parties),
            category=case.category,
            summary=case.summary,
            received_on=case.received_on,
            status=case.status,
            outcome=case.outcome,
            agreement=case.agreement,
            closed_on=case.closed_on,
            recorded_by=case.recorded_by,
            mediators=[
                MediatorOut(
                    volunteer_id=assignment.volunteer_id,
                    name=name,
                    assigned_on=assignment.assigned_on,
                    released_on=assignment.released_on,
                )
                for assignment, name in self.repo.assignments([case.id])[case.id]
            ],
            sessions=[
                SessionOut(id=row.id, held_on=row.held_on, notes=row.notes, recorded_by=row.recorded_by)
                for row in self.repo.sessions(case.id)
            ],
            updated_at=case.updated_at,
        )

    def open_case(self, request: CaseCreate) -> CaseOut:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        case = MediationCase(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            parties=list(request.parties),
            category=request.category,
            summary=request.summary,
            received_on=request.received_on,
            status=CaseStatus.OPEN,
            recorded_by=context.subject,
        )
        self.repo.add(case)
        messaging.publish(
            self.session,
            events.MEDIATION_CASE_OPENED,
            events.MediationCaseOpenedV1(
                case_id=case.id, category=case.category, received_on=case.received_on
            ),
            subject=case.id,
            tenant_id=case.tenant_id,
            tenant_path=case.tenant_path,
        )
        return self.case(case.id)

    def assign(self, case_id: uuid.UUID, request: MediatorAssign) -> CaseOut:
        """Add a mediator; two at once is a co-mediation, as mentor pairs (以老带新) do."""
        writable_committee(self.session, self.context)
        case = self._open(case_id)
        volunteer = VolunteerRepository(self.session, self.context).get(request.volunteer_id)
        if volunteer is None or volunteer.tenant_id != case.tenant_id or volunteer.status != Status.ACTIVE:
            raise VolunteerNotFound("An active volunteer of this committee was not found.")
        if not self.repo.holds_mediator_role(volunteer):
            raise NotAMediator()
        if request.assigned_on < case.received_on:
            raise InvalidCase("A mediator cannot be assigned before the case was received.")
        if self.repo.current_assignment(case.id, volunteer.id) is not None:
            raise AlreadyOnCase()
        self.repo.add(
            Assignment(
                tenant_id=case.tenant_id,
                id=uuid.uuid4(),
                tenant_path=case.tenant_path,
                case_id=case.id,
                volunteer_id=volunteer.id,
                assigned_on=request.assigned_on,
            )
        )
        return self._touched(case)

    def release(self, case_id: uuid.UUID, volunteer_id: uuid.UUID, request: MediatorRelease) -> CaseOut:
        writable_committee(self.session, self.context)
        case = self._open(case_id)
        assignment = self.repo.current_assignment(case.id, volunteer_id)
        if assignment is None:
            raise NotOnCase()
        if request.released_on < assignment.assigned_on:
            raise InvalidCase("A mediator cannot be released before being assigned.")
        assignment.released_on = request.released_on
        return self._touched(case)

    def record_session(self, case_id: uuid.UUID, request: SessionCreate) -> CaseOut:
        writable_committee(self.session, self.context)
        case = self._open(case_id)
        if request.held_on < case.received_on:
            raise InvalidCase("A session cannot be held before the case was received.")
        if not self._has_mediator(case):
            raise InvalidCase("Assign a mediator before recording a session.")
        self.repo.add(
            MediationSession(
                tenant_id=case.tenant_id,
                id=uuid.uuid4(),
                tenant_path=case.tenant_path,
                case_id=case.id,
                held_on=request.held_on,
                notes=request.notes,
                recorded_by=self.context.subject,
            )
        )
        return self._touched(case)

    def close(self, case_id: uuid.UUID, request: CaseClose) -> CaseOut:
        writable_committee(self.session, self.context)
        case = self._open(case_id)
        if request.outcome == Outcome.RESOLVED and not request.agreement:
            raise InvalidCase("A resolved case records the agreement reached (调解协议).")
        if request.closed_on < case.received_on:
            raise InvalidCase("A case cannot close before it was received.")
        sessions = self.repo.sessions(case.id)
        if sessions and request.closed_on < sessions[-1].held_on:
            raise InvalidCase("A case cannot close before its last session.")
        if not self._has_mediator(case):
            raise InvalidCase("A case is closed by its mediators: assign one first.")
        case.status = CaseStatus.CLOSED
        case.outcome = request.outcome
        case.agreement = request.agreement or None
        case.closed_on = request.closed_on
        out = self._touched(case)
        messaging.publish(
            self.session,
            events.MEDIATION_CASE_CLOSED,
            events.MediationCaseClosedV1(
                case_id=case.id,
                category=case.category,
                outcome=request.outcome,
                received_on=case.received_on,
                closed_on=request.closed_on,
            ),
            subject=case.id,
            tenant_id=case.tenant_id,
            tenant_path=case.tenant_path,
        )
        return out

    def _case(self, case_id: uuid.UUID, for_update: bool = False) -> MediationCase:
        case = self.repo.case(case_id, for_update)
        if case is None:
            raise CaseNotFound()
        return case

    def _open(self, case_id: uuid.UUID) -> MediationCase:
        case = self._case(case_id, for_update=True)
        if case.status == CaseStatus.CLOSED:
            raise CaseClosed()
        return case

    def _has_mediator(self, case: MediationCase) -> bool:
        return any(
            assignment.released_on is None for assignment, _ in self.repo.assignments([case.id])[case.id]
        )

    def _touched(self, case: MediationCase) -> CaseOut:
        case.updated_at = func.now()
        self.session.flush()
        self.session.refresh(case)
        return self.case(case.id)
