"""Another committee's volunteers, roles and areas are not found (never "forbidden", which would confirm
they exist), nothing of theirs changes, and every endpoint refuses a request without a valid token."""

import uuid

import pytest

from linli_shared.problems import PROBLEM_JSON


def register(roster_client, headers, name, phone, **extra):
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended", **extra}
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def area(roster_client, headers, kind, name, parent=None):
    body = {"kind": kind, "name": name, **({"parent_id": parent} if parent else {})}
    response = roster_client.post("/v1/areas", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def foreign(roster_client, login, sync_directory):
    """The sibling committee's map, a volunteer with a role, and an exited volunteer; plus our own one."""
    sync_directory()
    sibling = login("sibling_admin")
    grid = area(roster_client, sibling, "grid", "别家网格")
    micro = area(roster_client, sibling, "micro_grid", "别家微格", grid)
    building = area(roster_client, sibling, "building", "别家楼", micro)
    volunteer = register(roster_client, sibling, "别家人", "13800000001", building_id=building)
    role = roster_client.post(
        f"/v1/volunteers/{volunteer}/roles",
        json={"role": "micro_grid_leader", "area_id": micro, "starts_on": "2025-01-01"},
        headers=sibling,
    ).json()["roles"][0]["id"]
    exited = register(roster_client, sibling, "别家退出", "13800000002")
    roster_client.post(
        f"/v1/volunteers/{exited}/exit", json={"kind": "voluntary", "reason": "x"}, headers=sibling
    )
    own = register(roster_client, login("tenant_admin"), "自家人", "13800000003")
    return {
        "sibling": sibling,
        "grid": grid,
        "micro": micro,
        "building": building,
        "volunteer": volunteer,
        "role": role,
        "exited": exited,
        "own": own,
    }


def id_requests(ids):
    """(label, method, path, body) naming another committee's records in the path."""
    volunteer, role, exited, own = ids["volunteer"], ids["role"], ids["exited"], ids["own"]
    return [
        ("get volunteer", "GET", f"/v1/volunteers/{volunteer}", None),
        ("history", "GET", f"/v1/volunteers/{volunteer}/history", None),
        ("update", "PATCH", f"/v1/volunteers/{volunteer}", {"name": "被改名"}),
        ("tier", "POST", f"/v1/volunteers/{volunteer}/tier", {"tier": "backbone", "reason": "越权"}),
        (
            "assign role",
            "POST",
            f"/v1/volunteers/{volunteer}/roles",
            {"role": "mediator", "starts_on": "2025-01-01"},
        ),
        (
            "end role",
            "POST",
            f"/v1/volunteers/{volunteer}/roles/{role}/end",
            {"ends_on": "2025-06-01", "reason": "越权"},
        ),
        (
            "end role via own volunteer",
            "POST",
            f"/v1/volunteers/{own}/roles/{role}/end",
            {"ends_on": "2025-06-01", "reason": "越权"},
        ),
        ("exit", "POST", f"/v1/volunteers/{volunteer}/exit", {"kind": "dismissed", "reason": "越权"}),
        ("rejoin", "POST", f"/v1/volunteers/{exited}/rejoin", {"reason": "越权"}),
        ("update area", "PATCH", f"/v1/areas/{ids['grid']}", {"name": "被改名"}),
    ]


def test_another_committees_ids_are_not_found(roster_client, login, foreign):
    sibling = foreign["sibling"]
    before = {
        key: roster_client.get(f"/v1/volunteers/{foreign[key]}", headers=sibling).json()
        for key in ("volunteer", "exited")
    }
    history_before = roster_client.get(
        f"/v1/volunteers/{foreign['volunteer']}/history", headers=sibling
    ).json()
    areas_before = roster_client.get("/v1/areas", headers=sibling).json()

    for actor in ("tenant_admin", "staff"):
        headers = login(actor)
        for label, method, path, body in id_requests(foreign):
            response = roster_client.request(method, path, json=body, headers=headers)
            assert response.status_code == 404, (actor, label, response.text)
            assert response.headers["content-type"] == PROBLEM_JSON
    for actor in ("auditor", "town_admin"):
        for label, method, path, _ in id_requests(foreign):
            if method == "GET":
                response = roster_client.get(path, headers=login(actor))
                assert response.status_code == (200 if actor == "town_admin" else 404), (actor, label)
    other_town = login("other_town_admin")
    assert roster_client.get(f"/v1/volunteers/{foreign['volunteer']}", headers=other_town).status_code == 404

    after = {
        key: roster_client.get(f"/v1/volunteers/{foreign[key]}", headers=sibling).json()
        for key in ("volunteer", "exited")
    }
    assert after == before
    assert (
        roster_client.get(f"/v1/volunteers/{foreign['volunteer']}/history", headers=sibling).json()
        == history_before
    )
    assert roster_client.get("/v1/areas", headers=sibling).json() == areas_before


def test_another_committees_ids_in_bodies_and_filters_are_refused(roster_client, login, foreign):
    admin = login("tenant_admin")
    own = foreign["own"]
    refused = [
        roster_client.post(
            "/v1/volunteers",
            json={
                "name": "新人",
                "phone": "13900000009",
                "joined_on": "2024-01-01",
                "channel": "self_recommended",
                "building_id": foreign["building"],
            },
            headers=admin,
        ),
        roster_client.patch(
            f"/v1/volunteers/{own}", json={"building_id": foreign["building"]}, headers=admin
        ),
        roster_client.post(
            f"/v1/volunteers/{own}/roles",
            json={"role": "micro_grid_leader", "area_id": foreign["micro"], "starts_on": "2025-01-01"},
            headers=admin,
        ),
        roster_client.post(
            "/v1/areas",
            json={"kind": "micro_grid", "name": "微格", "parent_id": foreign["grid"]},
            headers=admin,
        ),
        roster_client.post(
            "/v1/areas",
            json={"kind": "grid", "name": "网格", "responsible_volunteer_id": foreign["volunteer"]},
            headers=admin,
        ),
    ]
    for response in refused:
        assert response.status_code in (404, 422), response.text
        assert response.headers["content-type"] == PROBLEM_JSON
    filtered = roster_client.get("/v1/volunteers", params={"area_id": foreign["grid"]}, headers=admin)
    assert filtered.json()["items"] == []
    mine = roster_client.get(f"/v1/volunteers/{own}", headers=admin).json()
    assert (mine["building_id"], mine["roles"]) == (None, [])
    assert [item["id"] for item in roster_client.get("/v1/volunteers", headers=admin).json()["items"]] == [
        own
    ]
    assert roster_client.get("/v1/areas", headers=admin).json() == []


def test_lists_show_only_the_callers_committee(roster_client, login, foreign):
    admin = login("tenant_admin")
    listed = roster_client.get("/v1/volunteers", headers=admin).json()["items"]
    assert [item["name"] for item in listed] == ["自家人"]
    exited = roster_client.get("/v1/volunteers", params={"status": "exited"}, headers=admin).json()["items"]
    assert exited == []
    assert (
        roster_client.get("/v1/volunteers", params={"phone_suffix": "0001"}, headers=admin).json()["items"]
        == []
    )
    assert roster_client.get("/v1/volunteers", params={"name": "别家"}, headers=admin).json()["items"] == []
    assert roster_client.get("/v1/areas/coverage-gaps", headers=admin).json() == []


ENDPOINTS = [
    ("GET", "/v1/volunteers"),
    ("POST", "/v1/volunteers"),
    ("GET", "/v1/volunteers/{id}"),
    ("PATCH", "/v1/volunteers/{id}"),
    ("GET", "/v1/volunteers/{id}/history"),
    ("POST", "/v1/volunteers/{id}/tier"),
    ("POST", "/v1/volunteers/{id}/roles"),
    ("POST", "/v1/volunteers/{id}/roles/{id}/end"),
    ("POST", "/v1/volunteers/{id}/exit"),
    ("POST", "/v1/volunteers/{id}/rejoin"),
    ("GET", "/v1/areas"),
    ("POST", "/v1/areas"),
    ("GET", "/v1/areas/coverage-gaps"),
    ("PATCH", "/v1/areas/{id}"),
]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer a.b.c"]
)
@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_every_endpoint_needs_a_valid_token(roster_client, method, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = roster_client.request(method, path.format(id=uuid.uuid4()), json={}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
