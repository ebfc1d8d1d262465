"""Test fixtures every service's tests share (a pytest plugin, loaded from the root conftest).

Backing services are real: PostgreSQL, Kafka and Redis come from `deploy/local/infra.py` (Debian
packages and Apache Kafka jars) whose `LINLI_TEST_*` variables `make test` exports. Each pytest worker
gets its own freshly migrated databases; tests isolate themselves by creating their own tenants.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from linli_shared.clock import SHANGHAI
from linli_shared.db import Database
from linli_shared.events.envelope import CloudEvent, EventSpec
from linli_shared.events.schemas import load_schema
from linli_shared.provisioning import DatabaseUrls, migrate, provision, service_urls

REPO = Path(__file__).resolve().parents[3]


def _script(name: str) -> ModuleType:
    """One of the stdlib-only launchers in deploy/local (scripts, not packages)."""
    spec = importlib.util.spec_from_file_location(f"linli_{name}", REPO / "deploy" / "local" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


#: False when the tests run on the wheel broker, which keeps nothing across restarts.
DURABLE_KAFKA_VARIABLE = "LINLI_TEST_KAFKA_DURABLE"


def backing_service(variable: str, name: str) -> str:
    """The address of a real backing service: from `make test`'s environment, else started now — from
    Debian packages and Maven Central where this machine allows (root, a JDK), else from the wheels."""
    value = os.environ.get(variable)
    if value:
        return value
    try:
        value = str(_script("infra").up([name])[variable])
    except Exception as error:
        if name == "redis":
            raise
        sys.stderr.write(
            f"[tests] {name} from deploy/local/infra.py failed ({error}); using the embedded wheel\n"
        )
        embedded = _script("embedded")
        state = Path(os.environ.get("LINLI_RUN_DIR", REPO / ".run")) / "test"
        if name == "postgres":
            value = embedded.start_postgres(state).admin_url
        else:
            value = embedded.start_broker(state).bootstrap
            os.environ[DURABLE_KAFKA_VARIABLE] = "0"
    os.environ[variable] = value
    return value


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("kafka_durable") is None:
        return
    backing_service("LINLI_TEST_KAFKA_BOOTSTRAP", "kafka")
    if os.environ.get(DURABLE_KAFKA_VARIABLE) == "0":
        pytest.skip(
            "needs Apache Kafka's durability; this machine runs the in-memory wheel broker (no root or JDK)"
        )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return backing_service("LINLI_TEST_POSTGRES_ADMIN_URL", "postgres")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return backing_service("LINLI_TEST_KAFKA_BOOTSTRAP", "kafka")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return backing_service("LINLI_TEST_REDIS_URL", "redis")


def worker_suffix() -> str:
    """One database per xdist worker; LINLI_TEST_DB_SUFFIX separates concurrent pytest runs."""
    return os.environ.get("LINLI_TEST_DB_SUFFIX", "") + os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_service_database(admin_url: str, service: str, alembic_ini: Path) -> DatabaseUrls:
    """Drop and recreate this worker's database for `service`, then migrate it to head."""
    database = f"linli_{service}_test_{worker_suffix()}"
    drop_database(admin_url, database)
    urls = service_urls(admin_url, database, prefix=f"linli_{service}_test", password="linli-test")
    provision(admin_url, urls)
    migrate(alembic_ini, urls)
    return urls


def drop_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def app_role_of(urls: DatabaseUrls) -> str:
    return str(make_url(urls.app).username)


def assert_unprivileged_app_role(
    database: Database, urls: DatabaseUrls, forced_tables: Sequence[str] = ()
) -> None:
    """The role the service connects as can bypass nothing: no superuser, no BYPASSRLS, owns no table, and
    the given tables force row-level security even on their owner."""
    role = app_role_of(urls)
    with database.engine.connect() as connection:
        assert connection.execute(text("select current_user")).scalar() == role
        flags = connection.execute(
            text(
                "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = :r"
            ),
            {"r": role},
        ).one()
        assert tuple(flags) == (False, False, False, False)
        owned = connection.execute(
            text("select tablename from pg_tables where schemaname = 'public' and tableowner = :r"),
            {"r": role},
        ).all()
        assert owned == []
        unforced = connection.execute(
            text(
                "select relname from pg_class where relname = any(:tables)"
                " and not (relrowsecurity and relforcerowsecurity)"
            ),
            {"tables": list(forced_tables)},
        ).all()
        assert unforced == []


# consumer-side contracts ------------------------------------------------------------------------------

_SAMPLES: dict[str, Callable[[], str]] = {
    "uuid": lambda: str(uuid.uuid4()),
    "date": lambda: "2026-03-01",
    "date-time": lambda: "2026-03-01T08:00:00Z",
}


def sample_of(schema: dict[str, Any], fill_optional: bool) -> Any:
    """One value a JSON Schema accepts: the first non-null branch of a union (or null when not filling)."""
    if "anyOf" in schema:
        branches = schema["anyOf"]
        if not fill_optional and {"type": "null"} in branches:
            return None
        return sample_of(next(branch for branch in branches if branch != {"type": "null"}), fill_optional)
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        return {name: sample_of(field, fill_optional) for name, field in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample_of(schema["items"], fill_optional)] if fill_optional else []
    if kind == "string":
        return _SAMPLES.get(schema.get("format", ""), lambda: "张阿姨")()
    if kind == "integer":
        return 12
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    raise AssertionError(f"no sample for {schema}")


def assert_consumer_contract(spec: EventSpec[Any], expected_dir: Path, producer_dir: Path) -> None:
    """What a consumer reads of an event (its committed schema in `expected_dir`) is satisfied by every shape
    the producer's committed schema allows (optional fields empty and filled), and every field the consumer
    reads is required by the producer with the same type."""
    import jsonschema  # a development dependency, like this module

    published, expected = load_schema(producer_dir, spec.type), load_schema(expected_dir, spec.type)
    for fill_optional in (False, True):
        event = sample_of(published, fill_optional)
        jsonschema.validate(event, published)
        jsonschema.validate(event, expected)
        CloudEvent.model_validate(event).payload(spec)
    theirs, ours = published["properties"]["data"], expected["properties"]["data"]
    assert set(ours["required"]) <= set(theirs["required"]), f"{spec.type}: a field we read may be left out"
    for name, field in ours["properties"].items():
        produced = {key: value for key, value in theirs["properties"][name].items() if key != "description"}
        assert produced == {key: value for key, value in field.items() if key != "description"}, name


def foreign_event(
    event_type: str,
    source: str,
    tenant: Any,
    subject: Any,
    data: dict[str, Any],
    event_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Another service's event for `tenant` (anything with `id` and `path`), as its relay publishes it."""
    return {
        "specversion": "1.0",
        "id": str(event_id or uuid.uuid4()),
        "source": source,
        "type": event_type,
        "subject": str(subject),
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "tenantid": str(tenant.id),
        "tenantpath": tenant.path,
        "data": data,
    }


def service_record_data(
    record_id: Any, volunteer_id: Any, hours: float, on: date, **fields: Any
) -> dict[str, Any]:
    """The data of scheduling's `service_record.recorded` event: a leader-confirmed record of `hours` from
    09:00 (Shanghai) on `on`; `fields` override the payload (UUIDs as their strings)."""
    started = datetime.combine(on, time(9, 0), tzinfo=SHANGHAI)
    return {
        "record_id": str(record_id),
        "sequence": 1,
        "volunteer_id": str(volunteer_id),
        "volunteer_name": "志愿者",
        "activity_id": str(uuid.uuid4()),
        "activity_name": "垃圾分类值守",
        "activity_kind": "grid_duty",
        "project_id": None,
        "shift_id": str(uuid.uuid4()),
        "area_id": None,
        "place": "3号楼垃圾投放点",
        "recipient": "小区居民",
        "content": "指导居民垃圾分类",
        "service_date": on.isoformat(),
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=round(hours * 60))).isoformat(),
        "service_minutes": round(hours * 60),
        "hours": hours,
        "rounding": "chongqing",
        "lead_name": "李组长",
        "recorded_by": "test",
        "recorder_name": "甲居民区",
        "source": "leader",
        "late_entry": False,
        "self_reported": False,
        "auto_closed": False,
        **{key: str(value) if isinstance(value, uuid.UUID) else value for key, value in fields.items()},
    }
