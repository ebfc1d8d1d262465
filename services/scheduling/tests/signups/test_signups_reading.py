"""Reading sign-ups: a shift's list (readers of the subtree, or the volunteer leading it), a volunteer's own
upcoming and past sign-ups, and the open shifts a volunteer can still take."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

TOMORROW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_a_shifts_list_is_for_readers_of_its_subtree_and_its_leader(
    world, committee, now, plan, register, login, me_login, other_login, api
):
    shift = plan(world.committee, TOMORROW, capacity=1, leader_volunteer_id=me_login.volunteer_id)
    api.ok(api.assign(login("staff"), shift, register(world.committee, "华叔")), 201)
    api.ok(api.sign_up(other_login.headers, shift), 201)
    for role in ("staff", "tenant_admin", "auditor", "town_admin", "district_admin"):
        listing = api.ok(api.of_shift(login(role), shift))
        assert (len(listing["confirmed"]), len(listing["waitlist"]), listing["capacity"]) == (1, 1, 1)
    listing = api.ok(api.of_shift(me_login.headers, shift))
    assert [row["volunteer_name"] for row in listing["confirmed"] + listing["waitlist"]] == ["华叔", "李叔"]
    assert listing["waitlist"][0]["position"] == 1

    api.problem(api.of_shift(other_login.headers, shift), 403)
    api.problem(api.of_shift(login("sibling_admin"), shift), 404, "shift-not-found")
    api.problem(api.of_shift(login("other_town_admin"), shift), 404, "shift-not-found")
    api.problem(api.of_shift(login("staff"), uuid.uuid4()), 404, "shift-not-found")
    api.problem(api.of_shift(login("staff"), "not-a-uuid"), 422)


def test_my_signups_are_split_into_upcoming_and_past_with_the_shift_facts(
    world, committee, now, clock, plan, register, login, me_login, other_login, api
):
    last_week = plan(world.committee, now - timedelta(days=7))
    soon = plan(world.committee, TOMORROW)
    later = plan(world.committee, TOMORROW + timedelta(days=3), capacity=1)
    far_future = plan(world.committee, now + timedelta(days=90))
    staff = login("staff")
    clock.at = now - timedelta(days=8)
    api.ok(api.sign_up(me_login.headers, last_week), 201)
    clock.at = now
    api.ok(api.sign_up(other_login.headers, later), 201)
    queued = api.ok(api.sign_up(me_login.headers, later), 201)
    dropped = api.ok(api.sign_up(me_login.headers, soon), 201)
    api.ok(api.cancel(staff, dropped["id"]))
    api.ok(api.sign_up(me_login.headers, far_future), 201)

    mine = api.ok(api.mine(me_login.headers))
    assert (mine["from_date"], mine["to_date"]) == ("2026-11-01", "2027-01-30")
    assert [(row["shift_id"], row["status"], row["position"]) for row in mine["upcoming"]] == [
        (str(soon), "cancelled", None),
        (str(later), "waitlisted", 1),
    ]
    assert [row["shift_id"] for row in mine["past"]] == [str(last_week)]
    first = mine["upcoming"][1]
    assert (first["signup_id"], first["activity_name"], first["place"], first["local_date"]) == (
        queued["id"],
        "垃圾分类值守",
        "3号楼垃圾房",
        "2026-12-05",
    )

    ranged = api.ok(api.mine(me_login.headers, **{"from": "2027-02-01", "to": "2027-03-31"}))
    assert [row["shift_id"] for row in ranged["upcoming"]] == [str(far_future)]
    assert api.ok(api.mine(other_login.headers))["upcoming"][0]["shift_id"] == str(later)


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-12-10", "to": "2026-12-01"},
        {"from": "2026-01-01", "to": "2027-06-01"},
        {"from": "yesterday"},
        {"to": "2026-13-01"},
    ],
)
def test_bad_date_ranges_are_refused(world, committee, now, me_login, api, params):
    api.problem(api.mine(me_login.headers, **params), 422)
    api.problem(api.open_shifts(me_login.headers, **params), 422)


def test_only_a_linked_volunteer_reads_their_own_lists(world, committee, now, login, api):
    for role in ("staff", "auditor", "district_admin"):
        api.problem(api.mine(login(role)), 403)
        api.problem(api.open_shifts(login(role)), 403)
    api.problem(api.mine(login("volunteer")), 404, "volunteer-not-linked")


def test_open_shifts_are_the_ones_i_can_still_take(
    world, committee, now, plan, register, grant, login, me_login, api
):
    staff = login("staff")
    open_one = plan(world.committee, TOMORROW, capacity=3)
    full = plan(world.committee, TOMORROW + timedelta(days=1), capacity=1)
    qualified = plan(world.committee, TOMORROW + timedelta(days=2), required_qualification="应急救护")
    unqualified = plan(world.committee, TOMORROW + timedelta(days=2), required_qualification="消防安全")
    backbone_only = plan(world.committee, TOMORROW + timedelta(days=3), required_tier="backbone")
    already_mine = plan(world.committee, TOMORROW + timedelta(days=4))
    clashing = plan(world.committee, TOMORROW + timedelta(days=4, minutes=30))
    plan(world.committee, now - timedelta(hours=1))  # started
    plan(world.committee, TOMORROW + timedelta(days=5), status="cancelled")
    plan(world.sibling, TOMORROW)  # another committee's
    beyond = plan(world.committee, now + timedelta(days=40))

    grant(world.committee, me_login.volunteer_id, "应急救护", expires_on="2026-12-31")
    api.ok(api.assign(staff, open_one, register(world.committee, "金叔")), 201)
    api.ok(api.assign(staff, full, register(world.committee, "魏姐")), 201)
    api.ok(api.assign(staff, full, register(world.committee, "陶叔")), 201)
    api.ok(api.sign_up(me_login.headers, already_mine), 201)

    listed = api.ok(api.open_shifts(me_login.headers))
    assert [row["shift_id"] for row in listed] == [str(open_one), str(full), str(qualified), str(clashing)]
    by_id = {row["shift_id"]: row for row in listed}
    assert (by_id[str(open_one)]["free_places"], by_id[str(open_one)]["waitlist_length"]) == (2, 0)
    assert (by_id[str(full)]["free_places"], by_id[str(full)]["waitlist_length"]) == (0, 1)
    assert [row["clashes_with_my_signup"] for row in listed] == [False, False, False, True]
    assert str(unqualified) not in by_id
    assert str(backbone_only) not in by_id

    later = api.ok(api.open_shifts(me_login.headers, **{"from": "2027-01-01", "to": "2027-01-31"}))
    assert [row["shift_id"] for row in later] == [str(beyond)]
    assert api.ok(api.open_shifts(me_login.headers, **{"from": "2027-02-01", "to": "2027-02-02"})) == []
