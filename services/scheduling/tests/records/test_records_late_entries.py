"""Late entries (补录): filed by staff for a volunteer or by the volunteer themself, within the window, for
service that has happened and is not yet recorded; approved by a second person into a flagged record
(four eyes, backed by the table); bad input, roles and other committees."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from linli_scheduling.activities.models import Shift
from linli_scheduling.records.models import LateEntry

SHIFT_START = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)  # 09:00–11:00 in Shanghai
SERVED = {"started_at": "2026-11-18T09:00:00+08:00", "ended_at": "2026-11-18T11:00:00+08:00"}
RECORDED = "linli.scheduling.service_record.recorded.v1"
APPROVED = "linli.scheduling.late_entry.approved.v1"


def problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


@pytest.fixture
def activity_of(scheduling_database, committee):
    def of(shift_id: uuid.UUID, tenant=None) -> str:
        tenant = tenant or committee.tenant
        with scheduling_database.transaction(committee.context) as session:
            return str(session.get(Shift, (tenant.id, shift_id)).activity_id)

    return of


def file(client, headers, **body):
    return client.post("/v1/late-entries", json={"reason": "忘记签到", **SERVED, **body}, headers=headers)


def decide(client, headers, late_entry_id, approve=True, note=""):
    return client.post(
        f"/v1/late-entries/{late_entry_id}/decision", json={"approve": approve, "note": note}, headers=headers
    )


def test_staff_file_and_a_second_person_approves_into_a_flagged_record(
    scheduling_client, login, committee, register, plan, events, counts, now
):
    volunteer = register(committee.tenant, "李阿姨")
    shift = plan(committee.tenant, SHIFT_START)
    staff, admin = login("staff"), login("tenant_admin")

    filed = file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(shift), break_minutes=30)
    assert filed.status_code == 201, filed.text
    entry = filed.json()
    assert (entry["status"], entry["self_reported"], entry["record_id"]) == ("pending", False, None)

    before = counts(committee.tenant)
    problem(decide(scheduling_client, staff, entry["id"]), 403, "four-eyes")
    assert counts(committee.tenant) == before, "the filer's own approval writes nothing"

    approved = decide(scheduling_client, admin, entry["id"], note="组长确认")
    assert approved.status_code == 200, approved.text
    decided = approved.json()
    assert (decided["status"], decided["decision_note"]) == ("approved", "组长确认")
    assert decided["decided_by"] not in (None, entry["filed_by"])
    assert decided["decided_at"] == "2026-11-20T06:00:00Z"

    record = scheduling_client.get(f"/v1/service-records/{decided['record_id']}", headers=staff).json()
    assert (record["source"], record["late_entry"], record["self_reported"]) == ("late_entry", True, False)
    assert (record["service_date"], record["service_minutes"], record["hours"]) == ("2026-11-18", 90, 1.5)
    assert (record["recorded_by"], record["recorder_name"]) == (decided["decided_by"], "甲居民区")
    assert record["late_entry_id"] == entry["id"]

    [recorded] = events(committee.tenant, RECORDED)
    assert (recorded["data"]["late_entry"], recorded["data"]["source"]) == (True, "late_entry")
    [announced] = events(committee.tenant, APPROVED)
    assert announced["subject"] == str(volunteer)
    assert announced["data"] == {
        "late_entry_id": entry["id"],
        "record_id": decided["record_id"],
        "volunteer_id": str(volunteer),
        "service_date": "2026-11-18",
        "hours": 1.5,
        "self_reported": False,
        "filed_by": entry["filed_by"],
        "approved_by": decided["decided_by"],
    }

    problem(decide(scheduling_client, admin, entry["id"]), 409, "already-decided")
    problem(
        file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(shift)),
        409,
        "service-already-recorded",
    )


def test_a_volunteer_reports_their_own_service_and_staff_approve_it(
    scheduling_client, login, committee, me, plan, activity_of, events, now
):
    activity = activity_of(plan(committee.tenant, SHIFT_START))
    volunteer = login("volunteer")

    filed = scheduling_client.post(
        "/v1/me/late-entries",
        json={
            "activity_id": activity,
            "started_at": "2026-11-19T14:00:00+08:00",
            "ended_at": "2026-11-19T15:20:00+08:00",
            "reason": "帮忙搬运物资",
        },
        headers=volunteer,
    )
    assert filed.status_code == 201, filed.text
    assert (filed.json()["self_reported"], filed.json()["volunteer_id"], filed.json()["shift_id"]) == (
        True,
        str(me),
        None,
    )
    problem(decide(scheduling_client, volunteer, filed.json()["id"]), 403)

    approved = decide(scheduling_client, login("staff"), filed.json()["id"])
    assert approved.status_code == 200, approved.text
    record = scheduling_client.get(
        f"/v1/me/service-records/{approved.json()['record_id']}", headers=volunteer
    ).json()
    assert (record["late_entry"], record["self_reported"], record["shift_id"]) == (True, True, None)
    assert (record["service_date"], record["hours"]) == ("2026-11-19", 1.5)
    assert events(committee.tenant, APPROVED)[0]["data"]["self_reported"] is True

    problem(
        scheduling_client.post(
            "/v1/me/late-entries",
            json={"volunteer_id": str(uuid.uuid4()), "activity_id": activity, "reason": "x", **SERVED},
            headers=volunteer,
        ),
        422,
        "validation",
    )
    problem(
        scheduling_client.post(
            "/v1/me/late-entries",
            json={"activity_id": activity, "reason": "x", **SERVED},
            headers=login("staff"),
        ),
        403,
    )


def test_the_window_counts_shanghai_days(
    scheduling_client, login, committee, register, plan, activity_of, now
):
    volunteer = str(register(committee.tenant, "李阿姨"))
    activity = activity_of(plan(committee.tenant, SHIFT_START))
    staff = login("staff")

    # 2026-10-21 01:00 in Shanghai (still the 20th in UTC): 30 days before 2026-11-20, the last day allowed
    inside = file(
        scheduling_client,
        staff,
        volunteer_id=volunteer,
        activity_id=activity,
        started_at="2026-10-20T17:00:00Z",
        ended_at="2026-10-20T18:00:00Z",
    )
    assert inside.status_code == 201, inside.text
    outside = file(
        scheduling_client,
        staff,
        volunteer_id=volunteer,
        activity_id=activity,
        started_at="2026-10-20T14:00:00Z",
        ended_at="2026-10-20T15:00:00Z",
    )
    problem(outside, 422, "late-entry-window-passed")


def test_bad_late_entries_are_refused_and_write_nothing(
    scheduling_client, login, committee, world, register, plan, activity_of, counts, now
):
    volunteer = str(register(committee.tenant, "李阿姨"))
    shift = plan(committee.tenant, SHIFT_START)
    other_shift = plan(committee.tenant, SHIFT_START)
    training = plan(committee.tenant, SHIFT_START, kind="training_session", course_id=uuid.uuid4())
    staff = login("staff")
    before = counts(committee.tenant)

    def refused(status: int, slug: str, **body) -> None:
        problem(file(scheduling_client, staff, volunteer_id=volunteer, **body), status, slug)

    refused(
        422,
        "service-in-future",
        shift_id=str(shift),
        started_at="2026-11-20T13:00:00+08:00",
        ended_at="2026-11-20T14:30:00+08:00",
    )
    refused(422, "service-times-invalid", shift_id=str(shift), ended_at=SERVED["started_at"])
    refused(422, "service-times-invalid", shift_id=str(shift), started_at=SERVED["ended_at"])
    refused(422, "service-times-invalid", shift_id=str(shift), started_at="2026-11-17T09:00:00+08:00")
    refused(422, "service-times-invalid", shift_id=str(shift), break_minutes=120)
    refused(
        422,
        "service-times-invalid",
        shift_id=str(shift),
        started_at="2026-11-18T12:00:00+08:00",
        ended_at="2026-11-18T13:00:00+08:00",
    )
    refused(422, "shift-not-of-activity", shift_id=str(shift), activity_id=activity_of(other_shift))
    refused(422, "activity-earns-no-hours", shift_id=str(training))
    refused(404, "shift-not-found", shift_id=str(uuid.uuid4()))
    refused(404, "activity-not-found", activity_id=str(uuid.uuid4()))
    for body in (
        {},  # neither a shift nor an activity
        {"shift_id": str(shift), "started_at": "2026-11-18T09:00:00"},  # no zone
        {"shift_id": str(shift), "break_minutes": -1},
        {"shift_id": str(shift), "break_minutes": "10"},
        {"shift_id": str(shift), "reason": ""},
        {"shift_id": str(shift), "surprise": True},
    ):
        refused(422, "validation", **body)
    problem(
        file(scheduling_client, staff, volunteer_id=str(uuid.uuid4()), shift_id=str(shift)),
        404,
        "volunteer-not-found",
    )
    problem(
        scheduling_client.post(
            "/v1/late-entries", json={"shift_id": str(shift), "reason": "x", **SERVED}, headers=staff
        ),
        422,
    )
    assert counts(committee.tenant) == before


def test_conflicts_with_what_is_already_known(
    scheduling_client,
    scheduling_database,
    login,
    committee,
    register,
    plan,
    record,
    exit_volunteer,
    activity_of,
    counts,
    now,
):
    volunteer, leaver = register(committee.tenant, "李阿姨"), register(committee.tenant, "要走的人")
    recorded_shift, pending_shift, cancelled = (plan(committee.tenant, SHIFT_START) for _ in range(3))
    staff = login("staff")
    assert (
        file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(pending_shift)).status_code
        == 201
    )
    record(committee.tenant, recorded_shift, volunteer)
    exit_volunteer(committee.tenant, leaver)
    with scheduling_database.transaction(committee.context) as session:
        session.execute(update(Shift).where(Shift.id == cancelled).values(status="cancelled"))
    before = counts(committee.tenant)

    problem(
        file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(recorded_shift)),
        409,
        "service-already-recorded",
    )
    problem(
        file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(pending_shift)),
        409,
        "late-entry-pending",
    )
    problem(
        file(scheduling_client, staff, volunteer_id=str(leaver), shift_id=str(pending_shift)),
        409,
        "volunteer-not-active",
    )
    problem(
        file(scheduling_client, staff, volunteer_id=str(volunteer), shift_id=str(cancelled)),
        409,
        "shift-cancelled",
    )
    overlapping = file(
        scheduling_client,
        staff,
        volunteer_id=str(volunteer),
        activity_id=activity_of(pending_shift),
        started_at="2026-11-18T10:30:00+08:00",
        ended_at="2026-11-18T12:00:00+08:00",
    )
    problem(overlapping, 409, "service-overlaps-record")
    assert counts(committee.tenant) == before


def test_an_approval_checks_again_that_the_shift_is_not_recorded_meanwhile(
    scheduling_client, login, committee, register, plan, record, counts, now
):
    volunteer = register(committee.tenant, "李阿姨")
    shift = plan(committee.tenant, SHIFT_START)
    entry = file(scheduling_client, login("staff"), volunteer_id=str(volunteer), shift_id=str(shift)).json()
    record(committee.tenant, shift, volunteer)  # the leader confirmed the attendance after all
    before = counts(committee.tenant)

    problem(decide(scheduling_client, login("tenant_admin"), entry["id"]), 409, "service-already-recorded")
    assert counts(committee.tenant) == before
    listed = scheduling_client.get(f"/v1/late-entries/{entry['id']}", headers=login("auditor")).json()
    assert listed["status"] == "pending"


def test_a_rejection_says_why_and_makes_no_record(
    scheduling_client, login, committee, register, plan, counts, events, now
):
    volunteer = register(committee.tenant, "李阿姨")
    entry = file(
        scheduling_client,
        login("staff"),
        volunteer_id=str(volunteer),
        shift_id=str(plan(committee.tenant, SHIFT_START)),
    ).json()
    admin = login("tenant_admin")
    problem(decide(scheduling_client, admin, entry["id"], approve=False), 422, "validation")
    problem(decide(scheduling_client, admin, entry["id"], approve=False, note="   "), 422, "validation")
    problem(
        scheduling_client.post(
            f"/v1/late-entries/{entry['id']}/decision", json={"approve": "yes"}, headers=admin
        ),
        422,
    )

    rejected = decide(scheduling_client, admin, entry["id"], approve=False, note="当天未排班")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["decision_note"], rejected.json()["record_id"]) == (
        "rejected",
        "当天未排班",
        None,
    )
    assert counts(committee.tenant)["service_records"] == 0
    assert events(committee.tenant, APPROVED) == []
    problem(decide(scheduling_client, admin, entry["id"]), 409, "already-decided")


def test_the_table_refuses_a_decision_by_the_filer(
    scheduling_database, scheduling_client, login, committee, register, plan, now
):
    volunteer = register(committee.tenant, "李阿姨")
    entry = file(
        scheduling_client,
        login("staff"),
        volunteer_id=str(volunteer),
        shift_id=str(plan(committee.tenant, SHIFT_START)),
    ).json()
    with pytest.raises(IntegrityError), scheduling_database.transaction(committee.context) as session:
        session.execute(
            update(LateEntry)
            .where(LateEntry.id == uuid.UUID(entry["id"]))
            .values(decided_by=entry["filed_by"], status="approved")
        )


def test_queues_roles_and_other_committees(
    scheduling_client, login, committee, world, me, register, plan, counts, now
):
    other = register(committee.tenant, "别人")
    staff, volunteer = login("staff"), login("volunteer")
    shifts = [plan(committee.tenant, SHIFT_START) for _ in range(3)]
    mine = file(scheduling_client, staff, volunteer_id=str(me), shift_id=str(shifts[0])).json()
    theirs = file(scheduling_client, staff, volunteer_id=str(other), shift_id=str(shifts[1])).json()
    decided = file(scheduling_client, staff, volunteer_id=str(other), shift_id=str(shifts[2])).json()
    assert decide(scheduling_client, login("tenant_admin"), decided["id"]).status_code == 200

    pending = scheduling_client.get("/v1/late-entries?status=pending", headers=login("auditor"))
    assert pending.status_code == 200, pending.text
    assert [row["id"] for row in pending.json()["items"]] == [mine["id"], theirs["id"]]
    everything = scheduling_client.get("/v1/late-entries?limit=2", headers=staff).json()
    rest = scheduling_client.get(
        f"/v1/late-entries?limit=2&cursor={everything['next_cursor']}", headers=staff
    ).json()
    assert [row["id"] for row in everything["items"] + rest["items"]] == [
        mine["id"],
        theirs["id"],
        decided["id"],
    ]
    assert rest["next_cursor"] is None
    assert [
        row["id"] for row in scheduling_client.get("/v1/me/late-entries", headers=volunteer).json()["items"]
    ] == [mine["id"]]
    problem(scheduling_client.get("/v1/late-entries", headers=volunteer), 403)
    problem(scheduling_client.get("/v1/late-entries?status=maybe", headers=staff), 422)
    problem(scheduling_client.get("/v1/me/late-entries", headers=staff), 403)

    sibling = login("sibling_admin")
    before = counts(committee.tenant)
    assert scheduling_client.get("/v1/late-entries", headers=sibling).json()["items"] == []
    problem(
        scheduling_client.get(f"/v1/late-entries/{mine['id']}", headers=sibling), 404, "late-entry-not-found"
    )
    problem(decide(scheduling_client, sibling, mine["id"]), 404, "late-entry-not-found")
    problem(
        file(scheduling_client, sibling, volunteer_id=str(other), shift_id=str(shifts[0])),
        404,
        "volunteer-not-found",
    )
    sibling_volunteer = str(register(world.sibling, "乙居民"))
    problem(
        file(scheduling_client, sibling, volunteer_id=sibling_volunteer, shift_id=str(shifts[0])),
        404,
        "shift-not-found",
    )
    problem(file(scheduling_client, login("auditor"), volunteer_id=str(other), shift_id=str(shifts[0])), 403)
    assert counts(committee.tenant) == before


def test_staff_never_approve_their_own_service(
    scheduling_client, login, committee, register, plan, user_id, now
):
    """A staff member who also volunteers (their volunteer record linked to the same login) has a colleague
    file and approve their 补录, never themself."""
    staff_volunteer = register(committee.tenant, "兼职志愿者", user_id=user_id("staff"))
    shift = plan(committee.tenant, SHIFT_START)
    entry = file(
        scheduling_client, login("tenant_admin"), volunteer_id=str(staff_volunteer), shift_id=str(shift)
    )
    assert entry.status_code == 201, entry.text

    refused = problem(decide(scheduling_client, login("staff"), entry.json()["id"]), 403, "four-eyes")
    assert "own service" in refused["detail"]
