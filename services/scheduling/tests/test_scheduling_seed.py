"""The `make run` demo schedule: history replayed through the real services, idempotent."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.projects.models import Project
from linli_scheduling.records.models import LateEntry, ServiceRecord
from linli_scheduling.seed import seed_committee
from linli_scheduling.signups.models import Signup
from linli_shared.clock import FixedClock

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)


def roster(committee, register, roster_event) -> int:
    for n in range(24):
        register(committee.tenant, f"志愿者{n:02d}", tier="backbone" if n % 4 == 0 else "volunteer")
    area = uuid.uuid4()
    roster_event(
        "linli.roster.area.changed.v1",
        "roster.areas",
        committee.tenant,
        area,
        {
            "area_id": str(area),
            "parent_id": None,
            "kind": "micro_grid",
            "name": "1号微网格",
            "responsible_volunteer_id": None,
            "active": True,
        },
    )
    course = uuid.uuid4()
    roster_event(
        "linli.roster.course.created.v1",
        "roster.training",
        committee.tenant,
        course,
        {"course_id": str(course), "name": "应急救护", "qualification": "应急救护证", "validity_months": 24},
    )
    return 24


def test_seed_replays_four_weeks_and_plans_four_ahead(committee, register, roster_event, scheduling_database):
    people = roster(committee, register, roster_event)
    summary = seed_committee(
        scheduling_database,
        committee.id,
        committee.path,
        people,
        wait_seconds=5,
        clock=FixedClock(NOW),
        history_weeks=4,
    )
    assert "records" in summary

    with scheduling_database.transaction(committee.context) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 2
        assert session.scalar(select(func.count()).select_from(Activity)) == 5
        ahead = session.scalar(select(func.max(Shift.starts_at)))
        assert ahead > NOW + timedelta(days=300)  # the series run a year ahead
        past = session.scalar(select(func.count()).select_from(Shift).where(Shift.ends_at < NOW))
        closed = session.scalar(select(func.count()).select_from(Shift).where(Shift.closed_at.is_not(None)))
        assert past
        assert closed == past
        statuses = dict(session.execute(select(Signup.status, func.count()).group_by(Signup.status)).all())
        assert {"waitlisted", "confirmed", "no_show"} <= statuses.keys()
        records = session.scalars(select(ServiceRecord)).all()
        # the Chongqing rule credits whole and half hours only
        assert records
        assert all(record.hours * 2 == int(record.hours * 2) for record in records)
        assert session.scalar(select(func.count()).select_from(LateEntry)) == 1

    again = seed_committee(
        scheduling_database, committee.id, committee.path, people, wait_seconds=5, clock=FixedClock(NOW)
    )
    assert again == f"already seeded: {len(records)} records"
