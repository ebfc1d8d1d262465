"""Every query of the score: the policy that applies, the inputs counted for a set of volunteers (a handful
of grouped queries, however many volunteers), and the stored scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from linli_evaluation.audits.models import AuditTask, Outcome
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_evaluation.feedback.models import Rating
from linli_evaluation.scores.formulas import Inputs, ScoreRules, Weights
from linli_evaluation.scores.models import (
    QualificationFact,
    QualificationStatus,
    ScorePolicy,
    SignupFact,
    SignupStatus,
    VolunteerScore,
)
from linli_shared.clock import SHANGHAI
from linli_shared.db import within

#: the roster's status of a volunteer who has not left
ACTIVE = "active"
#: (volunteer id, the inputs counted for them) per volunteer with anything to count
Counted = list[tuple[uuid.UUID, dict[str, Any]]]


@dataclass(frozen=True)
class Window:
    """Service days `start`…`end` (Asia/Shanghai), inclusive."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(0), SHANGHAI)

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return datetime.combine(self.end + timedelta(days=1), time(0), SHANGHAI)


@dataclass(frozen=True)
class RankedRow:
    score: VolunteerScore
    name: str
    rank: int


class ScoreRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # policies -----------------------------------------------------------------------------------------

    def nearest_policy(self, tenant_path: str) -> ScoreRules:
        """The nearest policy up the path (its own, its town's, its district's), else the defaults. Row-level
        security lets a node read the policies of its ancestors, never another branch's."""
        policy = self.session.scalars(
            select(ScorePolicy)
            .where(ScorePolicy.tenant_path.op("@>")(tenant_path))
            .order_by(func.nlevel(ScorePolicy.tenant_path).desc())
            .limit(1)
        ).first()
        if policy is None:
            return ScoreRules()
        return ScoreRules(
            weights=Weights(
                hours=policy.hours_weight,
                satisfaction=policy.satisfaction_weight,
                reliability=policy.reliability_weight,
                training=policy.training_weight,
                audits=policy.audits_weight,
            ),
            window_months=policy.window_months,
            target_hours=policy.target_hours,
            source_tenant_path=policy.tenant_path,
        )

    def save_policy(self, tenant_id: uuid.UUID, tenant_path: str, values: dict[str, Any]) -> None:
        statement = insert(ScorePolicy).values(tenant_id=tenant_id, tenant_path=tenant_path, **values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id"], set_={**values, "updated_at": func.now()}
            )
        )

    # volunteers ---------------------------------------------------------------------------------------

    def volunteer(self, volunteer_id: uuid.UUID, tenant_path: str) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.volunteer_id == volunteer_id, within(VolunteerFact.tenant_path, tenant_path)
            )
        ).first()

    def active_volunteers(self, tenant_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self.session.scalars(
                select(VolunteerFact.volunteer_id)
                .where(VolunteerFact.tenant_id == tenant_id, VolunteerFact.status == ACTIVE)
                .order_by(VolunteerFact.volunteer_id)
            )
        )

    # inputs -------------------------------------------------------------------------------------------

    def inputs(
        self, tenant_id: uuid.UUID, volunteer_ids: Sequence[uuid.UUID], window: Window
    ) -> dict[uuid.UUID, Inputs]:
        """What each volunteer did in the window: one grouped query per component, for all of them."""
        ids = list(volunteer_ids)
        counted: dict[uuid.UUID, dict[str, Any]] = {volunteer_id: {} for volunteer_id in ids}
        if not ids:
            return {}
        for count in (self._hours, self._ratings, self._signups, self._qualifications, self._audits):
            for volunteer_id, values in count(tenant_id, ids, window):
                counted[volunteer_id].update(values)
        return {volunteer_id: Inputs(**values) for volunteer_id, values in counted.items()}

    def _hours(self, tenant_id: uuid.UUID, ids: list[uuid.UUID], window: Window) -> Counted:
        rows = self.session.execute(
            select(RecordFact.volunteer_id, func.sum(RecordFact.hours))
            .where(
                RecordFact.tenant_id == tenant_id,
                RecordFact.volunteer_id.in_(ids),
                RecordFact.verified.is_(True),
                RecordFact.voided.is_(False),
                RecordFact.service_date.between(window.start, window.end),
            )
            .group_by(RecordFact.volunteer_id)
        )
        return [(volunteer_id, {"verified_hours": hours}) for volunteer_id, hours in rows]

    def _ratings(self, tenant_id: uuid.UUID, ids: list[uuid.UUID], window: Window) -> Counted:
        """A resident's rating belongs to the service it rates: it counts when the record is in the window
        and still stands (a voided record's rating rates a service that, on the record, did not happen)."""
        rows = self.session.execute(
            select(Rating.volunteer_id, func.count(), func.sum(Rating.score))
            .join(
                RecordFact,
                (RecordFact.tenant_id == Rating.tenant_id) & (RecordFact.record_id == Rating.record_id),
            )
            .where(
                Rating.tenant_id == tenant_id,
                Rating.volunteer_id.in_(ids),
                RecordFact.voided.is_(False),
                RecordFact.service_date.between(window.start, window.end),
            )
            .group_by(Rating.volunteer_id)
        )
        return [
            (volunteer_id, {"ratings": count, "rating_sum": int(total)})
            for volunteer_id, count, total in rows
        ]

    def _signups(self, tenant_id: uuid.UUID, ids: list[uuid.UUID], window: Window) -> Counted:
        """Places held for shifts starting in the window that were kept, missed or given up late."""
        no_show = SignupFact.status == SignupStatus.NO_SHOW
        late = and_(SignupFact.status == SignupStatus.CANCELLED, SignupFact.late_cancellation.is_(True))
        kept = SignupFact.status == SignupStatus.CONFIRMED
        rows = self.session.execute(
            select(
                SignupFact.volunteer_id,
                func.count().filter(or_(kept, no_show, late)),
                func.count().filter(no_show),
                func.count().filter(late),
            )
            .where(
                SignupFact.tenant_id == tenant_id,
                SignupFact.volunteer_id.in_(ids),
                SignupFact.held_place.is_(True),
                SignupFact.starts_at >= window.since,
                SignupFact.starts_at < window.until,
            )
            .group_by(SignupFact.volunteer_id)
        )
        return [
            (volunteer_id, {"signups": signups, "no_shows": no_shows, "late_cancellations": lates})
            for volunteer_id, signups, no_shows, lates in rows
        ]

    def _qualifications(self, tenant_id: uuid.UUID, ids: list[uuid.UUID], window: Window) -> Counted:
        """Valid on the window's last day by their dates (the roster's expiry sweep may not have run yet);
        every grant in the window is a course passed, unless it was revoked."""
        valid = and_(
            QualificationFact.status == QualificationStatus.ACTIVE,
            QualificationFact.granted_on <= window.end,
            or_(QualificationFact.expires_on.is_(None), QualificationFact.expires_on >= window.end),
        )
        completed = and_(
            QualificationFact.status != QualificationStatus.REVOKED,
            QualificationFact.granted_on.between(window.start, window.end),
        )
        rows = self.session.execute(
            select(
                QualificationFact.volunteer_id,
                func.array_agg(QualificationFact.name.distinct()).filter(valid),
                func.count().filter(completed),
            )
            .where(QualificationFact.tenant_id == tenant_id, QualificationFact.volunteer_id.in_(ids))
            .group_by(QualificationFact.volunteer_id)
        )
        return [
            (volunteer_id, {"valid_qualifications": tuple(names or ()), "completions": completions})
            for volunteer_id, names, completions in rows
        ]

    def _audits(self, tenant_id: uuid.UUID, ids: list[uuid.UUID], window: Window) -> Counted:
        """Spot checks of the volunteer's records decided in the window; open ones say nothing yet."""
        decided = func.coalesce(AuditTask.decided_at, AuditTask.created_at)
        rows = self.session.execute(
            select(
                AuditTask.volunteer_id,
                func.count().filter(AuditTask.outcome == Outcome.CONFIRMED),
                func.count().filter(AuditTask.outcome == Outcome.ADJUSTED),
                func.count().filter(AuditTask.outcome == Outcome.REJECTED),
            )
            .where(
                AuditTask.tenant_id == tenant_id,
                AuditTask.volunteer_id.in_(ids),
                AuditTask.outcome != Outcome.OPEN,
                decided >= window.since,
                decided < window.until,
            )
            .group_by(AuditTask.volunteer_id)
        )
        return [
            (
                volunteer_id,
                {"audits_confirmed": confirmed, "audits_adjusted": adjusted, "audits_rejected": rejected},
            )
            for volunteer_id, confirmed, adjusted, rejected in rows
        ]

    # stored scores ------------------------------------------------------------------------------------

    def save_scores(self, rows: list[dict[str, Any]]) -> None:
        """Upsert the latest score of each volunteer; an older day's run never replaces a newer score."""
        if not rows:
            return
        statement = insert(VolunteerScore).values(rows)
        replaced = {
            column: statement.excluded[column]
            for column in rows[0]
            if column not in ("tenant_id", "volunteer_id")
        }
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "volunteer_id"],
                set_={**replaced, "computed_at": func.now()},
                where=VolunteerScore.computed_on <= statement.excluded.computed_on,
            )
        )

    def stored(self, tenant_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerScore | None:
        return self.session.get(VolunteerScore, (tenant_id, volunteer_id), populate_existing=True)

    def ranked(
        self,
        tenant_path: str,
        descending: bool,
        after: tuple[Decimal, uuid.UUID] | None,
        limit: int,
    ) -> list[RankedRow]:
        """Active volunteers' latest scores under the caller's node, best first (rank 1 is the highest
        score; ties share a rank), or worst first; keyset-paged by (score, volunteer id)."""
        ranked = (
            select(
                VolunteerScore,
                VolunteerFact.name.label("volunteer_name"),
                func.rank().over(order_by=VolunteerScore.score.desc()).label("rank"),
            )
            .join(
                VolunteerFact,
                (VolunteerFact.tenant_id == VolunteerScore.tenant_id)
                & (VolunteerFact.volunteer_id == VolunteerScore.volunteer_id),
            )
            .where(within(VolunteerScore.tenant_path, tenant_path), VolunteerFact.status == ACTIVE)
            .subquery()
        )
        score = aliased(VolunteerScore, ranked)
        statement = select(score, ranked.c.volunteer_name, ranked.c.rank)
        key = tuple_(ranked.c.score, ranked.c.volunteer_id)
        if after is not None:
            position = tuple_(*after)
            statement = statement.where(key < position if descending else key > position)
        order = (
            (ranked.c.score.desc(), ranked.c.volunteer_id.desc())
            if descending
            else (ranked.c.score.asc(), ranked.c.volunteer_id.asc())
        )
        rows = self.session.execute(statement.order_by(*order).limit(limit)).all()
        return [RankedRow(score=row, name=name, rank=rank) for row, name, rank in rows]
