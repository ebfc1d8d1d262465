"""Completions from training sessions on the schedule: the scheduling service's `training.attended` events,
handled by the roster's consumer (the path Kafka delivery runs), become completions by the roster's own
rules — a pass grants the qualification; a repeat, an exited volunteer or a retired course change nothing."""

import json
import logging
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.events.consumers import HANDLERS
from linli_roster.training.consumers import TRAINING_ATTENDED, record_training
from linli_shared.clock import shanghai_today
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.schemas import load_schema, stale_schemas

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "roster" / "src" / "linli_roster" / "events" / "expected"
PRODUCER_SCHEMAS = SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "schemas"
CONSUMER_LOG = "linli_roster.training.consumers"


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_course(roster_client, headers, name: str, qualification: str | None = None) -> str:
    response = roster_client.post(
        "/v1/courses",
        json={"name": name, "qualification": qualification, "validity_months": 36 if qualification else None},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def training_attended(
    world, course_id: str, volunteer_id: str, attended_on: date, passed: bool = True, score: int | None = 90
) -> dict:
    """The event as the scheduling service publishes it (with fields the roster does not read)."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/scheduling",
        "type": TRAINING_ATTENDED.type,
        "subject": volunteer_id,
        "time": "2026-11-25T08:00:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(world.committee.id),
        "tenantpath": world.committee.path,
        "data": {
            "shift_id": str(uuid.uuid4()),
            "course_id": course_id,
            "volunteer_id": volunteer_id,
            "attended_on": attended_on.isoformat(),
            "passed": passed,
            "score": score,
            "recorded_by": str(uuid.uuid4()),
        },
    }


def deliver(roster_database, event: dict):
    """Through the roster's handlers, with the training handler wired in as `events/consumers.py` will."""
    runner = ConsumerRunner(
        "linli-roster",
        roster_database,
        messaging,
        {**HANDLERS, TRAINING_ATTENDED.type: record_training},
        None,
        "unused",
    )
    return runner.handle(TRAINING_ATTENDED.topic, json.dumps(event).encode(), [])


def completions(roster_client, headers, volunteer_id: str) -> list[dict]:
    response = roster_client.get(f"/v1/volunteers/{volunteer_id}/completions", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def granted_events(roster_database, volunteer_id: str) -> list[dict]:
    with roster_database.transaction() as session:
        rows = session.execute(
            select(messaging.outbox.c.event).where(messaging.outbox.c.key == volunteer_id)
        ).scalars()
        return [event for event in rows if event["type"] == "linli.roster.qualification.granted.v1"]


def test_the_expected_schema_is_committed_and_the_producer_provides_it():
    assert stale_schemas([TRAINING_ATTENDED], EXPECTED) == [], (
        "regenerate events/expected/ with linli_shared.events.schemas.write_schemas([TRAINING_ATTENDED], …)"
    )
    expected = load_schema(EXPECTED, TRAINING_ATTENDED.type)["properties"]["data"]
    produced = load_schema(PRODUCER_SCHEMAS, TRAINING_ATTENDED.type)["properties"]["data"]
    assert set(expected["properties"]) <= set(produced["properties"])
    assert set(expected["required"]) <= set(produced["required"]), (
        "a field the roster needs may not be left out"
    )
    for field in expected["required"]:
        assert produced["properties"][field].get("type") == expected["properties"][field]["type"], field


def test_the_expected_shape_accepts_the_producers_event_and_refuses_a_broken_one(world):
    event = training_attended(world, str(uuid.uuid4()), str(uuid.uuid4()), date(2026, 11, 20))
    schema = load_schema(EXPECTED, TRAINING_ATTENDED.type)
    jsonschema.validate(event, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**event, "data": {**event["data"], "passed": "yes"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**event, "data": {"volunteer_id": event["data"]["volunteer_id"]}}, schema)


def test_a_passed_session_completes_the_course_and_grants_its_qualification(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", qualification="应急救护")
    volunteer = register(roster_client, admin, "李阿姨")

    assert deliver(roster_database, training_attended(world, course, volunteer, date(2026, 11, 20))).handled

    [completion] = completions(roster_client, admin, volunteer)
    assert (
        completion["course_id"],
        completion["completed_on"],
        completion["passed"],
        completion["score"],
    ) == (
        course,
        "2026-11-20",
        True,
        90,
    )
    assert completion["recorded_by"] == "event:/linli/scheduling"
    qualification = completion["qualification"]
    assert (qualification["name"], qualification["granted_on"], qualification["expires_on"]) == (
        "应急救护",
        "2026-11-20",
        "2029-11-19",
    )
    [granted] = granted_events(roster_database, volunteer)
    assert granted["data"]["qualification_id"] == qualification["id"]


def test_a_failed_session_is_a_completion_without_a_qualification(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "消防安全", qualification="消防安全")
    volunteer = register(roster_client, admin, "王师傅")

    event = training_attended(world, course, volunteer, date(2026, 11, 20), passed=False, score=None)
    assert deliver(roster_database, event).handled

    [completion] = completions(roster_client, admin, volunteer)
    assert (completion["passed"], completion["score"], completion["qualification"]) == (False, None, None)
    assert granted_events(roster_database, volunteer) == []


def test_a_session_on_the_roster_hosts_today_or_a_shanghai_day_ahead_of_it_counts(
    roster_client, roster_database, world, login, sync_directory
):
    """`completed_on` refuses future days for staff input; the session's Asia/Shanghai day may be a day
    ahead of the roster host's calendar, and the event still becomes a completion."""
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "垃圾分类")
    volunteer = register(roster_client, admin, "赵大姐")
    today = shanghai_today()

    assert deliver(roster_database, training_attended(world, course, volunteer, today)).handled
    assert deliver(
        roster_database, training_attended(world, course, volunteer, today + timedelta(days=1))
    ).handled

    days = {row["completed_on"] for row in completions(roster_client, admin, volunteer)}
    assert days == {today.isoformat(), (today + timedelta(days=1)).isoformat()}


def test_a_repeated_result_for_the_same_day_is_ignored_with_a_log_line(
    roster_client, roster_database, world, login, sync_directory, caplog
):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", qualification="应急救护")
    volunteer = register(roster_client, admin, "钱老师")
    first = training_attended(world, course, volunteer, date(2026, 11, 20))
    assert deliver(roster_database, first).handled
    assert deliver(roster_database, first).duplicate, "a redelivery stops at the inbox"

    # a second session of the course the same day: a new event, but the same completion
    with caplog.at_level(logging.INFO, logger=CONSUMER_LOG):
        outcome = deliver(roster_database, training_attended(world, course, volunteer, date(2026, 11, 20)))
    assert outcome.handled, "the event is consumed, not retried or dead-lettered"
    assert len(completions(roster_client, admin, volunteer)) == 1
    assert len(granted_events(roster_database, volunteer)) == 1
    [line] = [record for record in caplog.records if record.name == CONSUMER_LOG]
    assert (line.reason, line.volunteer_id) == ("completion-recorded", volunteer)


def test_an_exited_volunteer_or_a_retired_course_gets_no_completion(
    roster_client, roster_database, world, login, sync_directory, caplog
):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", qualification="应急救护")
    retired = create_course(roster_client, admin, "旧课程")
    gone, staying = register(roster_client, admin, "孙先生"), register(roster_client, admin, "周女士")
    exited = roster_client.post(
        f"/v1/volunteers/{gone}/exit", json={"kind": "voluntary", "reason": "搬家"}, headers=admin
    )
    assert exited.status_code == 200, exited.text
    assert roster_client.post(f"/v1/courses/{retired}/retire", headers=admin).status_code == 200

    with caplog.at_level(logging.INFO, logger=CONSUMER_LOG):
        assert deliver(roster_database, training_attended(world, course, gone, date(2026, 11, 20))).handled
        assert deliver(
            roster_database, training_attended(world, retired, staying, date(2026, 11, 20))
        ).handled

    assert completions(roster_client, admin, gone) == []
    assert completions(roster_client, admin, staying) == []
    assert granted_events(roster_database, gone) == []
    reasons = [(line.volunteer_id, line.reason) for line in caplog.records if line.name == CONSUMER_LOG]
    assert reasons == [(gone, "volunteer-not-active"), (staying, "course-retired")]
