"""Deliberation groups: bad input is refused with problem+json and nothing written; another committee's
ids are 404 on every endpoint; only committee staff write, readers read."""

import random
import uuid

import pytest


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


def populated(roster_client, headers) -> dict[str, str]:
    """A group with a member, a topic, a meeting, a decision and an open action; returns their ids."""
    volunteer = register(roster_client, headers, "成员甲")
    gid = roster_client.post("/v1/deliberation-groups", json={"name": "议事圈"}, headers=headers).json()["id"]
    base = f"/v1/deliberation-groups/{gid}"
    roster_client.post(
        f"{base}/members", json={"volunteer_id": volunteer, "joined_on": "2025-01-01"}, headers=headers
    )
    topic = roster_client.post(
        f"{base}/topics",
        json={"title": "电梯加装", "raised_by": "居民", "raised_on": "2025-02-01"},
        headers=headers,
    ).json()["id"]
    meeting = roster_client.post(
        f"{base}/meetings",
        json={"held_on": "2025-02-10", "place": "会议室", "attendee_ids": [volunteer], "topic_ids": [topic]},
        headers=headers,
    ).json()["id"]
    decision = roster_client.post(
        f"{base}/topics/{topic}/decisions",
        json={"text": "征询意见", "decided_on": "2025-02-10", "meeting_id": meeting},
        headers=headers,
    ).json()["id"]
    action = roster_client.post(
        f"{base}/decisions/{decision}/actions",
        json={"description": "上门征询", "owner_volunteer_id": volunteer, "due_on": "2025-03-01"},
        headers=headers,
    ).json()["id"]
    return {
        "group": gid,
        "volunteer": volunteer,
        "topic": topic,
        "meeting": meeting,
        "decision": decision,
        "action": action,
    }


def snapshot(roster_client, headers, ids) -> list:
    base = f"/v1/deliberation-groups/{ids['group']}"
    return [
        roster_client.get("/v1/deliberation-groups", headers=headers).json(),
        roster_client.get(base, headers=headers).json(),
        roster_client.get(f"{base}/topics", headers=headers).json(),
        roster_client.get(f"{base}/topics/{ids['topic']}", headers=headers).json(),
        roster_client.get(f"{base}/meetings", headers=headers).json(),
        roster_client.get("/v1/deliberation-actions", headers=headers).json(),
    ]


def every_endpoint(ids: dict[str, str]) -> list[tuple[str, str, dict | None]]:
    base = f"/v1/deliberation-groups/{ids['group']}"
    return [
        ("GET", base, None),
        ("PATCH", base, {"purpose": "新目的"}),
        ("POST", f"{base}/members", {"volunteer_id": ids["volunteer"], "joined_on": "2025-01-01"}),
        ("POST", f"{base}/members/{ids['volunteer']}/leave", {"left_on": "2025-04-01"}),
        ("GET", f"{base}/topics", None),
        ("POST", f"{base}/topics", {"title": "新议题", "raised_by": "居民", "raised_on": "2025-02-01"}),
        ("GET", f"{base}/topics/{ids['topic']}", None),
        ("POST", f"{base}/topics/{ids['topic']}/status", {"status": "in_discussion"}),
        ("POST", f"{base}/topics/{ids['topic']}/decisions", {"text": "决定", "decided_on": "2025-02-11"}),
        ("GET", f"{base}/meetings", None),
        ("POST", f"{base}/meetings", {"held_on": "2025-02-11", "place": "会议室"}),
        ("GET", f"{base}/meetings/{ids['meeting']}", None),
        (
            "POST",
            f"{base}/decisions/{ids['decision']}/actions",
            {"description": "行动", "owner_volunteer_id": ids["volunteer"], "due_on": "2025-03-01"},
        ),
        ("POST", f"{base}/actions/{ids['action']}/complete", {"completed_on": "2025-02-20", "note": "完成"}),
        ("GET", f"/v1/deliberation-actions?group_id={ids['group']}", None),
    ]


def test_another_committees_ids_are_not_found(roster_client, login, sync_directory):
    sync_directory()
    admin, sibling = login("tenant_admin"), login("sibling_admin")
    ids = populated(roster_client, admin)
    before = snapshot(roster_client, admin, ids)
    for method, url, body in every_endpoint(ids):
        response = roster_client.request(method, url, json=body, headers=sibling)
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert snapshot(roster_client, admin, ids) == before
    assert roster_client.get("/v1/deliberation-groups", headers=sibling).json() == []
    assert roster_client.get("/v1/deliberation-actions", headers=sibling).json() == []

    # the sibling's own group cannot reach into ours either
    mine = populated(roster_client, sibling)
    base = f"/v1/deliberation-groups/{mine['group']}"
    for method, url, body in (
        ("POST", f"{base}/members", {"volunteer_id": ids["volunteer"], "joined_on": "2025-01-01"}),
        ("POST", f"{base}/topics/{ids['topic']}/status", {"status": "closed"}),
        (
            "POST",
            f"{base}/topics/{mine['topic']}/decisions",
            {"text": "x", "decided_on": "2025-02-10", "meeting_id": ids["meeting"]},
        ),
        (
            "POST",
            f"{base}/decisions/{ids['decision']}/actions",
            {"description": "x", "owner_volunteer_id": mine["volunteer"], "due_on": "2025-03-01"},
        ),
        (
            "POST",
            f"{base}/decisions/{mine['decision']}/actions",
            {"description": "x", "owner_volunteer_id": ids["volunteer"], "due_on": "2025-03-01"},
        ),
        ("POST", f"{base}/actions/{ids['action']}/complete", {"completed_on": "2025-02-20", "note": "x"}),
        (
            "POST",
            f"{base}/meetings",
            {"held_on": "2025-02-11", "place": "x", "attendee_ids": [ids["volunteer"]]},
        ),
        ("POST", f"{base}/meetings", {"held_on": "2025-02-11", "place": "x", "topic_ids": [ids["topic"]]}),
        ("GET", f"{base}/meetings/{ids['meeting']}", None),
        ("GET", f"{base}/topics/{ids['topic']}", None),
    ):
        response = roster_client.request(method, url, json=body, headers=sibling)
        assert response.status_code == 404, (url, body, response.text)
    assert snapshot(roster_client, admin, ids) == before


def test_ids_of_another_group_in_the_same_committee_are_not_found(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    ids = populated(roster_client, admin)
    other = roster_client.post("/v1/deliberation-groups", json={"name": "第二组"}, headers=admin).json()["id"]
    base = f"/v1/deliberation-groups/{other}"
    for method, url, body in (
        ("GET", f"{base}/topics/{ids['topic']}", None),
        ("GET", f"{base}/meetings/{ids['meeting']}", None),
        (
            "POST",
            f"{base}/decisions/{ids['decision']}/actions",
            {"description": "x", "owner_volunteer_id": ids["volunteer"], "due_on": "2025-03-01"},
        ),
        ("POST", f"{base}/actions/{ids['action']}/complete", {"completed_on": "2025-02-20", "note": "x"}),
        ("POST", f"{base}/members/{ids['volunteer']}/leave", {"left_on": "2025-04-01"}),
    ):
        assert roster_client.request(method, url, json=body, headers=admin).status_code == 404, url


def test_roles(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    ids = populated(roster_client, admin)
    before = snapshot(roster_client, admin, ids)
    for reader in ("auditor", "town_admin", "district_admin"):
        headers = login(reader)
        for method, url, body in every_endpoint(ids):
            response = roster_client.request(method, url, json=body, headers=headers)
            assert response.status_code == (200 if method == "GET" else 403), (reader, method, url)
        assert (
            roster_client.post("/v1/deliberation-groups", json={"name": "x"}, headers=headers).status_code
            == 403
        )
    assert [
        g["id"] for g in roster_client.get("/v1/deliberation-groups", headers=login("district_admin")).json()
    ] == [ids["group"]]
    assert roster_client.get("/v1/deliberation-groups", headers=login("other_town_admin")).json() == []
    volunteer = login("volunteer")
    for method, url, body in every_endpoint(ids):
        assert roster_client.request(method, url, json=body, headers=volunteer).status_code == 403
    assert roster_client.get("/v1/deliberation-groups").status_code == 401
    assert snapshot(roster_client, admin, ids) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {"name": ""}),
        ("", {"name": "x" * 61}),
        ("", {"name": "组", "purpose": "p" * 501}),
        ("", {"name": "组", "extra": 1}),
        ("", {"name": "nul\x00"}),
        ("", {"name": 5}),
        ("/members", {"volunteer_id": "not-a-uuid", "joined_on": "2025-01-01"}),
        ("/members", {"volunteer_id": "{volunteer}", "joined_on": "2999-01-01"}),
        ("/members", {"volunteer_id": "{volunteer}"}),
        ("/topics", {"title": "t", "raised_by": "r", "raised_on": "2025-02-01", "status": "closed"}),
        ("/topics", {"title": "t" * 101, "raised_by": "r", "raised_on": "2025-02-01"}),
        ("/topics", {"title": "t", "raised_by": "r" * 51, "raised_on": "2025-02-01"}),
        ("/topics", {"title": "t", "raised_by": "r", "raised_on": "2025-02-01", "description": "d" * 2001}),
        ("/topics", {"title": "t", "raised_by": "r", "raised_on": "2025-02-01", "building_id": "b"}),
        (
            "/topics",
            {"title": "t", "raised_by": "r", "raised_on": "2025-02-01", "building_id": str(uuid.uuid4())},
        ),
        ("/topics", {"title": "t", "raised_by": "   ", "raised_on": "2025-02-01"}),
        ("/topics/{topic}/status", {"status": "done"}),
        ("/topics/{topic}/decisions", {"text": "", "decided_on": "2025-02-11"}),
        ("/topics/{topic}/decisions", {"text": "d", "decided_on": "yesterday"}),
        (
            "/topics/{topic}/decisions",
            {"text": "d", "decided_on": "2025-02-11", "meeting_id": str(uuid.uuid4())},
        ),
        ("/meetings", {"held_on": "2025-02-11", "place": "p", "minutes": "m" * 20001}),
        ("/meetings", {"held_on": "2025-02-11", "place": "p", "attendee_ids": "all"}),
        ("/meetings", {"held_on": "2025-02-11", "place": "p", "attendee_ids": [str(uuid.uuid4())]}),
        ("/meetings", {"held_on": "2025-02-11", "place": "p", "topic_ids": [str(uuid.uuid4())]}),
        ("/meetings", {"held_on": "2025-02-11", "place": "p", "attendee_ids": ["{volunteer}"] * 201}),
        (
            "/decisions/{decision}/actions",
            {"description": "a", "owner_volunteer_id": "{volunteer}", "due_on": "soon"},
        ),
        (
            "/decisions/{decision}/actions",
            {"description": "a", "owner_volunteer_id": str(uuid.uuid4()), "due_on": "2025-03-01"},
        ),
        (
            "/decisions/{decision}/actions",
            {"description": "a" * 501, "owner_volunteer_id": "{volunteer}", "due_on": "2025-03-01"},
        ),
        ("/actions/{action}/complete", {"completed_on": "2025-02-20"}),
        ("/actions/{action}/complete", {"completed_on": "2025-02-01", "note": "before the decision"}),
        ("/actions/{action}/complete", {"completed_on": "2999-02-20", "note": "n"}),
    ],
)
def test_bad_input_writes_nothing(roster_client, login, sync_directory, path, body):
    sync_directory()
    admin = login("tenant_admin")
    ids = populated(roster_client, admin)
    before = snapshot(roster_client, admin, ids)

    def fill(value):
        if isinstance(value, str):
            return value.format(**ids) if "{" in value else value
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    url = "/v1/deliberation-groups" if path == "" else f"/v1/deliberation-groups/{ids['group']}{fill(path)}"
    response = roster_client.post(url, json={key: fill(value) for key, value in body.items()}, headers=admin)
    assert 400 <= response.status_code < 500, response.text
    assert response.status_code != 401
    assert response.headers["content-type"] == "application/problem+json"
    assert snapshot(roster_client, admin, ids) == before


def test_malformed_requests(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    ids = populated(roster_client, admin)
    before = snapshot(roster_client, admin, ids)
    json_headers = {**admin, "content-type": "application/json"}
    for url in (
        "/v1/deliberation-groups",
        f"/v1/deliberation-groups/{ids['group']}/topics",
        f"/v1/deliberation-groups/{ids['group']}/meetings",
    ):
        response = roster_client.post(url, content=b"{not json", headers=json_headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert roster_client.post(url, content=b"[]", headers=json_headers).status_code == 422
    for url in (
        "/v1/deliberation-groups/not-a-uuid",
        f"/v1/deliberation-groups/{ids['group']}/topics/123",
        f"/v1/deliberation-groups/{ids['group']}/meetings/x",
        f"/v1/deliberation-groups/{ids['group']}/topics?status=bogus",
        "/v1/deliberation-actions?overdue=maybe",
        "/v1/deliberation-actions?as_of=2025-13-01",
        "/v1/deliberation-actions?group_id=nope",
    ):
        response = roster_client.get(url, headers=admin)
        assert response.status_code == 422, url
        assert response.headers["content-type"] == "application/problem+json"
    assert (
        roster_client.get(f"/v1/deliberation-actions?group_id={uuid.uuid4()}", headers=admin).status_code
        == 404
    )
    assert roster_client.delete(f"/v1/deliberation-groups/{ids['group']}", headers=admin).status_code == 405
    assert snapshot(roster_client, admin, ids) == before


def test_groups_follow_a_moved_committee(roster_client, client, login, world, sync_directory):
    """Meetings, attendees and decisions are append-only, yet their path follows a moved committee."""
    sync_directory()
    ids = populated(roster_client, login("tenant_admin"))
    before = snapshot(roster_client, login("tenant_admin"), ids)
    moved = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        json={"new_parent_id": str(world.other_town.id)},
        headers=login("district_admin"),
    )
    assert moved.status_code == 200, moved.text
    sync_directory()
    assert snapshot(roster_client, login("tenant_admin"), ids) == before
    assert roster_client.get("/v1/deliberation-groups", headers=login("town_admin")).json() == []
    assert len(roster_client.get("/v1/deliberation-groups", headers=login("other_town_admin")).json()) == 1
