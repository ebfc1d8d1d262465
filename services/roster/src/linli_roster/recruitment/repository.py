from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import InstrumentedAttribute, Session

from linli_roster.recruitment.models import (
    Candidate,
    CandidateDecision,
    CandidateStatus,
    CriteriaVersion,
    Need,
    NoticeStatus,
    Objection,
    PromotionNotice,
    RubricVersion,
    Score,
)
from linli_shared.db import within
from linli_shared.tenancy import TenantContext

Cursor = tuple[datetime, uuid.UUID]


def _after(
    created_at: InstrumentedAttribute[datetime], row_id: InstrumentedAttribute[uuid.UUID], after: Cursor
) -> ColumnElement[bool]:
    """Newest first: rows strictly after the cursor in (created_at desc, id desc) order."""
    return or_(created_at < after[0], and_(created_at == after[0], row_id < after[1]))


class RecruitmentRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def _mine(self, column: Any) -> ColumnElement[bool]:
        return within(column, self.context.tenant_path)

    # needs ---------------------------------------------------------------------------------------------

    def need(self, need_id: uuid.UUID, for_update: bool = False) -> Need | None:
        query = select(Need).where(Need.id == need_id, self._mine(Need.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def needs(self, status: str | None, after: Cursor | None, limit: int) -> Sequence[Need]:
        query = select(Need).where(self._mine(Need.tenant_path))
        if status is not None:
            query = query.where(Need.status == status)
        if after is not None:
            query = query.where(_after(Need.created_at, Need.id, after))
        return self.session.scalars(query.order_by(Need.created_at.desc(), Need.id.desc()).limit(limit)).all()

    def candidate_counts(self, need_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
        """(all candidates, accepted candidates) per need."""
        rows = self.session.execute(
            select(
                Candidate.need_id,
                func.count(),
                func.count().filter(Candidate.status == CandidateStatus.ACCEPTED),
            )
            .where(Candidate.need_id.in_(need_ids), self._mine(Candidate.tenant_path))
            .group_by(Candidate.need_id)
        ).all()
        counts = {need_id: (0, 0) for need_id in need_ids}
        for need_id, total, accepted in rows:
            if need_id is not None:
                counts[need_id] = (int(total), int(accepted))
        return counts

    # candidates ----------------------------------------------------------------------------------------

    def candidate(self, candidate_id: uuid.UUID, for_update: bool = False) -> Candidate | None:
        query = select(Candidate).where(Candidate.id == candidate_id, self._mine(Candidate.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def candidates(
        self,
        need_id: uuid.UUID | None,
        unlinked: bool,
        status: CandidateStatus | None,
        after: Cursor | None,
        limit: int,
    ) -> Sequence[Candidate]:
        query = select(Candidate).where(self._mine(Candidate.tenant_path))
        if need_id is not None:
            query = query.where(Candidate.need_id == need_id)
        if unlinked:
            query = query.where(Candidate.need_id.is_(None))
        if status is not None:
            query = query.where(Candidate.status == status)
        if after is not None:
            query = query.where(_after(Candidate.created_at, Candidate.id, after))
        return self.session.scalars(
            query.order_by(Candidate.created_at.desc(), Candidate.id.desc()).limit(limit)
        ).all()

    def candidates_of_need(self, need_id: uuid.UUID) -> Sequence[Candidate]:
        return self.session.scalars(
            select(Candidate)
            .where(Candidate.need_id == need_id, self._mine(Candidate.tenant_path))
            .order_by(Candidate.name, Candidate.id)
        ).all()

    def decisions_of(self, candidate_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[CandidateDecision]]:
        found: dict[uuid.UUID, list[CandidateDecision]] = {candidate_id: [] for candidate_id in candidate_ids}
        for decision in self.session.scalars(
            select(CandidateDecision)
            .where(
                CandidateDecision.candidate_id.in_(candidate_ids),
                self._mine(CandidateDecision.tenant_path),
            )
            .order_by(CandidateDecision.decided_at, CandidateDecision.id)
        ):
            found[decision.candidate_id].append(decision)
        return found

    # screening -----------------------------------------------------------------------------------------

    def criteria_versions(self) -> Sequence[CriteriaVersion]:
        return self.session.scalars(
            select(CriteriaVersion)
            .where(self._mine(CriteriaVersion.tenant_path))
            .order_by(CriteriaVersion.version.desc())
        ).all()

    def rubric_versions(self) -> Sequence[RubricVersion]:
        return self.session.scalars(
            select(RubricVersion)
            .where(self._mine(RubricVersion.tenant_path))
            .order_by(RubricVersion.version.desc())
        ).all()

    def current_criteria(self, tenant_id: uuid.UUID) -> CriteriaVersion | None:
        return self.session.scalars(
            select(CriteriaVersion)
            .where(CriteriaVersion.tenant_id == tenant_id, self._mine(CriteriaVersion.tenant_path))
            .order_by(CriteriaVersion.version.desc())
            .limit(1)
        ).first()

    def current_rubric(self, tenant_id: uuid.UUID) -> RubricVersion | None:
        return self.session.scalars(
            select(RubricVersion)
            .where(RubricVersion.tenant_id == tenant_id, self._mine(RubricVersion.tenant_path))
            .order_by(RubricVersion.version.desc())
            .limit(1)
        ).first()

    def versions_by_id(
        self, criteria_ids: set[uuid.UUID], rubric_ids: set[uuid.UUID]
    ) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
        criteria = self.session.execute(
            select(CriteriaVersion.id, CriteriaVersion.version).where(
                CriteriaVersion.id.in_(criteria_ids), self._mine(CriteriaVersion.tenant_path)
            )
        ).all()
        rubrics = self.session.execute(
            select(RubricVersion.id, RubricVersion.version).where(
                RubricVersion.id.in_(rubric_ids), self._mine(RubricVersion.tenant_path)
            )
        ).all()
        return {row[0]: row[1] for row in criteria}, {row[0]: row[1] for row in rubrics}

    def scores_of(self, candidate_id: uuid.UUID) -> Sequence[Score]:
        return self.session.scalars(
            select(Score)
            .where(Score.candidate_id == candidate_id, self._mine(Score.tenant_path))
            .order_by(Score.scored_at, Score.id)
        ).all()

    def latest_scores(self, candidate_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Score]:
        rows = self.session.scalars(
            select(Score)
            .where(Score.candidate_id.in_(candidate_ids), self._mine(Score.tenant_path))
            .ext(distinct_on(Score.candidate_id))
            .order_by(Score.candidate_id, Score.scored_at.desc(), Score.id.desc())
        ).all()
        return {score.candidate_id: score for score in rows}

    # public notices ------------------------------------------------------------------------------------

    def notice(self, notice_id: uuid.UUID, for_update: bool = False) -> PromotionNotice | None:
        query = select(PromotionNotice).where(
            PromotionNotice.id == notice_id, self._mine(PromotionNotice.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def notices(
        self,
        status: NoticeStatus | None,
        volunteer_id: uuid.UUID | None,
        after: Cursor | None,
        limit: int,
    ) -> Sequence[PromotionNotice]:
        query = select(PromotionNotice).where(self._mine(PromotionNotice.tenant_path))
        if status is not None:
            query = query.where(PromotionNotice.status == status)
        if volunteer_id is not None:
            query = query.where(PromotionNotice.volunteer_id == volunteer_id)
        if after is not None:
            query = query.where(_after(PromotionNotice.created_at, PromotionNotice.id, after))
        return self.session.scalars(
            query.order_by(PromotionNotice.created_at.desc(), PromotionNotice.id.desc()).limit(limit)
        ).all()

    def due_notices(self, tenant_id: uuid.UUID, today: date) -> Sequence[PromotionNotice]:
        return self.session.scalars(
            select(PromotionNotice)
            .where(
                PromotionNotice.tenant_id == tenant_id,
                self._mine(PromotionNotice.tenant_path),
                PromotionNotice.status == NoticeStatus.OPEN,
                PromotionNotice.ends_on < today,
            )
            .order_by(PromotionNotice.ends_on, PromotionNotice.id)
            .with_for_update(skip_locked=True)
        ).all()

    def objections_of(self, notice_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Objection]]:
        found: dict[uuid.UUID, list[Objection]] = {notice_id: [] for notice_id in notice_ids}
        for objection in self.session.scalars(
            select(Objection)
            .where(Objection.notice_id.in_(notice_ids), self._mine(Objection.tenant_path))
            .order_by(Objection.recorded_at, Objection.id)
        ):
            found[objection.notice_id].append(objection)
        return found

    def objection(self, notice_id: uuid.UUID, objection_id: uuid.UUID) -> Objection | None:
        return self.session.scalars(
            select(Objection)
            .where(
                Objection.id == objection_id,
                Objection.notice_id == notice_id,
                self._mine(Objection.tenant_path),
            )
            .with_for_update()
        ).first()

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
