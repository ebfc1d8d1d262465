"""Identity fixtures, a pytest plugin (loaded by the root conftest) so every service's tests can use them:
a migrated identity database per worker, the app as `client`, and `world`, a private district → town →
committees tree with a login for every role. Other services verify `login(...)` tokens through `client`."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.audit.service import Actor
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging as identity_messaging
from linli_identity.main import create_app
from linli_identity.seed import PLATFORM
from linli_identity.tenants.models import Tenant
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database, act_as
from linli_shared.provisioning import DatabaseUrls
from linli_shared.tenancy import Role
from linli_shared.testing import fresh_service_database, unique_slug

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
PASSWORD = "correct horse battery"
#: hashed with cheap argon2 parameters: verifying reads them from the hash, so test logins stay fast
#: (the service itself hashes new passwords with the production parameters).
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture(scope="session")
def identity_urls(postgres_admin_url: str) -> DatabaseUrls:
    return fresh_service_database(postgres_admin_url, "identity", ALEMBIC_INI)


@pytest.fixture(scope="session")
def identity_settings(identity_urls: DatabaseUrls) -> IdentitySettings:
    return IdentitySettings(
        database_url=identity_urls.app,
        migration_database_url=identity_urls.owner,
        key_encryption_key="11" * 32,
        log_json=False,
    )


@pytest.fixture(scope="session")
def identity_database(identity_settings: IdentitySettings) -> Iterator[Database]:
    database = Database.from_url(identity_settings.database_url, pool_size=4)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def client(identity_settings: IdentitySettings, identity_database: Database) -> Iterator[TestClient]:
    app = create_app(identity_settings, identity_database)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class World:
    """A private tree: one district, two towns, committees A and B under town 1, C under town 2."""

    district: Tenant
    town: Tenant
    other_town: Tenant
    committee: Tenant
    sibling: Tenant
    far_committee: Tenant
    emails: dict[str, str] = field(default_factory=dict)

    def email(self, key: str) -> str:
        return self.emails[key]


def _add_user(database: Database, tenant: Tenant, role: Role, email: str) -> None:
    with database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        user = User(
            id=uuid.uuid4(), email=email, display_name=f"测试 {role.value}", password_hash=_PASSWORD_HASH
        )
        session.add(user)
        session.flush()
        grant_membership(session, Actor(PLATFORM), user, tenant, role, registered=True)


@pytest.fixture
def world(identity_database: Database) -> World:
    with identity_database.transaction(PLATFORM) as session:
        service = TenantService(session, Actor(PLATFORM))
        district = service.create_district("测试区", unique_slug("d"))

        def child(parent: Tenant, name: str) -> Tenant:
            return service.create_child(TenantCreate(parent_id=parent.id, name=name, slug=unique_slug("n")))

        town, other_town = child(district, "一号镇"), child(district, "二号镇")
        built = World(
            district=district,
            town=town,
            other_town=other_town,
            committee=child(town, "甲居民区"),
            sibling=child(town, "乙居民区"),
            far_committee=child(other_town, "丙居民区"),
        )
    tag = uuid.uuid4().hex[:8]
    for key, tenant, role in (
        ("district_admin", built.district, Role.DISTRICT_ADMIN),
        ("town_admin", built.town, Role.TOWN_ADMIN),
        ("other_town_admin", built.other_town, Role.TOWN_ADMIN),
        ("tenant_admin", built.committee, Role.TENANT_ADMIN),
        ("sibling_admin", built.sibling, Role.TENANT_ADMIN),
        ("staff", built.committee, Role.STAFF),
        ("auditor", built.committee, Role.AUDITOR),
        ("volunteer", built.committee, Role.VOLUNTEER),
    ):
        email = f"{key}.{tag}@test.linli.cn"
        _add_user(identity_database, tenant, role, email)
        built.emails[key] = email
    return built


Login = Callable[[str], dict[str, str]]


@pytest.fixture
def login(client: TestClient, world: World) -> Login:
    """`login("tenant_admin")` → Authorization headers for that world user."""

    def as_user(key: str) -> dict[str, str]:
        response = client.post("/v1/auth/login", json={"email": world.email(key), "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return as_user


@pytest.fixture
def password() -> str:
    """The password every `world` user has."""
    return PASSWORD


TenantEvents = Callable[[], list[dict[str, object]]]


@pytest.fixture
def tenant_events(world: World, identity_database: Database) -> TenantEvents:
    """`tenant_events()` → identity's tenant events of this world so far, in order, as its relay publishes
    them: what another service's consumer is fed to learn the tree."""

    def read() -> list[dict[str, object]]:
        outbox = identity_messaging.outbox
        with identity_database.transaction() as session:
            rows = session.execute(
                select(outbox.c.event).where(outbox.c.topic == "identity.tenants").order_by(outbox.c.id)
            ).scalars()
            return [event for event in rows if event["tenantpath"].startswith(world.district.path)]

    return read
