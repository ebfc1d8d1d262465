"""A volunteer checks in and out by scanning the site's code: hours inside the shift window, rounded by
the committee's policy; every refusal (forged, expired, replayed, another shift's code, no place on the
shift, another committee) writes nothing."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from linli_scheduling.events.types import SchedulingEvent
from linli_scheduling.policies.models import HourPolicy
from linli_scheduling.records.models import ServiceRecord
from linli_shared.tenancy import Role, TenantContext

CHECK_IN, CHECK_OUT = "/v1/me/check-in", "/v1/me/check-out"


@pytest.fixture
def volunteer(login):
    return login("volunteer")


def scan(scheduling_client, path, code, headers):
    return scheduling_client.post(path, json={"code": code}, headers=headers)


def problem(response, status, slug):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/" + slug), response.json()


def test_check_in_and_out_records_the_hours_inside_the_shift(
    scheduling_client,
    committee,
    plan,
    sign_up,
    me,
    volunteer,
    clock,
    local,
    site_code,
    outbox,
    world,
    scheduling_database,
):
    shift_id = plan(world.committee, local(9, 0), minutes=130)  # 09:00–11:10
    signup_id = sign_up(world.committee, shift_id, me)
    clock.at = local(8, 50)
    checked_in = scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer)
    assert checked_in.status_code == 201, checked_in.text
    body = checked_in.json()
    assert body["signup_id"] == str(signup_id)
    assert body["check_in_method"] == "qr"
    assert body["checked_out_at"] is None
    assert body["record"] is None
    assert body["volunteer_name"] == "王阿姨"
    assert body["recorded_by"]

    clock.at = local(11, 20)
    checked_out = scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer)
    assert checked_out.status_code == 200, checked_out.text
    body = checked_out.json()
    assert body["check_out_method"] == "qr"
    assert body["auto_closed"] is False
    # 08:50–11:20 clipped to the window is 130 minutes: 2 h and 10 min, which Chongqing rounds to 2.0 h
    assert body["record"]["service_minutes"] == 130
    assert Decimal(body["record"]["hours"]) == Decimal("2.0")

    with scheduling_database.transaction(committee.context) as session:
        record = session.scalars(select(ServiceRecord).where(ServiceRecord.shift_id == shift_id)).one()
    assert record.source == "check_out"
    assert record.recorder_name == "扫码签到"
    assert record.attendance_id == uuid.UUID(body["id"])
    assert not record.auto_closed

    (checked_in_event,) = outbox(SchedulingEvent.CHECKED_IN)
    (checked_out_event,) = outbox(SchedulingEvent.CHECKED_OUT)
    (recorded,) = outbox(SchedulingEvent.RECORD_RECORDED)
    assert checked_in_event["subject"] == str(shift_id)
    assert checked_in_event["data"]["method"] == "qr"
    assert checked_out_event["subject"] == str(shift_id)
    assert datetime.fromisoformat(checked_out_event["data"]["at"]) == local(11, 20)
    assert recorded["subject"] == str(me)
    assert recorded["data"]["hours"] == 2.0


@pytest.mark.parametrize(
    ("arrive", "leave", "minutes", "hours"),
    [
        ((9, 10), (10, 0), 50, "1.0"),  # > 45 minutes past the hour: a whole hour
        ((9, 0), (9, 40), 40, "0.5"),  # 15–45 minutes: half an hour
        ((9, 0), (9, 15), 15, "0"),  # up to 15 minutes: nothing
    ],
)
def test_chongqing_rounding_of_what_was_served(
    scheduling_client,
    committee,
    plan,
    sign_up,
    me,
    volunteer,
    clock,
    local,
    site_code,
    arrive,
    leave,
    minutes,
    hours,
    world,
):
    shift_id = plan(world.committee, local(9, 0), minutes=60)
    sign_up(world.committee, shift_id, me)
    clock.at = local(*arrive)
    assert scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer).status_code == 201
    clock.at = local(*leave)
    record = scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer).json()["record"]
    assert record["service_minutes"] == minutes
    assert Decimal(record["hours"]) == Decimal(hours)


def test_the_district_policy_rounds_instead(
    scheduling_client,
    committee,
    plan,
    sign_up,
    me,
    volunteer,
    clock,
    local,
    site_code,
    world,
    scheduling_database,
):
    district = world.district
    context = TenantContext(
        tenant_id=district.id, tenant_path=district.path, role=Role.SERVICE, subject="test"
    )
    with scheduling_database.transaction(context) as session:
        session.add(
            HourPolicy(
                tenant_id=district.id,
                tenant_path=district.path,
                rounding="exact",
                excluded_kinds=[],
                late_entry_window_days=30,
                cancellation_cutoff_hours=12,
                check_in_opens_minutes=60,
                updated_by="test",
            )
        )
    shift_id = plan(world.committee, local(9, 0), minutes=130)
    sign_up(world.committee, shift_id, me)
    clock.at = local(8, 5)  # the district opens check-in an hour ahead
    assert scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer).status_code == 201
    clock.at = local(10, 40)
    record = scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer).json()["record"]
    assert record["service_minutes"] == 100
    assert record["hours"] == 1.66  # exact: down to the hundredth


def test_a_training_session_is_attended_but_earns_no_hours(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, outbox, world
):
    shift_id = plan(world.committee, local(9, 0), kind="training_session", course_id=uuid.uuid4())
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    assert scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer).status_code == 201
    clock.at = local(11, 0)
    checked_out = scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer)
    assert checked_out.status_code == 200, checked_out.text
    assert checked_out.json()["checked_out_at"] is not None
    assert checked_out.json()["record"] is None
    assert len(outbox(SchedulingEvent.CHECKED_OUT)) == 1
    assert outbox(SchedulingEvent.RECORD_RECORDED) == []


def test_the_leaders_name_is_on_a_scanned_record(
    scheduling_client,
    committee,
    plan,
    sign_up,
    me,
    volunteer,
    clock,
    local,
    site_code,
    world,
    register,
    scheduling_database,
):
    leader = register(world.committee, "张组长")
    shift_id = plan(world.committee, local(9, 0), leader_volunteer_id=leader)
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer)
    clock.at = local(10, 0)
    assert scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer).status_code == 200
    with scheduling_database.transaction(committee.context) as session:
        record = session.scalars(select(ServiceRecord).where(ServiceRecord.shift_id == shift_id)).one()
    assert record.recorder_name == "张组长"
    assert record.lead_name == "张组长"


def test_the_leader_checks_in_without_a_sign_up(
    scheduling_client, committee, plan, me, volunteer, clock, local, site_code, world
):
    shift_id = plan(world.committee, local(9, 0), leader_volunteer_id=me)
    clock.at = local(9, 0)
    response = scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer)
    assert response.status_code == 201, response.text
    assert response.json()["signup_id"] is None


# refusals --------------------------------------------------------------------------------------------


def test_a_forged_code_is_refused(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, written, world
):
    shift_id = plan(world.committee, local(9, 0))
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    code = site_code(shift_id)
    before = written(world.committee, shift_id)
    payload, signature = code.split(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    problem(scan(scheduling_client, CHECK_IN, forged, volunteer), 422, "check-in-code-invalid")
    problem(scan(scheduling_client, CHECK_IN, "not-a-code", volunteer), 422, "check-in-code-invalid")
    assert written(world.committee, shift_id) == before


def test_an_expired_code_is_refused(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, written, world
):
    shift_id = plan(world.committee, local(9, 0))
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    code = site_code(shift_id)
    before = written(world.committee, shift_id)
    clock.at = local(9, 0) + timedelta(seconds=60 + 30)  # its window and its grace have passed
    problem(scan(scheduling_client, CHECK_IN, code, volunteer), 422, "check-in-code-expired")
    assert written(world.committee, shift_id) == before
    clock.at = local(9, 0) + timedelta(seconds=89)  # still in its grace
    assert scan(scheduling_client, CHECK_IN, code, volunteer).status_code == 201


def test_a_code_checks_a_volunteer_in_once_and_out_once(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, written, world
):
    shift_id = plan(world.committee, local(9, 0), minutes=30)
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    code = site_code(shift_id)
    assert scan(scheduling_client, CHECK_IN, code, volunteer).status_code == 201
    before = written(world.committee, shift_id)
    problem(scan(scheduling_client, CHECK_IN, code, volunteer), 409, "check-in-code-used")
    # a fresh code does not check them in twice either
    clock.at = local(9, 5)
    problem(scan(scheduling_client, CHECK_IN, site_code(shift_id), volunteer), 409, "already-checked-in")
    assert written(world.committee, shift_id) == before
    # the same (still valid) code may check them out — once
    clock.at = local(
        9,
        0,
    ) + timedelta(seconds=70)
    assert scan(scheduling_client, CHECK_OUT, code, volunteer).status_code == 200
    after = written(world.committee, shift_id)
    problem(scan(scheduling_client, CHECK_OUT, code, volunteer), 409, "check-in-code-used")
    clock.at = local(9, 20)
    problem(scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer), 409, "attendance-closed")
    assert written(world.committee, shift_id) == after


def test_another_shifts_code_does_not_check_out(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, written, world
):
    morning = plan(world.committee, local(9, 0))
    elsewhere = plan(world.committee, local(9, 0))
    sign_up(world.committee, morning, me)
    clock.at = local(9, 0)
    scan(scheduling_client, CHECK_IN, site_code(morning), volunteer)
    before = written(world.committee, morning)
    problem(scan(scheduling_client, CHECK_OUT, site_code(elsewhere), volunteer), 409, "not-checked-in")
    assert written(world.committee, morning) == before


def test_check_out_without_check_in(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, site_code, written, world
):
    shift_id = plan(world.committee, local(9, 0))
    sign_up(world.committee, shift_id, me)
    clock.at = local(10, 0)
    before = written(world.committee, shift_id)
    problem(scan(scheduling_client, CHECK_OUT, site_code(shift_id), volunteer), 409, "not-checked-in")
    assert written(world.committee, shift_id) == before


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", None])
def test_without_a_confirmed_place_there_is_no_check_in(
    scheduling_client,
    committee,
    plan,
    sign_up,
    me,
    volunteer,
    clock,
    local,
    site_code,
    written,
    world,
    status,
):
    shift_id = plan(world.committee, local(9, 0))
    if status:
        sign_up(world.committee, shift_id, me, status=status)
    clock.at = local(9, 0)
    code = site_code(shift_id)
    before = written(world.committee, shift_id)
    problem(scan(scheduling_client, CHECK_IN, code, volunteer), 409, "not-signed-up")
    assert written(world.committee, shift_id) == before


@pytest.mark.parametrize("moment", [(8, 29), (11, 1)])
def test_check_in_is_open_from_the_policy_opening_to_the_shift_end(
    scheduling_client, committee, plan, sign_up, me, volunteer, clock, local, signer, written, world, moment
):
    shift_id = plan(world.committee, local(9, 0))  # 09:00–11:00, check-in opens 08:30
    sign_up(world.committee, shift_id, me)
    clock.at = local(*moment)
    code, _ = signer.issue(world.committee.id, shift_id, clock.at)
    before = written(world.committee, shift_id)
    problem(scan(scheduling_client, CHECK_IN, code, volunteer), 409, "check-in-not-open")
    assert written(world.committee, shift_id) == before


def test_another_committees_code_is_not_found(
    scheduling_client, committee, plan, me, volunteer, clock, local, signer, written, world
):
    theirs = plan(world.sibling, local(9, 0))
    clock.at = local(9, 0)
    code, _ = signer.issue(world.sibling.id, theirs, clock.at)
    # a code naming our committee but their shift
    mixed, _ = signer.issue(world.committee.id, theirs, clock.at)
    before = written(world.sibling, theirs)
    problem(scan(scheduling_client, CHECK_IN, code, volunteer), 404, "shift-not-found")
    problem(scan(scheduling_client, CHECK_IN, mixed, volunteer), 404, "shift-not-found")
    problem(scan(scheduling_client, CHECK_OUT, code, volunteer), 404, "shift-not-found")
    assert written(world.sibling, theirs) == before


def test_only_a_volunteers_own_login_checks_in(
    scheduling_client, committee, plan, sign_up, me, clock, local, site_code, login, written, world
):
    shift_id = plan(world.committee, local(9, 0))
    sign_up(world.committee, shift_id, me)
    clock.at = local(9, 0)
    code = site_code(shift_id)
    before = written(world.committee, shift_id)
    for who in ("staff", "auditor"):
        assert scan(scheduling_client, CHECK_IN, code, login(who)).status_code == 403
    assert scan(scheduling_client, CHECK_IN, code, {}).status_code == 401
    assert written(world.committee, shift_id) == before


def test_a_volunteer_login_not_linked_to_a_volunteer(
    scheduling_client, committee, plan, clock, local, site_code, login, world
):
    shift_id = plan(world.committee, local(9, 0))
    clock.at = local(9, 0)
    problem(
        scan(scheduling_client, CHECK_IN, site_code(shift_id), login("volunteer")),
        404,
        "volunteer-not-linked",
    )


@pytest.mark.parametrize(
    "body",
    [{}, {"code": ""}, {"code": 12}, {"code": "abc def"}, {"code": "a" * 513}, {"code": "a.b", "extra": 1}],
)
def test_malformed_requests(
    scheduling_client, committee, plan, me, volunteer, clock, local, written, world, body
):
    shift_id = plan(world.committee, local(9, 0))
    clock.at = local(9, 0)
    before = written(world.committee, shift_id)
    for path in (CHECK_IN, CHECK_OUT):
        problem(scheduling_client.post(path, json=body, headers=volunteer), 422, "validation")
    assert written(world.committee, shift_id) == before
