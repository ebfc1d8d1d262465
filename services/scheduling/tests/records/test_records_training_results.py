"""Training results: recorded by staff or the session's leader once a training session is over, one per
attendee and session, all or nothing; each published as `training.attended` in the shape the roster's
consumer expects; bad input, roles and other committees."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from linli_shared.events.schemas import load_schema

SESSION_START = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00–11:00 in Shanghai, over by 14:00
LATER_START = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 15:00–17:00 in Shanghai, not yet over
ATTENDED = "linli.scheduling.training.attended.v1"
ROSTER_EXPECTS = (
    Path(__file__).resolve().parents[3] / "roster" / "src" / "linli_roster" / "events" / "expected"
)


def problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def results_url(shift_id) -> str:
    return f"/v1/shifts/{shift_id}/training-results"


def post(client, headers, shift_id, *results):
    return client.post(results_url(shift_id), json={"results": list(results)}, headers=headers)


def result(volunteer_id, passed=True, score=None) -> dict:
    return {"volunteer_id": str(volunteer_id), "passed": passed, "score": score}


@pytest.fixture
def session_of(committee, register, plan, attend):
    """A first-aid session that is over, led by a registered volunteer, with two attendees."""
    course = uuid.uuid4()
    leader = register(committee.tenant, "带教老师")
    shift = plan(
        committee.tenant, SESSION_START, kind="training_session", course_id=course, lead_volunteer_id=leader
    )
    alice, bob = register(committee.tenant, "甲"), register(committee.tenant, "乙")
    attend(committee.tenant, shift, alice)
    attend(committee.tenant, shift, bob)
    return {"course": course, "shift": shift, "leader": leader, "alice": alice, "bob": bob}


def test_staff_record_results_and_each_is_announced_for_the_roster(
    scheduling_client, login, committee, session_of, events, now
):
    shift, alice, bob = session_of["shift"], session_of["alice"], session_of["bob"]

    response = post(scheduling_client, login("staff"), shift, result(alice, True, 88), result(bob, False))
    assert response.status_code == 201, response.text
    assert [
        (row["volunteer_id"], row["passed"], row["score"], row["attended_on"]) for row in response.json()
    ] == [
        (str(alice), True, 88, "2026-11-20"),
        (str(bob), False, None, "2026-11-20"),
    ]

    announced = events(committee.tenant, ATTENDED)
    assert [(event["subject"], event["data"]["passed"]) for event in announced] == [
        (str(alice), True),
        (str(bob), False),
    ]
    for event in announced:
        assert event["data"]["course_id"] == str(session_of["course"])
        assert event["data"]["shift_id"] == str(shift)
        assert event["data"]["attended_on"] == "2026-11-20"
        jsonschema.validate(event, load_schema(ROSTER_EXPECTS, ATTENDED))

    listed = scheduling_client.get(results_url(shift), headers=login("auditor"))
    assert listed.status_code == 200, listed.text
    assert {row["volunteer_id"] for row in listed.json()} == {str(alice), str(bob)}


def test_results_are_all_or_nothing_and_once_per_attendee(
    scheduling_client, login, committee, register, session_of, counts, now
):
    shift, alice, bob = session_of["shift"], session_of["alice"], session_of["bob"]
    stranger = register(committee.tenant, "没来的人")
    staff = login("staff")
    before = counts(committee.tenant)

    absent = problem(
        post(scheduling_client, staff, shift, result(alice), result(stranger)), 422, "not-an-attendee"
    )
    assert absent["volunteer_ids"] == [str(stranger)]
    for body in (
        {"results": []},
        {"results": [result(alice), result(alice, False)]},
        {"results": [result(alice, score=101)]},
        {"results": [result(alice, score=True)]},
        {"results": [{"volunteer_id": str(alice), "passed": "yes"}]},
        {"results": [{"volunteer_id": str(alice)}]},
        {"results": [{**result(alice), "note": "x"}]},
        {},
    ):
        problem(scheduling_client.post(results_url(shift), json=body, headers=staff), 422, "validation")
    assert counts(committee.tenant) == before

    assert post(scheduling_client, staff, shift, result(alice)).status_code == 201
    repeated = problem(
        post(scheduling_client, staff, shift, result(bob), result(alice)), 409, "training-result-recorded"
    )
    assert repeated["volunteer_ids"] == [str(alice)]
    assert counts(committee.tenant)["training_results"] == before["training_results"] + 1


def test_only_a_training_session_that_is_over_takes_results(
    scheduling_client, login, committee, register, plan, attend, counts, now
):
    staff = login("staff")
    volunteer = register(committee.tenant, "甲")
    service = plan(committee.tenant, SESSION_START)
    attend(committee.tenant, service, volunteer)
    running = plan(committee.tenant, LATER_START, kind="training_session", course_id=uuid.uuid4())
    attend(committee.tenant, running, volunteer, checked_out=False)
    finished_early = plan(committee.tenant, LATER_START, kind="training_session", course_id=uuid.uuid4())
    attend(committee.tenant, finished_early, volunteer)
    nobody_came = plan(committee.tenant, LATER_START, kind="training_session", course_id=uuid.uuid4())
    before = counts(committee.tenant)

    problem(post(scheduling_client, staff, service, result(volunteer)), 409, "not-a-training-session")
    problem(post(scheduling_client, staff, running, result(volunteer)), 409, "training-not-over")
    problem(post(scheduling_client, staff, nobody_came, result(volunteer)), 409, "training-not-over")
    problem(post(scheduling_client, staff, uuid.uuid4(), result(volunteer)), 404, "shift-not-found")
    assert counts(committee.tenant) == before
    # everyone who came has checked out: the class finished before its planned end
    assert post(scheduling_client, staff, finished_early, result(volunteer)).status_code == 201


def test_the_sessions_leader_may_record_other_volunteers_may_not(
    scheduling_client, login, committee, world, me, register, plan, attend, counts, now
):
    attendee = register(committee.tenant, "学员")
    led = plan(
        committee.tenant, SESSION_START, kind="training_session", course_id=uuid.uuid4(), lead_volunteer_id=me
    )
    not_led = plan(committee.tenant, SESSION_START, kind="training_session", course_id=uuid.uuid4())
    for shift in (led, not_led):
        attend(committee.tenant, shift, attendee)
    volunteer = login("volunteer")
    before = counts(committee.tenant)

    problem(post(scheduling_client, volunteer, not_led, result(attendee)), 403, "not-the-shift-leader")
    problem(scheduling_client.get(results_url(not_led), headers=volunteer), 403)
    for user in ("auditor", "town_admin"):
        problem(post(scheduling_client, login(user), led, result(attendee)), 403)
    sibling = login("sibling_admin")
    problem(post(scheduling_client, sibling, led, result(attendee)), 404, "shift-not-found")
    problem(scheduling_client.get(results_url(led), headers=sibling), 404)
    assert counts(committee.tenant) == before

    recorded = post(scheduling_client, volunteer, led, result(attendee, True, 95))
    assert recorded.status_code == 201, recorded.text
    assert [row["score"] for row in scheduling_client.get(results_url(led), headers=volunteer).json()] == [95]
    assert scheduling_client.get(results_url(led), headers=login("town_admin")).status_code == 200
