"""Row-level security in the roster database: a query that forgets its tenant filter still returns nothing
of another committee, whatever the table."""

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import assert_unprivileged_app_role

POPULATED = ("areas", "volunteers", "volunteer_roles", "volunteer_changes")


def context_of(tenant, role):
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=role, subject="rls-test")


def rows(database: Database, context, query):
    with database.transaction(context) as session:
        return session.execute(text(query)).mappings().all()


def tenant_tables(database: Database) -> dict[str, str]:
    """Every roster table that belongs to a tenant, with its path column (found, so new tables count too)."""
    with database.engine.connect() as connection:
        found = connection.execute(
            text(
                "select table_name, column_name from information_schema.columns where table_schema = 'public'"
                " and column_name in ('tenant_path', 'path') and data_type = 'USER-DEFINED'"
            )
        ).all()
    return {table: column for table, column in found}


def far_rows(roster_database, world):
    """The far committee (in the other town) has no admin in the world: write its rows under its context."""
    far = world.far_committee
    with roster_database.transaction(context_of(far, Role.TENANT_ADMIN)) as session:
        session.execute(
            text(
                "with grid as (insert into areas (tenant_id, id, tenant_path, kind, name)"
                "  values (:tenant, gen_random_uuid(), cast(:path as ltree), 'grid', '网格') returning id),"
                " person as (insert into volunteers (tenant_id, id, tenant_path, name, phone, joined_on, channel)"
                "  values (:tenant, gen_random_uuid(), cast(:path as ltree), '人', '13800000003', '2024-01-01',"
                "  'imported') returning id),"
                " role as (insert into volunteer_roles (tenant_id, id, tenant_path, volunteer_id, role, starts_on)"
                "  select :tenant, gen_random_uuid(), cast(:path as ltree), id, 'mediator', '2025-01-01'"
                "  from person returning id)"
                " insert into volunteer_changes (tenant_id, id, tenant_path, volunteer_id, change, by_user)"
                " select :tenant, gen_random_uuid(), cast(:path as ltree), id, 'registered', 'rls-test' from person"
            ),
            {"tenant": far.id, "path": far.path},
        )


@pytest.fixture
def busy_world(world, roster_client, roster_database, login, sync_directory):
    """Three committees, each with a map and a volunteer holding a scoped role after a tier change."""
    sync_directory()
    for key, phone in (("tenant_admin", "13800000001"), ("sibling_admin", "13800000002")):
        headers = login(key)
        grid = roster_client.post("/v1/areas", json={"kind": "grid", "name": "网格"}, headers=headers).json()
        micro = roster_client.post(
            "/v1/areas", json={"kind": "micro_grid", "name": "微格", "parent_id": grid["id"]}, headers=headers
        ).json()
        volunteer = roster_client.post(
            "/v1/volunteers",
            json={"name": "人", "phone": phone, "joined_on": "2024-01-01", "channel": "imported"},
            headers=headers,
        ).json()
        for path, body in (
            ("roles", {"role": "micro_grid_leader", "area_id": micro["id"], "starts_on": "2025-01-01"}),
            ("tier", {"tier": "backbone", "reason": "骨干"}),
        ):
            response = roster_client.post(
                f"/v1/volunteers/{volunteer['id']}/{path}", json=body, headers=headers
            )
            assert response.status_code == 200, response.text
    far_rows(roster_database, world)
    return world


def test_every_tenant_table_has_forced_row_level_security(roster_database, roster_urls):
    tables = tenant_tables(roster_database)
    assert set(POPULATED) | {"tenant_directory"} <= set(tables)
    with roster_database.engine.connect() as connection:
        unforced = connection.execute(
            text(
                "select relname from pg_class where relname = any(:tables)"
                " and not (relrowsecurity and relforcerowsecurity)"
            ),
            {"tables": list(tables)},
        ).all()
    assert unforced == []


@pytest.mark.parametrize("table", POPULATED)
def test_a_committee_context_sees_only_its_committee(roster_database, busy_world, table):
    committee = busy_world.committee
    found = rows(roster_database, context_of(committee, Role.TENANT_ADMIN), f"select * from {table}")
    assert found, f"the committee's own {table} rows should be visible"
    assert {row["tenant_path"] for row in found} == {committee.path}
    assert {row["tenant_id"] for row in found} == {committee.id}


def test_no_table_shows_another_committees_rows(roster_database, busy_world):
    committee = busy_world.committee
    for table, column in tenant_tables(roster_database).items():
        found = rows(roster_database, context_of(committee, Role.TENANT_ADMIN), f"select * from {table}")
        outside = [row[column] for row in found if not str(row[column]).startswith(committee.path)]
        assert outside == [], table


@pytest.mark.parametrize("table", POPULATED)
def test_a_town_context_sees_only_its_subtree(roster_database, busy_world, table):
    town = busy_world.town
    found = rows(roster_database, context_of(town, Role.TOWN_ADMIN), f"select * from {table}")
    assert {row["tenant_path"] for row in found} == {busy_world.committee.path, busy_world.sibling.path}
    far = rows(roster_database, context_of(busy_world.other_town, Role.TOWN_ADMIN), f"select * from {table}")
    assert {row["tenant_path"] for row in far} == {busy_world.far_committee.path}


@pytest.mark.parametrize("table", [*POPULATED, "tenant_directory"])
def test_no_context_sees_nothing(roster_database, busy_world, table):
    assert rows(roster_database, None, f"select * from {table}") == []


def test_a_context_cannot_write_outside_its_subtree(roster_database, busy_world):
    sibling = busy_world.sibling
    statement = text(
        "insert into areas (tenant_id, id, tenant_path, kind, name)"
        " values (:id, gen_random_uuid(), cast(:path as ltree), 'grid', '伪造')"
    )
    with (
        pytest.raises(ProgrammingError, match="row-level security") as refused,
        roster_database.transaction(context_of(busy_world.committee, Role.TENANT_ADMIN)) as session,
    ):
        session.execute(statement, {"id": sibling.id, "path": sibling.path})
    assert isinstance(refused.value.orig, pg_errors.InsufficientPrivilege)


def test_updates_do_not_reach_foreign_rows(roster_database, busy_world):
    with roster_database.transaction(context_of(busy_world.committee, Role.TENANT_ADMIN)) as session:
        changed = session.execute(text("update volunteers set name = '被改'")).rowcount
    assert changed == 1
    sibling = rows(
        roster_database, context_of(busy_world.sibling, Role.TENANT_ADMIN), "select * from volunteers"
    )
    assert [row["name"] for row in sibling] == ["人"]


def test_history_is_append_only_for_the_application(roster_database, busy_world):
    context = context_of(busy_world.committee, Role.TENANT_ADMIN)
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        roster_database.transaction(context) as session,
    ):
        session.execute(text("update volunteer_changes set reason = '改写'"))
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        roster_database.transaction(context) as session,
    ):
        session.execute(text("delete from volunteer_changes"))


def test_the_application_role_is_not_privileged(roster_database, roster_urls):
    assert_unprivileged_app_role(roster_database, roster_urls)
