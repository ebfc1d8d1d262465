"""Keeps what the score needs from other services: sign-ups from scheduling (reliability) and qualification
grants from the roster (training). Upserts keyed by the producers' ids; a sign-up's or a grant's end state
(cancelled, no-show, expired, revoked) is never undone by a confirmation or grant handled after it, so a
re-delivered event changes nothing."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.scores import contracts
from linli_evaluation.scores.models import (
    QualificationFact,
    QualificationStatus,
    SignupFact,
    SignupStatus,
)
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import CloudEvent
from linli_shared.tenancy import TenantContext

TOPICS = (contracts.SIGNUPS_TOPIC, contracts.TRAINING_TOPIC)


def signup_confirmed(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.SIGNUP_CONFIRMED)
    statement = insert(SignupFact).values(
        **_signup_keys(data, context), status=SignupStatus.CONFIRMED, held_place=True, late_cancellation=False
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "signup_id"],
            set_={"held_place": True, "starts_at": statement.excluded.starts_at, "updated_at": func.now()},
        )
    )


def signup_cancelled(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """Scheduling flags a cancellation late only when it gave up a confirmed place; a waitlisted sign-up
    leaving the queue, or a shift called off, is no reliability signal."""
    data = event.payload(contracts.SIGNUP_CANCELLED)
    statement = insert(SignupFact).values(
        **_signup_keys(data, context),
        status=SignupStatus.CANCELLED,
        held_place=data.late_cancellation,
        late_cancellation=data.late_cancellation,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "signup_id"],
            set_={
                "status": SignupStatus.CANCELLED,
                "late_cancellation": statement.excluded.late_cancellation,
                "held_place": SignupFact.held_place | statement.excluded.held_place,
                "updated_at": func.now(),
            },
        )
    )


def signup_no_show(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.SIGNUP_NO_SHOW)
    statement = insert(SignupFact).values(
        **_signup_keys(data, context), status=SignupStatus.NO_SHOW, held_place=True, late_cancellation=False
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "signup_id"],
            set_={"status": SignupStatus.NO_SHOW, "held_place": True, "updated_at": func.now()},
        )
    )


def qualification_granted(session: Session, event: CloudEvent, context: TenantContext) -> None:
    """The roster publishes only a grant that becomes the live one; a renewal supersedes the earlier grant
    of the same qualification (which still counts as a course completed when it was granted)."""
    data = event.payload(contracts.QUALIFICATION_GRANTED)
    statement = insert(QualificationFact).values(
        **_qualification_values(data, context), status=QualificationStatus.ACTIVE
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "qualification_id"],
            set_={
                "name": statement.excluded.name,
                "granted_on": statement.excluded.granted_on,
                "expires_on": statement.excluded.expires_on,
                "updated_at": func.now(),
            },
        )
    )
    session.execute(
        update(QualificationFact)
        .where(
            QualificationFact.tenant_id == context.tenant_id,
            QualificationFact.volunteer_id == data.volunteer_id,
            QualificationFact.name == data.name,
            QualificationFact.status == QualificationStatus.ACTIVE,
            QualificationFact.qualification_id != data.qualification_id,
            QualificationFact.granted_on <= data.granted_on,
        )
        .values(status=QualificationStatus.SUPERSEDED, updated_at=func.now())
    )


def qualification_expired(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.QUALIFICATION_EXPIRED)
    _end_qualification(session, data, context, QualificationStatus.EXPIRED)


def qualification_revoked(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(contracts.QUALIFICATION_REVOKED)
    _end_qualification(session, data, context, QualificationStatus.REVOKED)


def _end_qualification(
    session: Session, data: contracts.QualificationV1, context: TenantContext, status: QualificationStatus
) -> None:
    """Only a live grant ends (the roster expires and revokes live grants only): a revocation is not
    turned into an expiry, and a grant this service never saw is kept in its end state."""
    statement = insert(QualificationFact).values(**_qualification_values(data, context), status=status)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "qualification_id"],
            set_={"status": status, "updated_at": func.now()},
            where=QualificationFact.status == QualificationStatus.ACTIVE,
        )
    )


def _signup_keys(data: contracts.SignupV1, context: TenantContext) -> dict[str, object]:
    return {
        "tenant_id": context.tenant_id,
        "signup_id": data.signup_id,
        "tenant_path": context.tenant_path,
        "volunteer_id": data.volunteer_id,
        "shift_id": data.shift_id,
        "starts_at": data.starts_at,
    }


def _qualification_values(data: contracts.QualificationV1, context: TenantContext) -> dict[str, object]:
    return {
        "tenant_id": context.tenant_id,
        "qualification_id": data.qualification_id,
        "tenant_path": context.tenant_path,
        "volunteer_id": data.volunteer_id,
        "name": data.name,
        "granted_on": data.granted_on,
        "expires_on": data.expires_on,
    }


HANDLERS: dict[str, Handler] = {
    contracts.SIGNUP_CONFIRMED.type: signup_confirmed,
    contracts.SIGNUP_CANCELLED.type: signup_cancelled,
    contracts.SIGNUP_NO_SHOW.type: signup_no_show,
    contracts.QUALIFICATION_GRANTED.type: qualification_granted,
    contracts.QUALIFICATION_EXPIRED.type: qualification_expired,
    contracts.QUALIFICATION_REVOKED.type: qualification_revoked,
}
