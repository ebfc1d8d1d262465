"""Reading activities: the list with its filters and pages, one activity with its upcoming shifts; who may
read, and another committee's activities are not there."""

import uuid
from datetime import timedelta


def test_list_filter_and_page(scheduling_client, plan_activity, login, committee, monday, world, add_project):
    staff = login("staff")
    project = add_project(world.committee)
    sorting = plan_activity(staff, project_id=str(project))
    visits = plan_activity(
        staff, name="独居老人探访", kind="service", recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=2"
    )
    meeting = plan_activity(
        staff, name="居民议事会", kind="deliberation_meeting", recurrence=None, exceptions=[]
    )
    scheduling_client.post(f"/v1/activities/{meeting['id']}/cancel", json={"reason": "改期"}, headers=staff)

    def names(**params) -> list[str]:
        response = scheduling_client.get("/v1/activities", params=params, headers=login("auditor"))
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert names() == sorted(["垃圾分类值守", "独居老人探访", "居民议事会"])
    assert names(project_id=str(project)) == ["垃圾分类值守"]
    assert names(kind="service") == ["独居老人探访"]
    assert names(status="cancelled") == ["居民议事会"]
    assert names(status="active", kind="grid_duty") == ["垃圾分类值守"]
    assert names(project_id=str(uuid.uuid4())) == []

    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = scheduling_client.get("/v1/activities", params=params, headers=staff).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([sorting["id"], visits["id"], meeting["id"]])
    assert len(seen) == 3


def test_one_activity_counts_its_upcoming_shifts(scheduling_client, plan_activity, login, committee, monday):
    activity = plan_activity(login("staff"))
    path = f"/v1/activities/{activity['id']}"
    detail = scheduling_client.get(path, headers=login("auditor"))
    assert detail.status_code == 200, detail.text
    assert detail.json()["upcoming_shifts"] == activity["shifts_created"] == 50
    assert detail.json()["name"] == "垃圾分类值守"
    # on Sunday 3 May the first shift (2 May) is behind us
    monday.at += timedelta(days=6)
    assert scheduling_client.get(path, headers=login("staff")).json()["upcoming_shifts"] == 49


def test_bad_queries(scheduling_client, login, committee, monday):
    staff = login("staff")
    for params in (
        {"kind": "party"},
        {"status": "paused"},
        {"project_id": "x"},
        {"limit": 0},
        {"limit": 201},
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 401},
    ):
        response = scheduling_client.get("/v1/activities", params=params, headers=staff)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
    assert scheduling_client.get("/v1/activities/not-a-uuid", headers=staff).status_code == 422
    missing = scheduling_client.get(f"/v1/activities/{uuid.uuid4()}", headers=staff)
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/activity-not-found")


def test_who_reads_what(scheduling_client, plan_activity, login, committee, monday):
    activity = plan_activity(login("staff"))
    path = f"/v1/activities/{activity['id']}"
    for key in ("tenant_admin", "auditor", "town_admin", "district_admin"):
        assert scheduling_client.get(path, headers=login(key)).status_code == 200, key
        listed = scheduling_client.get("/v1/activities", headers=login(key)).json()["items"]
        assert [item["id"] for item in listed] == [activity["id"]], key
    # volunteers use the shift calendar, not the planning view
    assert scheduling_client.get("/v1/activities", headers=login("volunteer")).status_code == 403
    assert scheduling_client.get(path, headers=login("volunteer")).status_code == 403
    assert scheduling_client.get(path).status_code == 401

    sibling = login("sibling_admin")
    assert scheduling_client.get(path, headers=sibling).status_code == 404
    assert scheduling_client.get("/v1/activities", headers=sibling).json()["items"] == []
    assert scheduling_client.get("/v1/activities", headers=login("other_town_admin")).json()["items"] == []
