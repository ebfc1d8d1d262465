"""The shift calendar and one shift: reading (staff, auditors, town admins, volunteers), changing capacity,
leader, time and requirements under the shift's lock, and cancelling with its sign-ups."""

import uuid
from datetime import timedelta

import pytest

from linli_scheduling.events.types import SHIFT_CANCELLED, SHIFT_CHANGED, SIGNUP_CANCELLED, SIGNUP_CONFIRMED


@pytest.fixture
def town(plan_activity, login, committee, monday, world, add_area, add_project):
    """A duty at a building of grid 一网格 (Saturdays 08:00–10:00) and a one-off visit in grid 二网格 on
    Saturday 2 May, 11:00–12:00."""
    grid = add_area(world.committee, "grid", "一网格")
    micro_grid = add_area(world.committee, "micro_grid", "一微格", parent=grid)
    building = add_area(world.committee, "building", "3号楼", parent=micro_grid)
    other_grid = add_area(world.committee, "grid", "二网格")
    project = add_project(world.committee)
    staff = login("staff")
    duty = plan_activity(staff, area_id=str(building), project_id=str(project))
    visit = plan_activity(
        staff,
        name="独居老人探访",
        kind="service",
        area_id=str(other_grid),
        first_starts_at="2026-05-02T11:00:00+08:00",
        duration_minutes=60,
        recurrence=None,
        exceptions=[],
    )
    return {
        "grid": grid,
        "micro_grid": micro_grid,
        "building": building,
        "other_grid": other_grid,
        "project": project,
        "duty": duty,
        "visit": visit,
    }


def day_of(calendar, headers, activity: dict, day: str) -> dict:
    [shift] = [item for item in calendar(headers, activity_id=activity["id"]) if item["local_date"] == day]
    return shift


def ids(shifts) -> list[str]:
    return [shift["id"] for shift in shifts]


# the calendar ---------------------------------------------------------------------------------------------


def test_the_calendar_filters_and_pages(
    scheduling_client, calendar, login, world, town, register, add_signup, add_area
):
    staff = login("staff")
    everything = calendar(staff)
    # twelve Saturdays of duty (9 May skipped) and the visit, by start time
    assert len(everything) == 13
    assert [shift["activity_name"] for shift in everything[:3]] == [
        "垃圾分类值守",
        "独居老人探访",
        "垃圾分类值守",
    ]
    assert [shift["starts_at"] for shift in everything] == sorted(shift["starts_at"] for shift in everything)
    duty_shifts = [shift for shift in everything if shift["activity_id"] == town["duty"]["id"]]

    for area in ("grid", "micro_grid", "building"):
        assert ids(calendar(staff, area_id=str(town[area]))) == ids(duty_shifts), area
    assert [shift["activity_id"] for shift in calendar(staff, area_id=str(town["other_grid"]))] == [
        town["visit"]["id"]
    ]
    assert ids(calendar(staff, kind="service")) == [everything[1]["id"]]
    assert ids(calendar(staff, project_id=str(town["project"]))) == ids(duty_shifts)
    assert ids(calendar(staff, activity_id=town["visit"]["id"])) == [everything[1]["id"]]
    assert ids(calendar(staff, **{"from": "2026-05-02", "to": "2026-05-02"})) == ids(everything[:2])
    assert calendar(staff, **{"from": "2026-05-03", "to": "2026-05-08"}) == []

    volunteer = register(world.committee, "张三")
    add_signup(world.committee, uuid.UUID(duty_shifts[1]["id"]), volunteer)
    add_signup(world.committee, uuid.UUID(duty_shifts[2]["id"]), volunteer, "cancelled")
    add_signup(world.committee, uuid.UUID(duty_shifts[3]["id"]), volunteer, "waitlisted")
    booked = calendar(staff, volunteer_id=str(volunteer))
    assert ids(booked) == [duty_shifts[1]["id"], duty_shifts[3]["id"]]
    assert [(shift["confirmed"], shift["waitlisted"]) for shift in booked] == [(1, 0), (0, 1)]

    cancel = scheduling_client.post(
        f"/v1/shifts/{duty_shifts[4]['id']}/cancel", json={"reason": "暴雨"}, headers=staff
    )
    assert cancel.status_code == 200, cancel.text
    assert ids(calendar(staff, status="cancelled")) == [duty_shifts[4]["id"]]
    assert len(calendar(staff, status="scheduled")) == 12

    seen, cursor = [], None
    while True:
        params = {
            "from": "2026-04-27",
            "to": "2026-07-27",
            "limit": 5,
            **({"cursor": cursor} if cursor else {}),
        }
        page = scheduling_client.get("/v1/shifts", params=params, headers=login("auditor")).json()
        seen += ids(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids(everything)

    for area in (uuid.uuid4(), add_area(world.sibling, "grid", "乙网格")):
        response = scheduling_client.get(
            "/v1/shifts",
            params={"from": "2026-04-27", "to": "2026-05-27", "area_id": str(area)},
            headers=staff,
        )
        assert response.status_code == 404
        assert response.json()["type"].endswith("/area-not-found")


def test_calendar_windows_and_bad_queries(scheduling_client, login, town):
    staff = login("staff")
    for params, slug in (
        ({"from": "2026-05-02", "to": "2026-05-01"}, "calendar-too-wide"),
        ({"from": "2026-04-27", "to": "2026-07-28"}, "calendar-too-wide"),
        ({"from": "2026-04-27"}, "validation"),
        ({"to": "2026-04-27"}, "validation"),
        ({"from": "27/04/2026", "to": "2026-05-01"}, "validation"),
        ({"from": "2026-04-27", "to": "2026-05-01", "kind": "party"}, "validation"),
        ({"from": "2026-04-27", "to": "2026-05-01", "status": "done"}, "validation"),
        ({"from": "2026-04-27", "to": "2026-05-01", "volunteer_id": "me"}, "validation"),
        ({"from": "2026-04-27", "to": "2026-05-01", "cursor": "garbage"}, "invalid"),
        ({"from": "2026-04-27", "to": "2026-05-01", "limit": 0}, "validation"),
    ):
        response = scheduling_client.get("/v1/shifts", params=params, headers=staff)
        assert response.status_code == 422, params
        assert response.json()["type"].endswith("/" + slug), params
    # 27 April to 27 July is 92 days: the widest window
    widest = scheduling_client.get(
        "/v1/shifts", params={"from": "2026-04-27", "to": "2026-07-27"}, headers=staff
    )
    assert widest.status_code == 200
    assert scheduling_client.get("/v1/shifts/not-a-uuid", headers=staff).status_code == 422
    missing = scheduling_client.get(f"/v1/shifts/{uuid.uuid4()}", headers=staff)
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/shift-not-found")


def test_who_sees_the_calendar(scheduling_client, calendar, login, town, me, register, world, add_signup):
    everything = calendar(login("staff"))
    first = everything[0]
    for key in ("tenant_admin", "auditor", "town_admin", "district_admin", "volunteer"):
        assert ids(calendar(login(key))) == ids(everything), key
        shown = scheduling_client.get(f"/v1/shifts/{first['id']}", headers=login(key))
        assert shown.status_code == 200, key
        assert shown.json() == first
    # a volunteer sees their own bookings, not someone else's
    volunteer = login("volunteer")
    add_signup(world.committee, uuid.UUID(first["id"]), me)
    assert ids(calendar(volunteer, volunteer_id=str(me))) == [first["id"]]
    someone = register(world.committee, "李四")
    response = scheduling_client.get(
        "/v1/shifts",
        params={"from": "2026-04-27", "to": "2026-05-27", "volunteer_id": str(someone)},
        headers=volunteer,
    )
    assert response.status_code == 403

    for key in ("sibling_admin", "other_town_admin"):
        assert calendar(login(key)) == [], key
    assert (
        scheduling_client.get(f"/v1/shifts/{first['id']}", headers=login("sibling_admin")).status_code == 404
    )
    assert (
        scheduling_client.get("/v1/shifts", params={"from": "2026-04-27", "to": "2026-05-27"}).status_code
        == 401
    )


# changing a shift -----------------------------------------------------------------------------------------


def test_a_larger_capacity_moves_the_waitlist_up(
    scheduling_client, calendar, login, world, town, register, add_signup, signups_of, outbox
):
    staff = login("staff")
    shift = day_of(calendar, staff, town["duty"], "2026-05-16")
    shift_id = uuid.UUID(shift["id"])
    for name in ("张三", "李四"):
        add_signup(world.committee, shift_id, register(world.committee, name))
    first_waiting = add_signup(world.committee, shift_id, register(world.committee, "王五"), "waitlisted")
    add_signup(world.committee, shift_id, register(world.committee, "赵六"), "waitlisted")

    smaller = scheduling_client.patch(f"/v1/shifts/{shift_id}", json={"capacity": 1}, headers=staff)
    assert smaller.status_code == 409
    assert smaller.json()["type"].endswith("/capacity-below-confirmed")

    response = scheduling_client.patch(f"/v1/shifts/{shift_id}", json={"capacity": 3}, headers=staff)
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["capacity"], changed["confirmed"], changed["waitlisted"], changed["version"]) == (
        3,
        3,
        1,
        2,
    )
    assert signups_of(world.committee, shift_id)[first_waiting].status == "confirmed"
    [promoted] = outbox(SIGNUP_CONFIRMED.type)
    assert (promoted["data"]["signup_id"], promoted["data"]["promoted"]) == (str(first_waiting), True)
    [announced] = outbox(SHIFT_CHANGED.type)
    assert (announced["subject"], announced["data"]["capacity"], announced["data"]["confirmed"]) == (
        str(shift_id),
        3,
        3,
    )

    # the same value again changes nothing and announces nothing
    same = scheduling_client.patch(f"/v1/shifts/{shift_id}", json={"capacity": 3}, headers=staff)
    assert (same.status_code, same.json()["version"]) == (200, 2)
    assert len(outbox(SHIFT_CHANGED.type)) == 1


def test_moving_a_shift_moves_its_sign_ups(
    scheduling_client, calendar, login, world, town, register, add_signup, signups_of, outbox
):
    staff = login("staff")
    shift = day_of(calendar, staff, town["duty"], "2026-05-16")
    signup = add_signup(world.committee, uuid.UUID(shift["id"]), register(world.committee, "张三"))
    path = f"/v1/shifts/{shift['id']}"

    later = scheduling_client.patch(path, json={"starts_at": "2026-05-16T09:00:00+08:00"}, headers=staff)
    assert later.status_code == 200, later.text
    assert (later.json()["starts_at"], later.json()["ends_at"]) == (
        "2026-05-16T01:00:00Z",
        "2026-05-16T03:00:00Z",
    )
    longer = scheduling_client.patch(path, json={"ends_at": "2026-05-16T11:30:00+08:00"}, headers=staff)
    assert (longer.json()["starts_at"], longer.json()["ends_at"]) == (
        "2026-05-16T01:00:00Z",
        "2026-05-16T03:30:00Z",
    )
    moved = signups_of(world.committee, uuid.UUID(shift["id"]))[signup]
    assert (moved.starts_at.isoformat(), moved.ends_at.isoformat()) == (
        "2026-05-16T01:00:00+00:00",
        "2026-05-16T03:30:00+00:00",
    )
    # to the skipped Saturday, which has no shift of its own: the day moves too
    skipped = scheduling_client.patch(
        path,
        json={"starts_at": "2026-05-09T08:00:00+08:00", "ends_at": "2026-05-09T10:00:00+08:00"},
        headers=staff,
    )
    assert skipped.status_code == 200, skipped.text
    assert skipped.json()["local_date"] == "2026-05-09"
    assert len(outbox(SHIFT_CHANGED.type)) == 3

    taken = scheduling_client.patch(path, json={"starts_at": "2026-05-23T14:00:00+08:00"}, headers=staff)
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/shift-day-taken")
    for body in (
        {"starts_at": "2026-04-26T08:00:00+08:00"},
        {"ends_at": "2026-05-09T07:00:00+08:00"},
        {"starts_at": "2026-05-09T08:00:00+08:00", "ends_at": "2026-05-10T08:01:00+08:00"},
        {"starts_at": "2026-05-09T08:00:00+08:00", "ends_at": "2026-05-09T08:04:00+08:00"},
    ):
        response = scheduling_client.patch(path, json=body, headers=staff)
        assert response.status_code == 422, body
        assert response.json()["type"].endswith("/shift-move-invalid"), body
    assert scheduling_client.get(path, headers=staff).json()["local_date"] == "2026-05-09"


def test_a_move_that_double_books_someone_changes_nothing(
    scheduling_client, calendar, login, world, town, register, add_signup, signups_of, outbox
):
    staff = login("staff")
    duty = day_of(calendar, staff, town["duty"], "2026-05-02")
    visit = day_of(calendar, staff, town["visit"], "2026-05-02")
    volunteer = register(world.committee, "张三")
    signup = add_signup(world.committee, uuid.UUID(duty["id"]), volunteer)
    add_signup(world.committee, uuid.UUID(visit["id"]), volunteer)

    response = scheduling_client.patch(
        f"/v1/shifts/{duty['id']}",
        json={"starts_at": "2026-05-02T10:30:00+08:00", "capacity": 5},
        headers=staff,
    )
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/overlapping-booking")
    assert scheduling_client.get(f"/v1/shifts/{duty['id']}", headers=staff).json() == duty | {"confirmed": 1}
    kept = signups_of(world.committee, uuid.UUID(duty["id"]))[signup]
    assert kept.starts_at.isoformat() == "2026-05-02T00:00:00+00:00"
    assert outbox(SHIFT_CHANGED.type) == []
    # right after the visit is fine
    fine = scheduling_client.patch(
        f"/v1/shifts/{duty['id']}", json={"starts_at": "2026-05-02T12:00:00+08:00"}, headers=staff
    )
    assert fine.status_code == 200, fine.text


def test_leader_and_requirements(
    scheduling_client, calendar, login, world, town, register, roster_event, outbox
):
    staff = login("staff")
    shift = day_of(calendar, staff, town["duty"], "2026-05-16")
    path = f"/v1/shifts/{shift['id']}"
    leader = register(world.committee, "李建国", tier="backbone")
    response = scheduling_client.patch(
        path,
        json={
            "leader_volunteer_id": str(leader),
            "required_tier": "backbone",
            "required_qualification": "急救",
        },
        headers=staff,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["leader_volunteer_id"], response.json()["required_tier"]) == (
        str(leader),
        "backbone",
    )
    [announced] = outbox(SHIFT_CHANGED.type)
    assert (announced["data"]["leader_volunteer_id"], announced["data"]["required_qualification"]) == (
        str(leader),
        "急救",
    )
    cleared = scheduling_client.patch(
        path, json={"leader_volunteer_id": None, "required_tier": None}, headers=staff
    ).json()
    assert (cleared["leader_volunteer_id"], cleared["required_tier"], cleared["required_qualification"]) == (
        None,
        None,
        "急救",
    )

    exited = register(world.committee, "钱七")
    roster_event(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        world.committee,
        exited,
        {"volunteer_id": str(exited)},
    )
    for volunteer, status in ((uuid.uuid4(), 404), (register(world.sibling, "赵六"), 404), (exited, 409)):
        response = scheduling_client.patch(path, json={"leader_volunteer_id": str(volunteer)}, headers=staff)
        assert response.status_code == status, volunteer
    assert scheduling_client.get(path, headers=staff).json()["leader_volunteer_id"] is None


def test_a_shift_under_way_only_changes_its_leader(
    scheduling_client, calendar, login, monday, world, town, register
):
    staff = login("staff")
    shift = calendar(staff)[0]
    path = f"/v1/shifts/{shift['id']}"
    monday.at += timedelta(days=4, hours=22, minutes=30)  # Saturday 2 May, 08:30
    for body in ({"capacity": 5}, {"ends_at": "2026-05-02T11:00:00+08:00"}, {"required_tier": "reserve"}):
        response = scheduling_client.patch(path, json=body, headers=staff)
        assert response.status_code == 409, body
        assert response.json()["type"].endswith("/shift-started")
    stand_in = register(world.committee, "孙八")
    response = scheduling_client.patch(path, json={"leader_volunteer_id": str(stand_in)}, headers=staff)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"capacity": None},
        {"capacity": 0},
        {"capacity": "3"},
        {"starts_at": None},
        {"starts_at": "2026-05-16T09:00:00"},
        {"starts_at": "2026-05-16T09:00:00+08:00", "ends_at": "2026-05-16T09:00:00+08:00"},
        {"required_tier": "gold"},
        {"required_role": "boss"},
        {"leader_volunteer_id": "someone"},
        {"colour": "green"},
    ],
)
def test_bad_changes_write_nothing(scheduling_client, calendar, login, town, outbox, body):
    staff = login("staff")
    shift = calendar(staff)[2]
    response = scheduling_client.patch(f"/v1/shifts/{shift['id']}", json=body, headers=staff)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert scheduling_client.get(f"/v1/shifts/{shift['id']}", headers=staff).json() == shift
    assert outbox(SHIFT_CHANGED.type) == []


# cancelling a shift ---------------------------------------------------------------------------------------


def test_cancelling_a_shift_cancels_its_sign_ups(
    scheduling_client, calendar, login, monday, world, town, register, add_signup, signups_of, outbox
):
    staff = login("staff")
    shift = day_of(calendar, staff, town["duty"], "2026-05-16")
    shift_id = uuid.UUID(shift["id"])
    signups = {
        add_signup(world.committee, shift_id, register(world.committee, "张三")),
        add_signup(world.committee, shift_id, register(world.committee, "李四"), "waitlisted"),
    }
    earlier = add_signup(world.committee, shift_id, register(world.committee, "王五"), "cancelled")

    response = scheduling_client.post(
        f"/v1/shifts/{shift_id}/cancel", json={"reason": "台风预警"}, headers=staff
    )
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (
        cancelled["status"],
        cancelled["cancelled_reason"],
        cancelled["confirmed"],
        cancelled["waitlisted"],
    ) == (
        "cancelled",
        "台风预警",
        0,
        0,
    )
    rows = signups_of(world.committee, shift_id)
    assert {signup_id for signup_id, row in rows.items() if row.cancel_reason == "台风预警"} == signups
    assert rows[earlier].cancel_reason is None
    [announced] = outbox(SHIFT_CANCELLED.type)
    assert (announced["subject"], announced["data"]["status"], announced["data"]["reason"]) == (
        str(shift_id),
        "cancelled",
        "台风预警",
    )
    assert {event["data"]["signup_id"] for event in outbox(SIGNUP_CANCELLED.type)} == {
        str(s) for s in signups
    }

    again = scheduling_client.post(f"/v1/shifts/{shift_id}/cancel", json={"reason": "再次"}, headers=staff)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/shift-cancelled")
    changed = scheduling_client.patch(f"/v1/shifts/{shift_id}", json={"capacity": 5}, headers=staff)
    assert changed.status_code == 409


def test_a_shift_under_way_cannot_be_cancelled(scheduling_client, calendar, login, monday, town, outbox):
    staff = login("staff")
    shift = calendar(staff)[0]
    monday.at += timedelta(days=4, hours=22)  # Saturday 2 May, 08:00: it has just started
    response = scheduling_client.post(
        f"/v1/shifts/{shift['id']}/cancel", json={"reason": "迟到"}, headers=staff
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/shift-started")
    assert scheduling_client.get(f"/v1/shifts/{shift['id']}", headers=staff).json()["status"] == "scheduled"
    assert outbox(SHIFT_CANCELLED.type) == []


def test_changing_and_cancelling_roles_and_other_committees(scheduling_client, calendar, login, town, outbox):
    shift = calendar(login("staff"))[2]
    path = f"/v1/shifts/{shift['id']}"
    for key in ("auditor", "town_admin", "district_admin", "volunteer"):
        assert scheduling_client.patch(path, json={"capacity": 5}, headers=login(key)).status_code == 403, key
        assert (
            scheduling_client.post(f"{path}/cancel", json={"reason": "x"}, headers=login(key)).status_code
            == 403
        )
    sibling = login("sibling_admin")
    assert scheduling_client.patch(path, json={"capacity": 5}, headers=sibling).status_code == 404
    assert scheduling_client.post(f"{path}/cancel", json={"reason": "x"}, headers=sibling).status_code == 404
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "a", "notify": False}):
        assert scheduling_client.post(f"{path}/cancel", json=body, headers=login("staff")).status_code == 422
    assert scheduling_client.get(path, headers=login("staff")).json() == shift
    assert outbox(SHIFT_CHANGED.type) == outbox(SHIFT_CANCELLED.type) == []
