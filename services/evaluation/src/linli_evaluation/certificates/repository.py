from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.certificates.models import Certificate, CertificateCounter
from linli_evaluation.database import directory
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class CertificateRepository:
    """Reads scope to the caller's subtree, what a committee certifies to its own records; row-level
    security is the backstop."""

    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def certificate(self, certificate_id: uuid.UUID, for_update: bool = False) -> Certificate | None:
        query = select(Certificate).where(
            Certificate.id == certificate_id, within(Certificate.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def certificates(
        self,
        volunteer_id: uuid.UUID | None,
        status: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Certificate]:
        """Newest first, keyset-paged by (issued_at, id)."""
        query = select(Certificate).where(within(Certificate.tenant_path, self.context.tenant_path))
        if volunteer_id is not None:
            query = query.where(Certificate.volunteer_id == volunteer_id)
        if status is not None:
            query = query.where(Certificate.status == status)
        if after is not None:
            at, certificate_id = after
            query = query.where(
                or_(
                    Certificate.issued_at < at,
                    and_(Certificate.issued_at == at, Certificate.id < certificate_id),
                )
            )
        query = query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit + 1)
        return self.session.scalars(query).all()

    def own_volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.get(VolunteerFact, (self.context.tenant_id, volunteer_id))

    def own_records(
        self, volunteer_id: uuid.UUID, served_from: date | None, served_to: date | None
    ) -> Sequence[RecordFact]:
        """The committee's own records of the volunteer that count: not voided, some hours, in the range."""
        query = select(RecordFact).where(
            RecordFact.tenant_id == self.context.tenant_id,
            RecordFact.volunteer_id == volunteer_id,
            RecordFact.voided.is_(False),
            RecordFact.hours > 0,
        )
        if served_from is not None:
            query = query.where(RecordFact.service_date >= served_from)
        if served_to is not None:
            query = query.where(RecordFact.service_date <= served_to)
        return self.session.scalars(
            query.order_by(RecordFact.service_date, RecordFact.started_at, RecordFact.record_id)
        ).all()

    def committee_names(self) -> tuple[str, str] | None:
        """The committee's name and its platform-unique short name (slug)."""
        table = directory.table
        row = self.session.execute(
            select(table.c.name, table.c.slug).where(table.c.id == self.context.tenant_id)
        ).first()
        return (row.name, row.slug) if row else None

    def next_sequence(self, year: int) -> int:
        """The committee's next serial number in `year`. The upsert takes the counter row's lock until the
        transaction ends: a concurrent issue waits, then counts on from this one (or from where it was, if
        this one rolls back), so numbers are unique and gap-free."""
        first = insert(CertificateCounter).values(
            tenant_id=self.context.tenant_id,
            year=year,
            tenant_path=self.context.tenant_path,
            last_sequence=1,
        )
        statement = first.on_conflict_do_update(
            index_elements=["tenant_id", "year"],
            set_={"last_sequence": CertificateCounter.last_sequence + 1},
        ).returning(CertificateCounter.last_sequence)
        return int(self.session.execute(statement).scalar_one())


def presented_certificate(session: Session, serial: str) -> Certificate | None:
    """The public check's read, with no tenant: row-level security shows only the row whose serial and
    code the transaction was granted (see `CheckService`)."""
    return session.scalars(select(Certificate).where(Certificate.serial == serial)).first()
