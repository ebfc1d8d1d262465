"""Signing up: by the volunteer themself or assigned by staff; confirmed while places last, then waitlisted
in order; requirements judged on the shift's own day; one live sign-up per shift and no overlapping
bookings; bad input and other committees' ids refused with nothing written."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

CONFIRMED = "linli.scheduling.signup.confirmed.v1"
WAITLISTED = "linli.scheduling.signup.waitlisted.v1"
#: 10:00 on 2 December in Shanghai
TOMORROW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_places_are_confirmed_while_they_last_then_the_waitlist_fills_in_order(
    world, committee, now, plan, register, login, me_login, api, written
):
    shift = plan(world.committee, TOMORROW, capacity=2)
    staff = login("staff")
    first = api.ok(api.sign_up(me_login.headers, shift), 201)
    assert (first["status"], first["source"], first["position"], first["volunteer_name"]) == (
        "confirmed",
        "self",
        None,
        "王阿姨",
    )
    assert first["starts_at"].startswith("2026-12-02T02:00:00")
    assigned = api.ok(api.assign(staff, shift, register(world.committee, "张伯")), 201)
    assert (assigned["status"], assigned["source"]) == ("confirmed", "assigned")
    queued = [
        api.ok(api.assign(staff, shift, register(world.committee, name)), 201) for name in ("赵姐", "钱叔")
    ]
    assert [(row["status"], row["position"]) for row in queued] == [("waitlisted", 1), ("waitlisted", 2)]

    assert written.shift(shift).confirmed == 2
    rows = written.signups(shift)
    assert [row.status for row in rows] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert rows[0].created_by != rows[1].created_by, "who signed up is recorded"
    events = written.events(shift)
    assert [event["type"] for event in events] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert events[2]["data"]["volunteer_id"] == queued[0]["volunteer_id"]
    assert events[0]["data"]["promoted"] is False


@pytest.mark.parametrize(
    ("starts_at", "expires_on", "eligible"),
    [
        (TOMORROW, "2026-12-02", True),  # valid through its last day
        (TOMORROW, "2026-12-01", False),  # expired the day before
        # 01:00 on 3 December in Shanghai: the shift's day is the 3rd, whatever the UTC date says
        (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), "2026-12-02", False),
        (TOMORROW, None, True),  # no expiry
    ],
)
def test_a_required_qualification_must_be_valid_on_the_shifts_own_day(
    world, committee, now, plan, register, grant, login, api, written, starts_at, expires_on, eligible
):
    shift = plan(world.committee, starts_at, required_qualification="应急救护")
    volunteer = register(world.committee, "孙姐")
    grant(world.committee, volunteer, "应急救护", expires_on=expires_on)
    grant(world.committee, volunteer, "消防安全")  # another qualification does not count
    response = api.assign(login("staff"), shift, volunteer)
    if eligible:
        assert api.ok(response, 201)["status"] == "confirmed"
    else:
        body = api.problem(response, 422, "requirements-unmet")
        assert body["unmet"] == ["qualification-required:应急救护"]
        assert written.signups(shift) == []
        assert written.events(shift) == []


def test_a_revoked_or_not_yet_granted_qualification_does_not_count(
    world, committee, now, plan, register, grant, login, api, written
):
    shift = plan(world.committee, TOMORROW, required_qualification="应急救护")
    revoked, too_late = register(world.committee, "周姐"), register(world.committee, "吴叔")
    grant(world.committee, revoked, "应急救护", revoked=True)
    grant(world.committee, too_late, "应急救护", granted_on="2026-12-03")
    staff = login("staff")
    for volunteer in (revoked, too_late):
        body = api.problem(api.assign(staff, shift, volunteer), 422, "requirements-unmet")
        assert body["unmet"] == ["qualification-required:应急救护"]
    assert written.signups(shift) == []


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "eligible"),
    [
        ("2025-01-01", None, True),
        ("2025-01-01", "2026-12-02", True),  # the term's last day
        ("2025-01-01", "2026-12-01", False),  # the term ended the day before
        ("2026-12-03", None, False),  # the term has not begun
    ],
)
def test_a_required_role_must_be_held_on_the_shifts_day(
    world, committee, now, plan, register, assign_role, login, api, written, starts_on, ends_on, eligible
):
    shift = plan(world.committee, TOMORROW, required_role="building_leader")
    volunteer = register(world.committee, "郑叔")
    assign_role(world.committee, volunteer, "building_leader", starts_on, ends_on)
    assign_role(world.committee, volunteer, "mediator")
    response = api.assign(login("staff"), shift, volunteer)
    if eligible:
        api.ok(response, 201)
    else:
        assert api.problem(response, 422, "requirements-unmet")["unmet"] == ["role-required:building_leader"]
        assert written.signups(shift) == []


def test_tier_and_being_active_are_required_and_every_unmet_requirement_is_listed(
    world, committee, now, plan, register, roster_event, login, api, written
):
    shift = plan(
        world.committee,
        TOMORROW,
        required_tier="backbone",
        required_qualification="应急救护",
        required_role="grid_leader",
    )
    staff = login("staff")
    plain = register(world.committee, "冯姐")
    body = api.problem(api.assign(staff, shift, plain), 422, "requirements-unmet")
    assert body["unmet"] == [
        "qualification-required:应急救护",
        "role-required:grid_leader",
        "tier-required:backbone",
    ]

    open_shift = plan(world.committee, TOMORROW + timedelta(days=1))
    exited = register(world.committee, "陈叔", tier="backbone")
    roster_event(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        world.committee,
        exited,
        {"volunteer_id": str(exited), "kind": "voluntary", "reason": "搬家"},
    )
    assert api.problem(api.assign(staff, open_shift, exited), 422)["unmet"] == ["volunteer-not-active"]

    backbone_shift = plan(world.committee, TOMORROW + timedelta(days=2), required_tier="backbone")
    api.ok(api.assign(staff, backbone_shift, register(world.committee, "褚姐", tier="backbone")), 201)
    assert written.signups(shift) == []
    assert written.signups(open_shift) == []


def test_one_live_signup_per_volunteer_and_shift(world, committee, now, plan, login, me_login, api, written):
    shift = plan(world.committee, TOMORROW)
    first = api.ok(api.sign_up(me_login.headers, shift), 201)
    api.problem(api.sign_up(me_login.headers, shift), 409, "already-signed-up")
    api.problem(api.assign(login("staff"), shift, me_login.volunteer_id), 409, "already-signed-up")
    assert len(written.signups(shift)) == 1

    api.ok(api.cancel(me_login.headers, first["id"]))
    again = api.ok(api.sign_up(me_login.headers, shift), 201)
    assert again["status"] == "confirmed"
    assert again["id"] != first["id"]


def test_overlapping_shifts_cannot_both_be_booked(world, committee, now, plan, login, me_login, api, written):
    morning = plan(world.committee, TOMORROW, minutes=120)  # 10:00-12:00
    overlapping = plan(world.committee, TOMORROW + timedelta(hours=1))  # 11:00-13:00
    adjacent = plan(world.committee, TOMORROW + timedelta(hours=2))  # 12:00-14:00
    staff = login("staff")

    api.ok(api.sign_up(me_login.headers, morning), 201)
    api.problem(api.sign_up(me_login.headers, overlapping), 409, "overlapping-booking")
    api.problem(api.assign(staff, overlapping, me_login.volunteer_id), 409, "overlapping-booking")
    assert written.signups(overlapping) == []
    assert written.events(overlapping) == []
    assert written.shift(overlapping).confirmed == 0
    api.ok(api.sign_up(me_login.headers, adjacent), 201)


def test_a_waitlisted_place_blocks_an_overlapping_booking(
    world, committee, now, plan, register, login, me_login, api
):
    full = plan(world.committee, TOMORROW, capacity=1)
    overlapping = plan(world.committee, TOMORROW + timedelta(minutes=30))
    staff = login("staff")
    api.ok(api.assign(staff, full, register(world.committee, "卫叔")), 201)
    assert api.ok(api.sign_up(me_login.headers, full), 201)["status"] == "waitlisted"
    api.problem(api.sign_up(me_login.headers, overlapping), 409, "overlapping-booking")


def test_a_started_or_cancelled_shift_takes_no_signups(world, committee, now, plan, me_login, api, written):
    started = plan(world.committee, now - timedelta(minutes=1))
    starting_now = plan(world.committee, now)
    cancelled = plan(world.committee, TOMORROW, status="cancelled", cancelled_reason="下雨")
    for shift in (started, starting_now, cancelled):
        api.problem(api.sign_up(me_login.headers, shift), 409, "shift-not-open")
        assert written.signups(shift) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"shift_id": "not-a-uuid"},
        {"shift_id": 12},
        {"shift_id": None},
        {"shift_id": "00000000-0000-0000-0000-000000000000", "volunteer_id": "x"},
        [],
    ],
)
def test_bad_self_signups_are_refused_and_nothing_is_written(
    world, committee, now, plan, me_login, api, written, body
):
    shift = plan(world.committee, TOMORROW)
    response = api.client.post("/v1/me/signups", json=body, headers=me_login.headers)
    api.problem(response, 422, "validation")
    assert written.signups(shift) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"volunteer_id": "nope"},
        {"volunteer_id": str(uuid.uuid4()), "status": "confirmed"},
        {"volunteer_id": 1},
    ],
)
def test_bad_assignments_are_refused_and_nothing_is_written(
    world, committee, now, plan, login, api, written, body
):
    shift = plan(world.committee, TOMORROW)
    response = api.client.post(f"/v1/shifts/{shift}/signups", json=body, headers=login("staff"))
    api.problem(response, 422, "validation")
    api.problem(api.client.post("/v1/shifts/not-a-uuid/signups", json={}, headers=login("staff")), 422)
    assert written.signups(shift) == []


def test_unknown_shifts_and_volunteers_are_404(world, committee, now, plan, register, login, me_login, api):
    shift = plan(world.committee, TOMORROW)
    staff = login("staff")
    api.problem(api.assign(staff, uuid.uuid4(), register(world.committee, "蒋姐")), 404, "shift-not-found")
    api.problem(api.assign(staff, shift, uuid.uuid4()), 404, "volunteer-not-found")
    api.problem(api.sign_up(me_login.headers, uuid.uuid4()), 404, "shift-not-found")


def test_another_committees_shifts_and_volunteers_are_404(
    world, committee, now, plan, register, login, me_login, api, written
):
    ours = plan(world.committee, TOMORROW)
    theirs = plan(world.sibling, TOMORROW + timedelta(days=1))
    their_volunteer = register(world.sibling, "沈叔")
    staff = login("staff")
    api.problem(api.assign(staff, theirs, register(world.committee, "韩姐")), 404, "shift-not-found")
    api.problem(api.sign_up(me_login.headers, theirs), 404, "shift-not-found")
    api.problem(api.assign(staff, ours, their_volunteer), 404, "volunteer-not-found")
    api.problem(api.assign(login("sibling_admin"), ours, their_volunteer), 404, "shift-not-found")
    assert written.signups(ours) == []


def test_only_staff_assign_and_only_a_linked_volunteer_signs_themself_up(
    world, committee, now, plan, register, login, api, written
):
    shift = plan(world.committee, TOMORROW)
    volunteer = register(world.committee, "杨叔")
    for role in ("auditor", "town_admin", "district_admin", "volunteer"):
        api.problem(api.assign(login(role), shift, volunteer), 403)
    for role in ("staff", "tenant_admin", "auditor", "town_admin"):
        api.problem(api.sign_up(login(role), shift), 403)
    # the world's volunteer login, before the roster linked it to a volunteer
    api.problem(api.sign_up(login("volunteer"), shift), 404, "volunteer-not-linked")
    assert written.signups(shift) == []
    api.problem(api.client.post("/v1/me/signups", json={"shift_id": str(shift)}), 401)
