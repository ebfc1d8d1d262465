"""Producer-side contract: committed JSON Schemas match the payload models, and every event the real
flows write to the outbox validates against its committed schema."""

import uuid
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from linli_identity.database import messaging
from linli_identity.events.consumers import HANDLERS
from linli_identity.events.types import ALL_EVENTS
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.schemas import load_schema, stale_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_identity" / "events" / "schemas"
PASSWORD = "correct horse battery"


def test_committed_schemas_match_the_payload_models():
    assert stale_schemas(ALL_EVENTS, SCHEMAS) == [], "run `make schemas` and commit the result"


def test_every_schema_file_belongs_to_a_published_event():
    assert {path.stem for path in SCHEMAS.glob("*.json")} == {spec.type for spec in ALL_EVENTS}


def _drive_every_flow(client, world, login) -> set[uuid.UUID]:
    """Run the flows that publish each identity event; returns the subjects involved."""
    district_admin, tenant_admin = login("district_admin"), login("tenant_admin")
    town = client.post(
        "/v1/tenants",
        json={"parent_id": str(world.district.id), "name": "新镇", "slug": f"c-{uuid.uuid4().hex[:8]}"},
        headers=district_admin,
    ).json()
    committee = client.post(
        "/v1/tenants",
        json={"parent_id": town["id"], "name": "新居民区", "slug": f"c-{uuid.uuid4().hex[:8]}"},
        headers=district_admin,
    ).json()
    client.patch(f"/v1/tenants/{committee['id']}", json={"name": "更名居民区"}, headers=district_admin)
    moved = client.post(
        f"/v1/tenants/{committee['id']}/move",
        json={"new_parent_id": str(world.town.id)},
        headers=district_admin,
    )
    assert moved.status_code == 200, moved.text
    invitation = client.post(
        f"/v1/tenants/{world.committee.id}/invitations",
        json={
            "email": f"new.{uuid.uuid4().hex[:8]}@test.linli.cn",
            "display_name": "新社工",
            "role": "staff",
        },
        headers=tenant_admin,
    ).json()
    accepted = client.post(
        "/v1/invitations/accept", json={"token": invitation["token"], "password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    members = client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=tenant_admin).json()
    newcomer = next(member for member in members if member["email"] == invitation["email"])
    client.post(f"/v1/memberships/{newcomer['id']}/revoke", headers=tenant_admin)
    client.post(f"/v1/tenants/{committee['id']}/deactivate", json={"reason": "合并"}, headers=district_admin)
    client.post("/v1/auth/logout", json={}, headers=tenant_admin)
    return {uuid.UUID(town["id"]), uuid.UUID(committee["id"]), uuid.UUID(newcomer["user_id"])}


def test_every_published_event_matches_its_committed_schema(client, world, login, identity_database):
    subjects = {str(subject) for subject in _drive_every_flow(client, world, login)}
    with identity_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event)).scalars().all()
    ours = [event for event in rows if event["tenantpath"].startswith(world.district.path)]
    assert {event["subject"] for event in ours} >= subjects
    seen = set()
    for event in ours:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
        seen.add(event["type"])
    assert seen == {spec.type for spec in ALL_EVENTS}


@pytest.mark.parametrize("event_type", sorted(HANDLERS))
def test_consumer_reads_what_the_schema_allows(event_type):
    """Consumer-side contract: a minimal schema-valid event parses into the handler's payload model."""
    spec = next(spec for spec in ALL_EVENTS if spec.type == event_type)
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/identity",
        "type": event_type,
        "subject": str(uuid.uuid4()),
        "time": "2026-11-25T08:00:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(uuid.uuid4()),
        "tenantpath": "linli.t" + uuid.uuid4().hex,
        "data": {"tenant_id": str(uuid.uuid4()), "path": "linli.t" + uuid.uuid4().hex, "reason": "合并"},
    }
    jsonschema.validate(event, load_schema(SCHEMAS, event_type))
    assert CloudEvent.model_validate(event).payload(spec)
