"""Hours: tallies per scope and period, a town's or district's roll-up, a volunteer's hours, the ledger
behind a record, and the reconciliation runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from linli_evaluation.access import Me, Reader
from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.ledger.models import LedgerEntry, Reconciliation, Scope, Tally
from linli_evaluation.ledger.schemas import (
    PERIOD,
    CommitteeHours,
    EntryOut,
    ReconciliationOut,
    Rollup,
    TallyOut,
    TallyPage,
    VolunteerHours,
)
from linli_evaluation.stars.models import StarLevel
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.db import within
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.problems import NotFound

router = APIRouter(tags=["hours"], responses=PROBLEM_RESPONSES)
Period = Annotated[str, Query(pattern=PERIOD, description="m2026-11, q2026-4, y2026 or all")]
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=500)]


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


@router.get("/v1/tallies", summary="Hours per volunteer, project, grid or committee in a period")
def tallies(
    context: Reader,
    session: ContextSession,
    scope: Scope,
    period: Period = "all",
    cursor: Cursor = None,
    limit: Limit = 100,
) -> TallyPage:
    statement = select(Tally).where(
        Tally.scope == scope, Tally.period == period, within(Tally.tenant_path, context.tenant_path)
    )
    if cursor is not None:
        after_tenant, after_id = decode_cursor(cursor, uuid.UUID, uuid.UUID)
        statement = statement.where(tuple_(Tally.tenant_id, Tally.scope_id) > tuple_(after_tenant, after_id))
    rows = session.scalars(statement.order_by(Tally.tenant_id, Tally.scope_id).limit(limit + 1)).all()
    items = [_tally_out(tally) for tally in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return TallyPage(items=items, next_cursor=encode_cursor(last.tenant_id, last.scope_id) if last else None)


@router.get(
    "/v1/tallies/rollup", summary="A town's or district's hours: every committee in its subtree, summed"
)
def rollup(context: Reader, session: ContextSession, period: Period = "all") -> Rollup:
    names = directory.table
    rows = session.execute(
        select(names.c.id, names.c.name, names.c.path, Tally.verified_hours, Tally.unverified_hours)
        .join(
            Tally,
            (Tally.tenant_id == names.c.id) & (Tally.scope == Scope.COMMITTEE) & (Tally.period == period),
            isouter=True,
        )
        .where(names.c.kind == "committee", within(names.c.path, context.tenant_path))
        .order_by(names.c.path)
    ).all()
    committees = [
        CommitteeHours(
            committee_id=tenant_id,
            name=name,
            path=path,
            verified_hours=verified or 0,
            unverified_hours=unverified or 0,
        )
        for tenant_id, name, path, verified, unverified in rows
    ]
    return Rollup(
        period=period,
        committees=committees,
        verified_hours=sum((row.verified_hours for row in committees), start=0),
        unverified_hours=sum((row.unverified_hours for row in committees), start=0),
    )


@router.get("/v1/volunteers/{volunteer_id}/hours", summary="A volunteer's hours in every period, and stars")
def volunteer_hours(volunteer_id: uuid.UUID, context: Reader, session: ContextSession) -> VolunteerHours:
    volunteer = session.scalars(
        select(VolunteerFact).where(VolunteerFact.volunteer_id == volunteer_id)
    ).first()
    if volunteer is None:
        raise VolunteerNotFound()
    return _hours_of(session, volunteer)


@router.get("/v1/me/hours", summary="My hours in every period, verified and unverified, and my stars")
def my_hours(me: Me, session: ContextSession) -> VolunteerHours:
    return _hours_of(session, me)


@router.get("/v1/records/{record_id}/ledger", summary="The ledger entries behind a record's hours")
def record_ledger(record_id: uuid.UUID, context: Reader, session: ContextSession) -> list[EntryOut]:
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.record_id == record_id)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).all()
    if not entries:
        raise NotFound("No ledger entries for this record here.")
    return [EntryOut.model_validate(entry, from_attributes=True) for entry in entries]


@router.get("/v1/reconciliations", summary="The latest nightly reconciliations (and what they repaired)")
def reconciliations(context: Reader, session: ContextSession, limit: Limit = 30) -> list[ReconciliationOut]:
    runs = session.scalars(
        select(Reconciliation).order_by(Reconciliation.ran_at.desc(), Reconciliation.id).limit(limit)
    ).all()
    return [
        ReconciliationOut(
            committee_id=run.tenant_id,
            tallies_checked=run.tallies_checked,
            disagreements=run.disagreements,
            ran_at=run.ran_at,
        )
        for run in runs
    ]


def _hours_of(session: Session, volunteer: VolunteerFact) -> VolunteerHours:
    rows = session.scalars(
        select(Tally)
        .where(
            Tally.tenant_id == volunteer.tenant_id,
            Tally.scope == Scope.VOLUNTEER,
            Tally.scope_id == volunteer.volunteer_id,
        )
        .order_by(func.substr(Tally.period, 2).desc(), Tally.period)
    ).all()
    level = session.get(StarLevel, (volunteer.tenant_id, volunteer.volunteer_id))
    return VolunteerHours(
        volunteer_id=volunteer.volunteer_id,
        name=volunteer.name,
        stars=level.stars if level else 0,
        tallies=[_tally_out(tally) for tally in rows],
    )


def _tally_out(tally: Tally) -> TallyOut:
    return TallyOut(
        scope=Scope(tally.scope),
        scope_id=tally.scope_id,
        period=tally.period,
        committee_id=tally.tenant_id,
        verified_hours=tally.verified_hours,
        unverified_hours=tally.unverified_hours,
        entries=tally.entries,
    )
