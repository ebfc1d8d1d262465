from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from linli_roster.mentoring.models import MentorPair
from linli_roster.mentoring.schemas import PairState
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class MentorPairRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def get(self, pair_id: uuid.UUID, for_update: bool = False) -> MentorPair | None:
        query = select(MentorPair).where(
            MentorPair.id == pair_id, within(MentorPair.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def page(
        self,
        state: PairState,
        volunteer_id: uuid.UUID | None,
        after: tuple[date, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[MentorPair]:
        """Newest first, keyset-paged by (starts_on, id)."""
        query = select(MentorPair).where(within(MentorPair.tenant_path, self.context.tenant_path))
        if state == PairState.OPEN:
            query = query.where(MentorPair.ended_on.is_(None))
        elif state == PairState.ENDED:
            query = query.where(MentorPair.ended_on.is_not(None))
        if volunteer_id is not None:
            query = query.where(
                or_(MentorPair.mentor_id == volunteer_id, MentorPair.mentee_id == volunteer_id)
            )
        if after is not None:
            day, pair_id = after
            query = query.where(
                or_(MentorPair.starts_on < day, and_(MentorPair.starts_on == day, MentorPair.id < pair_id))
            )
        return self.session.scalars(
            query.order_by(MentorPair.starts_on.desc(), MentorPair.id.desc()).limit(limit)
        ).all()

    def names(self, volunteer_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = self.session.execute(
            select(Volunteer.id, Volunteer.name).where(
                Volunteer.id.in_(volunteer_ids), within(Volunteer.tenant_path, self.context.tenant_path)
            )
        ).all()
        return {volunteer_id: name for volunteer_id, name in rows}

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
