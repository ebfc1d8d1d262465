"""Scheduling's records become ledger entries; tallies follow them exactly once, per scope and period;
the reconciliation recomputes them from the ledger and repairs what disagrees; stars follow verified hours."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from linli_evaluation.database import messaging
from linli_evaluation.facts.models import RecordFact
from linli_evaluation.ledger.models import LedgerEntry, Scope, Tally
from linli_evaluation.ledger.tallying import DISAGREEMENTS, apply_pending, recompute, reconcile
from linli_evaluation.stars.models import StarLevel

TODAY = date(2026, 11, 25)


def tally(database, committee, scope, scope_id, period) -> tuple[Decimal, Decimal] | None:
    with database.transaction(committee.context) as session:
        row = session.get(Tally, (committee.id, scope, scope_id, period))
        return (row.verified_hours, row.unverified_hours) if row else None


def apply(database, committee) -> int:
    return apply_pending(database, committee.id, committee.path, TODAY)


def entry_event(record_id, volunteer_id, delta, entry_id=None) -> dict:
    return {
        "record_id": str(record_id),
        "entry_id": str(entry_id or uuid.uuid4()),
        "sequence": 2,
        "volunteer_id": str(volunteer_id),
        "activity_id": str(uuid.uuid4()),
        "activity_kind": "grid_duty",
        "project_id": None,
        "area_id": None,
        "service_date": "2026-11-07",
        "hours_before": 2.0,
        "hours_after": 2.0 + delta,
        "delta": delta,
        "reason": "更正",
        "decided_by": "staff",
        "correction_id": None,
    }


def test_a_record_counts_once_in_every_scope_and_period(
    committee, register, record, deliver, evaluation_database
):
    volunteer = register(committee.tenant, "张阿姨")
    project = uuid.uuid4()
    record(committee.tenant, volunteer, hours=2.0, on=date(2026, 11, 7), project_id=project)
    late = record(committee.tenant, volunteer, hours=1.5, on=date(2026, 10, 3), late_entry=True)
    assert apply(evaluation_database, committee) == 2
    assert apply(evaluation_database, committee) == 0  # nothing left: nothing applied twice

    def hours(scope, scope_id, period):
        return tally(evaluation_database, committee, scope, scope_id, period)

    assert hours(Scope.VOLUNTEER, volunteer, "m2026-11") == (Decimal("2.00"), Decimal("0.00"))
    assert hours(Scope.VOLUNTEER, volunteer, "m2026-10") == (Decimal("0.00"), Decimal("1.50"))
    assert hours(Scope.VOLUNTEER, volunteer, "q2026-4") == (Decimal("2.00"), Decimal("1.50"))
    assert hours(Scope.VOLUNTEER, volunteer, "y2026") == (Decimal("2.00"), Decimal("1.50"))
    assert hours(Scope.COMMITTEE, committee.id, "all") == (Decimal("2.00"), Decimal("1.50"))
    assert hours(Scope.PROJECT, project, "all") == (Decimal("2.00"), Decimal("0.00"))

    with evaluation_database.transaction(committee.context) as session:
        assert session.get(RecordFact, (committee.id, late)).verified is False


def test_adjustments_and_voids_are_new_entries_and_tallies_follow(
    committee, register, record, deliver, evaluation_database
):
    volunteer = register(committee.tenant, "李叔")
    record_id = record(committee.tenant, volunteer, hours=2.0)
    entry_id = uuid.uuid4()
    adjusted = entry_event(record_id, volunteer, -0.5, entry_id)
    for _ in range(2):  # re-published with a new event id: scheduling's entry id books it once
        deliver(
            "linli.scheduling.service_record.adjusted.v1",
            "scheduling.service_records",
            committee.tenant,
            volunteer,
            adjusted,
            source="/linli/scheduling",
        )
    apply(evaluation_database, committee)
    assert tally(evaluation_database, committee, Scope.VOLUNTEER, volunteer, "all") == (
        Decimal("1.50"),
        Decimal(0),
    )

    deliver(
        "linli.scheduling.service_record.voided.v1",
        "scheduling.service_records",
        committee.tenant,
        volunteer,
        entry_event(record_id, volunteer, -1.5),
        source="/linli/scheduling",
    )
    apply(evaluation_database, committee)
    assert tally(evaluation_database, committee, Scope.VOLUNTEER, volunteer, "all") == (
        Decimal(0),
        Decimal(0),
    )
    with evaluation_database.transaction(committee.context) as session:
        fact = session.get(RecordFact, (committee.id, record_id))
        assert (fact.hours, fact.voided) == (Decimal(0), True)
        kinds = session.scalars(
            select(LedgerEntry.kind)
            .where(LedgerEntry.record_id == record_id)
            .order_by(LedgerEntry.created_at)
        ).all()
    assert kinds == ["recorded", "adjusted", "voided"]


def test_the_reconciliation_agrees_and_repairs_what_was_tampered_with(
    committee, register, record, evaluation_database
):
    volunteer = register(committee.tenant, "赵师傅")
    for day in (1, 8, 15):
        record(committee.tenant, volunteer, hours=2.0, on=date(2026, 11, day))
    apply(evaluation_database, committee)
    assert reconcile(evaluation_database, committee.id, committee.path).disagreements == 0

    before = DISAGREEMENTS._value.get()
    with evaluation_database.transaction(committee.context) as session:
        session.execute(
            update(Tally)
            .where(Tally.tenant_id == committee.id, Tally.scope == Scope.VOLUNTEER, Tally.period == "all")
            .values(verified_hours=Decimal("99"))
        )
        session.execute(
            update(Tally)
            .where(
                Tally.tenant_id == committee.id, Tally.period == "m2026-11", Tally.scope == Scope.COMMITTEE
            )
            .values(entries=0)
        )
    run = reconcile(evaluation_database, committee.id, committee.path)
    assert run.disagreements == 2
    assert DISAGREEMENTS._value.get() == before + 2
    with evaluation_database.transaction(committee.context) as session:
        stored = {
            (row.scope, row.scope_id, row.period): (row.verified_hours, row.unverified_hours, row.entries)
            for row in session.scalars(select(Tally).where(Tally.tenant_id == committee.id))
        }
        assert stored == recompute(session, committee.id)
    assert reconcile(evaluation_database, committee.id, committee.path).disagreements == 0


def test_stars_follow_verified_hours_and_announce_each_change(
    committee, register, record, evaluation_database
):
    volunteer = register(committee.tenant, "钱大姐", joined_on=date(2020, 1, 1))
    for week in range(13):  # 13 × 8 h = 104 verified hours
        record(committee.tenant, volunteer, hours=8.0, on=date(2026, 8, 1 + week % 28))
    record(committee.tenant, volunteer, hours=8.0, on=date(2026, 9, 1), self_reported=True)  # unverified
    apply(evaluation_database, committee)
    with evaluation_database.transaction(committee.context) as session:
        level = session.get(StarLevel, (committee.id, volunteer))
        assert (level.stars, level.verified_hours) == (1, Decimal("104.00"))
        changes = [
            event
            for event in session.execute(select(messaging.outbox.c.event)).scalars()
            if event["type"] == "linli.evaluation.star_level.changed.v1"
            and event["subject"] == str(volunteer)
        ]
    assert [(change["data"]["previous_stars"], change["data"]["stars"]) for change in changes] == [(0, 1)]


def test_a_districts_star_rules_apply_to_its_committees(
    committee, register, record, evaluation_client, evaluation_database, login, world
):
    district = login("district_admin")
    bad = evaluation_client.put(
        "/v1/star-policy", json={"thresholds": [50, 40, 600, 1000, 1500]}, headers=district
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert (
        evaluation_client.get("/v1/star-policy", headers=login("staff")).json()["source"]
        == "national_default"
    )
    assert (
        evaluation_client.put(
            "/v1/star-policy", json={"thresholds": [1, 2, 3, 4, 5]}, headers=login("staff")
        ).status_code
        == 403
    )

    response = evaluation_client.put(
        "/v1/star-policy",
        json={"thresholds": [10, 20, 30, 40, 50], "tenure_months": [0, 0, 12, 12, 24]},
        headers=district,
    )
    assert response.status_code == 200, response.text
    policy = evaluation_client.get("/v1/star-policy", headers=login("staff")).json()
    assert (policy["source"], policy["source_tenant_id"]) == ("district", str(world.district.id))
    assert policy["thresholds"] == [10, 20, 30, 40, 50]

    newcomer = register(committee.tenant, "孙小妹", joined_on=date(2026, 6, 1))
    record(committee.tenant, newcomer, hours=24.0)
    record(committee.tenant, newcomer, hours=24.0, on=date(2026, 11, 8))
    apply(evaluation_database, committee)
    # 48 verified hours would be 4★, but under a year of service caps her at 2★
    with evaluation_database.transaction(committee.context) as session:
        assert session.get(StarLevel, (committee.id, newcomer)).stars == 2


@pytest.mark.parametrize(
    ("path", "reader"),
    [("/v1/tallies?scope=volunteer", "auditor"), ("/v1/tallies/rollup?period=all", "town_admin")],
)
def test_hours_are_read_within_ones_subtree(
    committee, register, record, evaluation_client, evaluation_database, login, world, path, reader
):
    volunteer = register(committee.tenant, "周先生")
    record(committee.tenant, volunteer, hours=3.0)
    apply(evaluation_database, committee)
    mine = evaluation_client.get(path, headers=login(reader))
    assert mine.status_code == 200, mine.text
    theirs = evaluation_client.get(path, headers=login("other_town_admin"))
    assert theirs.status_code == 200
    assert str(volunteer) in mine.text or str(committee.id) in mine.text
    assert str(volunteer) not in theirs.text
    assert str(committee.id) not in theirs.text


def test_a_volunteer_sees_their_own_hours_and_nobody_elses(
    committee, me, record, evaluation_client, evaluation_database, login, world, register
):
    record(committee.tenant, me, hours=2.5)
    apply(evaluation_database, committee)
    mine = evaluation_client.get("/v1/me/hours", headers=login("volunteer"))
    assert mine.status_code == 200, mine.text
    lifetime = next(item for item in mine.json()["tallies"] if item["period"] == "all")
    assert lifetime["verified_hours"] == 2.5
    assert evaluation_client.get(f"/v1/volunteers/{me}/hours", headers=login("volunteer")).status_code == 403
    assert (
        evaluation_client.get(f"/v1/volunteers/{me}/hours", headers=login("sibling_admin")).status_code == 404
    )
    assert evaluation_client.get(f"/v1/volunteers/{me}/hours", headers=login("staff")).status_code == 200
    assert evaluation_client.get("/v1/tallies?scope=planet", headers=login("staff")).status_code == 422
    assert (
        evaluation_client.get(
            "/v1/tallies?scope=volunteer&period=m2026-13", headers=login("staff")
        ).status_code
        == 422
    )


def test_a_record_published_twice_is_booked_once(committee, register, deliver, evaluation_database):
    volunteer = register(committee.tenant, "吴老师")
    record_id = uuid.uuid4()
    payload = {
        "record_id": str(record_id),
        "sequence": 1,
        "volunteer_id": str(volunteer),
        "volunteer_name": "吴老师",
        "activity_id": str(uuid.uuid4()),
        "activity_name": "助老探访",
        "activity_kind": "service",
        "project_id": None,
        "shift_id": None,
        "area_id": None,
        "place": "5号楼",
        "recipient": "独居老人",
        "content": "陪聊",
        "service_date": "2026-11-04",
        "started_at": "2026-11-04T06:00:00Z",
        "ended_at": "2026-11-04T08:00:00Z",
        "service_minutes": 120,
        "hours": 2.0,
        "rounding": "chongqing",
        "lead_name": "",
        "recorded_by": "x",
        "recorder_name": "甲居民区",
        "source": "check_out",
        "late_entry": False,
        "self_reported": False,
        "auto_closed": False,
    }
    for _ in range(2):  # two deliveries with different event ids (a producer retry after a lost ack)
        deliver(
            "linli.scheduling.service_record.recorded.v1",
            "scheduling.service_records",
            committee.tenant,
            volunteer,
            payload,
            source="/linli/scheduling",
        )
    apply(evaluation_database, committee)
    with evaluation_database.transaction(committee.context) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.record_id == record_id)
            )
            == 1
        )
    assert tally(evaluation_database, committee, Scope.VOLUNTEER, volunteer, "all") == (
        Decimal("2.00"),
        Decimal(0),
    )


def test_a_backlog_touching_thousands_of_tallies_is_applied_in_one_go(committee, evaluation_database):
    """2,500 entries of 2,500 volunteers touch 10,000+ tallies: more rows than one INSERT may carry."""
    from sqlalchemy import insert

    rows = [
        {
            "tenant_id": committee.id,
            "id": uuid.uuid4(),
            "tenant_path": committee.path,
            "source_id": uuid.uuid4(),
            "kind": "recorded",
            "record_id": uuid.uuid4(),
            "volunteer_id": uuid.uuid4(),
            "service_date": date(2026, 1 + n % 12, 5),
            "verified_delta": Decimal(1),
            "unverified_delta": Decimal(0),
        }
        for n in range(2500)
    ]
    with evaluation_database.transaction(committee.context) as session:
        session.execute(insert(LedgerEntry), rows)
    assert apply(evaluation_database, committee) == 2500
    assert tally(evaluation_database, committee, Scope.COMMITTEE, committee.id, "all") == (
        Decimal(2500),
        Decimal(0),
    )
    assert reconcile(evaluation_database, committee.id, committee.path).disagreements == 0


def test_a_towns_star_rules_are_named_as_the_towns(committee, evaluation_client, login, world):
    response = evaluation_client.put(
        "/v1/star-policy", json={"thresholds": [20, 60, 120, 200, 300]}, headers=login("town_admin")
    )
    assert response.status_code == 200, response.text
    policy = evaluation_client.get("/v1/star-policy", headers=login("staff")).json()
    assert (policy["source"], policy["source_tenant_id"]) == ("town", str(world.town.id))
    assert policy["thresholds"] == [20, 60, 120, 200, 300]
