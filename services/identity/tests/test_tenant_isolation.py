"""Another tenant's resources are not found (never "forbidden": that would confirm they exist), and every
protected endpoint refuses a request without a token."""

import re
import uuid

import pytest

from linli_shared.problems import PROBLEM_JSON


def headers_of(response):
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def invitation_in(client, headers, tenant_id):
    response = client.post(
        f"/v1/tenants/{tenant_id}/invitations",
        headers=headers,
        json={
            "email": f"foreign-{uuid.uuid4().hex[:8]}@test.linli.cn",
            "display_name": "外人",
            "role": "staff",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def membership_of(client, headers, tenant_id, email):
    members = client.get(f"/v1/tenants/{tenant_id}/memberships", headers=headers).json()
    return next(member["id"] for member in members if member["email"] == email)


def requests_for(own, foreign, invitation, membership, tree_writer):
    """(label, method, path, body) against another branch's resources."""
    cases = [
        ("get tenant", "GET", f"/v1/tenants/{foreign}", None),
        ("list invitations", "GET", f"/v1/tenants/{foreign}/invitations", None),
        (
            "create invitation",
            "POST",
            f"/v1/tenants/{foreign}/invitations",
            {"email": "someone@test.linli.cn", "display_name": "某", "role": "volunteer"},
        ),
        ("revoke invitation", "POST", f"/v1/tenants/{foreign}/invitations/{invitation}/revoke", None),
        (
            "revoke invitation via own tenant",
            "POST",
            f"/v1/tenants/{own}/invitations/{invitation}/revoke",
            None,
        ),
        ("list memberships", "GET", f"/v1/tenants/{foreign}/memberships", None),
        ("revoke membership", "POST", f"/v1/memberships/{membership}/revoke", None),
    ]
    if tree_writer:
        cases += [
            ("rename tenant", "PATCH", f"/v1/tenants/{foreign}", {"name": "被改名"}),
            ("move tenant", "POST", f"/v1/tenants/{foreign}/move", {"new_parent_id": own}),
            ("deactivate tenant", "POST", f"/v1/tenants/{foreign}/deactivate", {"reason": "越权"}),
        ]
    return cases


@pytest.fixture
def foreign_targets(client, world, login):
    """For each actor: its own node, and a node, an invitation and a membership of another branch."""
    district = login("district_admin")
    return {
        "town_admin": dict(
            own=str(world.town.id),
            foreign=str(world.far_committee.id),
            invitation=invitation_in(client, login("other_town_admin"), world.far_committee.id),
            membership=membership_of(client, district, world.other_town.id, world.email("other_town_admin")),
            tree_writer=True,
        ),
        "tenant_admin": dict(
            own=str(world.committee.id),
            foreign=str(world.sibling.id),
            invitation=invitation_in(client, login("sibling_admin"), world.sibling.id),
            membership=membership_of(client, district, world.sibling.id, world.email("sibling_admin")),
            tree_writer=False,
        ),
    }


@pytest.mark.parametrize("actor", ["town_admin", "tenant_admin"])
def test_another_branchs_resources_are_not_found(client, world, login, foreign_targets, actor):
    targets = foreign_targets[actor]
    headers = login(actor)
    district = login("district_admin")
    before = {
        "tenant": client.get(f"/v1/tenants/{targets['foreign']}", headers=district).json(),
        "invitations": client.get(f"/v1/tenants/{targets['foreign']}/invitations", headers=district).json(),
        "memberships": client.get(f"/v1/tenants/{targets['foreign']}/memberships", headers=district).json(),
    }

    for label, method, path, body in requests_for(**targets):
        response = client.request(method, path, headers=headers, json=body)
        assert response.status_code == 404, (label, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        # the same answer as for an id that does not exist at all
        unknown = client.request(
            method, path.replace(targets["foreign"], str(uuid.uuid4())), headers=headers, json=body
        )
        assert unknown.status_code == 404, label
        assert {**response.json(), "instance": ""} == {**unknown.json(), "instance": ""}, label

    after = {
        "tenant": client.get(f"/v1/tenants/{targets['foreign']}", headers=district).json(),
        "invitations": client.get(f"/v1/tenants/{targets['foreign']}/invitations", headers=district).json(),
        "memberships": client.get(f"/v1/tenants/{targets['foreign']}/memberships", headers=district).json(),
    }
    assert after == before


def test_moving_under_a_foreign_parent_is_not_found(client, world, login):
    response = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        headers=login("town_admin"),
        json={"new_parent_id": str(world.other_town.id)},
    )
    assert response.status_code == 404


def test_the_audit_log_filtered_by_a_foreign_tenant_is_empty(client, world, login):
    response = client.get(
        "/v1/audit-log", headers=login("town_admin"), params={"tenant_id": str(world.far_committee.id)}
    )
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


PROTECTED = [
    ("GET", "/v1/audit-log"),
    ("GET", "/v1/me"),
    ("GET", "/v1/tenants"),
    ("GET", "/v1/tenants/{tenant_id}"),
    ("GET", "/v1/tenants/{tenant_id}/invitations"),
    ("GET", "/v1/tenants/{tenant_id}/memberships"),
    ("PATCH", "/v1/tenants/{tenant_id}"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/auth/password"),
    ("POST", "/v1/memberships/{membership_id}/revoke"),
    ("POST", "/v1/service/tenants/{tenant_id}/volunteer-invitations"),
    ("POST", "/v1/tenants"),
    ("POST", "/v1/tenants/{tenant_id}/deactivate"),
    ("POST", "/v1/tenants/{tenant_id}/invitations"),
    ("POST", "/v1/tenants/{tenant_id}/invitations/{invitation_id}/revoke"),
    ("POST", "/v1/tenants/{tenant_id}/move"),
]


def test_every_operation_that_declares_the_bearer_scheme_is_listed(client):
    """Keeps the list above honest: a new protected route must join the 401 checks below."""
    document = client.app.openapi()
    declared = sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    )
    assert declared == sorted(PROTECTED)


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
@pytest.mark.parametrize("authorization", [None, "", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_a_missing_token_is_a_401_problem(client, method, path, authorization):
    concrete = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.request(method, concrete, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert (body["status"], body["title"]) == (401, "Authentication required")
    assert body["type"].endswith("/unauthorized")
