from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Boolean, ColumnElement, and_, cast, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session

from linli_evaluation.audits.models import AuditTask, Outcome
from linli_evaluation.database import directory
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_evaluation.feedback.models import Rating
from linli_evaluation.ledger.models import Scope, Tally
from linli_evaluation.recognition.evidence import AwardPeriod, Evidence
from linli_evaluation.recognition.models import (
    LIVE_STATUSES,
    AwardProgramme,
    Honour,
    Nomination,
    NominationObjection,
    NominationStatus,
)
from linli_evaluation.stars.models import StarLevel
from linli_shared.db import Ltree, within
from linli_shared.tenancy import TenantContext

ACTIVE = "active"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class NominationFilter:
    programme_id: uuid.UUID | None = None
    period: str | None = None
    status: NominationStatus | None = None
    volunteer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CommitteeNode:
    id: uuid.UUID
    path: str


class RecognitionRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # programmes -----------------------------------------------------------------------------------------

    def programme(self, programme_id: uuid.UUID) -> AwardProgramme | None:
        """A programme on the caller's path: one above it (that applies to it) or one in its subtree."""
        return self.session.scalars(
            select(AwardProgramme).where(AwardProgramme.id == programme_id, self._on_path())
        ).first()

    def programmes(self, active: bool | None) -> Sequence[AwardProgramme]:
        """The district's first, then the town's, then the committees'; by name within each."""
        query = select(AwardProgramme).where(self._on_path())
        if active is not None:
            query = query.where(AwardProgramme.active.is_(active))
        return self.session.scalars(
            query.order_by(func.nlevel(AwardProgramme.tenant_path), AwardProgramme.name, AwardProgramme.id)
        ).all()

    def _on_path(self) -> ColumnElement[bool]:
        path = cast(literal(self.context.tenant_path), Ltree)
        return or_(
            AwardProgramme.tenant_path.op("@>", return_type=Boolean)(path),
            AwardProgramme.tenant_path.op("<@", return_type=Boolean)(path),
        )

    def committee(self, committee_id: uuid.UUID) -> CommitteeNode | None:
        """A committee in the caller's subtree (the caller's own, for committee staff)."""
        table = directory.table
        row = self.session.execute(
            select(table.c.id, table.c.path).where(
                table.c.id == committee_id,
                table.c.kind == "committee",
                within(table.c.path, self.context.tenant_path),
            )
        ).first()
        return None if row is None else CommitteeNode(row.id, row.path)

    # evidence -------------------------------------------------------------------------------------------

    def evidence(
        self,
        committee_id: uuid.UUID,
        period: AwardPeriod,
        volunteer_ids: Collection[uuid.UUID] | None = None,
    ) -> list[Evidence]:
        """The evidence of the committee's active volunteers (or of the named ones, active or not) in the
        period: five grouped queries, whatever the committee's size."""
        people = select(VolunteerFact).where(VolunteerFact.tenant_id == committee_id)
        if volunteer_ids is None:
            people = people.where(VolunteerFact.status == ACTIVE)
        else:
            people = people.where(VolunteerFact.volunteer_id.in_(list(volunteer_ids)))
        volunteers = self.session.scalars(people).all()
        if not volunteers:
            return []
        ids = [volunteer.volunteer_id for volunteer in volunteers]
        hours = {
            scope_id: (verified, unverified)
            for scope_id, verified, unverified in self.session.execute(
                select(Tally.scope_id, Tally.verified_hours, Tally.unverified_hours).where(
                    Tally.tenant_id == committee_id,
                    Tally.scope == Scope.VOLUNTEER,
                    Tally.period == period.tally_period,
                    Tally.scope_id.in_(ids),
                )
            ).all()
        }
        stars = dict(
            self.session.execute(
                select(StarLevel.volunteer_id, StarLevel.stars).where(
                    StarLevel.tenant_id == committee_id, StarLevel.volunteer_id.in_(ids)
                )
            ).all()
        )
        # ratings and spot checks count in the period of the service they concern
        in_period = and_(
            RecordFact.service_date >= period.starts_on,
            RecordFact.service_date <= period.ends_on,
            RecordFact.voided.is_(False),
        )
        ratings = {
            volunteer_id: (count, average)
            for volunteer_id, count, average in self.session.execute(
                select(Rating.volunteer_id, func.count(), func.avg(Rating.score))
                .join(
                    RecordFact,
                    (RecordFact.tenant_id == Rating.tenant_id) & (RecordFact.record_id == Rating.record_id),
                )
                .where(Rating.tenant_id == committee_id, Rating.volunteer_id.in_(ids), in_period)
                .group_by(Rating.volunteer_id)
            ).all()
        }
        audits: dict[uuid.UUID, dict[str, int]] = {}
        for volunteer_id, outcome, count in self.session.execute(
            select(AuditTask.volunteer_id, AuditTask.outcome, func.count())
            .join(
                RecordFact,
                (RecordFact.tenant_id == AuditTask.tenant_id) & (RecordFact.record_id == AuditTask.record_id),
            )
            .where(AuditTask.tenant_id == committee_id, AuditTask.volunteer_id.in_(ids), in_period)
            .group_by(AuditTask.volunteer_id, AuditTask.outcome)
        ).all():
            audits.setdefault(volunteer_id, {})[outcome] = count
        evidence = []
        for volunteer in volunteers:
            verified, unverified = hours.get(volunteer.volunteer_id, (Decimal(0), Decimal(0)))
            count, average = ratings.get(volunteer.volunteer_id, (0, None))
            outcomes = audits.get(volunteer.volunteer_id, {})
            evidence.append(
                Evidence(
                    volunteer_id=volunteer.volunteer_id,
                    name=volunteer.name,
                    party_member=volunteer.party_member,
                    verified_hours=verified,
                    unverified_hours=unverified,
                    stars=stars.get(volunteer.volunteer_id, 0),
                    ratings=count,
                    average_satisfaction=(
                        None if average is None else Decimal(average).quantize(CENT, rounding=ROUND_HALF_UP)
                    ),
                    audits_confirmed=outcomes.get(Outcome.CONFIRMED, 0),
                    audits_adjusted=outcomes.get(Outcome.ADJUSTED, 0),
                    audits_rejected=outcomes.get(Outcome.REJECTED, 0),
                )
            )
        return evidence

    def volunteer(self, committee_id: uuid.UUID, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.tenant_id == committee_id,
                VolunteerFact.volunteer_id == volunteer_id,
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    def volunteer_names(self, keys: Collection[tuple[uuid.UUID, uuid.UUID]]) -> dict[uuid.UUID, str]:
        """(committee id, volunteer id) → name."""
        if not keys:
            return {}
        rows = self.session.execute(
            select(VolunteerFact.volunteer_id, VolunteerFact.name).where(
                tuple_(VolunteerFact.tenant_id, VolunteerFact.volunteer_id).in_(list(keys))
            )
        ).all()
        return dict(rows)

    # nominations ----------------------------------------------------------------------------------------

    def hold_places(self, committee_id: uuid.UUID, programme_id: uuid.UUID, period: str) -> None:
        """Serialise nominations for one committee, programme and period until the transaction ends, so
        two at once cannot both take the last place. (The programme row may be a district's, which a
        committee reads but may not lock.)"""
        self.session.execute(
            text("select pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"nominations:{committee_id}:{programme_id}:{period}"},
        )

    def live_nominations(
        self, committee_id: uuid.UUID, programme_id: uuid.UUID, period: str
    ) -> Sequence[Nomination]:
        return self.session.scalars(
            select(Nomination).where(
                Nomination.tenant_id == committee_id,
                Nomination.programme_id == programme_id,
                Nomination.period == period,
                Nomination.status.in_(LIVE_STATUSES),
            )
        ).all()

    def nomination(self, nomination_id: uuid.UUID, for_update: bool = False) -> Nomination | None:
        query = select(Nomination).where(
            Nomination.id == nomination_id, within(Nomination.tenant_path, self.context.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def nominations(
        self, where: NominationFilter, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[Nomination]:
        """Newest first, keyset-paged by (created_at, id)."""
        query = select(Nomination).where(within(Nomination.tenant_path, self.context.tenant_path))
        if where.programme_id is not None:
            query = query.where(Nomination.programme_id == where.programme_id)
        if where.period is not None:
            query = query.where(Nomination.period == where.period)
        if where.status is not None:
            query = query.where(Nomination.status == where.status)
        if where.volunteer_id is not None:
            query = query.where(Nomination.volunteer_id == where.volunteer_id)
        if after is not None:
            query = query.where(tuple_(Nomination.created_at, Nomination.id) < tuple_(*after))
        return self.session.scalars(
            query.order_by(Nomination.created_at.desc(), Nomination.id.desc()).limit(limit)
        ).all()

    def due_nominations(self, committee_id: uuid.UUID, day: date) -> Sequence[Nomination]:
        """Nominations whose public notice ended before `day`, locked for concluding."""
        return self.session.scalars(
            select(Nomination)
            .where(
                Nomination.tenant_id == committee_id,
                Nomination.status == NominationStatus.IN_NOTICE,
                Nomination.notice_ends_on < day,
            )
            .order_by(Nomination.notice_ends_on, Nomination.id)
            .with_for_update()
        ).all()

    def objections_of(
        self, nominations: Collection[Nomination]
    ) -> dict[uuid.UUID, list[NominationObjection]]:
        found: dict[uuid.UUID, list[NominationObjection]] = {nomination.id: [] for nomination in nominations}
        if not nominations:
            return found
        rows = self.session.scalars(
            select(NominationObjection)
            .where(
                tuple_(NominationObjection.tenant_id, NominationObjection.nomination_id).in_(
                    [(nomination.tenant_id, nomination.id) for nomination in nominations]
                )
            )
            .order_by(NominationObjection.recorded_at, NominationObjection.id)
        ).all()
        for objection in rows:
            found[objection.nomination_id].append(objection)
        return found

    def objection(
        self, nomination: Nomination, objection_id: uuid.UUID, for_update: bool = False
    ) -> NominationObjection | None:
        query = select(NominationObjection).where(
            NominationObjection.tenant_id == nomination.tenant_id,
            NominationObjection.nomination_id == nomination.id,
            NominationObjection.id == objection_id,
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    # honours --------------------------------------------------------------------------------------------

    def honour_ids(self, nominations: Collection[Nomination]) -> dict[uuid.UUID, uuid.UUID]:
        """nomination id → the honour it became."""
        if not nominations:
            return {}
        rows = self.session.execute(
            select(Honour.nomination_id, Honour.id).where(
                tuple_(Honour.tenant_id, Honour.nomination_id).in_(
                    [(nomination.tenant_id, nomination.id) for nomination in nominations]
                )
            )
        ).all()
        return dict(rows)

    def honours(
        self,
        volunteer: tuple[uuid.UUID | None, uuid.UUID] | None,
        after: tuple[date, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Honour]:
        """Newest first, keyset-paged by (conferred_on, id); `volunteer` is (committee id or None, id)."""
        query = select(Honour).where(within(Honour.tenant_path, self.context.tenant_path))
        if volunteer is not None:
            committee_id, volunteer_id = volunteer
            query = query.where(Honour.volunteer_id == volunteer_id)
            if committee_id is not None:
                query = query.where(Honour.tenant_id == committee_id)
        if after is not None:
            query = query.where(tuple_(Honour.conferred_on, Honour.id) < tuple_(*after))
        return self.session.scalars(
            query.order_by(Honour.conferred_on.desc(), Honour.id.desc()).limit(limit)
        ).all()

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
