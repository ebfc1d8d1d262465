"""The daily loop, end to end on the real services: staff plan a weekly activity; volunteers sign up (one
by themself, one put on by staff, one waitlisted and promoted when a place frees up); on the Saturday one
checks in and out with the site's QR code and the leader confirms an elderly volunteer's attendance;
the service records carry the Chongqing-rounded hours; the relay carries their events to Kafka, and the
roster's consumer group reads them from there and knows when each volunteer last served.

Everything goes through HTTP except what comes before the journey (identity's tenant tree and the roster's
volunteers, handled by scheduling's consumer) and the clock."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from linli_roster.activity.models import ServiceActivity
from linli_scheduling.database import messaging as scheduling_messaging
from linli_scheduling.events.types import RECORD_RECORDED, SERVICE_RECORDS_TOPIC
from linli_shared.clock import SHANGHAI
from linli_shared.problems import PROBLEM_BASE, PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

#: planned on a Monday for the Saturdays that follow, 09:00–12:00 in Asia/Shanghai
PLANNED_ON = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
SATURDAYS = [date(2026, 11, 21) + timedelta(weeks=week) for week in range(8)]


def at(hour: int, minute: int = 0, day: date = SATURDAYS[0]) -> datetime:
    """A wall-clock moment in Chongqing on the first Saturday, in UTC (how the app's clock holds time)."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.json()["type"] == PROBLEM_BASE + slug


def test_a_saturday_of_a_weekly_activity_from_planning_to_the_roster(
    scheduling_client,
    scheduling_database,
    roster_database,
    committee,
    world,
    login,
    user_id_of,
    register,
    clock,
    bus,
):
    staff, wang_phone = login("staff"), login("volunteer")
    wang = register(committee, "王阿姨", user_id=user_id_of(world.email("volunteer")))
    li = register(committee, "李师傅")
    zhang = register(committee, "张奶奶")  # 78, no smartphone: the leader confirms her attendance
    api = scheduling_client

    # Monday: staff plan eight Saturday mornings ------------------------------------------------------------
    clock.at = PLANNED_ON.astimezone(UTC)
    activity = ok(
        api.post(
            "/v1/activities",
            json={
                "name": "周六垃圾分类值守",
                "kind": "service",
                "content": "指导居民垃圾分类",
                "recipient": "小区居民",
                "place": "3号楼垃圾房",
                "first_starts_at": datetime.combine(SATURDAYS[0], time(9), SHANGHAI).isoformat(),
                "duration_minutes": 180,
                "recurrence": "FREQ=WEEKLY;BYDAY=SA;COUNT=8",
                "capacity": 2,
            },
            headers=staff,
        ),
        201,
    )
    assert activity["shifts_created"] == 8
    calendar = ok(
        api.get(
            "/v1/shifts",
            params={"from": "2026-11-16", "to": "2027-01-31", "activity_id": activity["id"]},
            headers=staff,
        )
    )
    shifts = calendar["items"]
    assert [shift["local_date"] for shift in shifts] == [day.isoformat() for day in SATURDAYS]
    assert {(shift["capacity"], shift["status"]) for shift in shifts} == {(2, "scheduled")}
    shift = shifts[0]
    assert (moment(shift["starts_at"]), moment(shift["ends_at"])) == (at(9), at(12))
    shift_id = shift["id"]

    # sign-ups: two places, a queue, a promotion ------------------------------------------------------------
    mine = ok(api.post("/v1/me/signups", json={"shift_id": shift_id}, headers=wang_phone), 201)
    assert (mine["volunteer_id"], mine["status"], mine["source"]) == (wang, "confirmed", "self")
    second = ok(api.post(f"/v1/shifts/{shift_id}/signups", json={"volunteer_id": li}, headers=staff), 201)
    assert second["status"] == "confirmed"
    third = ok(api.post(f"/v1/shifts/{shift_id}/signups", json={"volunteer_id": zhang}, headers=staff), 201)
    assert (third["status"], third["position"]) == ("waitlisted", 1)

    cancelled = ok(api.post(f"/v1/signups/{second['id']}/cancel", json={"reason": "家里有事"}, headers=staff))
    assert cancelled["status"] == "cancelled"
    signups = ok(api.get(f"/v1/shifts/{shift_id}/signups", headers=staff))
    assert {row["volunteer_id"]: row["status"] for row in signups["confirmed"]} == {
        wang: "confirmed",
        zhang: "confirmed",
    }, "张奶奶 moved up from the waitlist into 李师傅's place"
    assert signups["waitlist"] == []
    assert [(row["volunteer_id"], row["status"]) for row in signups["history"]] == [(li, "cancelled")]

    # Saturday 08:52: 王阿姨 scans the code the leader shows ------------------------------------------------
    clock.at = at(8, 52)
    code = ok(api.get(f"/v1/shifts/{shift_id}/check-in-code", headers=staff))["code"]
    checked_in = ok(api.post("/v1/me/check-in", json={"code": code}, headers=wang_phone), 201)
    assert (checked_in["volunteer_id"], checked_in["check_in_method"]) == (wang, "qr")
    assert moment(checked_in["checked_in_at"]) == at(8, 52)
    problem(api.post("/v1/me/check-in", json={"code": code}, headers=wang_phone), 409, "check-in-code-used")

    # 11:47: she leaves, scanning the code shown then -------------------------------------------------------
    clock.at = at(11, 47)
    code = ok(api.get(f"/v1/shifts/{shift_id}/check-in-code", headers=staff))["code"]
    checked_out = ok(api.post("/v1/me/check-out", json={"code": code}, headers=wang_phone))
    assert float(checked_out["record"]["hours"]) == 3.0
    problem(api.post("/v1/me/check-out", json={"code": code}, headers=wang_phone), 409, "check-in-code-used")

    # 12:05: the leader confirms 张奶奶 came at 09:20, left at 12:00 and rested a quarter of an hour --------
    clock.at = at(12, 5)
    confirmed = ok(
        api.post(
            f"/v1/shifts/{shift_id}/attendance",
            json={
                "volunteer_id": zhang,
                "checked_in_at": at(9, 20).isoformat(),
                "checked_out_at": at(12).isoformat(),
                "break_minutes": 15,
            },
            headers=staff,
        )
    )
    assert (confirmed["check_in_method"], confirmed["check_out_method"]) == ("leader", "leader")

    # the records, rounded the Chongqing way (whole hours; of the rest ≤15 min → 0, ≤45 → ½, more → 1) -----
    # 王阿姨: arrived 08:52 but service counts from the 09:00 start; 09:00–11:47 = 167 min = 2 h 47 → 3 h
    # 张奶奶: 09:20–12:00 = 160 min, less a 15-minute break = 145 min = 2 h 25 → 2.5 h
    # 李师傅 cancelled: no record. The replayed codes made none either.
    records = ok(api.get("/v1/service-records", params={"activity_id": activity["id"]}, headers=staff))
    assert len(records["items"]) == 2
    by_volunteer = {record["volunteer_id"]: record for record in records["items"]}
    assert set(by_volunteer) == {wang, zhang}
    expected = {
        wang: (167, 3.0, "check_out", at(8, 52), at(11, 47), "扫码签到"),
        # staff record in the name of their committee, which certifies the hours (谁记录谁证明)
        zhang: (145, 2.5, "leader", at(9, 20), at(12), committee.name),
    }
    for volunteer_id, (minutes, hours, source, started, ended, recorder) in expected.items():
        record = by_volunteer[volunteer_id]
        assert (record["service_minutes"], record["hours"], record["rounding"]) == (
            minutes,
            hours,
            "chongqing",
        )
        assert (record["source"], record["recorder_name"]) == (source, recorder)
        assert (moment(record["started_at"]), moment(record["ended_at"])) == (started, ended)
        assert (record["service_date"], record["place"]) == ("2026-11-21", "3号楼垃圾房")
        assert (record["activity_name"], record["voided"]) == ("周六垃圾分类值守", False)
    assert by_volunteer[wang]["volunteer_name"] == "王阿姨"

    # the relay carries the records to Kafka, keyed by the volunteer ----------------------------------------
    assert bus.relay(scheduling_database, scheduling_messaging) > 0
    # the relay has returned, so the topic holds everything it will: read it all, then judge
    on_topic = bus.messages_on(SERVICE_RECORDS_TOPIC)
    observed = bus.observer(SERVICE_RECORDS_TOPIC).until(lambda events: len(events) == on_topic)
    arrived = {
        e["data"]["record_id"]: e
        for e in observed
        if e["type"] == RECORD_RECORDED.type and e["data"]["activity_id"] == activity["id"]
    }
    assert set(arrived) == {record["id"] for record in records["items"]}, "one each: the replays made none"
    for event in arrived.values():
        volunteer_id = event["data"]["volunteer_id"]
        assert event["_key"] == volunteer_id.encode()
        assert (event["tenantid"], event["tenantpath"]) == (str(committee.id), committee.path)
        minutes, hours = expected[volunteer_id][:2]
        assert (event["data"]["service_minutes"], event["data"]["hours"]) == (minutes, hours)
        assert event["data"]["service_date"] == "2026-11-21"

    # the roster's consumer group reads them and knows when each volunteer last served ----------------------
    bus.roster_consumer(roster_database).until(
        lambda events: {e["subject"] for e in events if e["type"] == RECORD_RECORDED.type} >= {wang, zhang}
    )
    as_committee = TenantContext(
        tenant_id=committee.id, tenant_path=committee.path, role=Role.SERVICE, subject="e2e"
    )
    with roster_database.transaction(as_committee) as session:
        served = {
            str(row.volunteer_id): (row.last_served_on, row.records)
            for row in session.query(ServiceActivity).filter(ServiceActivity.tenant_id == committee.id)
        }
    assert served == {wang: (date(2026, 11, 21), 1), zhang: (date(2026, 11, 21), 1)}
