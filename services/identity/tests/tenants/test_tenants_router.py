"""The tenant tree over HTTP: create, list, rename, move, deactivate — each admin inside its own subtree."""

import uuid

from linli_identity.admin import create_district
from linli_shared.problems import PROBLEM_JSON
from linli_shared.testing import unique_slug


def create(client, headers, parent_id, name="新节点", slug=None):
    body = {"parent_id": str(parent_id), "name": name, "slug": slug or unique_slug("n")}
    return client.post("/v1/tenants", headers=headers, json=body)


def listed(client, headers, **params):
    response = client.get("/v1/tenants", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {uuid.UUID(node["id"]): node for node in response.json()}


def problem_type(response):
    assert response.headers["content-type"] == PROBLEM_JSON
    return response.json()["type"].rsplit("/", 1)[-1]


def test_district_admin_builds_towns_and_committees(client, world, login):
    headers = login("district_admin")

    town = create(client, headers, world.district.id, name="三号镇")
    assert town.status_code == 201, town.text
    assert town.json()["kind"] == "town"
    assert town.json()["parent_id"] == str(world.district.id)
    assert town.json()["path"].startswith(world.district.path + ".")

    committee = create(client, headers, town.json()["id"], name="丁居民区")
    assert committee.status_code == 201, committee.text
    assert committee.json()["kind"] == "committee"
    assert committee.json()["path"].startswith(town.json()["path"] + ".")

    nodes = listed(client, headers)
    assert {uuid.UUID(town.json()["id"]), uuid.UUID(committee.json()["id"]), world.far_committee.id} <= set(
        nodes
    )
    assert all(node["path"].startswith(world.district.path) for node in nodes.values())


def test_a_committee_has_no_children(client, world, login):
    response = create(client, login("district_admin"), world.committee.id)
    assert response.status_code == 422
    assert problem_type(response) == "invalid-parent"


def test_town_admin_sees_only_its_own_subtree(client, world, login):
    headers = login("town_admin")
    assert set(listed(client, headers)) == {world.town.id, world.committee.id, world.sibling.id}
    for foreign in (world.far_committee, world.other_town, world.district):
        response = client.get(f"/v1/tenants/{foreign.id}", headers=headers)
        assert response.status_code == 404, foreign.name
        assert problem_type(response) == "tenant-not-found"

    mine = client.get(f"/v1/tenants/{world.committee.id}", headers=headers)
    assert mine.status_code == 200
    assert mine.json()["name"] == "甲居民区"


def test_committee_admin_sees_only_its_committee(client, world, login):
    assert set(listed(client, login("tenant_admin"))) == {world.committee.id}


def test_town_admin_creates_committees_only_under_its_town(client, world, login):
    headers = login("town_admin")
    assert create(client, headers, world.town.id).status_code == 201
    assert create(client, headers, world.other_town.id).status_code == 404
    assert create(client, headers, world.district.id).status_code == 404


def test_rename(client, world, login):
    headers = login("town_admin")
    response = client.patch(
        f"/v1/tenants/{world.committee.id}", headers=headers, json={"name": "  新甲居民区 "}
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "新甲居民区"
    assert client.get(f"/v1/tenants/{world.committee.id}", headers=headers).json()["name"] == "新甲居民区"


def test_moving_a_committee_takes_its_people_invitations_and_history_along(client, world, login):
    admin = login("tenant_admin")
    invited = client.post(
        f"/v1/tenants/{world.committee.id}/invitations",
        headers=admin,
        json={
            "email": f"mover-{uuid.uuid4().hex[:8]}@test.linli.cn",
            "display_name": "新社工",
            "role": "staff",
        },
    )
    assert invited.status_code == 201, invited.text

    moved = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        headers=login("district_admin"),
        json={"new_parent_id": str(world.other_town.id)},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["parent_id"] == str(world.other_town.id)
    new_path = moved.json()["path"]
    assert new_path.startswith(world.other_town.path + ".")

    # the old town lost it, the new town has it, with its people and its pending invitation
    assert client.get(f"/v1/tenants/{world.committee.id}", headers=login("town_admin")).status_code == 404
    new_town = login("other_town_admin")
    assert world.committee.id in listed(client, new_town)
    members = client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=new_town).json()
    assert world.email("tenant_admin") in {member["email"] for member in members}
    invitations = client.get(f"/v1/tenants/{world.committee.id}/invitations", headers=new_town).json()
    assert [invitation["id"] for invitation in invitations] == [invited.json()["id"]]

    # the committee's admin logs in again, acts at the new path and still sees its own history
    headers = login("tenant_admin")
    assert client.get("/v1/me", headers=headers).json()["tenant_id"] == str(world.committee.id)
    assert client.get(f"/v1/tenants/{world.committee.id}", headers=headers).json()["path"] == new_path
    page = client.get("/v1/audit-log", headers=headers, params={"limit": 200}).json()
    actions = {entry["action"] for entry in page["items"]}
    assert {"tenant.created", "tenant.moved", "invitation.created"} <= actions
    assert {entry["tenant_id"] for entry in page["items"]} == {str(world.committee.id)}

    # an invitation issued before the move joins the committee where it is now
    accepted = client.post(
        "/v1/invitations/accept", json={"token": invited.json()["token"], "password": "a new password 1"}
    )
    assert accepted.status_code == 200, accepted.text
    newcomer = {"Authorization": f"Bearer {accepted.json()['access_token']}"}
    assert client.get(f"/v1/tenants/{world.committee.id}", headers=newcomer).json()["path"] == new_path


def test_move_rules(client, world, login):
    district = login("district_admin")
    town_under_town = client.post(
        f"/v1/tenants/{world.town.id}/move",
        headers=district,
        json={"new_parent_id": str(world.other_town.id)},
    )
    assert town_under_town.status_code == 422
    assert problem_type(town_under_town) == "invalid-parent"

    under_committee = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        headers=district,
        json={"new_parent_id": str(world.sibling.id)},
    )
    assert under_committee.status_code == 422

    # a town admin cannot reach the other town, nor move its own node
    town = login("town_admin")
    away = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        headers=town,
        json={"new_parent_id": str(world.other_town.id)},
    )
    assert away.status_code == 404
    itself = client.post(
        f"/v1/tenants/{world.town.id}/move", headers=town, json={"new_parent_id": str(world.district.id)}
    )
    assert itself.status_code == 403
    assert (
        client.get(f"/v1/tenants/{world.committee.id}", headers=town).json()["path"] == world.committee.path
    )


def test_deactivating_a_town_deactivates_its_subtree(client, world, login, password):
    headers = login("district_admin")
    response = client.post(
        f"/v1/tenants/{world.town.id}/deactivate", headers=headers, json={"reason": "撤并 merged"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert response.json()["deactivated_at"] is not None

    visible = listed(client, headers)
    assert world.town.id not in visible
    assert world.committee.id not in visible
    assert world.other_town.id in visible

    everything = listed(client, headers, include_inactive="true")
    for node in (world.town, world.committee, world.sibling):
        assert everything[node.id]["active"] is False
        assert everything[node.id]["deactivation_reason"] == "撤并 merged"
    assert everything[world.far_committee.id]["active"] is True

    for parent in (world.town, world.committee):
        refused = create(client, headers, parent.id)
        assert refused.status_code == 409
        assert problem_type(refused) == "tenant-inactive"
    again = client.post(f"/v1/tenants/{world.town.id}/deactivate", headers=headers, json={"reason": "again"})
    assert again.status_code == 409
    renamed = client.patch(f"/v1/tenants/{world.committee.id}", headers=headers, json={"name": "x"})
    assert renamed.status_code == 409

    # nobody whose only role is inside the deactivated branch can log in any more
    login_response = client.post(
        "/v1/auth/login", json={"email": world.email("tenant_admin"), "password": password}
    )
    assert login_response.status_code == 401


def test_an_admin_cannot_deactivate_its_own_node(client, world, login):
    response = client.post(
        f"/v1/tenants/{world.town.id}/deactivate", headers=login("town_admin"), json={"reason": "no"}
    )
    assert response.status_code == 403
    assert listed(client, login("district_admin"))[world.town.id]["active"] is True


def test_slug_taken_even_in_another_district(client, world, login, identity_database):
    elsewhere = unique_slug("elsewhere")
    create_district(identity_database, "别的区", elsewhere)
    headers = login("district_admin")

    clash = create(client, headers, world.district.id, name="撞名镇", slug=elsewhere)
    assert clash.status_code == 409
    assert problem_type(clash) == "slug-taken"
    assert create(client, headers, world.district.id, slug=world.town.slug).status_code == 409
    assert "撞名镇" not in {
        node["name"] for node in listed(client, headers, include_inactive="true").values()
    }


def test_committee_roles_cannot_change_the_tree(client, world, login):
    for role in ("tenant_admin", "staff", "auditor"):
        headers = login(role)
        response = create(client, headers, world.committee.id)
        assert response.status_code == 403, role
        assert problem_type(response) == "forbidden"
        rename = client.patch(f"/v1/tenants/{world.committee.id}", headers=headers, json={"name": "x"})
        assert rename.status_code == 403
    assert client.get("/v1/tenants", headers=login("volunteer")).status_code == 403
