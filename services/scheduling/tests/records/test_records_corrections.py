"""Corrections (更正申请): a volunteer asks for one of their records' hours to be corrected, one request at a
time; staff grant it (a new ledger entry naming the request, with its event) or refuse it with a note;
bad input, roles and other committees."""

import uuid
from datetime import UTC, datetime

from linli_scheduling.records.models import Correction

SHIFT_START = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)  # 09:00–11:00 in Shanghai: 2 hours
ADJUSTED = "linli.scheduling.service_record.adjusted.v1"


def problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def ask(client, headers, record_id, hours=2.5, reason="实际服务到11点半"):
    return client.post(
        f"/v1/me/service-records/{record_id}/corrections",
        json={"requested_hours": hours, "reason": reason},
        headers=headers,
    )


def decide(client, headers, correction_id, approve=True, note=""):
    return client.post(
        f"/v1/corrections/{correction_id}/decision", json={"approve": approve, "note": note}, headers=headers
    )


def test_a_granted_correction_is_an_entry_that_names_the_request(
    scheduling_client, login, committee, me, plan, record, events, now
):
    record_id = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    volunteer, staff = login("volunteer"), login("staff")

    asked = ask(scheduling_client, volunteer, record_id)
    assert asked.status_code == 201, asked.text
    correction = asked.json()
    assert (correction["status"], correction["requested_hours"], correction["volunteer_id"]) == (
        "pending",
        2.5,
        str(me),
    )

    granted = decide(scheduling_client, staff, correction["id"])
    assert granted.status_code == 200, granted.text
    assert (granted.json()["status"], granted.json()["decided_at"]) == ("approved", "2026-11-20T06:00:00Z")
    assert granted.json()["decided_by"] is not None

    trail = scheduling_client.get(f"/v1/me/service-records/{record_id}", headers=volunteer).json()
    assert trail["hours"] == 2.5
    last = trail["entries"][-1]
    assert (last["kind"], last["hours_before"], last["hours_after"], last["correction_id"]) == (
        "adjusted",
        2.0,
        2.5,
        correction["id"],
    )
    assert last["reason"] == "实际服务到11点半"
    assert [row["status"] for row in trail["corrections"]] == ["approved"]
    [adjusted] = events(committee.tenant, ADJUSTED)
    assert (adjusted["data"]["correction_id"], adjusted["data"]["delta"], adjusted["subject"]) == (
        correction["id"],
        0.5,
        str(me),
    )
    problem(
        decide(scheduling_client, staff, correction["id"], approve=False, note="晚了"), 409, "already-decided"
    )


def test_a_refused_correction_keeps_the_hours_and_says_why(
    scheduling_client, login, committee, me, plan, record, events, now
):
    record_id = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    volunteer, admin = login("volunteer"), login("tenant_admin")
    correction = ask(scheduling_client, volunteer, record_id, hours=4).json()
    problem(decide(scheduling_client, admin, correction["id"], approve=False), 422, "validation")

    refused = decide(scheduling_client, admin, correction["id"], approve=False, note="签到记录显示11点离开")
    assert refused.status_code == 200, refused.text
    assert (refused.json()["status"], refused.json()["decision_note"]) == ("rejected", "签到记录显示11点离开")
    assert refused.json()["decided_by"] is not None
    assert (
        scheduling_client.get(f"/v1/me/service-records/{record_id}", headers=volunteer).json()["hours"] == 2.0
    )
    assert events(committee.tenant, ADJUSTED) == []

    again = ask(scheduling_client, volunteer, record_id, hours=3)
    assert again.status_code == 201, "once decided, a new request may be made"


def test_one_pending_request_per_record_and_none_for_voided_or_others_records(
    scheduling_client, login, committee, me, register, plan, record, counts, now
):
    mine = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    voided = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    someone_elses = record(
        committee.tenant, plan(committee.tenant, SHIFT_START), register(committee.tenant, "别人")
    )
    volunteer, staff = login("volunteer"), login("staff")
    assert ask(scheduling_client, volunteer, mine).status_code == 201
    voiding = scheduling_client.post(
        f"/v1/service-records/{voided}/void", json={"reason": "重复"}, headers=staff
    )
    assert voiding.status_code == 200
    before = counts(committee.tenant)

    problem(ask(scheduling_client, volunteer, mine, hours=3), 409, "correction-pending")
    problem(ask(scheduling_client, volunteer, voided), 409, "service-record-voided")
    problem(ask(scheduling_client, volunteer, someone_elses), 404, "service-record-not-found")
    problem(ask(scheduling_client, volunteer, uuid.uuid4()), 404, "service-record-not-found")
    problem(ask(scheduling_client, volunteer, mine, hours=2), 422, "hours-unchanged")
    for body in (
        {"requested_hours": 25, "reason": "x"},
        {"requested_hours": 1.234, "reason": "x"},
        {"requested_hours": False, "reason": "x"},
        {"requested_hours": "3", "reason": "x"},
        {"requested_hours": 3},
        {"requested_hours": 3, "reason": "x", "volunteer_id": str(me)},
    ):
        problem(
            scheduling_client.post(
                f"/v1/me/service-records/{mine}/corrections", json=body, headers=volunteer
            ),
            422,
            "validation",
        )
    problem(ask(scheduling_client, staff, mine), 403)
    assert counts(committee.tenant) == before


def test_a_grant_fails_when_the_record_changed_meanwhile(
    scheduling_client, login, committee, me, plan, record, counts, now
):
    moot = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    gone = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    volunteer, staff = login("volunteer"), login("staff")
    moot_request = ask(scheduling_client, volunteer, moot).json()
    gone_request = ask(scheduling_client, volunteer, gone).json()
    adjusting = scheduling_client.post(
        f"/v1/service-records/{moot}/adjustments", json={"hours": 2.5, "reason": "组长复核"}, headers=staff
    )
    assert adjusting.status_code == 201
    assert (
        scheduling_client.post(
            f"/v1/service-records/{gone}/void", json={"reason": "x"}, headers=staff
        ).status_code
        == 200
    )
    before = counts(committee.tenant)

    problem(decide(scheduling_client, staff, moot_request["id"]), 409, "correction-moot")
    problem(decide(scheduling_client, staff, gone_request["id"]), 409, "service-record-voided")
    assert counts(committee.tenant) == before
    assert (
        decide(
            scheduling_client, staff, moot_request["id"], approve=False, note="已按2.5小时更正"
        ).status_code
        == 200
    )


def test_queues_roles_and_other_committees(
    scheduling_client, scheduling_database, login, committee, me, register, plan, record, counts, now
):
    other = register(committee.tenant, "别人")
    mine = record(committee.tenant, plan(committee.tenant, SHIFT_START), me)
    other_record = record(committee.tenant, plan(committee.tenant, SHIFT_START), other)
    volunteer, staff = login("volunteer"), login("staff")
    first = ask(scheduling_client, volunteer, mine).json()
    # the other volunteer has no login: their request is written straight to the table
    with scheduling_database.transaction(committee.context) as session:
        session.add(
            Correction(
                tenant_id=committee.id,
                id=uuid.uuid4(),
                tenant_path=committee.path,
                record_id=other_record,
                volunteer_id=other,
                requested_hours=1,
                reason="提前离开",
                filed_by="other",
                status="pending",
            )
        )
    listed = scheduling_client.get("/v1/corrections?status=pending", headers=login("auditor"))
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["items"]) == 2
    assert decide(scheduling_client, staff, first["id"]).status_code == 200
    assert [
        row["volunteer_id"]
        for row in scheduling_client.get("/v1/corrections?status=pending", headers=staff).json()["items"]
    ] == [str(other)]
    assert [
        row["id"]
        for row in scheduling_client.get("/v1/corrections?status=approved", headers=staff).json()["items"]
    ] == [first["id"]]
    assert [
        row["id"] for row in scheduling_client.get("/v1/me/corrections", headers=volunteer).json()["items"]
    ] == [first["id"]]
    problem(scheduling_client.get("/v1/corrections", headers=volunteer), 403)
    problem(scheduling_client.get("/v1/me/corrections", headers=staff), 403)
    problem(scheduling_client.get("/v1/corrections?status=nope", headers=staff), 422)

    sibling = login("sibling_admin")
    before = counts(committee.tenant)
    assert scheduling_client.get("/v1/corrections", headers=sibling).json()["items"] == []
    problem(decide(scheduling_client, sibling, first["id"]), 404, "correction-not-found")
    problem(decide(scheduling_client, login("auditor"), first["id"]), 403)
    problem(decide(scheduling_client, volunteer, first["id"]), 403)
    assert counts(committee.tenant) == before


def test_nobody_decides_their_own_correction(
    scheduling_client, scheduling_database, login, committee, register, plan, record, user_id, counts, now
):
    """A staff member who also volunteers asks with their volunteer login; their staff login (the same
    user) may not grant it."""
    staff_volunteer = register(committee.tenant, "兼职志愿者", user_id=user_id("staff"))
    record_id = record(committee.tenant, plan(committee.tenant, SHIFT_START), staff_volunteer)
    correction_id = uuid.uuid4()
    with scheduling_database.transaction(committee.context) as session:
        session.add(
            Correction(
                tenant_id=committee.id,
                id=correction_id,
                tenant_path=committee.path,
                record_id=record_id,
                volunteer_id=staff_volunteer,
                requested_hours=3,
                reason="多算一小时",
                filed_by=str(user_id("staff")),
                status="pending",
            )
        )
    before = counts(committee.tenant)

    problem(decide(scheduling_client, login("staff"), correction_id), 403, "four-eyes")
    assert counts(committee.tenant) == before
    assert decide(scheduling_client, login("tenant_admin"), correction_id).status_code == 200
