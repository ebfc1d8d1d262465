"""Honours on the volunteer's profile: the evaluation service's `honour.conferred` events, handled by the
roster's consumer (the path Kafka delivery runs), are kept once each and shown on the volunteer's page to
the committee and those above it — to nobody else."""

import json
import random
import uuid
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import ProgrammingError

from linli_roster.database import messaging
from linli_roster.events.consumers import HANDLERS
from linli_roster.honours.consumers import HONOUR_CONFERRED, record_honour
from linli_roster.honours.models import Honour
from linli_roster.honours.router import router as honours_router
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.schemas import load_schema, stale_schemas
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import assert_consumer_contract

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "roster" / "src" / "linli_roster" / "events" / "expected"
PRODUCER_SCHEMAS = SERVICES / "evaluation" / "src" / "linli_evaluation" / "events" / "schemas"


@pytest.fixture(scope="session")
def api(roster_client):
    """The roster app with the honours route (the app factory, `main.py`, lists it)."""
    app = roster_client.app
    if not any(getattr(route, "path", "") == "/v1/volunteers/{volunteer_id}/honours" for route in app.routes):
        app.include_router(honours_router)
    return roster_client


def register(api, headers, name: str) -> str:
    response = api.post(
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


def honour_conferred(tenant, volunteer_id: str, programme_name: str = "最美志愿者", **data) -> dict:
    """The event as the evaluation service publishes it (with a field the roster does not read)."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/evaluation",
        "type": HONOUR_CONFERRED.type,
        "subject": volunteer_id,
        "time": "2026-12-08T00:30:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(tenant.id),
        "tenantpath": tenant.path,
        "data": {
            "honour_id": str(uuid.uuid4()),
            "volunteer_id": volunteer_id,
            "programme_id": str(uuid.uuid4()),
            "programme_name": programme_name,
            "period": "2026",
            "conferred_on": "2026-12-08",
            **data,
        },
    }


def deliver(roster_database, event: dict):
    """Through the roster's handlers, with the honours handler wired in as `events/consumers.py` will."""
    runner = ConsumerRunner(
        "linli-roster",
        roster_database,
        messaging,
        {**HANDLERS, HONOUR_CONFERRED.type: record_honour},
        None,
        "unused",
    )
    return runner.handle(HONOUR_CONFERRED.topic, json.dumps(event).encode(), [])


def honours(api, headers, volunteer_id: str) -> list[dict]:
    response = api.get(f"/v1/volunteers/{volunteer_id}/honours", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def stored(roster_database, tenant) -> int:
    context = TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE)
    with roster_database.transaction(context) as session:
        return session.scalar(select(func.count()).select_from(Honour))


def test_the_expected_schema_is_committed_and_the_producer_provides_it():
    assert stale_schemas([HONOUR_CONFERRED], EXPECTED) == [], (
        "regenerate events/expected/ with linli_shared.events.schemas.write_schemas([HONOUR_CONFERRED], …)"
    )
    assert_consumer_contract(HONOUR_CONFERRED, EXPECTED, PRODUCER_SCHEMAS)


def test_the_expected_shape_accepts_the_producers_event_and_refuses_a_broken_one(world):
    event = honour_conferred(world.committee, str(uuid.uuid4()))
    schema = load_schema(EXPECTED, HONOUR_CONFERRED.type)
    jsonschema.validate(event, schema)
    for broken in (
        {"volunteer_id": event["data"]["volunteer_id"]},
        {**event["data"], "period": "2026-Q4-x"},
        {**event["data"], "conferred_on": 20261208},
        {**event["data"], "programme_name": ""},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**event, "data": broken}, schema)


def test_an_honour_conferred_shows_on_the_profile_once(api, roster_database, world, login, sync_directory):
    sync_directory()
    staff = login("staff")
    volunteer_id = register(api, staff, "张红")
    assert honours(api, staff, volunteer_id) == []

    event = honour_conferred(world.committee, volunteer_id)
    assert deliver(roster_database, event).handled
    # the same delivery again, and the same honour re-published under a new event id: still one honour
    assert deliver(roster_database, event).duplicate
    assert deliver(roster_database, {**event, "id": str(uuid.uuid4())}).handled
    later = honour_conferred(
        world.committee, volunteer_id, "优秀党员", period="2027-Q1", conferred_on="2027-04-09"
    )
    assert deliver(roster_database, later).handled
    assert stored(roster_database, world.committee) == 2

    assert honours(api, staff, volunteer_id) == [
        {
            "id": later["data"]["honour_id"],
            "programme_name": "优秀党员",
            "period": "2027-Q1",
            "conferred_on": "2027-04-09",
        },
        {
            "id": event["data"]["honour_id"],
            "programme_name": "最美志愿者",
            "period": "2026",
            "conferred_on": "2026-12-08",
        },
    ]
    for reader in ("tenant_admin", "auditor", "town_admin", "district_admin"):
        assert len(honours(api, login(reader), volunteer_id)) == 2


def test_other_committees_see_no_one_elses_honours_and_bad_ids_are_refused(
    api, roster_database, world, login, sync_directory
):
    sync_directory()
    volunteer_id = register(api, login("staff"), "张红")
    assert deliver(roster_database, honour_conferred(world.committee, volunteer_id)).handled
    url = f"/v1/volunteers/{volunteer_id}/honours"
    for who, status in (("sibling_admin", 404), ("other_town_admin", 404), ("volunteer", 403)):
        response = api.get(url, headers=login(who))
        assert response.status_code == status, (who, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
    for path, status in ((f"/v1/volunteers/{uuid.uuid4()}/honours", 404), ("/v1/volunteers/x/honours", 422)):
        response = api.get(path, headers=login("staff"))
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
    # an event of another committee lands in that committee, not this one
    sibling_volunteer = register(api, login("sibling_admin"), "乙家人")
    assert deliver(roster_database, honour_conferred(world.sibling, sibling_volunteer)).handled
    assert stored(roster_database, world.committee) == 1
    assert len(honours(api, login("sibling_admin"), sibling_volunteer)) == 1


def test_an_honour_is_a_record_the_application_cannot_rewrite(
    api, roster_database, world, login, sync_directory
):
    sync_directory()
    volunteer_id = register(api, login("staff"), "张红")
    assert deliver(roster_database, honour_conferred(world.committee, volunteer_id)).handled
    context = TenantContext(tenant_id=world.committee.id, tenant_path=world.committee.path, role=Role.SERVICE)
    for statement in ("update honours set programme_name = '改写'", "delete from honours"):
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            roster_database.transaction(context) as session,
        ):
            session.execute(text(statement))
    assert honours(api, login("staff"), volunteer_id)[0]["programme_name"] == "最美志愿者"
