import random

RULES = {
    "title": "西门居民区志愿者管理办法",
    "body": "第一条 志愿服务应当遵循自愿、无偿、平等、诚信、合法的原则。",
    "published_on": "2026-01-05",
}


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2025-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_versions_and_acknowledgements(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    first = roster_client.post("/v1/rules", json=RULES, headers=admin).json()
    second = roster_client.post("/v1/rules", json={**RULES, "body": "修订版"}, headers=admin).json()
    assert (first["version"], second["version"]) == (1, 2)
    assert [item["version"] for item in roster_client.get("/v1/rules", headers=login("auditor")).json()] == [
        2,
        1,
    ]

    alice, bob = register(roster_client, admin, "甲"), register(roster_client, admin, "乙")
    acknowledged = roster_client.post(
        f"/v1/rules/{second['id']}/acknowledgements",
        json={"volunteer_id": alice, "acknowledged_on": "2026-02-01"},
        headers=login("staff"),
    )
    assert acknowledged.status_code == 201, acknowledged.text
    status = roster_client.get(f"/v1/rules/{second['id']}/acknowledgements", headers=admin).json()
    assert [(row["name"], row["acknowledged_on"]) for row in status["acknowledged"]] == [("甲", "2026-02-01")]
    assert [row["volunteer_id"] for row in status["missing"]] == [bob]
    old = roster_client.get(f"/v1/rules/{first['id']}/acknowledgements", headers=admin).json()
    assert old["acknowledged"] == [], "an acknowledgement belongs to one version"

    again = roster_client.post(
        f"/v1/rules/{second['id']}/acknowledgements",
        json={"volunteer_id": alice, "acknowledged_on": "2026-02-02"},
        headers=admin,
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_roles_and_other_committees(roster_client, login, sync_directory):
    sync_directory()
    assert roster_client.post("/v1/rules", json=RULES, headers=login("auditor")).status_code == 403
    document = roster_client.post("/v1/rules", json=RULES, headers=login("tenant_admin")).json()
    sibling = login("sibling_admin")
    assert (
        roster_client.get(f"/v1/rules/{document['id']}/acknowledgements", headers=sibling).status_code == 404
    )
    foreign_volunteer = register(roster_client, sibling, "别家人")
    response = roster_client.post(
        f"/v1/rules/{document['id']}/acknowledgements",
        json={"volunteer_id": foreign_volunteer, "acknowledged_on": "2026-02-01"},
        headers=login("tenant_admin"),
    )
    assert response.status_code == 404
    assert roster_client.get("/v1/rules", headers=sibling).json() == []


def test_bad_input_writes_nothing(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    for body in (
        {**RULES, "title": ""},
        {**RULES, "published_on": "2999-01-01"},
        {**RULES, "extra": 1},
        {**RULES, "title": "x" * 101},
        {**RULES, "body": "nul\x00byte"},
    ):
        response = roster_client.post("/v1/rules", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    response = roster_client.post(
        "/v1/rules", content=b"{not json", headers={**admin, "content-type": "application/json"}
    )
    assert response.status_code == 422
    assert roster_client.get("/v1/rules", headers=admin).json() == []
    assert roster_client.get("/v1/rules/not-a-uuid/acknowledgements", headers=admin).status_code == 422
