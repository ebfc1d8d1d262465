"""Hours: tallies per scope and period, a town's or district's roll-up, a volunteer's hours, the ledger
behind a record, and the reconciliation runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from linli_evaluation.access import Me, Reader, VolunteerNotFound
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.ledger.models import Scope, Tally
from linli_evaluation.ledger.repository import LedgerRepository
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
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.problems import NotFound

router = APIRouter(tags=["hours"], responses=PROBLEM_RESPONSES)
Period = Annotated[str, Query(pattern=PERIOD, description="m2026-11, q2026-4, y2026 or all")]
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/v1/tallies", summary="Hours per volunteer, project, grid or committee in a period")
def tallies(
    context: Reader,
    session: ContextSession,
    scope: Scope,
    period: Period = "all",
    cursor: Cursor = None,
    limit: Limit = 100,
) -> TallyPage:
    after = decode_cursor(cursor, uuid.UUID, uuid.UUID) if cursor is not None else None
    rows = LedgerRepository(session).tallies(scope, period, context.tenant_path, after, limit + 1)
    items = [_tally_out(tally) for tally in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return TallyPage(items=items, next_cursor=encode_cursor(last.tenant_id, last.scope_id) if last else None)


@router.get(
    "/v1/tallies/rollup", summary="A town's or district's hours: every committee in its subtree, summed"
)
def rollup(context: Reader, session: ContextSession, period: Period = "all") -> Rollup:
    rows = LedgerRepository(session).committee_totals(period, context.tenant_path)
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
    volunteer = LedgerRepository(session).volunteer(volunteer_id)
    if volunteer is None:
        raise VolunteerNotFound()
    return _hours_of(session, volunteer)


@router.get("/v1/me/hours", summary="My hours in every period, verified and unverified, and my stars")
def my_hours(me: Me, session: ContextSession) -> VolunteerHours:
    return _hours_of(session, me)


@router.get("/v1/records/{record_id}/ledger", summary="The ledger entries behind a record's hours")
def record_ledger(record_id: uuid.UUID, context: Reader, session: ContextSession) -> list[EntryOut]:
    entries = LedgerRepository(session).entries(record_id)
    if not entries:
        raise NotFound("No ledger entries for this record here.")
    return [EntryOut.model_validate(entry, from_attributes=True) for entry in entries]


@router.get("/v1/reconciliations", summary="The latest nightly reconciliations (and what they repaired)")
def reconciliations(context: Reader, session: ContextSession, limit: Limit = 30) -> list[ReconciliationOut]:
    runs = LedgerRepository(session).reconciliations(limit)
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
    hours = LedgerRepository(session)
    return VolunteerHours(
        volunteer_id=volunteer.volunteer_id,
        name=volunteer.name,
        stars=hours.stars(volunteer),
        tallies=[_tally_out(tally) for tally in hours.volunteer_tallies(volunteer)],
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
