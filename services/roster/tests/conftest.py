"""Fixtures for the roster's tests: its own migrated database, the app verifying tokens through the
in-process identity service's JWKS, and `sync_directory`, which feeds identity's tenant events to the
roster's consumer (the handler path the Kafka consumer runs)."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from linli_roster.config import RosterSettings
from linli_roster.database import messaging
from linli_roster.events.consumers import HANDLERS
from linli_roster.main import create_app
from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.provisioning import DatabaseUrls
from linli_shared.testing import fresh_service_database

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def roster_urls(postgres_admin_url: str) -> DatabaseUrls:
    return fresh_service_database(postgres_admin_url, "roster", ALEMBIC_INI)


@pytest.fixture(scope="session")
def roster_settings(roster_urls: DatabaseUrls) -> RosterSettings:
    return RosterSettings(
        database_url=roster_urls.app,
        migration_database_url=roster_urls.owner,
        id_number_keys="k2:" + "44" * 32 + ",k1:" + "33" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        log_json=False,
    )


@pytest.fixture(scope="session")
def roster_database(roster_settings: RosterSettings) -> Iterator[Database]:
    database = Database.from_url(roster_settings.database_url, pool_size=4)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def roster_client(roster_settings, roster_database, client) -> Iterator[TestClient]:
    """`client` is the identity app: the roster fetches its JWKS from it, as it would over the network."""
    app = create_app(roster_settings, roster_database, jwks_http=client)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


SyncDirectory = Callable[[], int]


@pytest.fixture
def sync_directory(tenant_events, roster_database) -> SyncDirectory:
    """Deliver every identity tenant event of this world to the roster's consumer; returns how many."""

    def deliver() -> int:
        events = tenant_events()
        runner = ConsumerRunner("linli-roster", roster_database, messaging, HANDLERS, None, "unused")
        return sum(
            runner.handle("identity.tenants", json.dumps(event).encode(), []).handled for event in events
        )

    return deliver
