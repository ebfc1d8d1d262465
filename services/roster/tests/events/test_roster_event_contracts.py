"""Producer-side contract: committed JSON Schemas match the payload models, and every event the volunteer
and area flows write to the roster outbox validates against its committed schema. Consumer-side: the
identity tenant events the roster's directory reads carry the fields it reads."""

from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.events import types
from linli_roster.events.consumers import HANDLERS
from linli_shared.events.schemas import load_schema, stale_schemas
from linli_shared.tenant_directory import TENANT_CREATED, TENANT_DEACTIVATED, TENANT_MOVED, TENANT_RENAMED

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"
IDENTITY_SCHEMAS = (
    Path(__file__).resolve().parents[3] / "identity" / "src" / "linli_identity" / "events" / "schemas"
)
#: the events of the volunteers and spaces flows (other roster areas test their own events)
VOLUNTEER_AND_AREA_EVENTS = (
    types.VOLUNTEER_REGISTERED,
    types.VOLUNTEER_UPDATED,
    types.VOLUNTEER_TIER_CHANGED,
    types.VOLUNTEER_ROLE_ASSIGNED,
    types.VOLUNTEER_ROLE_ENDED,
    types.VOLUNTEER_EXITED,
    types.VOLUNTEER_REJOINED,
    types.AREA_CHANGED,
)
PHONE, ID_NUMBER = "13812345678", "31011619800101123X"


def test_committed_schemas_match_the_payload_models():
    assert stale_schemas(types.ALL_EVENTS, SCHEMAS) == [], (
        "run `.venv/bin/python -m linli_roster.cli export-schemas` and commit the result"
    )


def test_every_event_type_is_published_and_has_a_schema():
    assert set(VOLUNTEER_AND_AREA_EVENTS) <= set(types.ALL_EVENTS)
    assert {spec.type for spec in types.ALL_EVENTS} <= {path.stem for path in SCHEMAS.glob("*.json")}
    assert {spec.topic for spec in VOLUNTEER_AND_AREA_EVENTS} <= set(types.TOPICS)


def _drive_every_flow(roster_client, login) -> set[str]:
    """Run the flows that publish each volunteer and area event; returns the subjects involved."""
    admin = login("tenant_admin")

    def call(method, path, body, status=200):
        response = roster_client.request(method, path, json=body, headers=admin)
        assert response.status_code == status, response.text
        return response.json()

    grid = call("POST", "/v1/areas", {"kind": "grid", "name": "一网格"}, 201)
    micro = call("POST", "/v1/areas", {"kind": "micro_grid", "name": "一微格", "parent_id": grid["id"]}, 201)
    building = call("POST", "/v1/areas", {"kind": "building", "name": "1号楼", "parent_id": micro["id"]}, 201)
    person = call(
        "POST",
        "/v1/volunteers",
        {
            "name": "张阿姨",
            "phone": PHONE,
            "id_number": ID_NUMBER,
            "building_id": building["id"],
            "joined_on": "2024-03-01",
            "channel": "residents_recommended",
        },
        201,
    )
    url = f"/v1/volunteers/{person['id']}"
    call("PATCH", url, {"party_member": True, "skills": ["急救"]})
    call("PATCH", f"/v1/areas/{micro['id']}", {"responsible_volunteer_id": person["id"]})
    call("POST", f"{url}/tier", {"tier": "backbone", "reason": "骨干"})
    roles = call(
        "POST",
        f"{url}/roles",
        {"role": "micro_grid_leader", "area_id": micro["id"], "starts_on": "2025-01-01"},
    )
    call("POST", f"{url}/roles", {"role": "mediator", "starts_on": "2025-01-01", "ends_on": "2030-12-31"})
    call("POST", f"{url}/roles/{roles['roles'][0]['id']}/end", {"ends_on": "2025-12-31", "reason": "换届"})
    call("POST", f"{url}/exit", {"kind": "inactive", "reason": "长期未服务"})
    call("POST", f"{url}/rejoin", {"reason": "重新报名"})
    return {person["id"], grid["id"], micro["id"], building["id"]}


def test_every_published_event_matches_its_committed_schema(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    subjects = _drive_every_flow(roster_client, login)
    with roster_database.transaction() as session:
        rows = (
            session.execute(select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)).scalars().all()
        )
    ours = [event for event in rows if event["tenantpath"] == world.committee.path]
    assert {event["subject"] for event in ours} == subjects
    seen = []
    for event in ours:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
        assert event["tenantid"] == str(world.committee.id)
        assert event["source"] == "/linli/roster"
        text = str(event)
        assert PHONE not in text, "no phone number leaves the roster"
        assert ID_NUMBER not in text, "no ID number leaves the roster"
        seen.append(event["type"])
    assert set(seen) == {spec.type for spec in VOLUNTEER_AND_AREA_EVENTS}
    # the exit ended the one live role (the mediator's) besides the one ended by hand
    assert seen.count(types.VOLUNTEER_ROLE_ENDED.type) == 2
    assert seen.count(types.AREA_CHANGED.type) == 4


def test_the_outbox_keys_events_by_their_subject(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    _drive_every_flow(roster_client, login)
    outbox = messaging.outbox
    with roster_database.transaction() as session:
        rows = session.execute(select(outbox.c.topic, outbox.c.key, outbox.c.event)).all()
    ours = [row for row in rows if row.event["tenantpath"] == world.committee.path]
    topics = {spec.type: spec.topic for spec in types.ALL_EVENTS}
    for row in ours:
        assert row.topic == topics[row.event["type"]]
        assert row.key == row.event["subject"]


#: the fields of each identity event the roster's directory reads
READS = {
    TENANT_CREATED: {"tenant_id", "parent_id", "kind", "name", "slug", "path"},
    TENANT_RENAMED: {"tenant_id", "name"},
    TENANT_MOVED: {"tenant_id", "parent_id", "previous_path", "path"},
    TENANT_DEACTIVATED: {"tenant_id"},
}


@pytest.mark.parametrize("event_type", sorted(READS))
def test_the_directory_reads_only_what_identity_publishes(event_type):
    assert event_type in HANDLERS
    data = load_schema(IDENTITY_SCHEMAS, event_type)["properties"]["data"]
    assert READS[event_type] <= set(data["properties"])
    required = set(data.get("required", ()))
    assert READS[event_type] - {"parent_id"} <= required, "a field the roster needs may not be left out"
