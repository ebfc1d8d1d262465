"""The roster's copy of the tenant tree, kept from identity's tenant events: a deactivated committee's roster
is read-only; a moved committee's rows follow it to its new path."""

from sqlalchemy import select, text

from linli_roster.database import directory
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

PERSON = {"name": "甲", "phone": "13800000001", "joined_on": "2024-01-01", "channel": "self_recommended"}


def seed(roster_client, headers):
    grid = roster_client.post("/v1/areas", json={"kind": "grid", "name": "一网格"}, headers=headers)
    assert grid.status_code == 201, grid.text
    volunteer = roster_client.post("/v1/volunteers", json=PERSON, headers=headers)
    assert volunteer.status_code == 201, volunteer.text
    role = roster_client.post(
        f"/v1/volunteers/{volunteer.json()['id']}/roles",
        json={"role": "mediator", "starts_on": "2025-01-01"},
        headers=headers,
    )
    assert role.status_code == 200, role.text
    return grid.json()["id"], volunteer.json()["id"], role.json()["roles"][0]["id"]


def directory_row(database: Database, tenant):
    with database.transaction(
        TenantContext(tenant_id=None, tenant_path=tenant.path.split(".")[0], role=Role.DISTRICT_ADMIN)
    ) as session:
        return (
            session.execute(select(directory.table).where(directory.table.c.id == tenant.id)).mappings().one()
        )


def test_the_directory_follows_identity(roster_database, world, sync_directory):
    assert sync_directory() >= 6
    assert sync_directory() == 0, "events already handled are not handled twice"
    row = directory_row(roster_database, world.committee)
    assert (row["name"], row["path"], row["kind"], row["active"]) == (
        "甲居民区",
        world.committee.path,
        "committee",
        True,
    )
    assert row["parent_id"] == world.town.id


def test_a_deactivated_committee_is_read_only(client, roster_client, world, login, sync_directory):
    sync_directory()
    admin, town = login("tenant_admin"), login("town_admin")
    grid, volunteer, role = seed(roster_client, admin)
    deactivated = client.post(
        f"/v1/tenants/{world.committee.id}/deactivate",
        json={"reason": "撤并"},
        headers=login("district_admin"),
    )
    assert deactivated.status_code == 200, deactivated.text
    assert sync_directory() >= 1

    writes = [
        ("POST", "/v1/volunteers", {**PERSON, "phone": "13800000002"}),
        ("PATCH", f"/v1/volunteers/{volunteer}", {"name": "改名"}),
        ("POST", f"/v1/volunteers/{volunteer}/tier", {"tier": "backbone", "reason": "x"}),
        (
            "POST",
            f"/v1/volunteers/{volunteer}/roles",
            {"role": "deliberation_member", "starts_on": "2025-01-01"},
        ),
        ("POST", f"/v1/volunteers/{volunteer}/roles/{role}/end", {"ends_on": "2025-06-01", "reason": "x"}),
        ("POST", f"/v1/volunteers/{volunteer}/exit", {"kind": "voluntary", "reason": "x"}),
        ("POST", "/v1/areas", {"kind": "grid", "name": "二网格"}),
        ("PATCH", f"/v1/areas/{grid}", {"name": "改名"}),
    ]
    for method, path, body in writes:
        response = roster_client.request(method, path, json=body, headers=admin)
        assert response.status_code == 409, (method, path, response.text)
        assert response.json()["type"].endswith("tenant-read-only")

    for headers in (admin, town):
        listed = roster_client.get("/v1/volunteers", headers=headers)
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [volunteer]
        profile = roster_client.get(f"/v1/volunteers/{volunteer}", headers=headers).json()
        assert (profile["name"], profile["tier"], profile["status"]) == ("甲", "volunteer", "active")
        assert [item["name"] for item in roster_client.get("/v1/areas", headers=headers).json()] == ["一网格"]
        assert roster_client.get(f"/v1/volunteers/{volunteer}/history", headers=headers).status_code == 200

    # the sibling committee is untouched
    sibling = roster_client.post("/v1/volunteers", json=PERSON, headers=login("sibling_admin"))
    assert sibling.status_code == 201, sibling.text


def test_a_moved_committees_rows_follow_it(
    client, roster_client, roster_database, world, login, sync_directory
):
    sync_directory()
    grid, volunteer, _ = seed(roster_client, login("tenant_admin"))
    moved = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        json={"new_parent_id": str(world.other_town.id)},
        headers=login("district_admin"),
    )
    assert moved.status_code == 200, moved.text
    new_path = moved.json()["path"]
    assert new_path.startswith(world.other_town.path + ".")
    assert sync_directory() >= 1

    district = TenantContext(tenant_id=None, tenant_path=world.district.path, role=Role.DISTRICT_ADMIN)
    with roster_database.transaction(district) as session:
        for table in ("areas", "volunteers", "volunteer_roles", "volunteer_changes"):
            paths = (
                session.execute(
                    text(f"select distinct tenant_path::text from {table} where tenant_id = :id"),
                    {"id": world.committee.id},
                )
                .scalars()
                .all()
            )
            assert paths == [new_path], table
    row = directory_row(roster_database, world.committee)
    assert (row["path"], row["parent_id"]) == (new_path, world.other_town.id)
    assert directory_row(roster_database, world.sibling)["path"] == world.sibling.path

    admin = login("tenant_admin")  # a fresh token carries the new path
    assert [item["id"] for item in roster_client.get("/v1/volunteers", headers=admin).json()["items"]] == [
        volunteer
    ]
    assert [item["id"] for item in roster_client.get("/v1/areas", headers=admin).json()] == [grid]
    renamed = roster_client.patch(f"/v1/volunteers/{volunteer}", json={"name": "乙"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert (
        roster_client.post(
            "/v1/volunteers", json={**PERSON, "phone": "13800000002"}, headers=admin
        ).status_code
        == 201
    )

    assert (
        roster_client.get(f"/v1/volunteers/{volunteer}", headers=login("other_town_admin")).status_code == 200
    )
    assert roster_client.get(f"/v1/volunteers/{volunteer}", headers=login("town_admin")).status_code == 404
    assert roster_client.get("/v1/volunteers", headers=login("town_admin")).json()["items"] == []
