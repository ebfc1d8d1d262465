"""Cancelling (the volunteer up to the cut-off, staff until the start, late ones flagged; a freed place
goes to the head of the queue) and marking no-shows (confirmed, started, never checked in)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from linli_scheduling.attendance.models import Attendance
from linli_scheduling.policies.models import HourPolicy
from linli_shared.tenancy import Role, TenantContext

TOMORROW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def booked(api, headers, shift, *volunteers):
    return [api.ok(api.assign(headers, shift, volunteer), 201) for volunteer in volunteers]


def test_a_cancelled_place_goes_to_the_head_of_the_queue(
    world, committee, now, plan, register, login, me_login, api, written
):
    shift = plan(world.committee, TOMORROW, capacity=1)
    staff = login("staff")
    mine = api.ok(api.sign_up(me_login.headers, shift), 201)
    first, second = booked(
        api, staff, shift, register(world.committee, "秦叔"), register(world.committee, "尤姐")
    )
    assert (first["position"], second["position"]) == (1, 2)

    cancelled = api.ok(api.cancel(me_login.headers, mine["id"], "  家里有事  "))
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["late_cancellation"]) == (
        "cancelled",
        "家里有事",
        False,
    )
    assert cancelled["cancelled_at"].startswith("2026-12-01T02:00:00")

    listing = api.ok(api.of_shift(staff, shift))
    assert [row["id"] for row in listing["confirmed"]] == [first["id"]]
    assert [(row["id"], row["position"]) for row in listing["waitlist"]] == [(second["id"], 1)]
    assert [row["id"] for row in listing["history"]] == [mine["id"]]
    assert written.shift(shift).confirmed == 1
    events = written.events(shift)
    assert [(event["type"].split(".")[-2], event["data"]["promoted"]) for event in events[-2:]] == [
        ("cancelled", False),
        ("confirmed", True),
    ]
    assert events[-2]["data"]["reason"] == "家里有事"
    assert events[-1]["data"]["volunteer_id"] == first["volunteer_id"]


def test_leaving_the_queue_promotes_nobody(world, committee, now, plan, register, login, api, written):
    shift = plan(world.committee, TOMORROW, capacity=1)
    staff = login("staff")
    _, first, second = booked(api, staff, shift, *(register(world.committee, name) for name in "甲乙丙"))
    api.ok(api.cancel(staff, first["id"]))
    assert written.shift(shift).confirmed == 1
    listing = api.ok(api.of_shift(staff, shift))
    assert [(row["id"], row["position"]) for row in listing["waitlist"]] == [(second["id"], 1)]
    assert written.events(shift)[-1]["type"] == "linli.scheduling.signup.cancelled.v1"


def test_a_volunteer_cancels_until_the_cutoff_and_staff_after_it_with_a_flag(
    world, committee, now, plan, login, me_login, other_login, api, written
):
    # the default cut-off is 12 hours: a shift starting in exactly 12 hours can still be cancelled
    at_cutoff = plan(world.committee, now + timedelta(hours=12))
    too_late = plan(world.committee, now + timedelta(hours=11, minutes=59), minutes=30)
    on_time = api.ok(api.sign_up(me_login.headers, at_cutoff), 201)
    late = api.ok(api.sign_up(other_login.headers, too_late), 201)

    api.ok(api.cancel(me_login.headers, on_time["id"]))
    body = api.problem(api.cancel(other_login.headers, late["id"]), 409, "cancellation-cutoff-passed")
    assert body["cutoff"].startswith("2026-12-01T01:59:00")
    assert [row.status for row in written.signups(too_late)] == ["confirmed"]

    flagged = api.ok(api.cancel(login("staff"), late["id"], "生病"))
    assert (flagged["status"], flagged["late_cancellation"]) == ("cancelled", True)
    assert written.events(too_late)[-1]["data"]["late_cancellation"] is True


def test_the_cutoff_is_the_nearest_policy_on_the_committees_path(
    world, committee, now, plan, me_login, api, scheduling_database
):
    town = TenantContext(tenant_id=world.town.id, tenant_path=world.town.path, role=Role.SERVICE, subject="t")
    with scheduling_database.transaction(town) as session:
        session.add(
            HourPolicy(
                tenant_id=world.town.id,
                tenant_path=world.town.path,
                rounding="chongqing",
                excluded_kinds=["training_session"],
                late_entry_window_days=30,
                cancellation_cutoff_hours=48,
                check_in_opens_minutes=30,
                updated_by="test",
            )
        )
    shift = plan(world.committee, now + timedelta(hours=47))
    signup = api.ok(api.sign_up(me_login.headers, shift), 201)
    api.problem(api.cancel(me_login.headers, signup["id"]), 409, "cancellation-cutoff-passed")


def test_nobody_cancels_once_the_shift_has_started_or_twice(
    world, committee, now, clock, plan, login, me_login, api, written
):
    shift = plan(world.committee, TOMORROW)
    signup = api.ok(api.sign_up(me_login.headers, shift), 201)
    staff = login("staff")
    clock.at = TOMORROW
    api.problem(api.cancel(staff, signup["id"]), 409, "shift-started")
    clock.at = now
    api.ok(api.cancel(staff, signup["id"]))
    api.problem(api.cancel(staff, signup["id"]), 409, "signup-not-live")
    api.problem(api.cancel(me_login.headers, signup["id"]), 409, "signup-not-live")
    assert len(written.events(shift)) == 2


def test_a_volunteer_cannot_cancel_someone_elses_signup(
    world, committee, now, plan, me_login, other_login, api, written
):
    shift = plan(world.committee, TOMORROW)
    theirs = api.ok(api.sign_up(other_login.headers, shift), 201)
    api.problem(api.cancel(me_login.headers, theirs["id"]), 404, "signup-not-found")
    assert [row.status for row in written.signups(shift)] == ["confirmed"]


def test_another_committees_signups_are_404(world, committee, now, plan, register, login, api, written):
    ours = plan(world.committee, TOMORROW)
    signup = api.ok(api.assign(login("staff"), ours, register(world.committee, "许叔")), 201)
    api.problem(api.cancel(login("sibling_admin"), signup["id"]), 404, "signup-not-found")
    theirs = plan(world.sibling, TOMORROW)
    their_signup = api.ok(api.assign(login("sibling_admin"), theirs, register(world.sibling, "何姐")), 201)
    api.problem(api.cancel(login("staff"), their_signup["id"]), 404, "signup-not-found")
    api.problem(api.no_show(login("staff"), their_signup["id"]), 404, "signup-not-found")
    api.problem(api.cancel(login("staff"), uuid.uuid4()), 404, "signup-not-found")
    assert [row.status for row in written.signups(ours)] == ["confirmed"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "x" * 501},
        {"reason": "坏\x00字"},
        {"reason": 5},
        {"reason": "ok", "late": True},
    ],
)
def test_bad_cancellations_are_refused_and_nothing_changes(
    world, committee, now, plan, me_login, api, written, body
):
    shift = plan(world.committee, TOMORROW)
    signup = api.ok(api.sign_up(me_login.headers, shift), 201)
    response = api.client.post(f"/v1/signups/{signup['id']}/cancel", json=body, headers=me_login.headers)
    api.problem(response, 422, "validation")
    api.problem(
        api.client.post("/v1/signups/nope/cancel", json={"reason": "x"}, headers=me_login.headers), 422
    )
    assert [row.status for row in written.signups(shift)] == ["confirmed"]


def test_readers_cannot_cancel_or_mark_no_shows(world, committee, now, plan, register, login, api):
    shift = plan(world.committee, TOMORROW)
    signup = api.ok(api.assign(login("staff"), shift, register(world.committee, "吕叔")), 201)
    for role in ("auditor", "town_admin", "district_admin"):
        api.problem(api.cancel(login(role), signup["id"]), 403)
        api.problem(api.no_show(login(role), signup["id"]), 403)


# no-shows ---------------------------------------------------------------------------------------------


def test_staff_mark_a_confirmed_volunteer_who_never_came_once_the_shift_started(
    world, committee, now, clock, plan, register, login, api, written
):
    shift = plan(world.committee, TOMORROW, capacity=1)
    staff = login("staff")
    confirmed, waitlisted = booked(
        api, staff, shift, register(world.committee, "施叔"), register(world.committee, "张姐")
    )
    api.problem(api.no_show(staff, confirmed["id"]), 409, "shift-not-started")

    clock.at = TOMORROW + timedelta(minutes=30)
    api.problem(api.no_show(staff, waitlisted["id"]), 409, "signup-not-confirmed")
    marked = api.ok(api.no_show(staff, confirmed["id"]))
    assert marked["status"] == "no_show"
    api.problem(api.no_show(staff, confirmed["id"]), 409, "signup-not-confirmed")
    shift_row = written.shift(shift)
    assert shift_row.confirmed == 0
    listing = api.ok(api.of_shift(staff, shift))
    assert [row["status"] for row in listing["history"]] == ["no_show"]
    assert [row["id"] for row in listing["waitlist"]] == [waitlisted["id"]], (
        "nobody is promoted after the start"
    )
    last = written.events(shift)[-1]
    assert (last["type"], last["data"]["signup_id"]) == (
        "linli.scheduling.signup.no_show.v1",
        confirmed["id"],
    )


def test_a_volunteer_who_checked_in_is_no_no_show(
    world, committee, now, clock, plan, register, login, api, written, scheduling_database
):
    shift = plan(world.committee, TOMORROW)
    volunteer = register(world.committee, "孔叔")
    signup = api.ok(api.assign(login("staff"), shift, volunteer), 201)
    with scheduling_database.transaction(committee.context) as session:
        session.add(
            Attendance(
                tenant_id=world.committee.id,
                id=uuid.uuid4(),
                tenant_path=world.committee.path,
                shift_id=shift,
                volunteer_id=volunteer,
                signup_id=uuid.UUID(signup["id"]),
                checked_in_at=TOMORROW + timedelta(minutes=5),
                check_in_method="leader",
                recorded_by="test",
            )
        )
    clock.at = TOMORROW + timedelta(hours=3)
    api.problem(api.no_show(login("staff"), signup["id"]), 409, "volunteer-attended")
    assert [row.status for row in written.signups(shift)] == ["confirmed"]


def test_the_shifts_leader_marks_no_shows_and_other_volunteers_cannot(
    world, committee, now, clock, plan, me_login, other_login, api, written
):
    led = plan(world.committee, TOMORROW, leader_volunteer_id=me_login.volunteer_id)
    not_led = plan(world.committee, TOMORROW + timedelta(days=1))
    led_signup = api.ok(api.sign_up(other_login.headers, led), 201)
    other_signup = api.ok(api.sign_up(other_login.headers, not_led), 201)

    clock.at = TOMORROW + timedelta(days=1, hours=1)
    api.problem(api.no_show(other_login.headers, led_signup["id"]), 404, "signup-not-found")
    api.problem(api.no_show(me_login.headers, other_signup["id"]), 404, "signup-not-found")
    assert api.ok(api.no_show(me_login.headers, led_signup["id"]))["status"] == "no_show"
    assert [row.status for row in written.signups(not_led)] == ["confirmed"]
