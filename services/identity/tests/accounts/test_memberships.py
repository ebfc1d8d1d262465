"""Memberships: who holds which role where; revoking one ends that person's sessions there."""

from linli_shared.problems import PROBLEM_JSON


def memberships(client, headers, tenant_id, **params):
    response = client.get(f"/v1/tenants/{tenant_id}/memberships", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {member["email"]: member for member in response.json()}


def test_committee_members_are_listed(client, world, login):
    listed = memberships(client, login("tenant_admin"), world.committee.id)
    assert {email: member["role"] for email, member in listed.items()} == {
        world.email("tenant_admin"): "tenant_admin",
        world.email("staff"): "staff",
        world.email("auditor"): "auditor",
        world.email("volunteer"): "volunteer",
    }


def test_town_admin_lists_its_committees_members(client, world, login):
    listed = memberships(client, login("town_admin"), world.sibling.id)
    assert set(listed) == {world.email("sibling_admin")}


def test_revoking_a_membership_ends_that_role(client, world, login, password):
    staff_session = client.post("/v1/auth/login", json={"email": world.email("staff"), "password": password})
    admin = login("tenant_admin")
    staff = memberships(client, admin, world.committee.id)[world.email("staff")]

    revoked = client.post(f"/v1/memberships/{staff['id']}/revoke", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None

    assert world.email("staff") not in memberships(client, admin, world.committee.id)
    history = memberships(client, admin, world.committee.id, include_revoked="true")
    assert history[world.email("staff")]["revoked_at"] is not None

    again = client.post(f"/v1/memberships/{staff['id']}/revoke", headers=admin)
    assert again.status_code == 200
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]

    login_again = client.post("/v1/auth/login", json={"email": world.email("staff"), "password": password})
    assert login_again.status_code == 401
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": staff_session.json()["refresh_token"]})
    assert refreshed.status_code == 401


def test_nobody_revokes_their_own_membership(client, world, login):
    admin = login("tenant_admin")
    mine = memberships(client, admin, world.committee.id)[world.email("tenant_admin")]
    response = client.post(f"/v1/memberships/{mine['id']}/revoke", headers=admin)
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON


def test_staff_cannot_remove_an_admin(client, world, login):
    admin = memberships(client, login("tenant_admin"), world.committee.id)[world.email("tenant_admin")]
    staff = login("staff")
    response = client.post(f"/v1/memberships/{admin['id']}/revoke", headers=staff)
    assert response.status_code == 403
    assert response.json()["type"].endswith("/role-not-invitable")
    volunteer = memberships(client, staff, world.committee.id)[world.email("volunteer")]
    assert client.post(f"/v1/memberships/{volunteer['id']}/revoke", headers=staff).status_code == 200
