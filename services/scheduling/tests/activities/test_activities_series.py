"""Changing a series: skipping a day, ending it, calling it off — each cancels the shifts concerned with
their sign-ups, and announces it; bad input, roles and other committees."""

import uuid
from datetime import timedelta

import pytest

from linli_scheduling.events.types import SHIFT_CANCELLED, SIGNUP_CANCELLED


def shift_on(calendar, headers, activity_id: str, day: str) -> dict:
    [shift] = [item for item in calendar(headers, activity_id=activity_id) if item["local_date"] == day]
    return shift


def test_an_exception_cancels_that_days_shift_and_its_sign_ups(
    scheduling_client,
    plan_activity,
    calendar,
    login,
    committee,
    monday,
    world,
    register,
    add_signup,
    signups_of,
    outbox,
):
    staff = login("staff")
    activity = plan_activity(staff, capacity=1)
    shift = shift_on(calendar, staff, activity["id"], "2026-05-16")
    confirmed = add_signup(world.committee, uuid.UUID(shift["id"]), register(world.committee, "张三"))
    waiting = add_signup(
        world.committee, uuid.UUID(shift["id"]), register(world.committee, "李四"), "waitlisted"
    )

    response = scheduling_client.post(
        f"/v1/activities/{activity['id']}/exceptions",
        json={"date": "2026-05-16", "reason": "小区消杀"},
        headers=staff,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["exceptions"] == ["2026-05-09", "2026-05-16", "2026-10-03"]
    assert changed["shifts_cancelled"] == 1
    cancelled = shift_on(calendar, staff, activity["id"], "2026-05-16")
    assert (cancelled["status"], cancelled["cancelled_reason"], cancelled["confirmed"]) == (
        "cancelled",
        "小区消杀",
        0,
    )
    assert cancelled["waitlisted"] == 0
    for signup in signups_of(world.committee, uuid.UUID(shift["id"])).values():
        assert (signup.status, signup.cancel_reason, signup.late_cancellation) == (
            "cancelled",
            "小区消杀",
            False,
        )
        assert signup.cancelled_at == monday.at
    [shift_event] = outbox(SHIFT_CANCELLED.type)
    assert (shift_event["subject"], shift_event["data"]["reason"]) == (shift["id"], "小区消杀")
    told = outbox(SIGNUP_CANCELLED.type)
    assert {event["data"]["signup_id"] for event in told} == {str(confirmed), str(waiting)}
    assert all(event["subject"] == shift["id"] for event in told)

    # a day beyond the horizon is remembered for when its shift would be made
    later = scheduling_client.post(
        f"/v1/activities/{activity['id']}/exceptions", json={"date": "2027-05-01"}, headers=staff
    )
    assert later.status_code == 200, later.text
    assert later.json()["shifts_cancelled"] == 0
    assert "2027-05-01" in later.json()["exceptions"]


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        ({"date": "2026-05-16"}, 409, "exception-exists"),
        ({"date": "2026-05-17"}, 422, "not-an-occurrence"),
        ({"date": "2026-04-25"}, 422, "day-passed"),
        ({"date": "2026-05-32"}, 422, "validation"),
        ({"date": "2026-05-23", "reason": ""}, 422, "validation"),
        ({"date": "2026-05-23", "extra": 1}, 422, "validation"),
        ({}, 422, "validation"),
    ],
)
def test_exceptions_that_are_refused(
    scheduling_client, plan_activity, login, committee, monday, outbox, body, status, slug
):
    staff = login("staff")
    activity = plan_activity(staff, exceptions=["2026-05-16"])
    response = scheduling_client.post(f"/v1/activities/{activity['id']}/exceptions", json=body, headers=staff)
    assert response.status_code == status, response.text
    assert response.json()["type"].endswith("/" + slug)
    after = scheduling_client.get(f"/v1/activities/{activity['id']}", headers=staff).json()
    assert after["exceptions"] == ["2026-05-16"]
    assert outbox(SHIFT_CANCELLED.type) == []


def test_an_exception_for_a_shift_under_way_is_refused(
    scheduling_client, plan_activity, login, committee, monday, outbox
):
    staff = login("staff")
    activity = plan_activity(staff)
    # Saturday 2 May, 08:30: the day's duty has started
    monday.at += timedelta(days=4, hours=22, minutes=30)
    response = scheduling_client.post(
        f"/v1/activities/{activity['id']}/exceptions", json={"date": "2026-05-02"}, headers=staff
    )
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/shift-started")
    assert scheduling_client.get(f"/v1/activities/{activity['id']}", headers=staff).json()["exceptions"] == [
        "2026-05-09",
        "2026-10-03",
    ]
    assert outbox(SHIFT_CANCELLED.type) == []


def test_ending_a_series_cancels_its_later_shifts(
    scheduling_client,
    plan_activity,
    calendar,
    login,
    committee,
    monday,
    world,
    register,
    add_signup,
    signups_of,
    outbox,
):
    staff = login("staff")
    activity = plan_activity(staff)
    july = shift_on(calendar, staff, activity["id"], "2026-07-04")
    signup = add_signup(world.committee, uuid.UUID(july["id"]), register(world.committee, "张三"))

    response = scheduling_client.post(
        f"/v1/activities/{activity['id']}/end",
        json={"last_date": "2026-06-30", "reason": "项目结项"},
        headers=staff,
    )
    assert response.status_code == 200, response.text
    ended = response.json()
    assert ended["status"] == "ended"
    # 2 May to 27 June: eight Saturdays (9 May skipped) stay; the other 42 are cancelled
    assert ended["shifts_cancelled"] == 42
    year = calendar(staff, activity_id=activity["id"], to="2026-07-26")
    assert [shift["local_date"] for shift in year if shift["status"] == "scheduled"][-1] == "2026-06-27"
    assert signups_of(world.committee, uuid.UUID(july["id"]))[signup].status == "cancelled"
    assert len(outbox(SHIFT_CANCELLED.type)) == 42
    assert len(outbox(SIGNUP_CANCELLED.type)) == 1

    for path, body in (("end", {"last_date": "2026-06-01"}), ("exceptions", {"date": "2026-05-16"})):
        again = scheduling_client.post(f"/v1/activities/{activity['id']}/{path}", json=body, headers=staff)
        assert again.status_code == 409
        assert again.json()["type"].endswith("/activity-not-active")


def test_a_series_ends_on_or_after_its_first_day(
    scheduling_client, plan_activity, login, committee, monday, outbox
):
    staff = login("staff")
    activity = plan_activity(staff)
    for body, status in (
        ({"last_date": "2026-05-01"}, 422),
        ({"last_date": "not a date"}, 422),
        ({}, 422),
        ({"last_date": "2026-06-30", "reason": "x" * 501}, 422),
    ):
        response = scheduling_client.post(f"/v1/activities/{activity['id']}/end", json=body, headers=staff)
        assert response.status_code == status, body
    assert (
        scheduling_client.get(f"/v1/activities/{activity['id']}", headers=staff).json()["status"] == "active"
    )
    assert outbox(SHIFT_CANCELLED.type) == []


def test_calling_off_an_activity_keeps_the_shift_under_way(
    scheduling_client, plan_activity, calendar, login, committee, monday, outbox
):
    staff = login("staff")
    activity = plan_activity(staff)
    monday.at += timedelta(days=4, hours=22, minutes=30)  # Saturday 2 May, 08:30
    response = scheduling_client.post(
        f"/v1/activities/{activity['id']}/cancel", json={"reason": "垃圾房拆除"}, headers=staff
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["shifts_cancelled"]) == ("cancelled", 49)
    shifts = calendar(staff, activity_id=activity["id"])
    assert shifts[0]["status"] == "scheduled"
    assert {shift["status"] for shift in shifts[1:]} == {"cancelled"}
    assert {event["data"]["reason"] for event in outbox(SHIFT_CANCELLED.type)} == {"垃圾房拆除"}
    again = scheduling_client.post(
        f"/v1/activities/{activity['id']}/cancel", json={"reason": "x"}, headers=staff
    )
    assert again.status_code == 409


def test_roles_and_other_committees(scheduling_client, plan_activity, login, committee, monday, outbox):
    activity = plan_activity(login("staff"))
    requests = (
        ("exceptions", {"date": "2026-05-16"}),
        ("end", {"last_date": "2026-06-30"}),
        ("cancel", {"reason": "取消"}),
    )
    for path, body in requests:
        url = f"/v1/activities/{activity['id']}/{path}"
        for key in ("auditor", "town_admin", "volunteer"):
            assert scheduling_client.post(url, json=body, headers=login(key)).status_code == 403, (path, key)
        missing = scheduling_client.post(url, json=body, headers=login("sibling_admin"))
        assert missing.status_code == 404, path
        assert missing.json()["type"].endswith("/activity-not-found")
        unknown = scheduling_client.post(
            f"/v1/activities/{uuid.uuid4()}/{path}", json=body, headers=login("staff")
        )
        assert unknown.status_code == 404
    detail = scheduling_client.get(f"/v1/activities/{activity['id']}", headers=login("staff")).json()
    assert (detail["status"], detail["exceptions"]) == ("active", ["2026-05-09", "2026-10-03"])
    assert outbox(SHIFT_CANCELLED.type) == []
