"""Closing ended shifts: forgotten check-outs are closed at the shift's end and flagged, confirmed
volunteers who never came become no-shows, and running it again changes nothing."""

import uuid

from sqlalchemy import func, select

from linli_scheduling.activities.models import Shift
from linli_scheduling.attendance.models import Attendance
from linli_scheduling.attendance.tasks import close_ended_shifts
from linli_scheduling.events.types import SchedulingEvent
from linli_scheduling.records.models import ServiceRecord
from linli_scheduling.signups.models import Signup
from linli_shared.tenancy import Role, TenantContext


def leader_confirms(scheduling_client, headers, shift_id, volunteer_id, checked_in_at, checked_out_at=None):
    body = {"volunteer_id": str(volunteer_id), "checked_in_at": checked_in_at.isoformat()}
    if checked_out_at is not None:
        body["checked_out_at"] = checked_out_at.isoformat()
    response = scheduling_client.post(f"/v1/shifts/{shift_id}/attendance", json=body, headers=headers)
    assert response.status_code == 200, response.text


def test_the_sweep_closes_forgotten_check_outs_and_marks_no_shows_once(
    scheduling_client,
    scheduling_database,
    committee,
    plan,
    sign_up,
    register,
    me,
    login,
    clock,
    local,
    site_code,
    outbox,
    world,
):
    staff, volunteer = login("staff"), login("volunteer")
    shift_id = plan(world.committee, local(9, 0), capacity=6)  # 09:00–11:00
    forgetful_elder, absent, finished, queued, walk_in = (
        register(world.committee, name) for name in ("甲", "乙", "丙", "丁", "戊")
    )
    sign_up(world.committee, shift_id, me)
    sign_up(world.committee, shift_id, forgetful_elder)
    absent_signup = sign_up(world.committee, shift_id, absent)
    sign_up(world.committee, shift_id, finished)
    queued_signup = sign_up(world.committee, shift_id, queued, status="waitlisted")
    clock.at = local(9, 0)
    response = scheduling_client.post(
        "/v1/me/check-in", json={"code": site_code(shift_id)}, headers=volunteer
    )
    assert response.status_code == 201, response.text
    clock.at = local(11, 10)
    leader_confirms(scheduling_client, staff, shift_id, forgetful_elder, local(9, 30))
    leader_confirms(scheduling_client, staff, shift_id, walk_in, local(9, 0))
    leader_confirms(scheduling_client, staff, shift_id, finished, local(9, 0), local(10, 0))
    training = plan(world.committee, local(9, 0), kind="training_session", course_id=uuid.uuid4())
    leader_confirms(scheduling_client, staff, training, queued, local(9, 0))
    still_running = plan(world.committee, local(11, 0))
    leader_confirms(scheduling_client, staff, still_running, absent, local(11, 0))
    theirs = plan(world.sibling, local(9, 0))
    events_before = len(outbox())

    assert close_ended_shifts(scheduling_database, committee.id, committee.path, local(11, 30)) == 4

    with scheduling_database.transaction(committee.context) as session:
        attendances = {
            row.volunteer_id: row
            for row in session.scalars(select(Attendance).where(Attendance.shift_id == shift_id))
        }
        records = {
            row.volunteer_id: row
            for row in session.scalars(select(ServiceRecord).where(ServiceRecord.shift_id == shift_id))
        }
        signups = {row.id: row for row in session.scalars(select(Signup).where(Signup.shift_id == shift_id))}
        shifts = {row.id: row for row in session.scalars(select(Shift))}
        training_attendance = session.scalars(select(Attendance).where(Attendance.shift_id == training)).one()
        training_records = session.scalar(
            select(func.count()).select_from(ServiceRecord).where(ServiceRecord.shift_id == training)
        )
        running_attendance = session.scalars(
            select(Attendance).where(Attendance.shift_id == still_running)
        ).one()
    for volunteer_id in (me, forgetful_elder, walk_in):
        closed = attendances[volunteer_id]
        assert closed.checked_out_at == local(11, 0)
        assert closed.check_out_method == "sweep"
        assert closed.auto_closed
        record = records[volunteer_id]
        assert record.source == "sweep"
        assert record.auto_closed
        assert record.recorder_name == "系统自动签退"
        assert record.recorded_by == "task:close-shifts"
    assert float(records[me].hours) == 2.0
    assert float(records[forgetful_elder].hours) == 1.5  # 09:30–11:00
    assert attendances[finished].check_out_method == "leader"
    assert not attendances[finished].auto_closed
    assert records[finished].source == "leader"
    assert signups[absent_signup].status == "no_show"
    assert signups[queued_signup].status == "waitlisted"
    assert shifts[shift_id].closed_at == local(11, 30)
    assert shifts[shift_id].confirmed == 3
    assert training_attendance.auto_closed
    assert training_records == 0
    assert shifts[training].closed_at is not None
    assert running_attendance.checked_out_at is None
    assert shifts[still_running].closed_at is None

    events = outbox()[events_before:]
    swept = [event for event in events if event["type"] == SchedulingEvent.CHECKED_OUT]
    assert len(swept) == 4
    assert all(event["data"]["method"] == "sweep" and event["data"]["auto_closed"] for event in swept)
    recorded = [event for event in events if event["type"] == SchedulingEvent.RECORD_RECORDED]
    assert len(recorded) == 3
    assert all(event["data"]["auto_closed"] and event["data"]["source"] == "sweep" for event in recorded)
    (no_show,) = [event for event in events if event["type"] == SchedulingEvent.SIGNUP_NO_SHOW]
    assert no_show["subject"] == str(shift_id)
    assert no_show["data"]["volunteer_id"] == str(absent)
    assert all(event["tenantid"] == str(world.committee.id) for event in events)

    # again, later: nothing left to do
    events_after = len(outbox())
    assert close_ended_shifts(scheduling_database, committee.id, committee.path, local(12, 30)) == 0
    assert len(outbox()) == events_after
    with scheduling_database.transaction(committee.context) as session:
        assert session.get(Shift, (world.committee.id, shift_id)).closed_at == local(11, 30)
    # the other committee's ended shift is its own sweep's business
    sibling = TenantContext(
        tenant_id=world.sibling.id, tenant_path=world.sibling.path, role=Role.SERVICE, subject="test"
    )
    with scheduling_database.transaction(sibling) as session:
        assert session.get(Shift, (world.sibling.id, theirs)).closed_at is None


def test_after_the_sweep_the_shift_takes_no_more_scans_or_confirmations(
    scheduling_client,
    scheduling_database,
    committee,
    plan,
    sign_up,
    me,
    register,
    login,
    clock,
    local,
    signer,
    world,
):
    shift_id = plan(world.committee, local(9, 0))
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    code, _ = signer.issue(world.committee.id, shift_id, clock.at)
    volunteer = login("volunteer")
    assert (
        scheduling_client.post("/v1/me/check-in", json={"code": code}, headers=volunteer).status_code == 201
    )
    # the sweep waits while the code is still shown after the end (15 minutes), then closes the shift
    assert close_ended_shifts(scheduling_database, committee.id, committee.path, local(11, 14)) == 0
    assert close_ended_shifts(scheduling_database, committee.id, committee.path, local(11, 16)) == 1
    clock.at = local(11, 14)
    late_code, _ = signer.issue(world.committee.id, shift_id, clock.at)
    response = scheduling_client.post("/v1/me/check-out", json={"code": late_code}, headers=volunteer)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/attendance-closed")
    assert (
        scheduling_client.get(f"/v1/shifts/{shift_id}/check-in-code", headers=login("staff")).status_code
        == 409
    )
    elder = register(world.committee, "晚到的")
    body = {"volunteer_id": str(elder), "checked_in_at": local(9, 0).isoformat()}
    response = scheduling_client.post(f"/v1/shifts/{shift_id}/attendance", json=body, headers=login("staff"))
    assert response.status_code == 409
    assert response.json()["type"].endswith("/shift-not-open")
