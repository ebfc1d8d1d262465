"""Service projects (项目孵化): created incubating with an owner and goals, established, closed; their
team, status trail, activity count, the events they publish, and optimistic editing."""

from datetime import UTC, datetime

ELDERLY_CARE = {
    "name": "关爱银发，乐龄生活",
    "description": "为独居老人提供每周探访、代购和陪诊服务。",
    "goals": ["每周探访独居老人", "建立一对一结对帮扶"],
}
MOMENT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def create(client, headers, **overrides) -> dict:
    response = client.post("/v1/projects", json={**ELDERLY_CARE, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_read_and_list_projects(
    scheduling_client, committee, login, register, world, published, clock
):
    clock.at = MOMENT
    owner = register(world.committee, "李书记")
    staff = login("staff")
    project = create(scheduling_client, staff, owner_volunteer_id=str(owner))
    assert project["status"] == "incubating"
    assert (project["owner_volunteer_id"], project["owner_name"]) == (str(owner), "李书记")
    assert project["goals"] == ELDERLY_CARE["goals"]
    assert project["description"] == ELDERLY_CARE["description"]
    assert (project["version"], project["team"], project["team_size"], project["activity_count"]) == (
        1,
        [],
        0,
        0,
    )
    assert project["created_at"] == "2026-12-01T02:00:00Z"
    [trail] = project["status_trail"]
    assert (trail["from_status"], trail["to_status"], trail["changed_at"]) == (
        None,
        "incubating",
        "2026-12-01T02:00:00Z",
    )

    [event] = published(project["id"])
    assert event["type"] == "linli.scheduling.project.created.v1"
    assert (event["subject"], event["tenantid"], event["tenantpath"]) == (
        project["id"],
        str(world.committee.id),
        world.committee.path,
    )
    assert event["data"] == {
        "project_id": project["id"],
        "name": ELDERLY_CARE["name"],
        "status": "incubating",
        "owner_volunteer_id": str(owner),
        "goals": ELDERLY_CARE["goals"],
    }

    watch = create(scheduling_client, login("tenant_admin"), name="智慧社区，邻里守望", goals=[])
    assert watch["owner_volunteer_id"] is None
    assert scheduling_client.get(f"/v1/projects/{project['id']}", headers=login("auditor")).json() == project
    for reader in ("auditor", "town_admin", "district_admin"):
        listed = scheduling_client.get("/v1/projects", headers=login(reader))
        assert listed.status_code == 200, listed.text
        assert [item["name"] for item in listed.json()["items"]] == [
            "关爱银发，乐龄生活",
            "智慧社区，邻里守望",
        ]
    first = scheduling_client.get("/v1/projects?limit=1", headers=staff).json()
    assert [item["id"] for item in first["items"]] == [project["id"]]
    assert first["items"][0]["owner_name"] == "李书记"
    second = scheduling_client.get(
        f"/v1/projects?limit=1&cursor={first['next_cursor']}", headers=staff
    ).json()
    assert ([item["id"] for item in second["items"]], second["next_cursor"]) == ([watch["id"]], None)


def test_status_moves_forward_only_and_leaves_a_trail(
    scheduling_client, committee, login, published, register, world, clock
):
    clock.at = MOMENT
    staff = login("staff")
    project = create(scheduling_client, staff)
    url = f"/v1/projects/{project['id']}"

    back = scheduling_client.post(f"{url}/status", json={"status": "incubating"}, headers=staff)
    assert back.status_code == 409
    assert back.json()["type"].endswith("/project-status-change-not-allowed")

    clock.at = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
    established = scheduling_client.post(
        f"{url}/status", json={"status": "established", "note": "试运行三个月，效果良好"}, headers=staff
    )
    assert established.status_code == 200, established.text
    assert (established.json()["status"], established.json()["version"]) == ("established", 2)
    again = scheduling_client.post(f"{url}/status", json={"status": "established"}, headers=staff)
    assert again.status_code == 409
    assert (
        scheduling_client.post(f"{url}/status", json={"status": "incubating"}, headers=staff).status_code
        == 409
    )

    clock.at = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    closed = scheduling_client.post(
        f"{url}/status", json={"status": "closed", "note": "并入新项目"}, headers=login("tenant_admin")
    )
    assert closed.status_code == 200, closed.text
    trail = [
        (change["from_status"], change["to_status"], change["note"], change["changed_at"])
        for change in closed.json()["status_trail"]
    ]
    assert trail == [
        (None, "incubating", "", "2026-12-01T02:00:00Z"),
        ("incubating", "established", "试运行三个月，效果良好", "2026-12-15T02:00:00Z"),
        ("established", "closed", "并入新项目", "2027-03-01T02:00:00Z"),
    ]
    assert all(change["changed_by"] for change in closed.json()["status_trail"])

    # closed is final: no status, no edits, no new members
    for status in ("incubating", "established", "closed"):
        refused = scheduling_client.post(f"{url}/status", json={"status": status}, headers=staff)
        assert refused.status_code == 409, status
    edit = scheduling_client.patch(url, json={"version": 3, "name": "复活"}, headers=staff)
    assert edit.status_code == 409
    assert edit.json()["type"].endswith("/project-closed")
    volunteer = register(world.committee, "张三")
    joining = scheduling_client.post(f"{url}/members", json={"volunteer_id": str(volunteer)}, headers=staff)
    assert joining.status_code == 409
    assert scheduling_client.get(url, headers=staff).json() == closed.json()

    assert [event["data"]["status"] for event in published(project["id"])] == [
        "incubating",
        "established",
        "closed",
    ]
    assert [event["type"].split(".")[-2] for event in published(project["id"])] == [
        "created",
        "changed",
        "changed",
    ]
    # a closed project's name is free for a new project; an incubating one may close at once
    successor = create(scheduling_client, staff)
    direct = scheduling_client.post(
        f"/v1/projects/{successor['id']}/status", json={"status": "closed"}, headers=staff
    )
    assert direct.status_code == 200
    listed = scheduling_client.get("/v1/projects?status=closed", headers=staff).json()["items"]
    assert {item["id"] for item in listed} == {project["id"], successor["id"]}
    assert scheduling_client.get("/v1/projects?status=incubating", headers=staff).json()["items"] == []


def test_edits_need_the_current_version(
    scheduling_client, committee, login, register, world, published, exit_volunteer
):
    staff = login("staff")
    project = create(scheduling_client, staff)
    url = f"/v1/projects/{project['id']}"
    owner = register(world.committee, "赵主任")

    renamed = scheduling_client.patch(
        url,
        json={"version": 1, "name": "乐龄生活", "goals": ["每周探访"], "owner_volunteer_id": str(owner)},
        headers=staff,
    )
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["name"], body["goals"], body["owner_name"], body["version"]) == (
        "乐龄生活",
        ["每周探访"],
        "赵主任",
        2,
    )
    assert body["description"] == ELDERLY_CARE["description"]

    stale = scheduling_client.patch(url, json={"version": 1, "name": "被覆盖"}, headers=login("tenant_admin"))
    assert stale.status_code == 409
    assert stale.json()["type"].endswith("/project-version-mismatch")
    assert stale.json()["current_version"] == 2
    assert scheduling_client.get(url, headers=staff).json() == body

    # the description is not part of the announcement; clearing the owner is
    described = scheduling_client.patch(url, json={"version": 2, "description": "新的说明"}, headers=staff)
    assert (described.json()["description"], described.json()["version"]) == ("新的说明", 3)
    unowned = scheduling_client.patch(url, json={"version": 3, "owner_volunteer_id": None}, headers=staff)
    assert (unowned.json()["owner_volunteer_id"], unowned.json()["version"]) == (None, 4)
    unchanged = scheduling_client.patch(url, json={"version": 4, "name": "乐龄生活"}, headers=staff)
    assert unchanged.json()["version"] == 4
    events = published(project["id"])
    assert [event["type"].split(".")[-2] for event in events] == ["created", "changed", "changed"]
    assert events[1]["data"]["owner_volunteer_id"] == str(owner)
    assert events[2]["data"]["owner_volunteer_id"] is None

    exit_volunteer(world.committee, owner)
    gone = scheduling_client.patch(url, json={"version": 4, "owner_volunteer_id": str(owner)}, headers=staff)
    assert gone.status_code == 409
    assert gone.json()["type"].endswith("/volunteer-not-active")
    assert (
        scheduling_client.post(
            "/v1/projects",
            json={**ELDERLY_CARE, "name": "新项目", "owner_volunteer_id": str(owner)},
            headers=staff,
        ).status_code
        == 409
    )


def test_open_names_are_unique_in_a_committee(scheduling_client, committee, login):
    staff = login("staff")
    create(scheduling_client, staff)
    taken = scheduling_client.post("/v1/projects", json=ELDERLY_CARE, headers=staff)
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/project-name-taken")
    # surrounding spaces do not make a different name
    spaced = scheduling_client.post(
        "/v1/projects", json={**ELDERLY_CARE, "name": "  关爱银发，乐龄生活 "}, headers=staff
    )
    assert spaced.status_code == 409
    other = create(scheduling_client, staff, name="智慧社区，邻里守望")
    clash = scheduling_client.patch(
        f"/v1/projects/{other['id']}", json={"version": 1, "name": ELDERLY_CARE["name"]}, headers=staff
    )
    assert clash.status_code == 409
    assert clash.json()["type"].endswith("/project-name-taken")
    assert len(scheduling_client.get("/v1/projects", headers=staff).json()["items"]) == 2
    create(scheduling_client, login("sibling_admin"))  # another committee may use the same name


def test_team_members_join_and_leave(
    scheduling_client, committee, login, register, world, clock, exit_volunteer
):
    clock.at = MOMENT
    staff = login("staff")
    project = create(scheduling_client, staff)
    url = f"/v1/projects/{project['id']}"
    zhang, li = register(world.committee, "张三"), register(world.committee, "李四")

    joined = scheduling_client.post(
        f"{url}/members", json={"volunteer_id": str(zhang), "duty": "联络员"}, headers=staff
    )
    assert joined.status_code == 201, joined.text
    assert joined.json() == {
        "volunteer_id": str(zhang),
        "name": "张三",
        "duty": "联络员",
        "joined_at": "2026-12-01T02:00:00Z",
        "left_at": None,
    }
    twice = scheduling_client.post(f"{url}/members", json={"volunteer_id": str(zhang)}, headers=staff)
    assert twice.status_code == 409
    assert twice.json()["type"].endswith("/project-member-exists")
    assert (
        scheduling_client.post(f"{url}/members", json={"volunteer_id": str(li)}, headers=staff).status_code
        == 201
    )

    clock.at = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    left = scheduling_client.post(f"{url}/members/{zhang}/leave", headers=staff)
    assert left.status_code == 200, left.text
    assert left.json()["left_at"] == "2026-12-20T02:00:00Z"
    assert scheduling_client.post(f"{url}/members/{zhang}/leave", headers=staff).status_code == 404
    detail = scheduling_client.get(url, headers=staff).json()
    assert [(member["name"], member["left_at"]) for member in detail["team"]] == [("李四", None)]
    assert [(member["name"], member["duty"]) for member in detail["former_members"]] == [("张三", "联络员")]
    assert detail["team_size"] == 1
    assert detail["version"] == 1  # the team is not the project's edit history

    back = scheduling_client.post(
        f"{url}/members", json={"volunteer_id": str(zhang), "duty": "记录员"}, headers=staff
    )
    assert back.status_code == 201
    assert len(scheduling_client.get(url, headers=staff).json()["team"]) == 2

    exit_volunteer(world.committee, li)
    retired = register(world.committee, "王五")
    exit_volunteer(world.committee, retired)
    refused = scheduling_client.post(f"{url}/members", json={"volunteer_id": str(retired)}, headers=staff)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/volunteer-not-active")


def test_detail_counts_the_activities_of_a_project(
    scheduling_client, committee, login, plan, world, under_project
):
    staff = login("staff")
    project = create(scheduling_client, staff)
    other = create(scheduling_client, staff, name="智慧社区，邻里守望")
    for day in (1, 2):
        under_project(
            world.committee, plan(world.committee, datetime(2026, 12, day, 1, tzinfo=UTC)), project["id"]
        )
    plan(world.committee, datetime(2026, 12, 3, 1, tzinfo=UTC))
    assert scheduling_client.get(f"/v1/projects/{project['id']}", headers=staff).json()["activity_count"] == 2
    assert scheduling_client.get(f"/v1/projects/{other['id']}", headers=staff).json()["activity_count"] == 0
