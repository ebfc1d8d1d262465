"""Service records: listing with filters and keyset pages, one record with its trail, a volunteer's own
records and total, and the two staff changes — an adjustment and a void — each a new ledger entry with its
event, never an edit; bad input, roles and other committees."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from linli_scheduling.records.models import ServiceRecord

SHIFT_START = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, two hours
ADJUSTED = "linli.scheduling.service_record.adjusted.v1"
VOIDED = "linli.scheduling.service_record.voided.v1"


def problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def test_a_record_shows_the_national_fields_and_its_trail(
    scheduling_client, login, committee, register, plan, record, now
):
    lead = register(committee.tenant, "组长老张")
    volunteer = register(committee.tenant, "李阿姨")
    shift = plan(committee.tenant, SHIFT_START, lead_volunteer_id=lead)
    record_id = record(committee.tenant, shift, volunteer)

    response = scheduling_client.get(f"/v1/service-records/{record_id}", headers=login("auditor"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert {
        key: body[key]
        for key in (
            "volunteer_name",
            "activity_name",
            "service_date",
            "place",
            "recipient",
            "content",
            "hours",
            "lead_name",
            "recorder_name",
            "source",
        )
    } == {
        "volunteer_name": "李阿姨",
        "activity_name": "垃圾分类值守",
        "service_date": "2026-11-18",
        "place": "3号楼垃圾房",
        "recipient": "小区居民",
        "content": "指导居民垃圾分类",
        "hours": 2.0,
        "lead_name": "组长老张",
        "recorder_name": "测试记录人",
        "source": "leader",
    }
    assert [(entry["sequence"], entry["kind"], entry["hours_after"]) for entry in body["entries"]] == [
        (1, "recorded", 2.0)
    ]
    assert (body["corrections"], body["late_entry_id"], body["voided"]) == ([], None, False)


def test_list_filters_and_pages_newest_service_first(
    scheduling_client, login, committee, register, plan, record, scheduling_database, now
):
    alice, bob = register(committee.tenant, "甲"), register(committee.tenant, "乙")
    days = [SHIFT_START - timedelta(days=offset) for offset in range(4)]
    shifts = [plan(committee.tenant, moment) for moment in days]
    made = [record(committee.tenant, shift, alice) for shift in shifts]
    flagged = record(
        committee.tenant, plan(committee.tenant, days[1]), bob, late_entry=True, self_reported=True
    )
    staff = login("staff")

    first = scheduling_client.get("/v1/service-records?limit=2", headers=staff).json()
    assert [row["service_date"] for row in first["items"]] == ["2026-11-18", "2026-11-17"]
    pages, cursor = [first], first["next_cursor"]
    while cursor:
        pages.append(
            scheduling_client.get(f"/v1/service-records?limit=2&cursor={cursor}", headers=staff).json()
        )
        cursor = pages[-1]["next_cursor"]
    seen = [row["id"] for page in pages for row in page["items"]]
    assert sorted(seen) == sorted(str(record_id) for record_id in [*made, flagged])
    assert len(seen) == 5

    def ids(query: str) -> set[str]:
        response = scheduling_client.get(f"/v1/service-records?{query}", headers=staff)
        assert response.status_code == 200, response.text
        return {row["id"] for row in response.json()["items"]}

    assert ids(f"volunteer_id={bob}") == {str(flagged)}
    assert ids("late_entry=true") == ids("self_reported=true") == {str(flagged)}
    assert ids("from=2026-11-16&to=2026-11-17") == {str(made[1]), str(made[2]), str(flagged)}
    with scheduling_database.transaction(committee.context) as session:
        activity = session.get(ServiceRecord, (committee.id, made[0])).activity_id
        session.execute(update(ServiceRecord).where(ServiceRecord.id == made[3]).values(auto_closed=True))
    assert ids(f"activity_id={activity}") == {str(made[0])}
    assert ids("auto_closed=true") == {str(made[3])}
    assert ids(f"project_id={uuid.uuid4()}") == set()

    problem(scheduling_client.get("/v1/service-records?cursor=bm9wZQ", headers=staff), 422)
    problem(scheduling_client.get("/v1/service-records?from=yesterday", headers=staff), 422)
    problem(scheduling_client.get("/v1/service-records?limit=0", headers=staff), 422)


def test_readers_see_their_subtree_and_no_other_committee(
    scheduling_client, login, committee, world, register, plan, record, now
):
    mine = record(committee.tenant, plan(committee.tenant, SHIFT_START), register(committee.tenant, "甲"))
    theirs = record(world.sibling, plan(world.sibling, SHIFT_START), register(world.sibling, "乙"))

    for reader in ("town_admin", "district_admin"):
        listed = scheduling_client.get("/v1/service-records", headers=login(reader)).json()["items"]
        assert {str(mine), str(theirs)} <= {row["id"] for row in listed}
    sibling = login("sibling_admin")
    assert [
        row["id"] for row in scheduling_client.get("/v1/service-records", headers=sibling).json()["items"]
    ] == [str(theirs)]
    problem(
        scheduling_client.get(f"/v1/service-records/{mine}", headers=sibling), 404, "service-record-not-found"
    )
    problem(scheduling_client.get(f"/v1/service-records/{mine}", headers=login("other_town_admin")), 404)
    problem(scheduling_client.get("/v1/service-records", headers=login("volunteer")), 403)
    problem(scheduling_client.get(f"/v1/service-records/{uuid.uuid4()}", headers=login("staff")), 404)


def test_a_volunteer_sees_only_their_own_records_and_total(
    scheduling_client, login, committee, me, register, plan, record, now
):
    other = register(committee.tenant, "别人")
    kept = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    voided = record(committee.tenant, plan(committee.tenant, SHIFT_START - timedelta(days=1), minutes=90), me)
    someone_elses = record(committee.tenant, plan(committee.tenant, SHIFT_START), other)
    staff, volunteer = login("staff"), login("volunteer")
    assert (
        scheduling_client.post(
            f"/v1/service-records/{voided}/void", json={"reason": "重复记录"}, headers=staff
        ).status_code
        == 200
    )

    page = scheduling_client.get("/v1/me/service-records", headers=volunteer)
    assert page.status_code == 200, page.text
    assert [row["id"] for row in page.json()["items"]] == [str(kept), str(voided)]
    assert page.json()["total_hours"] == 2.0, "a voided record does not count"
    assert scheduling_client.get(f"/v1/me/service-records/{kept}", headers=volunteer).json()["entries"]
    problem(scheduling_client.get(f"/v1/me/service-records/{someone_elses}", headers=volunteer), 404)
    problem(scheduling_client.get("/v1/me/service-records", headers=staff), 403)


def test_an_adjustment_is_a_new_entry_with_its_event(
    scheduling_client, login, committee, register, plan, record, events, now
):
    volunteer = register(committee.tenant, "李阿姨")
    record_id = record(committee.tenant, plan(committee.tenant, SHIFT_START), volunteer)
    staff = login("staff")

    response = scheduling_client.post(
        f"/v1/service-records/{record_id}/adjustments",
        json={"hours": 1.5, "reason": "中途离开半小时"},
        headers=staff,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["hours"] == 1.5
    assert [
        (row["sequence"], row["kind"], row["hours_before"], row["hours_after"]) for row in body["entries"]
    ] == [
        (1, "recorded", 0.0, 2.0),
        (2, "adjusted", 2.0, 1.5),
    ]
    again = scheduling_client.post(
        f"/v1/service-records/{record_id}/adjustments",
        json={"hours": 3, "reason": "复核"},
        headers=login("tenant_admin"),
    )
    assert again.status_code == 201, again.text

    [first, second] = events(committee.tenant, ADJUSTED)
    assert {
        key: first["data"][key] for key in ("sequence", "hours_before", "hours_after", "delta", "reason")
    } == {
        "sequence": 2,
        "hours_before": 2.0,
        "hours_after": 1.5,
        "delta": -0.5,
        "reason": "中途离开半小时",
    }
    assert (second["data"]["hours_before"], second["data"]["hours_after"], second["data"]["delta"]) == (
        1.5,
        3.0,
        1.5,
    )
    assert first["subject"] == str(volunteer)
    assert first["data"]["record_id"] == str(record_id)
    assert first["data"]["entry_id"] == body["entries"][1]["id"]
    assert first["data"]["correction_id"] is None


def test_a_void_zeroes_the_hours_once(
    scheduling_client, login, committee, register, plan, record, events, now
):
    volunteer = register(committee.tenant, "李阿姨")
    record_id = record(committee.tenant, plan(committee.tenant, SHIFT_START), volunteer)
    staff = login("staff")

    response = scheduling_client.post(
        f"/v1/service-records/{record_id}/void", json={"reason": "并未到岗"}, headers=staff
    )
    assert response.status_code == 200, response.text
    assert (response.json()["voided"], response.json()["hours"]) == (True, 0.0)
    [voided] = events(committee.tenant, VOIDED)
    assert (voided["data"]["hours_before"], voided["data"]["hours_after"], voided["data"]["delta"]) == (
        2.0,
        0.0,
        -2.0,
    )
    assert voided["data"]["sequence"] == 2

    problem(
        scheduling_client.post(
            f"/v1/service-records/{record_id}/void", json={"reason": "再次"}, headers=staff
        ),
        409,
        "service-record-voided",
    )
    problem(
        scheduling_client.post(
            f"/v1/service-records/{record_id}/adjustments", json={"hours": 1, "reason": "恢复"}, headers=staff
        ),
        409,
        "service-record-voided",
    )
    assert len(events(committee.tenant, VOIDED)) == 1
    assert events(committee.tenant, ADJUSTED) == []


def test_bad_changes_are_refused_and_write_nothing(
    scheduling_client, login, committee, world, register, plan, record, counts, now
):
    record_id = record(
        committee.tenant, plan(committee.tenant, SHIFT_START), register(committee.tenant, "李阿姨")
    )
    staff = login("staff")
    adjust = f"/v1/service-records/{record_id}/adjustments"
    before = counts(committee.tenant)

    for body in (
        {"hours": 2, "reason": "同样"},
        {"hours": 2.00, "reason": "同样"},
    ):
        problem(scheduling_client.post(adjust, json=body, headers=staff), 422, "hours-unchanged")
    for body in (
        {"hours": 24.01, "reason": "太多"},
        {"hours": -1, "reason": "负数"},
        {"hours": 1.555, "reason": "三位小数"},
        {"hours": True, "reason": "布尔"},
        {"hours": "abc", "reason": "文字"},
        {"hours": 1},
        {"hours": 1, "reason": "   "},
        {"hours": 1, "reason": "bad\x00"},
        {"hours": 1, "reason": "x", "extra": 1},
        {"reason": "没有小时"},
    ):
        problem(scheduling_client.post(adjust, json=body, headers=staff), 422, "validation")
    problem(scheduling_client.post(f"/v1/service-records/{record_id}/void", json={}, headers=staff), 422)
    problem(
        scheduling_client.post(
            f"/v1/service-records/{uuid.uuid4()}/void", json={"reason": "x"}, headers=staff
        ),
        404,
    )
    assert counts(committee.tenant) == before


def test_only_the_committees_staff_change_records(
    scheduling_client, login, committee, register, plan, record, counts, now
):
    record_id = record(
        committee.tenant, plan(committee.tenant, SHIFT_START), register(committee.tenant, "李阿姨")
    )
    before = counts(committee.tenant)
    for user, status in (
        ("auditor", 403),
        ("town_admin", 403),
        ("volunteer", 403),
        ("sibling_admin", 404),
    ):
        headers = login(user)
        adjusted = scheduling_client.post(
            f"/v1/service-records/{record_id}/adjustments", json={"hours": 1, "reason": "x"}, headers=headers
        )
        problem(adjusted, status)
        voided = scheduling_client.post(
            f"/v1/service-records/{record_id}/void", json={"reason": "x"}, headers=headers
        )
        problem(voided, status)
    assert counts(committee.tenant) == before
