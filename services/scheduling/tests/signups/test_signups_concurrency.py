"""Real concurrency: requests released at the same instant by a barrier, each in its own thread, its own
HTTP call and its own database transaction. The shift's row lock hands out exactly `capacity` places and
queues the rest in one total order; the exclusion constraint lets one of several overlapping bookings of
one volunteer through."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

TOMORROW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def at_once(calls):
    """Run every call in its own thread, all released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_volunteers_at_once_fill_five_places_and_queue_the_rest_in_one_order(
    world, committee, now, plan, register, login, api, written
):
    shift = plan(world.committee, TOMORROW, capacity=5)
    volunteers = [register(world.committee, f"志愿者{number:02d}") for number in range(20)]
    staff = login("staff")

    responses = at_once(
        [lambda volunteer=volunteer: api.assign(staff, shift, volunteer) for volunteer in volunteers]
    )

    bodies = [api.ok(response, 201) for response in responses]
    assert sorted(body["status"] for body in bodies).count("confirmed") == 5
    assert sorted(body["position"] for body in bodies if body["status"] == "waitlisted") == list(range(1, 16))
    assert written.shift(shift).confirmed == 5

    rows = written.signups(shift)  # in queue order
    assert [row.status for row in rows] == ["confirmed"] * 5 + ["waitlisted"] * 15, (
        "every confirmed place went to someone ahead of the whole queue"
    )
    assert len({row.queued_at for row in rows}) == 20, "a total order: no two share a moment in the queue"
    assert {row.volunteer_id for row in rows} == set(volunteers)

    listing = api.ok(api.of_shift(staff, shift))
    assert [row["position"] for row in listing["waitlist"]] == list(range(1, 16))
    assert [row["id"] for row in listing["waitlist"]] == [str(row.id) for row in rows[5:]]
    events = [event["type"].split(".")[-2] for event in written.events(shift)]
    assert sorted(events) == ["confirmed"] * 5 + ["waitlisted"] * 15


def test_one_volunteer_booked_onto_overlapping_shifts_at_once_gets_exactly_one(
    world, committee, now, plan, me_login, api, written
):
    # eight shifts of different activities, each overlapping all the others
    shifts = [plan(world.committee, TOMORROW + timedelta(minutes=10 * number)) for number in range(8)]

    responses = at_once([lambda shift=shift: api.sign_up(me_login.headers, shift) for shift in shifts])

    won = [response for response in responses if response.status_code == 201]
    assert len(won) == 1, [response.text for response in responses]
    for response in responses:
        if response.status_code != 201:
            api.problem(response, 409, "overlapping-booking")
    booked = [shift for shift in shifts if written.signups(shift)]
    assert booked == [shift for shift in shifts if written.shift(shift).confirmed == 1]
    assert len(booked) == 1
    assert sum(len(written.events(shift)) for shift in shifts) == 1, "the losers published nothing"
