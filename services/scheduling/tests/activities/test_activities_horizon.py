"""The daily horizon task: open series are materialised a year ahead, and running it again (or after a
shift was moved onto a day still to come) never makes a second shift for a day."""

import logging
import uuid
from datetime import date, datetime

from linli_scheduling.activities.models import Activity
from linli_scheduling.activities.tasks import extend_horizon
from linli_scheduling.events.types import SHIFT_CREATED
from linli_shared.tenancy import Role, TenantContext

#: a week after the activities were planned: the horizon moves from 28 April to 5 May 2027
A_WEEK_LATER = date(2026, 5, 4)
TWO_WEEKS_LATER = date(2026, 5, 11)


def extend(scheduling_database, tenant, today: date = A_WEEK_LATER) -> int:
    return extend_horizon(scheduling_database, tenant.id, tenant.path, today)


def test_extending_twice_makes_each_shift_once(
    scheduling_database, scheduling_client, plan_activity, login, committee, monday, world, shift_days, outbox
):
    staff = login("staff")
    activity = plan_activity(staff)
    assert shift_days(world.committee, activity["id"])[-1] == date(2027, 4, 24)

    assert extend(scheduling_database, world.committee) == 1
    assert shift_days(world.committee, activity["id"])[-1] == date(2027, 5, 1)
    detail = scheduling_client.get(f"/v1/activities/{activity['id']}", headers=staff).json()
    assert detail["materialised_until"] == "2027-05-05"
    created = outbox(SHIFT_CREATED.type)
    assert len(created) == activity["shifts_created"] + 1
    assert created[-1]["data"]["local_date"] == "2027-05-01"

    # the same day again, and again: nothing more
    assert extend(scheduling_database, world.committee) == 0
    assert extend(scheduling_database, world.committee) == 0
    assert len(outbox(SHIFT_CREATED.type)) == activity["shifts_created"] + 1
    assert extend(scheduling_database, world.committee, TWO_WEEKS_LATER) == 1
    days = shift_days(world.committee, activity["id"])
    assert days[-2:] == [date(2027, 5, 1), date(2027, 5, 8)]
    assert len(days) == len(set(days))


def test_exceptions_and_moved_shifts_are_respected(
    scheduling_database,
    scheduling_client,
    plan_activity,
    calendar,
    login,
    committee,
    monday,
    world,
    shift_days,
):
    staff = login("staff")
    activity = plan_activity(staff)
    skip = scheduling_client.post(
        f"/v1/activities/{activity['id']}/exceptions", json={"date": "2027-05-01"}, headers=staff
    )
    assert skip.status_code == 200, skip.text
    assert extend(scheduling_database, world.committee) == 0
    assert date(2027, 5, 1) not in shift_days(world.committee, activity["id"])

    # the last shift is moved a fortnight on, onto a day the next run would otherwise fill
    [last] = calendar(staff, activity_id=activity["id"], **{"from": "2027-04-24", "to": "2027-04-24"})
    moved = scheduling_client.patch(
        f"/v1/shifts/{last['id']}",
        json={"starts_at": "2027-05-08T08:00:00+08:00"},
        headers=staff,
    )
    assert moved.status_code == 200, moved.text
    assert extend(scheduling_database, world.committee, TWO_WEEKS_LATER) == 0
    assert shift_days(world.committee, activity["id"])[-2:] == [date(2027, 4, 17), date(2027, 5, 8)]


def test_finished_ended_and_one_off_activities_make_nothing(
    scheduling_database, scheduling_client, plan_activity, login, committee, monday, world, shift_days
):
    staff = login("staff")
    finished = plan_activity(staff, recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=3")
    one_off = plan_activity(staff, name="议事会", kind="deliberation_meeting", recurrence=None, exceptions=[])
    ended = plan_activity(staff, name="楼道清扫")
    response = scheduling_client.post(
        f"/v1/activities/{ended['id']}/end", json={"last_date": "2026-12-31"}, headers=staff
    )
    assert response.status_code == 200, response.text
    before = {
        activity["id"]: shift_days(world.committee, activity["id"]) for activity in (finished, one_off, ended)
    }

    assert extend(scheduling_database, world.committee) == 0
    for activity_id, days in before.items():
        assert shift_days(world.committee, activity_id) == days
    read = scheduling_client.get(f"/v1/activities/{ended['id']}", headers=staff).json()
    assert read["materialised_until"] == "2027-04-28"


def test_a_broken_series_does_not_hold_up_the_others(
    scheduling_database, scheduling_client, plan_activity, login, committee, monday, world, caplog
):
    """A rule the code no longer accepts (written before a rule change, or by hand) is logged and left;
    the committee's other series are extended all the same."""
    staff = login("staff")
    healthy = plan_activity(staff)
    broken_id = uuid.uuid4()
    context = TenantContext(
        tenant_id=world.committee.id, tenant_path=world.committee.path, role=Role.SERVICE, subject="test"
    )
    with scheduling_database.transaction(context) as session:
        session.add(
            Activity(
                tenant_id=world.committee.id,
                id=broken_id,
                tenant_path=world.committee.path,
                name="坏规则",
                kind="service",
                place="活动室",
                first_starts_at=datetime(2026, 5, 2, 8, 0),
                duration_minutes=60,
                recurrence="FREQ=SECONDLY",
                exceptions=[],
                materialised_until=date(2026, 5, 2),
                capacity=1,
                created_by="test",
            )
        )

    with caplog.at_level(logging.ERROR, logger="linli_scheduling.activities.service"):
        assert extend(scheduling_database, world.committee) == 1
    assert any(getattr(record, "activity_id", None) == str(broken_id) for record in caplog.records)
    broken = scheduling_client.get(f"/v1/activities/{broken_id}", headers=staff).json()
    assert broken["materialised_until"] == "2026-05-02"
    extended = scheduling_client.get(f"/v1/activities/{healthy['id']}", headers=staff).json()
    assert extended["materialised_until"] == "2027-05-05"


def test_each_committee_extends_its_own(
    scheduling_database, plan_activity, login, committee, monday, world, shift_days
):
    ours = plan_activity(login("staff"))
    theirs = plan_activity(login("sibling_admin"))
    assert extend(scheduling_database, world.committee) == 1
    assert shift_days(world.sibling, theirs["id"])[-1] == date(2027, 4, 24)
    assert extend(scheduling_database, world.sibling) == 1
    assert shift_days(world.sibling, theirs["id"])[-1] == date(2027, 5, 1)
    assert shift_days(world.committee, ours["id"])[-1] == date(2027, 5, 1)
    # a committee's task sees no other committee's series
    assert shift_days(world.sibling, ours["id"]) == []
