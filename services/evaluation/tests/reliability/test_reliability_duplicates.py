"""Duplicate deliveries through the consumer runner the Kafka consumer uses: the same event twice stops at
the inbox; the same fact under a new event id (a producer retry, a relay replay) is booked once by its
record id or scheduling's entry id; a replay after the tallies moved changes no tally."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import HANDLERS
from linli_evaluation.ledger.models import LedgerEntry
from linli_shared.events.consumer import ConsumerRunner

pytestmark = pytest.mark.integration


def entries(database, committees) -> int:
    total = 0
    for committee in committees:
        with database.transaction(committee.context) as session:
            total += session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.tenant_id == committee.id)
            )
    return total


def test_duplicated_and_republished_events_are_booked_and_tallied_once(
    committees, stream, evaluation_database, check_exactly_once, apply_all, tallies
):
    a, b = committees
    runner = ConsumerRunner(
        f"evaluation-dup-{uuid.uuid4().hex[:8]}", evaluation_database, messaging, HANDLERS, None, "unused"
    )
    volunteers = [uuid.uuid4() for _ in range(4)]
    project = uuid.uuid4()
    events = []
    for n in range(12):
        committee = a if n % 3 else b
        events.append(
            stream.recorded(
                committee,
                volunteers[n % 4],
                hours=1.5 + n % 4,
                on=date(2026, 9 + n % 3, 1 + n),
                late_entry=n % 5 == 0,
                project_id=project if n % 2 else None,
            )
        )
    records = list(stream.records)
    events += [stream.adjusted(records[n], -0.5) for n in (1, 2, 5)]
    events += [stream.adjusted(records[3], 1.25), stream.voided(records[4]), stream.voided(records[0])]

    for event in events:
        assert runner.handle("scheduling.service_records", stream.raw(event), []).handled
        # the same delivery again (a redelivery after a crash before the offset commit): the inbox stops it
        assert runner.handle("scheduling.service_records", stream.raw(event), []).duplicate
    booked = entries(evaluation_database, committees)
    assert booked == sum(expected.entries for expected in stream.records.values())
    assert apply_all(evaluation_database, committees) == booked
    before = [tallies(evaluation_database, committee) for committee in committees]

    # every fact published again under new event ids, in the original order and reversed (a recorded event
    # arriving again after its record was adjusted and voided): handled, yet nothing booked or tallied
    for event in [*events, *reversed(events)]:
        assert runner.handle("scheduling.service_records", stream.raw(stream.republished(event)), []).handled
    # and the whole original stream replayed as it was
    for event in events:
        assert runner.handle("scheduling.service_records", stream.raw(event), []).duplicate
    assert entries(evaluation_database, committees) == booked
    assert apply_all(evaluation_database, committees) == 0
    assert [tallies(evaluation_database, committee) for committee in committees] == before

    check_exactly_once(evaluation_database, stream)
