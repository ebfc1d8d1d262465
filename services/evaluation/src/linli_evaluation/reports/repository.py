"""Every query the reports make. Each is one GROUP BY over the caller's subtree (`tenant_path <@` the
caller's path, which row-level security enforces again), optionally narrowed to one committee, so a
district's roll-up over 250 committees costs a handful of queries, not one per committee."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, cast, exists, func, select
from sqlalchemy.orm import Session

from linli_evaluation.audits.models import AuditTask, Outcome
from linli_evaluation.database import directory
from linli_evaluation.facts.models import AreaFact, RecordFact, VolunteerFact
from linli_evaluation.feedback.models import Rating
from linli_evaluation.ledger.models import Scope, Tally
from linli_evaluation.reports.metrics import STAR_LEVELS, ZERO, Counts, Hours
from linli_evaluation.reports.models import ProjectFact
from linli_evaluation.reports.periods import Months
from linli_evaluation.stars.models import StarLevel
from linli_shared.db import within
from linli_shared.tenancy import TenantContext

BACKBONE = "backbone"
ON_REGISTER = "active"


class Breakdown(StrEnum):
    PROJECT = "project"
    GRID = "grid"
    ACTIVITY_KIND = "activity_kind"


_BREAKDOWN_COLUMNS: dict[Breakdown, ColumnElement[Any]] = {
    Breakdown.PROJECT: RecordFact.__table__.c.project_id,
    Breakdown.GRID: RecordFact.__table__.c.grid_id,
    Breakdown.ACTIVITY_KIND: RecordFact.__table__.c.activity_kind,
}


@dataclass(frozen=True)
class Node:
    """A district, town or committee of the caller's subtree (the service's copy of the tenant tree)."""

    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str
    active: bool


@dataclass
class Gathered:
    counts: dict[uuid.UUID, Counts] = field(default_factory=lambda: defaultdict(Counts))
    #: committee → first day of a month → that month's hours
    series: dict[uuid.UUID, dict[date, Hours]] = field(default_factory=lambda: defaultdict(dict))


@dataclass(frozen=True)
class Grouped:
    """Hours of one group (a volunteer, project, grid or activity kind) of one committee's records."""

    key: Any
    records: int
    volunteers: int
    verified: Decimal
    unverified: Decimal


@dataclass(frozen=True)
class RegisterEntry:
    name: str
    tier: str
    stars: int


class ReportRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # the tenant tree

    def node(self, node_id: uuid.UUID, kind: str) -> Node | None:
        names = directory.table
        row = self.session.execute(
            select(names.c.id, names.c.parent_id, names.c.kind, names.c.name, names.c.active).where(
                names.c.id == node_id, names.c.kind == kind, within(names.c.path, self.context.tenant_path)
            )
        ).first()
        return Node(*row) if row else None

    def nodes(self, kind: str) -> list[Node]:
        names = directory.table
        rows = self.session.execute(
            select(names.c.id, names.c.parent_id, names.c.kind, names.c.name, names.c.active)
            .where(names.c.kind == kind, within(names.c.path, self.context.tenant_path))
            .order_by(names.c.name, names.c.id)
        ).all()
        return [Node(*row) for row in rows]

    # the metrics of every committee in scope

    def gather(self, months: Months, committee_id: uuid.UUID | None) -> Gathered:
        gathered = Gathered()
        self._register(gathered, months, committee_id)
        self._stars(gathered, months, committee_id)
        self._hours(gathered, months, committee_id)
        self._ratings(gathered, months, committee_id)
        self._audits(gathered, months, committee_id)
        self._tallies(gathered, months, committee_id)
        return gathered

    def _register(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        served = exists().where(
            RecordFact.tenant_id == VolunteerFact.tenant_id,
            RecordFact.volunteer_id == VolunteerFact.volunteer_id,
            *self._records_in(months),
        )
        rows = self.session.execute(
            select(
                VolunteerFact.tenant_id,
                func.count(),
                func.count().filter(VolunteerFact.tier == BACKBONE),
                func.count().filter(served),
            )
            .where(*self._on_register(months, committee_id))
            .group_by(VolunteerFact.tenant_id)
        ).all()
        for tenant_id, volunteers, backbone, active in rows:
            counts = gathered.counts[tenant_id]
            counts.volunteers, counts.backbone, counts.active_volunteers = volunteers, backbone, active

    def _stars(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        stars = func.coalesce(StarLevel.stars, 0)
        rows = self.session.execute(
            select(VolunteerFact.tenant_id, stars, func.count())
            .select_from(VolunteerFact)
            .outerjoin(
                StarLevel,
                and_(
                    StarLevel.tenant_id == VolunteerFact.tenant_id,
                    StarLevel.volunteer_id == VolunteerFact.volunteer_id,
                ),
            )
            .where(*self._on_register(months, committee_id))
            .group_by(VolunteerFact.tenant_id, stars)
        ).all()
        for tenant_id, level, volunteers in rows:
            gathered.counts[tenant_id].stars[min(max(level, 0), STAR_LEVELS - 1)] += volunteers

    def _hours(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        month = cast(func.date_trunc("month", RecordFact.service_date), Date)
        verified, unverified = _hour_sums()
        rows = self.session.execute(
            select(RecordFact.tenant_id, month, func.count(), verified, unverified)
            .where(*self._records_in(months), *self._scoped(RecordFact, committee_id))
            .group_by(RecordFact.tenant_id, month)
        ).all()
        for tenant_id, first_day, records, verified_hours, unverified_hours in rows:
            hours = Hours(records, verified_hours, unverified_hours)
            gathered.series[tenant_id][first_day] = hours
            gathered.counts[tenant_id].hours += hours

    def _ratings(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        rows = self.session.execute(
            select(RecordFact.tenant_id, func.count(), func.sum(Rating.score))
            .select_from(Rating)
            .join(RecordFact, _same_record(Rating))
            .where(*self._records_in(months), *self._scoped(RecordFact, committee_id))
            .group_by(RecordFact.tenant_id)
        ).all()
        for tenant_id, ratings, points in rows:
            gathered.counts[tenant_id].ratings, gathered.counts[tenant_id].rating_points = ratings, points

    def _audits(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        """A rejected record is voided by the rejection, and still counts against the pass rate."""
        rows = self.session.execute(
            select(RecordFact.tenant_id, AuditTask.outcome, func.count())
            .select_from(AuditTask)
            .join(RecordFact, _same_record(AuditTask))
            .where(
                RecordFact.service_date.between(months.start, months.end),
                *self._scoped(RecordFact, committee_id),
            )
            .group_by(RecordFact.tenant_id, AuditTask.outcome)
        ).all()
        for tenant_id, outcome, tasks in rows:
            counts = gathered.counts[tenant_id]
            match outcome:
                case Outcome.CONFIRMED:
                    counts.audits_confirmed += tasks
                case Outcome.ADJUSTED:
                    counts.audits_adjusted += tasks
                case Outcome.REJECTED:
                    counts.audits_rejected += tasks
                case _:
                    counts.audits_open += tasks

    def _tallies(self, gathered: Gathered, months: Months, committee_id: uuid.UUID | None) -> None:
        rows = self.session.execute(
            select(Tally.tenant_id, func.sum(Tally.verified_hours), func.sum(Tally.unverified_hours))
            .where(
                Tally.scope == Scope.COMMITTEE,
                Tally.scope_id == Tally.tenant_id,
                Tally.period.in_(months.tally_periods()),
                *self._scoped(Tally, committee_id),
            )
            .group_by(Tally.tenant_id)
        ).all()
        for tenant_id, verified, unverified in rows:
            gathered.counts[tenant_id].tallied = Hours(0, verified, unverified)

    # one committee's month in detail

    def top_volunteers(self, committee_id: uuid.UUID, months: Months, limit: int) -> list[Grouped]:
        verified, unverified = _hour_sums()
        rows = self.session.execute(
            select(RecordFact.volunteer_id, func.count(), verified, unverified)
            .where(*self._records_in(months), *self._scoped(RecordFact, committee_id))
            .group_by(RecordFact.volunteer_id)
            .order_by(func.sum(RecordFact.hours).desc(), verified.desc(), RecordFact.volunteer_id)
            .limit(limit)
        ).all()
        return [Grouped(key, records, 1, done, pending) for key, records, done, pending in rows]

    def breakdown(self, committee_id: uuid.UUID, months: Months, by: Breakdown) -> list[Grouped]:
        column = _BREAKDOWN_COLUMNS[by]
        verified, unverified = _hour_sums()
        rows = self.session.execute(
            select(column, func.count(), func.count(RecordFact.volunteer_id.distinct()), verified, unverified)
            .where(*self._records_in(months), *self._scoped(RecordFact, committee_id))
            .group_by(column)
        ).all()
        return [Grouped(*row) for row in rows]

    def register_entries(
        self, committee_id: uuid.UUID, volunteer_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, RegisterEntry]:
        if not volunteer_ids:
            return {}
        rows = self.session.execute(
            select(VolunteerFact.volunteer_id, VolunteerFact.name, VolunteerFact.tier, StarLevel.stars)
            .outerjoin(
                StarLevel,
                and_(
                    StarLevel.tenant_id == VolunteerFact.tenant_id,
                    StarLevel.volunteer_id == VolunteerFact.volunteer_id,
                ),
            )
            .where(VolunteerFact.volunteer_id.in_(volunteer_ids), *self._scoped(VolunteerFact, committee_id))
        ).all()
        return {
            volunteer_id: RegisterEntry(name, tier, stars or 0) for volunteer_id, name, tier, stars in rows
        }

    def names_on_records(
        self, committee_id: uuid.UUID, volunteer_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        """The names scheduling put on the records: for a volunteer the roster never announced here."""
        if not volunteer_ids:
            return {}
        rows = self.session.execute(
            select(RecordFact.volunteer_id, func.max(RecordFact.volunteer_name))
            .where(RecordFact.volunteer_id.in_(volunteer_ids), *self._scoped(RecordFact, committee_id))
            .group_by(RecordFact.volunteer_id)
        ).all()
        return {volunteer_id: name for volunteer_id, name in rows}

    def project_names(self, committee_id: uuid.UUID, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(ProjectFact.project_id, ProjectFact.name).where(
                ProjectFact.project_id.in_(ids), *self._scoped(ProjectFact, committee_id)
            )
        ).all()
        return {project_id: name for project_id, name in rows}

    def area_names(self, committee_id: uuid.UUID, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(AreaFact.area_id, AreaFact.name).where(
                AreaFact.area_id.in_(ids), *self._scoped(AreaFact, committee_id)
            )
        ).all()
        return {area_id: name for area_id, name in rows}

    # the national export

    def record_count(self, committee_id: uuid.UUID, months: Months) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(RecordFact)
                .where(
                    RecordFact.service_date.between(months.start, months.end),
                    *self._scoped(RecordFact, committee_id),
                )
            )
            or 0
        )

    def records_with_ratings(
        self, committee_id: uuid.UUID, months: Months, chunk: int
    ) -> Iterator[tuple[RecordFact, str | None, int | None]]:
        """Every record of the months, voided ones too (flagged in the export), with the volunteer's name
        on the register and the resident's rating; by service time."""
        result = self.session.execute(
            select(RecordFact, VolunteerFact.name, Rating.score)
            .outerjoin(
                VolunteerFact,
                and_(
                    VolunteerFact.tenant_id == RecordFact.tenant_id,
                    VolunteerFact.volunteer_id == RecordFact.volunteer_id,
                ),
            )
            .outerjoin(Rating, _same_record(Rating))
            .where(
                RecordFact.service_date.between(months.start, months.end),
                *self._scoped(RecordFact, committee_id),
            )
            .order_by(RecordFact.service_date, RecordFact.started_at, RecordFact.record_id)
            .execution_options(yield_per=chunk)
        )
        yield from result

    # conditions

    def _scoped(self, model: Any, committee_id: uuid.UUID | None) -> Sequence[ColumnElement[bool]]:
        conditions = [within(model.tenant_path, self.context.tenant_path)]
        if committee_id is not None:
            conditions.append(model.tenant_id == committee_id)
        return conditions

    def _records_in(self, months: Months) -> Sequence[ColumnElement[bool]]:
        return [RecordFact.voided.is_(False), RecordFact.service_date.between(months.start, months.end)]

    def _on_register(self, months: Months, committee_id: uuid.UUID | None) -> Sequence[ColumnElement[bool]]:
        """Evaluation keeps today's register (no history of tiers or exits): a period's register is today's
        active volunteers who had joined by its last day."""
        return [
            VolunteerFact.status == ON_REGISTER,
            VolunteerFact.joined_on <= months.end,
            *self._scoped(VolunteerFact, committee_id),
        ]


def _hour_sums() -> tuple[ColumnElement[Decimal], ColumnElement[Decimal]]:
    return (
        func.coalesce(func.sum(RecordFact.hours).filter(RecordFact.verified.is_(True)), ZERO),
        func.coalesce(func.sum(RecordFact.hours).filter(RecordFact.verified.is_(False)), ZERO),
    )


def _same_record(model: Any) -> ColumnElement[bool]:
    return and_(RecordFact.tenant_id == model.tenant_id, RecordFact.record_id == model.record_id)
