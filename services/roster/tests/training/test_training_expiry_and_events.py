"""The expiry sweep (one `qualification expired` per grant, exactly once) and the contract of every
training and mentoring event the flows write to the outbox."""

import random
from datetime import date
from pathlib import Path

import jsonschema
from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.events.training import TRAINING_EVENTS, TrainingEvent
from linli_roster.training.service import expiry_of
from linli_roster.training.tasks import expire_qualifications
from linli_shared.events.schemas import load_schema, stale_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2020-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_course(roster_client, headers, name: str, months: int | None) -> str:
    response = roster_client.post(
        "/v1/courses", json={"name": name, "qualification": name, "validity_months": months}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def grant(roster_client, headers, course: str, volunteer: str, on: str) -> dict:
    response = roster_client.post(
        f"/v1/courses/{course}/completions",
        json={"volunteer_id": volunteer, "completed_on": on, "passed": True},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["qualification"]


def outbox(roster_database, world) -> list[dict]:
    with roster_database.transaction() as session:
        rows = (
            session.execute(select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)).scalars().all()
        )
    return [event for event in rows if event["tenantpath"].startswith(world.district.path)]


def test_expiry_is_the_day_before_the_anniversary():
    assert expiry_of(date(2026, 3, 1), 12) == date(2027, 2, 28)
    assert expiry_of(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert expiry_of(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert expiry_of(date(2026, 11, 15), 3) == date(2027, 2, 14)
    assert expiry_of(date(2026, 11, 15), None) is None


def test_sweep_expires_each_lapsed_grant_once(roster_client, roster_database, world, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    first_aid, fire, lasting = (
        create_course(roster_client, admin, "应急救护", 12),
        create_course(roster_client, admin, "消防安全", 24),
        create_course(roster_client, admin, "垃圾分类指导员", None),
    )
    alice, bob = register(roster_client, admin, "甲"), register(roster_client, admin, "乙")
    lapsed = grant(roster_client, admin, first_aid, alice, "2024-05-10")  # last day 2025-05-09
    renewed_old = grant(roster_client, admin, fire, bob, "2022-01-01")  # superseded below, never "expired"
    grant(roster_client, admin, fire, bob, "2024-06-01")  # last day 2026-05-31
    grant(roster_client, admin, lasting, alice, "2021-01-01")
    revoked = grant(roster_client, admin, first_aid, bob, "2024-01-01")
    roster_client.post(f"/v1/qualifications/{revoked['id']}/revoke", json={"reason": "作废"}, headers=admin)
    sibling = login("sibling_admin")
    theirs = grant(
        roster_client,
        sibling,
        create_course(roster_client, sibling, "应急救护", 1),
        register(roster_client, sibling, "丙"),
        "2024-01-01",
    )

    committee = world.committee
    assert expire_qualifications(roster_database, committee.id, committee.path, date(2025, 5, 9)) == 0
    assert expire_qualifications(roster_database, committee.id, committee.path, date(2025, 5, 10)) == 1
    assert expire_qualifications(roster_database, committee.id, committee.path, date(2025, 5, 10)) == 0
    assert expire_qualifications(roster_database, committee.id, committee.path, date(2026, 12, 1)) == 1
    assert expire_qualifications(roster_database, committee.id, committee.path, date(2030, 1, 1)) == 0

    expired = [
        event
        for event in outbox(roster_database, world)
        if event["type"] == TrainingEvent.QUALIFICATION_EXPIRED
    ]
    assert sorted(event["data"]["expires_on"] for event in expired) == ["2025-05-09", "2026-05-31"]
    assert lapsed["id"] in {event["data"]["qualification_id"] for event in expired}
    assert renewed_old["id"] not in {event["data"]["qualification_id"] for event in expired}
    assert {event["subject"] for event in expired} == {alice, bob}

    stored = roster_client.get(f"/v1/qualifications/{lapsed['id']}", headers=admin).json()
    assert (stored["status"], stored["expired_on"]) == ("expired", "2025-05-10")
    history = roster_client.get(
        f"/v1/volunteers/{alice}/qualifications?include_expired=true", headers=admin
    ).json()
    assert {row["status"] for row in history} == {"expired", "active"}
    refused = roster_client.post(
        f"/v1/qualifications/{lapsed['id']}/revoke", json={"reason": "x"}, headers=admin
    )
    assert refused.status_code == 409
    assert (
        roster_client.get(f"/v1/qualifications/{theirs['id']}", headers=sibling).json()["status"] == "active"
    )


def test_committed_schemas_match_the_payload_models():
    assert stale_schemas(TRAINING_EVENTS, SCHEMAS) == [], (
        "run `linli-roster export-schemas` and commit the result"
    )


def test_every_training_event_the_flows_write_matches_its_schema(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", 12)
    mentor, mentee = register(roster_client, admin, "老张"), register(roster_client, admin, "小李")
    granted = grant(roster_client, admin, course, mentee, "2024-01-01")
    revoked = grant(roster_client, admin, course, mentor, "2024-02-01")
    roster_client.post(f"/v1/qualifications/{revoked['id']}/revoke", json={"reason": "作废"}, headers=admin)
    expire_qualifications(roster_database, world.committee.id, world.committee.path, date(2025, 6, 1))
    pair = roster_client.post(
        "/v1/mentor-pairs",
        json={"mentor_id": mentor, "mentee_id": mentee, "starts_on": "2025-03-01", "goals": "熟悉楼组工作"},
        headers=admin,
    ).json()
    ended = roster_client.post(
        f"/v1/mentor-pairs/{pair['id']}/end",
        json={"ended_on": "2025-09-01", "reason": "已能独立工作"},
        headers=admin,
    )
    assert ended.status_code == 200, ended.text

    ours = [event for event in outbox(roster_database, world) if event["type"] in set(TrainingEvent)]
    for event in ours:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
    assert {event["type"] for event in ours} == set(TrainingEvent)
    granted_event = next(event for event in ours if event["type"] == TrainingEvent.QUALIFICATION_GRANTED)
    assert granted_event["data"] == {
        "volunteer_id": mentee,
        "qualification_id": granted["id"],
        "name": "应急救护",
        "granted_on": "2024-01-01",
        "expires_on": "2024-12-31",
    }
    assert granted_event["tenantid"] == str(world.committee.id)
    ended_event = next(event for event in ours if event["type"] == TrainingEvent.MENTOR_PAIR_ENDED)
    assert (ended_event["subject"], ended_event["data"]["reason"]) == (pair["id"], "已能独立工作")
