"""An exit ends what the person was part of — mentor pairs, group memberships, case assignments — and
keeps each as history."""

import random

from linli_shared.clock import shanghai_today


def register(roster_client, headers, name: str) -> str:
    body = {
        "name": name,
        "phone": f"13{random.randrange(10**9):09d}",
        "joined_on": "2024-01-01",
        "channel": "self_recommended",
    }
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_exit_ends_pairs_memberships_and_case_assignments(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    leaving, partner = register(roster_client, admin, "要离开的"), register(roster_client, admin, "搭档")
    ok(
        roster_client.post(
            f"/v1/volunteers/{leaving}/roles",
            json={"role": "mediator", "starts_on": "2024-02-01"},
            headers=admin,
        )
    )
    pair = ok(
        roster_client.post(
            "/v1/mentor-pairs",
            json={"mentor_id": leaving, "mentee_id": partner, "starts_on": "2024-03-01"},
            headers=admin,
        ),
        201,
    )
    group = ok(
        roster_client.post("/v1/deliberation-groups", json={"name": "退出测试议事组"}, headers=admin), 201
    )
    ok(
        roster_client.post(
            f"/v1/deliberation-groups/{group['id']}/members",
            json={"volunteer_id": leaving, "joined_on": "2024-03-01"},
            headers=admin,
        ),
        201,
    )
    case = ok(
        roster_client.post(
            "/v1/mediation-cases",
            json={
                "parties": ["甲", "乙"],
                "category": "neighbour",
                "summary": "噪音纠纷",
                "received_on": "2024-04-01",
            },
            headers=admin,
        ),
        201,
    )
    ok(
        roster_client.post(
            f"/v1/mediation-cases/{case['id']}/mediators",
            json={"volunteer_id": leaving, "assigned_on": "2024-04-02"},
            headers=admin,
        ),
        201,
    )

    ok(
        roster_client.post(
            f"/v1/volunteers/{leaving}/exit", json={"kind": "voluntary", "reason": "搬家"}, headers=admin
        )
    )

    today = shanghai_today().isoformat()
    assert ok(roster_client.get(f"/v1/mentor-pairs/{pair['id']}", headers=admin))["ended_on"] == today
    members = ok(roster_client.get(f"/v1/deliberation-groups/{group['id']}", headers=admin))["members"]
    assert [(member["volunteer_id"], member["left_on"]) for member in members] == [(leaving, today)]
    mediators = ok(roster_client.get(f"/v1/mediation-cases/{case['id']}", headers=admin))["mediators"]
    assert [(mediator["volunteer_id"], mediator["released_on"]) for mediator in mediators] == [
        (leaving, today)
    ]
