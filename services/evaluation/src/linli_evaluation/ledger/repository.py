"""Reading the hours: tallies, a subtree's committees' totals, the ledger behind a record, the reconciliations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Row, func, select, tuple_
from sqlalchemy.orm import Session

from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.ledger.models import LedgerEntry, Reconciliation, Scope, Tally
from linli_evaluation.stars.models import StarLevel
from linli_shared.db import within


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def tallies(
        self,
        scope: Scope,
        period: str,
        tenant_path: str,
        after: tuple[uuid.UUID, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Tally]:
        """One scope's tallies in a period under the path, after the cursor's (committee, scope id)."""
        statement = select(Tally).where(
            Tally.scope == scope, Tally.period == period, within(Tally.tenant_path, tenant_path)
        )
        if after is not None:
            statement = statement.where(tuple_(Tally.tenant_id, Tally.scope_id) > tuple_(*after))
        return self.session.scalars(statement.order_by(Tally.tenant_id, Tally.scope_id).limit(limit)).all()

    def committee_totals(
        self, period: str, tenant_path: str
    ) -> Sequence[Row[uuid.UUID, str, str, Decimal | None, Decimal | None]]:
        """Every committee under the path with its tally in the period (None: nothing tallied yet)."""
        names = directory.table
        return self.session.execute(
            select(names.c.id, names.c.name, names.c.path, Tally.verified_hours, Tally.unverified_hours)
            .join(
                Tally,
                (Tally.tenant_id == names.c.id) & (Tally.scope == Scope.COMMITTEE) & (Tally.period == period),
                isouter=True,
            )
            .where(names.c.kind == "committee", within(names.c.path, tenant_path))
            .order_by(names.c.path)
        ).all()

    def volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(VolunteerFact.volunteer_id == volunteer_id)
        ).first()

    def volunteer_tallies(self, volunteer: VolunteerFact) -> Sequence[Tally]:
        """A volunteer's tallies in every period, the latest first."""
        return self.session.scalars(
            select(Tally)
            .where(
                Tally.tenant_id == volunteer.tenant_id,
                Tally.scope == Scope.VOLUNTEER,
                Tally.scope_id == volunteer.volunteer_id,
            )
            .order_by(func.substr(Tally.period, 2).desc(), Tally.period)
        ).all()

    def stars(self, volunteer: VolunteerFact) -> int:
        level = self.session.get(StarLevel, (volunteer.tenant_id, volunteer.volunteer_id))
        return level.stars if level else 0

    def entries(self, record_id: uuid.UUID) -> Sequence[LedgerEntry]:
        """The ledger entries behind a record, in the order they were made."""
        return self.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.record_id == record_id)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        ).all()

    def reconciliations(self, limit: int) -> Sequence[Reconciliation]:
        """The latest reconciliation runs, newest first."""
        return self.session.scalars(
            select(Reconciliation).order_by(Reconciliation.ran_at.desc(), Reconciliation.id).limit(limit)
        ).all()
