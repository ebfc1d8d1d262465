"""Training completion across the two services, through real Kafka both ways: the roster's course and
volunteer reach scheduling; scheduling holds the course's session, and the result its staff post reaches the
roster, which records the completion and grants the qualification; the grant comes back to scheduling,
where a shift requiring the qualification now takes the volunteer it refused before.

Each hop is what production runs: the sending service's outbox relay, the receiving service's consumer
group on the real broker, its handlers. The roster judges qualifications against its own calendar day, so
the session is held a week before today rather than on a fixed date."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from linli_roster.database import messaging as roster_messaging
from linli_scheduling.database import messaging as scheduling_messaging
from linli_scheduling.events.types import TRAINING_ATTENDED
from linli_scheduling.facts.contracts import COURSE_CREATED, QUALIFICATION_GRANTED, VOLUNTEER_REGISTERED
from linli_shared.clock import SHANGHAI, local_date
from linli_shared.problems import PROBLEM_BASE

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUALIFICATION = "应急救护证"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def on(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Asia/Shanghai, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def two_years_on(day: date) -> date:
    """The last valid day of a 24-month qualification granted on `day` (a 29 February grant runs to the
    end of February two years on, less the day)."""
    try:
        anniversary = day.replace(year=day.year + 2)
    except ValueError:
        anniversary = day.replace(year=day.year + 2, day=28)
    return anniversary - timedelta(days=1)


def seen(events: list[dict], event_type: str, subject: str) -> bool:
    return any(event["type"] == event_type and event["subject"] == subject for event in events)


def test_passing_a_training_session_grants_the_qualification_a_shift_requires(
    scheduling_client, scheduling_database, roster_client, roster_database, committee, login, clock, bus
):
    staff = login("staff")
    scheduling_consumer = bus.scheduling_consumer(scheduling_database)
    roster_consumer = bus.roster_consumer(roster_database)

    # the roster: a course that qualifies, and a volunteer -----------------------------------------------
    course = ok(
        roster_client.post(
            "/v1/courses",
            json={"name": "应急救护", "qualification": QUALIFICATION, "validity_months": 24},
            headers=staff,
        ),
        201,
    )
    volunteer = ok(
        roster_client.post(
            "/v1/volunteers",
            json={
                "name": "赵大姐",
                "phone": f"139{random.randrange(10**8):08d}",
                "joined_on": "2024-03-01",
                "channel": "self_recommended",
            },
            headers=staff,
        ),
        201,
    )["id"]
    assert ok(roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=staff)) == []

    # … relayed to Kafka, and scheduling's consumer group learns them --------------------------------------
    assert bus.relay(roster_database, roster_messaging) >= 2
    scheduling_consumer.until(
        lambda events: (
            seen(events, COURSE_CREATED.type, course["id"])
            and seen(events, VOLUNTEER_REGISTERED.type, volunteer)
        )
    )

    # scheduling: the course's session a week ago, and a shift two days later that needs the certificate ---
    session_day = local_date(datetime.now(UTC)) - timedelta(days=7)
    clock.at = on(session_day - timedelta(days=3), 10)
    training = ok(
        scheduling_client.post(
            "/v1/activities",
            json={
                "name": "应急救护培训",
                "kind": "training_session",
                "course_id": course["id"],
                "place": "社区党群服务中心",
                "first_starts_at": on(session_day, 14).isoformat(),
                "duration_minutes": 120,
                "capacity": 20,
            },
            headers=staff,
        ),
        201,
    )
    games = ok(
        scheduling_client.post(
            "/v1/activities",
            json={
                "name": "社区运动会医疗保障",
                "kind": "service",
                "place": "小区中心广场",
                "first_starts_at": on(session_day + timedelta(days=2), 8).isoformat(),
                "duration_minutes": 240,
                "capacity": 4,
                "required_qualification": QUALIFICATION,
            },
            headers=staff,
        ),
        201,
    )

    def only_shift(activity: dict) -> str:
        day = date.fromisoformat(activity["first_starts_at"][:10])
        page = ok(
            scheduling_client.get(
                "/v1/shifts",
                params={"from": day.isoformat(), "to": day.isoformat(), "activity_id": activity["id"]},
                headers=staff,
            )
        )
        [shift] = page["items"]
        return shift["id"]

    session_shift, games_shift = only_shift(training), only_shift(games)

    refused = scheduling_client.post(
        f"/v1/shifts/{games_shift}/signups", json={"volunteer_id": volunteer}, headers=staff
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"] == PROBLEM_BASE + "requirements-unmet"
    assert refused.json()["unmet"] == [f"qualification-required:{QUALIFICATION}"]

    booked = scheduling_client.post(
        f"/v1/shifts/{session_shift}/signups", json={"volunteer_id": volunteer}, headers=staff
    )
    assert ok(booked, 201)["status"] == "confirmed"

    # the session: she attends (the leader confirms), and passes -------------------------------------------
    clock.at = on(session_day, 16, 10)
    attended = ok(
        scheduling_client.post(
            f"/v1/shifts/{session_shift}/attendance",
            json={
                "volunteer_id": volunteer,
                "checked_in_at": on(session_day, 13, 55).isoformat(),
                "checked_out_at": on(session_day, 16).isoformat(),
            },
            headers=staff,
        )
    )
    assert attended["record"] is None, "a training session is learning, not service: no hours"
    [result] = ok(
        scheduling_client.post(
            f"/v1/shifts/{session_shift}/training-results",
            json={"results": [{"volunteer_id": volunteer, "passed": True, "score": 92}]},
            headers=staff,
        ),
        201,
    )
    assert (result["course_id"], result["attended_on"], result["passed"]) == (
        course["id"],
        session_day.isoformat(),
        True,
    )

    # … relayed to Kafka; the roster's consumer group records the completion and grants the qualification ---
    assert bus.relay(scheduling_database, scheduling_messaging) > 0
    roster_consumer.until(lambda events: seen(events, TRAINING_ATTENDED.type, volunteer))

    [completion] = ok(roster_client.get(f"/v1/volunteers/{volunteer}/completions", headers=staff))
    assert (completion["course_id"], completion["completed_on"], completion["score"]) == (
        course["id"],
        session_day.isoformat(),
        92,
    )
    assert (completion["passed"], completion["recorded_by"]) == (True, "event:/linli/scheduling")
    [qualification] = ok(roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=staff))
    assert (qualification["name"], qualification["status"]) == (QUALIFICATION, "active")
    assert (qualification["granted_on"], qualification["expires_on"]) == (
        session_day.isoformat(),
        two_years_on(session_day).isoformat(),
    )
    assert qualification["completion_id"] == completion["id"]

    # … and the grant travels back: scheduling's facts hold it, and the shift takes her ---------------------
    assert bus.relay(roster_database, roster_messaging) >= 1
    granted = scheduling_consumer.until(lambda events: seen(events, QUALIFICATION_GRANTED.type, volunteer))
    [grant] = [event for event in granted if event["type"] == QUALIFICATION_GRANTED.type]
    assert grant["data"]["qualification_id"] == qualification["id"]

    accepted = scheduling_client.post(
        f"/v1/shifts/{games_shift}/signups", json={"volunteer_id": volunteer}, headers=staff
    )
    assert ok(accepted, 201)["status"] == "confirmed"
    records = ok(
        scheduling_client.get("/v1/service-records", params={"activity_id": training["id"]}, headers=staff)
    )
    assert records["items"] == [], "the session credited no service hours"
