"""The exit mechanism's inactivity rule: the last-served projection (fed by scheduling's service-record
events), the sweep that flags, and the real Celery worker on Redis that fans it out per committee."""

import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from linli_roster.activity.consumers import SERVICE_RECORDED
from linli_roster.activity.models import InactivityFlag
from linli_roster.activity.tasks import flag_inactive, months_before
from linli_roster.database import messaging
from linli_roster.events.consumers import HANDLERS
from linli_roster.worker import create_worker
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.schemas import load_schema
from linli_shared.tenancy import Role, TenantContext

EXPECTED = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "expected"
TODAY = date(2026, 11, 25)


def register(roster_client, headers, name: str, joined_on: str) -> str:
    phone = f"13{random.randrange(10**9):09d}"
    response = roster_client.post(
        "/v1/volunteers",
        json={"name": name, "phone": phone, "joined_on": joined_on, "channel": "self_recommended"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def service_recorded(world, volunteer_id: str, served_on: str) -> dict:
    """A service-record event as the scheduling service will publish it (more fields than we read)."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/scheduling",
        "type": SERVICE_RECORDED.type,
        "subject": str(uuid.uuid4()),
        "time": "2026-11-25T08:00:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(world.committee.id),
        "tenantpath": world.committee.path,
        "data": {
            "record_id": str(uuid.uuid4()),
            "volunteer_id": volunteer_id,
            "service_date": served_on,
            "hours": 2.5,
            "activity_name": "垃圾分类值守",
        },
    }


def deliver(roster_database, event: dict) -> bool:
    runner = ConsumerRunner("linli-roster", roster_database, messaging, HANDLERS, None, "unused")
    return runner.handle("scheduling.service_records", json.dumps(event).encode(), []).handled


def flags(roster_database, world) -> dict[str, InactivityFlag]:
    context = TenantContext(tenant_id=world.committee.id, tenant_path=world.committee.path, role=Role.SERVICE)
    with roster_database.transaction(context) as session:
        return {str(flag.volunteer_id): flag for flag in session.scalars(select(InactivityFlag)).all()}


def test_months_before_handles_month_ends_and_years():
    assert months_before(date(2026, 3, 31), 6) == date(2025, 9, 28)
    assert months_before(date(2026, 11, 25), 12) == date(2025, 11, 25)


def test_the_expected_event_shape_is_what_the_consumer_reads(world):
    event = service_recorded(world, str(uuid.uuid4()), "2026-10-01")
    jsonschema.validate(event, load_schema(EXPECTED, SERVICE_RECORDED.type))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**event, "data": {"volunteer_id": "x"}}, load_schema(EXPECTED, SERVICE_RECORDED.type)
        )


def test_sweep_flags_only_the_long_silent_and_service_clears_the_flag(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    headers = login("tenant_admin")
    silent = register(roster_client, headers, "沉默者", "2024-01-10")
    served = register(roster_client, headers, "常来者", "2024-01-10")
    newcomer = register(roster_client, headers, "新人", "2026-10-01")
    assert deliver(roster_database, service_recorded(world, served, "2026-09-01"))

    committee = world.committee
    assert flag_inactive(roster_database, committee.id, committee.path, TODAY, months=6) == 1
    assert set(flags(roster_database, world)) == {silent}
    assert flag_inactive(roster_database, committee.id, committee.path, TODAY, months=6) == 0, "idempotent"

    listed = roster_client.get("/v1/inactivity-flags", headers=headers).json()
    assert [(row["name"], row["last_served_on"]) for row in listed] == [("沉默者", None)]
    history = roster_client.get(f"/v1/volunteers/{silent}/history", headers=headers).json()
    assert history[-1]["change"] == "flagged_inactive"

    assert deliver(roster_database, service_recorded(world, silent, "2026-11-20"))
    assert flags(roster_database, world)[silent].cleared_on == date(2026, 11, 20)
    assert roster_client.get("/v1/inactivity-flags", headers=headers).json() == []
    assert newcomer not in flags(roster_database, world)


def test_a_redelivered_service_record_counts_once(
    roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    volunteer = register(roster_client, login("tenant_admin"), "重复者", "2025-01-01")
    event = service_recorded(world, volunteer, "2026-11-01")
    assert deliver(roster_database, event)
    assert not deliver(roster_database, event)


def test_another_committee_sees_no_flags(roster_client, roster_database, world, login, sync_directory):
    sync_directory()
    register(roster_client, login("tenant_admin"), "旧人", "2020-01-01")
    flag_inactive(roster_database, world.committee.id, world.committee.path, TODAY, months=6)
    assert roster_client.get("/v1/inactivity-flags", headers=login("sibling_admin")).json() == []
    assert roster_client.get("/v1/inactivity-flags").status_code == 401


@pytest.mark.integration
def test_celery_worker_on_redis_fans_the_sweep_out_per_committee(
    roster_client, roster_database, roster_settings, world, login, sync_directory, redis_url
):
    sync_directory()
    silent = register(roster_client, login("tenant_admin"), "长期未服务", "2023-05-01")
    broker = redis_url.rsplit("/", 1)[0] + f"/{random.randrange(1, 16)}"
    settings = roster_settings.model_copy(update={"celery_broker_url": broker})
    env = {
        **os.environ,
        "LINLI_ROSTER_DATABASE_URL": settings.database_url,
        "LINLI_ROSTER_MIGRATION_DATABASE_URL": settings.migration_database_url,
        "LINLI_ROSTER_ID_NUMBER_KEYS": settings.id_number_keys,
        "LINLI_ROSTER_CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "linli_roster.worker:celery",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )
    try:
        create_worker(settings, roster_database).send_task(
            "roster.sweeps.fan_out", kwargs={"day": TODAY.isoformat()}
        )
        deadline = time.monotonic() + 60
        while silent not in flags(roster_database, world):
            assert worker.poll() is None, "the worker died"
            assert time.monotonic() < deadline, "the sweep did not run"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
