"""Every query of residents' satisfaction. A rating counts with its record: a voided record's rating no
longer counts (the service it rated is off the books), and ratings belong to the period of the service."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.orm import Session

from linli_evaluation.database import directory
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_evaluation.feedback.models import Rating
from linli_shared.db import within

#: (tenant, score) → ratings
ScoreCounts = dict[tuple[uuid.UUID, int], int]


class FeedbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # records and ratings -------------------------------------------------------------------------------

    def record(self, record_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> RecordFact | None:
        """A record the acting context may see (row-level security); of one committee when it is given."""
        statement = select(RecordFact).where(RecordFact.record_id == record_id)
        if tenant_id is not None:
            statement = statement.where(RecordFact.tenant_id == tenant_id)
        return self.session.scalars(statement).first()

    def rating(self, tenant_id: uuid.UUID, record_id: uuid.UUID) -> Rating | None:
        return self.session.get(Rating, (tenant_id, record_id))

    def lock_client(self, client_hash: str) -> None:
        """Serialise one client's submissions until the transaction ends, so that its count of recent
        ratings cannot be read by two requests at once and both let through."""
        self.session.execute(
            text("select pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": "linli.evaluation.feedback:" + client_hash},
        )

    def ratings_from(self, tenant_id: uuid.UUID, client_hash: str, since: datetime) -> list[datetime]:
        """When this client's ratings in this committee since `since` were submitted, oldest first."""
        return list(
            self.session.scalars(
                select(Rating.submitted_at)
                .where(
                    Rating.tenant_id == tenant_id,
                    Rating.client_hash == client_hash,
                    Rating.submitted_at > since,
                )
                .order_by(Rating.submitted_at)
            )
        )

    # satisfaction --------------------------------------------------------------------------------------

    def volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(VolunteerFact.volunteer_id == volunteer_id)
        ).first()

    def volunteer_scores(self, volunteer: VolunteerFact) -> dict[int, int]:
        rows = self.session.execute(
            select(Rating.score, func.count())
            .join(RecordFact, _rated_record())
            .where(
                Rating.tenant_id == volunteer.tenant_id,
                Rating.volunteer_id == volunteer.volunteer_id,
                RecordFact.voided.is_(False),
            )
            .group_by(Rating.score)
        )
        return {score: count for score, count in rows}

    def recent_comments(self, volunteer: VolunteerFact, limit: int) -> list[tuple[Rating, RecordFact]]:
        rows = self.session.execute(
            select(Rating, RecordFact)
            .join(RecordFact, _rated_record())
            .where(
                Rating.tenant_id == volunteer.tenant_id,
                Rating.volunteer_id == volunteer.volunteer_id,
                RecordFact.voided.is_(False),
                Rating.comment != "",
            )
            .order_by(Rating.submitted_at.desc(), Rating.record_id)
            .limit(limit)
        )
        return [(rating, record) for rating, record in rows]

    def committees(self, path: str) -> list[tuple[uuid.UUID, str, str]]:
        """The committees at or under `path` (one's own, or a town's or district's), in tree order."""
        names = directory.table
        rows = self.session.execute(
            select(names.c.id, names.c.name, names.c.path)
            .where(names.c.kind == "committee", within(names.c.path, path))
            .order_by(names.c.path)
        )
        return [(tenant_id, name, path) for tenant_id, name, path in rows]

    def records_served(
        self, tenant_ids: Iterable[uuid.UUID], first: date, last: date
    ) -> dict[uuid.UUID, int]:
        rows = self.session.execute(
            select(RecordFact.tenant_id, func.count())
            .where(RecordFact.tenant_id.in_(list(tenant_ids)), _served(first, last))
            .group_by(RecordFact.tenant_id)
        )
        return {score: count for score, count in rows}

    def committee_scores(self, tenant_ids: Iterable[uuid.UUID], first: date, last: date) -> ScoreCounts:
        rows = self.session.execute(
            select(Rating.tenant_id, Rating.score, func.count())
            .join(RecordFact, _rated_record())
            .where(Rating.tenant_id.in_(list(tenant_ids)), _served(first, last))
            .group_by(Rating.tenant_id, Rating.score)
        )
        return {(tenant_id, score): count for tenant_id, score, count in rows}


def _rated_record() -> ColumnElement[bool]:
    return and_(RecordFact.tenant_id == Rating.tenant_id, RecordFact.record_id == Rating.record_id)


def _served(first: date, last: date) -> ColumnElement[bool]:
    return and_(
        RecordFact.service_date >= first, RecordFact.service_date <= last, RecordFact.voided.is_(False)
    )
