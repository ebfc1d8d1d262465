"""The roster list filters by a qualification held today (e.g. who may take a first-aid shift)."""

import random
from datetime import timedelta

from linli_shared.clock import shanghai_today


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_only_holders_of_a_valid_qualification_are_listed(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = roster_client.post(
        "/v1/courses",
        json={"name": "应急救护", "qualification": "应急救护证", "validity_months": 12},
        headers=admin,
    ).json()
    holder, lapsed, untrained = (
        register(roster_client, admin, name) for name in ("持证者", "过期者", "未培训")
    )
    recent = (shanghai_today() - timedelta(days=30)).isoformat()
    old = (shanghai_today() - timedelta(days=800)).isoformat()
    for volunteer, day in ((holder, recent), (lapsed, old)):
        response = roster_client.post(
            f"/v1/courses/{course['id']}/completions",
            json={"volunteer_id": volunteer, "completed_on": day, "passed": True},
            headers=admin,
        )
        assert response.status_code == 201, response.text

    listed = roster_client.get("/v1/volunteers", params={"qualification": "应急救护证"}, headers=admin).json()
    assert [item["id"] for item in listed["items"]] == [holder]
    exported = roster_client.get(
        "/v1/volunteers/export.xlsx", params={"qualification": "应急救护证"}, headers=admin
    )
    assert exported.status_code == 200
    assert untrained not in {item["id"] for item in listed["items"]}
    bad = roster_client.get("/v1/volunteers", params={"qualification": "x" * 61}, headers=admin)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
