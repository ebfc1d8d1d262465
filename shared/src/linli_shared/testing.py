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
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from linli_shared.provisioning import DatabaseUrls, migrate, provision, service_urls

REPO = Path(__file__).resolve().parents[3]


def _infra() -> ModuleType:
    spec = importlib.util.spec_from_file_location("linli_infra", REPO / "deploy" / "local" / "infra.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def backing_service(variable: str, name: str) -> str:
    """The address of a real backing service: from `make test`'s environment, else started now."""
    value = os.environ.get(variable)
    if value:
        return value
    return str(_infra().up([name])[variable])


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
