"""Mentor pairs (以老带新、结对学): pair, list and filter, end with a reason; bad input, roles, tenancy."""

import random
import uuid
from datetime import timedelta

from linli_shared.clock import shanghai_today


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2020-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pair_up(roster_client, headers, mentor: str, mentee: str, starts_on: str = "2025-03-01", **extra):
    return roster_client.post(
        "/v1/mentor-pairs",
        json={"mentor_id": mentor, "mentee_id": mentee, "starts_on": starts_on, **extra},
        headers=headers,
    )


def test_pair_list_filter_and_end(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    senior, junior, newcomer = (register(roster_client, admin, name) for name in ("老周", "小王", "小陈"))

    formed = pair_up(
        roster_client,
        login("staff"),
        senior,
        junior,
        ends_on="2025-12-31",
        goals="学会调解邻里纠纷的基本方法",
    )
    assert formed.status_code == 201, formed.text
    pair = formed.json()
    assert (pair["mentor_name"], pair["mentee_name"], pair["state"]) == ("老周", "小王", "open")
    assert (pair["ends_on"], pair["goals"]) == ("2025-12-31", "学会调解邻里纠纷的基本方法")
    second = pair_up(roster_client, admin, senior, newcomer, starts_on="2025-06-01").json()
    assert pair_up(roster_client, admin, senior, junior).status_code == 409, "already paired"

    listed = roster_client.get("/v1/mentor-pairs", headers=login("auditor")).json()
    assert [item["id"] for item in listed["items"]] == [second["id"], pair["id"]]
    page = roster_client.get("/v1/mentor-pairs?limit=1", headers=admin).json()
    rest = roster_client.get(f"/v1/mentor-pairs?limit=1&cursor={page['next_cursor']}", headers=admin).json()
    assert [page["items"][0]["id"], rest["items"][0]["id"]] == [second["id"], pair["id"]]
    assert rest["next_cursor"] is None
    of_junior = roster_client.get(f"/v1/mentor-pairs?volunteer_id={junior}", headers=admin).json()
    assert [item["id"] for item in of_junior["items"]] == [pair["id"]]

    assert (
        roster_client.post(
            f"/v1/mentor-pairs/{pair['id']}/end",
            json={"ended_on": "2025-02-01", "reason": "太早"},
            headers=admin,
        ).status_code
        == 422
    )
    ended = roster_client.post(
        f"/v1/mentor-pairs/{pair['id']}/end",
        json={"ended_on": "2025-10-01", "reason": "已能独立调解"},
        headers=admin,
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["state"], ended.json()["ended_on"], ended.json()["ended_reason"]) == (
        "ended",
        "2025-10-01",
        "已能独立调解",
    )
    again = roster_client.post(
        f"/v1/mentor-pairs/{pair['id']}/end", json={"ended_on": "2025-10-02", "reason": "再次"}, headers=admin
    )
    assert again.status_code == 409
    assert [item["id"] for item in roster_client.get("/v1/mentor-pairs", headers=admin).json()["items"]] == [
        second["id"]
    ]
    assert [
        item["id"]
        for item in roster_client.get("/v1/mentor-pairs?state=ended", headers=admin).json()["items"]
    ] == [pair["id"]]
    everything = roster_client.get("/v1/mentor-pairs?state=all", headers=login("town_admin")).json()
    assert {item["id"] for item in everything["items"]} == {pair["id"], second["id"]}
    assert roster_client.get(f"/v1/mentor-pairs/{pair['id']}", headers=admin).json() == ended.json()
    assert pair_up(roster_client, admin, senior, junior, starts_on="2026-01-01").status_code == 201, (
        "re-pairing"
    )


def test_partners_must_be_two_active_volunteers_of_the_committee(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    mentor, mentee = register(roster_client, admin, "老吴"), register(roster_client, admin, "小郑")
    theirs = register(roster_client, login("sibling_admin"), "别家人")

    same = pair_up(roster_client, admin, mentor, mentor)
    assert same.status_code == 422
    assert pair_up(roster_client, admin, mentor, theirs).status_code == 404
    assert pair_up(roster_client, admin, theirs, mentee).status_code == 404
    assert pair_up(roster_client, admin, mentor, str(uuid.uuid4())).status_code == 404
    roster_client.post(
        f"/v1/volunteers/{mentee}/exit", json={"kind": "voluntary", "reason": "搬走"}, headers=admin
    )
    exited = pair_up(roster_client, admin, mentor, mentee)
    assert exited.status_code == 409
    assert exited.json()["type"].endswith("/volunteer-not-active")
    assert roster_client.get("/v1/mentor-pairs?state=all", headers=admin).json()["items"] == []


def test_bad_input_writes_nothing(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    mentor, mentee = register(roster_client, admin, "老冯"), register(roster_client, admin, "小褚")
    good = {"mentor_id": mentor, "mentee_id": mentee, "starts_on": "2025-03-01"}
    for body in (
        {**good, "mentor_id": "x"},
        {**good, "mentee_id": 7},
        {**good, "starts_on": "March"},
        {**good, "ends_on": "2025-02-01"},
        {**good, "goals": "g" * 2001},
        {**good, "goals": "esc\x1b"},
        {**good, "mentor": "老冯"},
        {"mentor_id": mentor, "starts_on": "2025-03-01"},
    ):
        response = roster_client.post("/v1/mentor-pairs", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    malformed = roster_client.post(
        "/v1/mentor-pairs", content=b"{{", headers={**admin, "content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert roster_client.get("/v1/mentor-pairs?state=all", headers=admin).json()["items"] == []

    pair = pair_up(roster_client, admin, mentor, mentee).json()
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    for body in (
        {"ended_on": tomorrow, "reason": "未来"},
        {"ended_on": "2025-10-01", "reason": ""},
        {"ended_on": "2025-10-01", "reason": "r" * 501},
        {"ended_on": "2025-10-01"},
        {"ended_on": "2025-10-01", "reason": "ok", "extra": 1},
    ):
        response = roster_client.post(f"/v1/mentor-pairs/{pair['id']}/end", json=body, headers=admin)
        assert response.status_code == 422, body
    assert roster_client.get(f"/v1/mentor-pairs/{pair['id']}", headers=admin).json()["state"] == "open"
    for path in (
        "/v1/mentor-pairs/nope",
        "/v1/mentor-pairs?volunteer_id=nope",
        "/v1/mentor-pairs?state=maybe",
    ):
        assert roster_client.get(path, headers=admin).status_code == 422, path
    assert roster_client.get("/v1/mentor-pairs?cursor=garbage", headers=admin).status_code == 422
    assert roster_client.post("/v1/mentor-pairs/nope/end", json={}, headers=admin).status_code == 422
    assert roster_client.get(f"/v1/mentor-pairs/{uuid.uuid4()}", headers=admin).status_code == 404


def test_roles_and_other_committees(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    mentor, mentee = register(roster_client, admin, "老卫"), register(roster_client, admin, "小蒋")
    pair = pair_up(roster_client, admin, mentor, mentee).json()
    end = {"ended_on": "2025-10-01", "reason": "结束"}

    for key in ("auditor", "town_admin", "volunteer"):
        headers = login(key)
        assert pair_up(roster_client, headers, mentor, mentee, starts_on="2025-04-01").status_code == 403, key
        assert (
            roster_client.post(f"/v1/mentor-pairs/{pair['id']}/end", json=end, headers=headers).status_code
            == 403
        )
    assert roster_client.get("/v1/mentor-pairs", headers=login("volunteer")).status_code == 403
    assert roster_client.get("/v1/mentor-pairs").status_code == 401

    sibling = login("sibling_admin")
    assert roster_client.get("/v1/mentor-pairs?state=all", headers=sibling).json()["items"] == []
    assert roster_client.get(f"/v1/mentor-pairs?volunteer_id={mentor}", headers=sibling).json()["items"] == []
    assert roster_client.get(f"/v1/mentor-pairs/{pair['id']}", headers=sibling).status_code == 404
    assert (
        roster_client.post(f"/v1/mentor-pairs/{pair['id']}/end", json=end, headers=sibling).status_code == 404
    )
    assert pair_up(roster_client, sibling, mentor, mentee).status_code == 404
    assert roster_client.get(f"/v1/mentor-pairs/{pair['id']}", headers=admin).json()["state"] == "open"
