"""Row-level security: a query that forgets its tenant filter still returns nothing foreign."""

import uuid

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import assert_unprivileged_app_role

TENANT_TABLES = {
    "tenants": "path",
    "memberships": "tenant_path",
    "invitations": "tenant_path",
    "audit_log": "tenant_path",
}


def context_of(tenant, role):
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=role, subject="rls-test")


def rows(database: Database, context, query):
    with database.transaction(context) as session:
        return session.execute(text(query)).mappings().all()


@pytest.fixture
def busy_world(world, client, login):
    """The world plus an invitation in two committees, so every tenant table has foreign rows nearby."""
    for key, tenant in (("tenant_admin", world.committee), ("sibling_admin", world.sibling)):
        response = client.post(
            f"/v1/tenants/{tenant.id}/invitations",
            headers=login(key),
            json={
                "email": f"rls-{uuid.uuid4().hex[:8]}@test.linli.cn",
                "display_name": "某人",
                "role": "staff",
            },
        )
        assert response.status_code == 201, response.text
    return world


@pytest.mark.parametrize("table", sorted(TENANT_TABLES))
def test_a_committee_context_sees_only_its_committee(identity_database, busy_world, table):
    committee = busy_world.committee
    found = rows(identity_database, context_of(committee, Role.TENANT_ADMIN), f"select * from {table}")
    assert found, f"the committee's own {table} rows should be visible"
    column = TENANT_TABLES[table]
    assert {row[column] for row in found} == {committee.path}


@pytest.mark.parametrize("table", sorted(TENANT_TABLES))
def test_a_town_context_sees_only_its_subtree(identity_database, busy_world, table):
    town = busy_world.town
    found = rows(identity_database, context_of(town, Role.TOWN_ADMIN), f"select * from {table}")
    paths = {row[TENANT_TABLES[table]] for row in found}
    assert paths
    assert all(path == town.path or path.startswith(town.path + ".") for path in paths)
    assert not any(path.startswith(busy_world.other_town.path) for path in paths)


def test_users_are_visible_only_through_a_visible_membership(identity_database, busy_world):
    found = rows(
        identity_database, context_of(busy_world.committee, Role.TENANT_ADMIN), "select * from users"
    )
    assert {row["email"] for row in found} == {
        busy_world.email(key) for key in ("tenant_admin", "staff", "auditor", "volunteer")
    }


@pytest.mark.parametrize("table", [*sorted(TENANT_TABLES), "users"])
def test_no_context_sees_nothing(identity_database, busy_world, table):
    assert rows(identity_database, None, f"select * from {table}") == []


def test_a_context_cannot_write_outside_its_subtree(identity_database, busy_world):
    statement = text(
        "insert into audit_log (tenant_id, tenant_path, actor, actor_role, action, target_type, target_id)"
        " values (:id, cast(:path as ltree), 'x', 'tenant_admin', 'forged', 'tenant', 'x')"
    )
    sibling, committee = busy_world.sibling, context_of(busy_world.committee, Role.TENANT_ADMIN)
    with (
        pytest.raises(ProgrammingError, match="row-level security") as refused,
        identity_database.transaction(committee) as session,
    ):
        session.execute(statement, {"id": sibling.id, "path": sibling.path})
    assert isinstance(refused.value.orig, pg_errors.InsufficientPrivilege)


def test_updates_do_not_reach_foreign_rows(identity_database, busy_world):
    with identity_database.transaction(context_of(busy_world.committee, Role.TENANT_ADMIN)) as session:
        changed = session.execute(text("update tenants set name = 'hijacked'")).rowcount
    assert changed == 1
    visible = rows(
        identity_database, context_of(busy_world.district, Role.DISTRICT_ADMIN), "select * from tenants"
    )
    assert {row["name"] for row in visible if row["id"] != busy_world.committee.id} == {
        "测试区",
        "一号镇",
        "二号镇",
        "乙居民区",
        "丙居民区",
    }


def test_the_application_role_is_not_privileged(identity_database, identity_urls):
    assert_unprivileged_app_role(identity_database, identity_urls, [*TENANT_TABLES, "users"])
