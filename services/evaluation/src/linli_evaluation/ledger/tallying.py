"""Applying ledger entries to the tallies (incrementally, exactly once) and recomputing every tally from the
ledger (the nightly reconciliation, which must agree and repairs what does not).

Both run per committee under the committee's advisory lock, so they never interleave. An entry's
`applied_at` is set in the transaction that adds it to the tallies: a worker killed mid-way rolls back both,
and the redelivered task applies the entry again, once."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from prometheus_client import Counter
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.ledger.models import LedgerEntry, Reconciliation, Scope, Tally
from linli_evaluation.stars.levels import refresh_stars
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

logger = logging.getLogger(__name__)
DISAGREEMENTS = Counter(
    "linli_evaluation_tally_disagreements_total", "Tallies the reconciliation found wrong and repaired"
)
#: entries applied per transaction: a backlog is worked off in bounded steps
BATCH = 5000
#: tally rows per INSERT statement: 8 parameters each stays well inside PostgreSQL's 65,535
ROWS_PER_STATEMENT = 1000

Key = tuple[str, uuid.UUID, str]
Hours = tuple[Decimal, Decimal, int]


def periods(day: date) -> tuple[str, str, str, str]:
    """The periods a service day counts in: its month, quarter, year and the lifetime."""
    return (f"m{day.year}-{day.month:02d}", f"q{day.year}-{(day.month - 1) // 3 + 1}", f"y{day.year}", "all")


def scopes(entry: LedgerEntry) -> Iterable[tuple[str, uuid.UUID]]:
    yield Scope.VOLUNTEER, entry.volunteer_id
    yield Scope.COMMITTEE, entry.tenant_id
    if entry.project_id is not None:
        yield Scope.PROJECT, entry.project_id
    if entry.grid_id is not None:
        yield Scope.GRID, entry.grid_id


def committee_context(tenant_id: uuid.UUID, tenant_path: str, job: str) -> TenantContext:
    return TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject=f"task:{job}"
    )


def apply_pending(database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date) -> int:
    """Apply every not-yet-applied entry of the committee to its tallies; returns how many."""
    context = committee_context(tenant_id, tenant_path, "tally")
    applied = 0
    while True:
        with database.transaction(context) as session:
            _lock(session, tenant_id)
            entries = session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.tenant_id == tenant_id, LedgerEntry.applied_at.is_(None))
                .order_by(LedgerEntry.created_at, LedgerEntry.id)
                .limit(BATCH)
            ).all()
            if not entries:
                return applied
            sums: dict[Key, Hours] = defaultdict(lambda: (Decimal(0), Decimal(0), 0))
            for entry in entries:
                for scope, scope_id in scopes(entry):
                    for period in periods(entry.service_date):
                        verified, unverified, count = sums[(scope, scope_id, period)]
                        sums[(scope, scope_id, period)] = (
                            verified + entry.verified_delta,
                            unverified + entry.unverified_delta,
                            count + 1,
                        )
                entry.applied_at = func.now()
            _add(session, tenant_id, tenant_path, sums)
            session.flush()
            refresh_stars(session, context, {entry.volunteer_id for entry in entries}, today)
            applied += len(entries)


def reconcile(database: Database, tenant_id: uuid.UUID, tenant_path: str) -> Reconciliation:
    """Recompute every tally of the committee from its applied ledger entries; count, log and repair every
    disagreement (a tally missing, extra or different)."""
    context = committee_context(tenant_id, tenant_path, "reconcile")
    with database.transaction(context) as session:
        _lock(session, tenant_id)
        expected = recompute(session, tenant_id)
        stored = {
            (tally.scope, tally.scope_id, tally.period): tally
            for tally in session.scalars(select(Tally).where(Tally.tenant_id == tenant_id))
        }
        wrong = 0
        for key in expected.keys() | stored.keys():
            want = expected.get(key, (Decimal(0), Decimal(0), 0))
            tally = stored.get(key)
            have = (tally.verified_hours, tally.unverified_hours, tally.entries) if tally else None
            if have == want or (have is None and want == (Decimal(0), Decimal(0), 0)):
                continue
            wrong += 1
            logger.warning(
                "tally %s of committee %s was %s, the ledger says %s; repaired", key, tenant_id, have, want
            )
            if tally is None:
                session.add(
                    Tally(
                        tenant_id=tenant_id,
                        scope=key[0],
                        scope_id=key[1],
                        period=key[2],
                        tenant_path=tenant_path,
                        verified_hours=want[0],
                        unverified_hours=want[1],
                        entries=want[2],
                    )
                )
            else:
                tally.verified_hours, tally.unverified_hours, tally.entries = want
                tally.updated_at = func.now()
        DISAGREEMENTS.inc(wrong)
        run = Reconciliation(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            tenant_path=tenant_path,
            tallies_checked=len(expected.keys() | stored.keys()),
            disagreements=wrong,
        )
        session.add(run)
        return run


def recompute(session: Session, tenant_id: uuid.UUID) -> dict[Key, Hours]:
    """Every tally of a committee as the applied ledger says it should be, computed by the database: one
    GROUP BY over the entries for each scope, spread over the four periods."""
    rows = session.execute(
        text(
            """
            with entries as (
                select volunteer_id, project_id, grid_id, tenant_id, service_date,
                       verified_delta, unverified_delta
                from ledger_entries where tenant_id = :tenant and applied_at is not null
            ), scoped as (
                select 'volunteer' as scope, volunteer_id as scope_id, * from entries
                union all select 'committee', tenant_id, * from entries
                union all select 'project', project_id, * from entries where project_id is not null
                union all select 'grid', grid_id, * from entries where grid_id is not null
            ), dated as (
                select scope, scope_id, verified_delta, unverified_delta,
                       unnest(array[
                           'm' || to_char(service_date, 'YYYY-MM'),
                           'q' || to_char(service_date, 'YYYY') || '-' || extract(quarter from service_date)::int,
                           'y' || to_char(service_date, 'YYYY'),
                           'all'
                       ]) as period
                from scoped
            )
            select scope, scope_id, period, sum(verified_delta), sum(unverified_delta), count(*)
            from dated group by scope, scope_id, period
            """
        ),
        {"tenant": tenant_id},
    ).all()
    return {
        (scope, scope_id, period): (verified, unverified, count)
        for scope, scope_id, period, verified, unverified, count in rows
    }


def committees_with_pending(database: Database, context: TenantContext) -> list[tuple[uuid.UUID, str]]:
    with database.transaction(context) as session:
        rows = session.execute(
            select(LedgerEntry.tenant_id, LedgerEntry.tenant_path)
            .where(LedgerEntry.applied_at.is_(None))
            .distinct()
        ).all()
    return [(tenant_id, path) for tenant_id, path in rows]


def _add(session: Session, tenant_id: uuid.UUID, tenant_path: str, sums: dict[Key, Hours]) -> None:
    rows = [
        {
            "tenant_id": tenant_id,
            "scope": scope,
            "scope_id": scope_id,
            "period": period,
            "tenant_path": tenant_path,
            "verified_hours": verified,
            "unverified_hours": unverified,
            "entries": count,
        }
        for (scope, scope_id, period), (verified, unverified, count) in sums.items()
    ]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        statement = insert(Tally).values(rows[start : start + ROWS_PER_STATEMENT])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "scope", "scope_id", "period"],
                set_={
                    "verified_hours": Tally.verified_hours + statement.excluded.verified_hours,
                    "unverified_hours": Tally.unverified_hours + statement.excluded.unverified_hours,
                    "entries": Tally.entries + statement.excluded.entries,
                    "updated_at": func.now(),
                },
            )
        )


def _lock(session: Session, tenant_id: uuid.UUID) -> None:
    """One tallying or reconciliation of a committee at a time (the lock ends with the transaction)."""
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(str(tenant_id), 0))))
