"""The shift leader (or staff) confirms attendance for volunteers without a smartphone, and everyone with a
right to see it reads a shift's attendance; a volunteer reads their own."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from linli_scheduling.events.types import SchedulingEvent
from linli_scheduling.records.models import ServiceRecord


def confirm(scheduling_client, shift_id, body, headers):
    return scheduling_client.post(f"/v1/shifts/{shift_id}/attendance", json=body, headers=headers)


def attendance_of(scheduling_client, shift_id, headers):
    return scheduling_client.get(f"/v1/shifts/{shift_id}/attendance", headers=headers)


def problem(response, status, slug):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/" + slug), response.json()


def record_of(scheduling_database, committee, shift_id) -> ServiceRecord:
    with scheduling_database.transaction(committee.context) as session:
        return session.scalars(select(ServiceRecord).where(ServiceRecord.shift_id == shift_id)).one()


def test_staff_confirm_arrival_and_departure_with_a_break(
    scheduling_client,
    committee,
    plan,
    sign_up,
    register,
    login,
    clock,
    local,
    outbox,
    world,
    scheduling_database,
):
    elder = register(world.committee, "赵奶奶")
    shift_id = plan(world.committee, local(9, 0), minutes=130)  # 09:00–11:10
    signup_id = sign_up(world.committee, shift_id, elder)
    clock.at = local(11, 30)
    response = confirm(
        scheduling_client,
        shift_id,
        {
            "volunteer_id": str(elder),
            "checked_in_at": local(8, 50).isoformat(),
            "checked_out_at": local(11, 20).isoformat(),
            "break_minutes": 40,
        },
        login("staff"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["check_in_method"] == body["check_out_method"] == "leader"
    assert body["signup_id"] == str(signup_id)
    assert body["break_minutes"] == 40
    # 130 minutes in the window, less the 40-minute break: 1 h 30 min → 1.5 h
    assert body["record"]["service_minutes"] == 90
    assert Decimal(body["record"]["hours"]) == Decimal("1.5")
    record = record_of(scheduling_database, committee, shift_id)
    assert record.source == "leader"
    assert record.recorder_name == world.committee.name  # staff record in their committee's name
    assert [event["data"]["method"] for event in outbox(SchedulingEvent.CHECKED_IN)] == ["leader"]
    assert [event["data"]["method"] for event in outbox(SchedulingEvent.CHECKED_OUT)] == ["leader"]
    assert len(outbox(SchedulingEvent.RECORD_RECORDED)) == 1


def test_the_leading_volunteer_confirms_arrival_then_departure_of_a_walk_in(
    scheduling_client, committee, plan, register, me, login, clock, local, outbox, world, scheduling_database
):
    walk_in = register(world.committee, "孙大爷")
    shift_id = plan(world.committee, local(9, 0), capacity=1, lead_volunteer_id=me)
    leader = login("volunteer")
    clock.at = local(9, 5)
    arrived = confirm(
        scheduling_client,
        shift_id,
        {"volunteer_id": str(walk_in), "checked_in_at": local(9, 0).isoformat()},
        leader,
    )
    assert arrived.status_code == 200, arrived.text
    assert arrived.json()["signup_id"] is None
    assert arrived.json()["checked_out_at"] is None
    assert arrived.json()["record"] is None
    problem(
        confirm(
            scheduling_client,
            shift_id,
            {"volunteer_id": str(walk_in), "checked_in_at": local(9, 0).isoformat()},
            leader,
        ),
        409,
        "already-checked-in",
    )
    clock.at = local(11, 0)
    left = confirm(
        scheduling_client,
        shift_id,
        {"volunteer_id": str(walk_in), "checked_out_at": local(10, 50).isoformat()},
        leader,
    )
    assert left.status_code == 200, left.text
    assert Decimal(left.json()["record"]["hours"]) == Decimal("2.0")  # 110 minutes: 1 h 50 min
    record = record_of(scheduling_database, committee, shift_id)
    assert record.recorder_name == "王阿姨"
    assert record.lead_name == "王阿姨"
    assert record.source == "leader"
    assert len(outbox(SchedulingEvent.CHECKED_IN)) == len(outbox(SchedulingEvent.CHECKED_OUT)) == 1


def test_the_leader_closes_a_scanned_check_in_keeping_its_time(
    scheduling_client, committee, plan, sign_up, me, login, clock, local, site_code, register, world, written
):
    leader = register(world.committee, "张组长")
    shift_id = plan(world.committee, local(9, 0), leader_volunteer_id=leader)
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 10)
    scanned = scheduling_client.post(
        "/v1/me/check-in", json={"code": site_code(shift_id)}, headers=login("volunteer")
    )
    assert scanned.status_code == 201, scanned.text
    clock.at = local(11, 0)
    staff = login("staff")
    before = written(world.committee, shift_id)
    problem(
        confirm(
            scheduling_client,
            shift_id,
            {
                "volunteer_id": str(me),
                "checked_in_at": local(9, 0).isoformat(),
                "checked_out_at": local(11, 0).isoformat(),
            },
            staff,
        ),
        409,
        "check-in-recorded",
    )
    assert written(world.committee, shift_id) == before
    body = {"volunteer_id": str(me), "checked_out_at": local(11, 0).isoformat()}
    closed = confirm(scheduling_client, shift_id, body, staff)
    assert closed.status_code == 200, closed.text
    assert closed.json()["check_in_method"] == "qr"
    assert closed.json()["check_out_method"] == "leader"
    assert closed.json()["record"]["service_minutes"] == 110
    # a second confirmation of a closed attendance changes nothing
    after = written(world.committee, shift_id)
    problem(confirm(scheduling_client, shift_id, body, staff), 409, "attendance-closed")
    assert written(world.committee, shift_id) == after


def test_a_volunteer_confirms_only_for_a_shift_they_lead(
    scheduling_client, committee, plan, register, me, login, clock, local, world, written
):
    other = register(world.committee, "周阿姨")
    somebody_elses = plan(world.committee, local(9, 0), leader_volunteer_id=other)
    mine = plan(world.committee, local(9, 0), leader_volunteer_id=me)
    clock.at = local(10, 0)
    volunteer = login("volunteer")
    before = written(world.committee, somebody_elses)
    body = {"volunteer_id": str(other), "checked_in_at": local(9, 0).isoformat()}
    problem(confirm(scheduling_client, somebody_elses, body, volunteer), 403, "not-shift-leader")
    assert written(world.committee, somebody_elses) == before
    # nor their own attendance on a shift they lead (谁记录谁证明: another person confirms)
    own = {"volunteer_id": str(me), "checked_in_at": local(9, 0).isoformat()}
    problem(confirm(scheduling_client, mine, own, volunteer), 403, "own-attendance")
    for reader in ("auditor", "town_admin"):
        assert confirm(scheduling_client, mine, body, login(reader)).status_code == 403
    assert written(world.committee, mine) == before


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ({"checked_in_at": (9, 0), "checked_out_at": (11, 31)}, "in the future"),
        ({"checked_in_at": (8, 29)}, "before check-in opens"),
        ({"checked_in_at": (11, 1)}, "after the shift"),
        ({"checked_in_at": (9, 0), "checked_out_at": (8, 59)}, "departure before arrival"),
        (
            {"checked_in_at": (9, 0), "checked_out_at": (10, 0), "break_minutes": 60},
            "break as long as the stay",
        ),
        ({"checked_in_at": (9, 0), "break_minutes": 10}, "break without departure"),
        ({"checked_in_at": (9, 0), "break_minutes": -1}, "negative break"),
        ({"checked_in_at": (9, 0), "break_minutes": "10"}, "break as text"),
        ({"checked_in_at": "2026-03-10T09:00:00"}, "naive time"),
        ({}, "no times"),
        ({"checked_in_at": (9, 0), "note": "x"}, "unknown field"),
    ],
)
def test_implausible_confirmations_are_refused(
    scheduling_client, committee, plan, register, login, clock, local, world, written, times, field
):
    elder = register(world.committee, "钱大爷")
    shift_id = plan(world.committee, local(9, 0))  # 09:00–11:00
    clock.at = local(11, 30)
    body = {"volunteer_id": str(elder)}
    body.update(
        {
            key: local(*value).isoformat() if isinstance(value, tuple) else value
            for key, value in times.items()
        }
    )
    before = written(world.committee, shift_id)
    response = confirm(scheduling_client, shift_id, body, login("staff"))
    assert response.status_code == 422, (field, response.text)
    assert written(world.committee, shift_id) == before


def test_a_departure_needs_an_arrival(
    scheduling_client, committee, plan, register, login, clock, local, world
):
    elder = register(world.committee, "吴奶奶")
    shift_id = plan(world.committee, local(9, 0))
    clock.at = local(11, 0)
    body = {"volunteer_id": str(elder), "checked_out_at": local(11, 0).isoformat()}
    problem(confirm(scheduling_client, shift_id, body, login("staff")), 409, "not-checked-in")


def test_a_departure_may_be_confirmed_late_the_same_day_but_counts_only_the_shift(
    scheduling_client, committee, plan, register, login, clock, local, world
):
    elder = register(world.committee, "郑大爷")
    shift_id = plan(world.committee, local(9, 0))  # 09:00–11:00
    clock.at = local(20, 0)
    body = {
        "volunteer_id": str(elder),
        "checked_in_at": local(9, 0).isoformat(),
        "checked_out_at": local(12, 0).isoformat(),
    }
    response = confirm(scheduling_client, shift_id, body, login("staff"))
    assert response.status_code == 200, response.text
    assert response.json()["record"]["service_minutes"] == 120
    clock.at = local(12, 0, day=12)
    late = {**body, "volunteer_id": str(register(world.committee, "冯阿姨"))}
    late["checked_out_at"] = (local(11, 0) + timedelta(days=1, minutes=1)).isoformat()
    assert confirm(scheduling_client, shift_id, late, login("staff")).status_code == 422


def test_confirmation_on_a_cancelled_or_closed_shift_is_refused(
    scheduling_client, committee, plan, register, login, clock, local, world
):
    elder = register(world.committee, "陈奶奶")
    cancelled = plan(world.committee, local(9, 0), status="cancelled")
    closed = plan(world.committee, local(9, 0), closed_at=local(11, 5))
    clock.at = local(11, 30)
    body = {"volunteer_id": str(elder), "checked_in_at": local(9, 0).isoformat()}
    for shift_id in (cancelled, closed):
        problem(confirm(scheduling_client, shift_id, body, login("staff")), 409, "shift-not-open")


def test_other_committees_shifts_and_volunteers_are_not_found(
    scheduling_client, committee, plan, register, login, clock, local, world, written
):
    ours = plan(world.committee, local(9, 0))
    theirs = plan(world.sibling, local(9, 0))
    their_volunteer = register(world.sibling, "林大爷")
    our_volunteer = register(world.committee, "黄阿姨")
    clock.at = local(10, 0)
    staff = login("staff")
    before = written(world.committee, ours)
    body = {"volunteer_id": str(our_volunteer), "checked_in_at": local(9, 0).isoformat()}
    problem(confirm(scheduling_client, theirs, body, staff), 404, "shift-not-found")
    problem(confirm(scheduling_client, uuid.uuid4(), body, staff), 404, "shift-not-found")
    stranger = {**body, "volunteer_id": str(their_volunteer)}
    problem(confirm(scheduling_client, ours, stranger, staff), 404, "volunteer-not-found")
    problem(
        confirm(scheduling_client, ours, {**body, "volunteer_id": str(uuid.uuid4())}, staff),
        404,
        "volunteer-not-found",
    )
    assert written(world.committee, ours) == before
    problem(attendance_of(scheduling_client, theirs, staff), 404, "shift-not-found")


# reading --------------------------------------------------------------------------------------------------


def test_a_shifts_attendance_for_readers_and_its_leader(
    scheduling_client, committee, plan, register, me, login, clock, local, world
):
    present, still_there = register(world.committee, "甲"), register(world.committee, "乙")
    shift_id = plan(world.committee, local(9, 0), leader_volunteer_id=me)
    clock.at = local(11, 0)
    staff = login("staff")
    confirm(
        scheduling_client,
        shift_id,
        {
            "volunteer_id": str(present),
            "checked_in_at": local(9, 0).isoformat(),
            "checked_out_at": local(10, 0).isoformat(),
        },
        staff,
    )
    confirm(
        scheduling_client,
        shift_id,
        {"volunteer_id": str(still_there), "checked_in_at": local(9, 30).isoformat()},
        staff,
    )
    for who in ("staff", "auditor", "town_admin", "district_admin", "volunteer"):
        response = attendance_of(scheduling_client, shift_id, login(who))
        assert response.status_code == 200, (who, response.text)
        rows = response.json()
        assert [row["volunteer_name"] for row in rows] == ["甲", "乙"]
        assert Decimal(rows[0]["record"]["hours"]) == Decimal("1.0")
        assert rows[1]["record"] is None
    assert attendance_of(scheduling_client, shift_id, login("sibling_admin")).status_code == 404
    assert attendance_of(scheduling_client, shift_id, login("other_town_admin")).status_code == 404


def test_a_volunteer_not_leading_the_shift_does_not_read_its_attendance(
    scheduling_client, committee, plan, me, login, clock, local, world
):
    shift_id = plan(world.committee, local(9, 0))
    problem(attendance_of(scheduling_client, shift_id, login("volunteer")), 403, "not-shift-leader")


def test_my_attendance_in_a_range(
    scheduling_client, committee, plan, sign_up, me, login, clock, local, site_code, world, register
):
    tuesday = plan(world.committee, local(9, 0), minutes=60)
    thursday = plan(world.committee, local(9, 0, day=12), minutes=60)
    someone_elses = plan(world.committee, local(9, 0, day=12), minutes=60)
    volunteer = login("volunteer")
    for shift_id, day in ((tuesday, 10), (thursday, 12)):
        sign_up(world.committee, shift_id, me)
        clock.at = local(9, 0, day=day)
        assert (
            scheduling_client.post(
                "/v1/me/check-in", json={"code": site_code(shift_id)}, headers=volunteer
            ).status_code
            == 201
        )
    clock.at = local(10, 0, day=10)
    scheduling_client.post("/v1/me/check-out", json={"code": site_code(tuesday)}, headers=volunteer)
    clock.at = local(10, 0, day=12)
    confirm(
        scheduling_client,
        someone_elses,
        {
            "volunteer_id": str(register(world.committee, "别人")),
            "checked_in_at": local(9, 0, day=12).isoformat(),
        },
        login("staff"),
    )
    clock.at = local(12, 0, day=13)
    everything = scheduling_client.get("/v1/me/attendance", headers=volunteer)
    assert everything.status_code == 200, everything.text
    assert [row["shift_id"] for row in everything.json()] == [str(thursday), str(tuesday)]
    assert Decimal(everything.json()[1]["record"]["hours"]) == Decimal("1.0")
    only_tuesday = scheduling_client.get("/v1/me/attendance?from=2026-03-10&to=2026-03-11", headers=volunteer)
    assert [row["shift_id"] for row in only_tuesday.json()] == [str(tuesday)]
    for query in ("from=2026-03-12&to=2026-03-10", "from=2024-01-01&to=2026-03-10", "from=tuesday"):
        assert scheduling_client.get(f"/v1/me/attendance?{query}", headers=volunteer).status_code == 422
    assert scheduling_client.get("/v1/me/attendance", headers=login("staff")).status_code == 403


def test_a_volunteer_who_has_left_is_not_checked_in(
    scheduling_client, committee, plan, register, roster_event, login, clock, local, world, written
):
    left = register(world.committee, "已退出")
    roster_event(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        world.committee,
        left,
        {"volunteer_id": str(left)},
    )
    shift_id = plan(world.committee, local(9, 0))
    clock.at = local(10, 0)
    before = written(world.committee, shift_id)
    body = {"volunteer_id": str(left), "checked_in_at": local(9, 0).isoformat()}
    problem(confirm(scheduling_client, shift_id, body, login("staff")), 409, "volunteer-not-active")
    assert written(world.committee, shift_id) == before
