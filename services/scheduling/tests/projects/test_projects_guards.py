"""Projects refuse bad input with a problem and write nothing, hide other committees' projects and
volunteers (404), and let only the committee's staff write."""

import uuid

import pytest

from linli_shared.problems import PROBLEM_JSON

ELDERLY_CARE = {"name": "关爱银发，乐龄生活", "description": "", "goals": ["每周探访独居老人"]}


def create(client, headers, **overrides) -> dict:
    response = client.post("/v1/projects", json={**ELDERLY_CARE, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


def test_bad_project_input_writes_nothing(scheduling_client, committee, login, register, world, published):
    staff = login("staff")
    for body in (
        {**ELDERLY_CARE, "name": ""},
        {**ELDERLY_CARE, "name": "   "},
        {**ELDERLY_CARE, "name": "长" * 61},
        {**ELDERLY_CARE, "name": "两行\n名字"},
        {**ELDERLY_CARE, "name": "nul\x00byte"},
        {**ELDERLY_CARE, "name": 7},
        {**ELDERLY_CARE, "description": "x" * 2001},
        {**ELDERLY_CARE, "goals": ["目标"] * 21},
        {**ELDERLY_CARE, "goals": ["长" * 201]},
        {**ELDERLY_CARE, "goals": [""]},
        {**ELDERLY_CARE, "goals": "每周探访"},
        {**ELDERLY_CARE, "goals": [1]},
        {**ELDERLY_CARE, "owner_volunteer_id": "not-a-uuid"},
        {**ELDERLY_CARE, "status": "established"},
        {**ELDERLY_CARE, "version": 3},
        {"description": "no name"},
        [ELDERLY_CARE],
    ):
        assert_problem(scheduling_client.post("/v1/projects", json=body, headers=staff), 422)
    malformed = scheduling_client.post(
        "/v1/projects", content=b'{"name": ', headers={**staff, "content-type": "application/json"}
    )
    assert_problem(malformed, 422)
    # an owner who is nobody of this committee
    sibling_volunteer = register(world.sibling, "别家人")
    for owner in (uuid.uuid4(), sibling_volunteer):
        response = scheduling_client.post(
            "/v1/projects", json={**ELDERLY_CARE, "owner_volunteer_id": str(owner)}, headers=staff
        )
        assert_problem(response, 404)
        assert response.json()["type"].endswith("/volunteer-not-found")
    assert scheduling_client.get("/v1/projects", headers=staff).json()["items"] == []

    project = create(scheduling_client, staff)
    url = f"/v1/projects/{project['id']}"
    for body in (
        {"name": "新名字"},
        {"version": "1", "name": "新名字"},
        {"version": 1.0, "name": "新名字"},
        {"version": True, "name": "新名字"},
        {"version": 0, "name": "新名字"},
        {"version": 1},
        {"version": 1, "name": None},
        {"version": 1, "goals": None},
        {"version": 1, "description": None},
        {"version": 1, "name": ""},
        {"version": 1, "goals": ["x"] * 21},
        {"version": 1, "status": "closed"},
        {"version": 1, "owner_volunteer_id": 5},
    ):
        assert_problem(scheduling_client.patch(url, json=body, headers=staff), 422)
    for owner in (uuid.uuid4(), sibling_volunteer):
        assert_problem(
            scheduling_client.patch(
                url, json={"version": 1, "owner_volunteer_id": str(owner)}, headers=staff
            ),
            404,
        )
    for body in (
        {"status": "open"},
        {},
        {"status": "established", "note": "x" * 501},
        {"status": "closed", "by": "me"},
    ):
        assert_problem(scheduling_client.post(f"{url}/status", json=body, headers=staff), 422)
    for body in (
        {"volunteer_id": "zhang"},
        {},
        {"volunteer_id": str(uuid.uuid4()), "duty": "x" * 61},
        {"volunteer_id": str(uuid.uuid4()), "role": "leader"},
    ):
        assert_problem(scheduling_client.post(f"{url}/members", json=body, headers=staff), 422)
    for volunteer in (uuid.uuid4(), sibling_volunteer):
        missing = scheduling_client.post(
            f"{url}/members", json={"volunteer_id": str(volunteer)}, headers=staff
        )
        assert_problem(missing, 404)
    assert_problem(scheduling_client.post(f"{url}/members/{uuid.uuid4()}/leave", headers=staff), 404)
    assert scheduling_client.get(url, headers=staff).json() == project
    assert len(published(project["id"])) == 1

    for path in (
        "/v1/projects/not-a-uuid",
        "/v1/projects?status=open",
        "/v1/projects?limit=0",
        "/v1/projects?limit=201",
        "/v1/projects?cursor=bm9wZQ",
    ):
        assert_problem(scheduling_client.get(path, headers=staff), 422)
    assert_problem(scheduling_client.get(f"/v1/projects/{uuid.uuid4()}", headers=staff), 404)


def test_only_the_committees_staff_write_and_volunteers_do_not_read(
    scheduling_client, committee, login, register, world
):
    project = create(scheduling_client, login("tenant_admin"))
    url = f"/v1/projects/{project['id']}"
    volunteer = register(world.committee, "张三")
    for role in ("auditor", "town_admin", "district_admin", "volunteer"):
        headers = login(role)
        assert_problem(
            scheduling_client.post("/v1/projects", json={**ELDERLY_CARE, "name": "越权"}, headers=headers),
            403,
        )
        assert_problem(
            scheduling_client.patch(url, json={"version": 1, "name": "越权"}, headers=headers), 403
        )
        assert_problem(
            scheduling_client.post(f"{url}/status", json={"status": "closed"}, headers=headers), 403
        )
        assert_problem(
            scheduling_client.post(f"{url}/members", json={"volunteer_id": str(volunteer)}, headers=headers),
            403,
        )
    assert_problem(scheduling_client.get("/v1/projects", headers=login("volunteer")), 403)
    assert_problem(scheduling_client.get(url, headers=login("volunteer")), 403)
    assert_problem(scheduling_client.get("/v1/projects"), 401)
    assert_problem(scheduling_client.post("/v1/projects", json=ELDERLY_CARE), 401)
    assert scheduling_client.get(url, headers=login("staff")).json() == project


@pytest.fixture
def theirs(scheduling_client, committee, login, register, world):
    """Committee A's project with a member, and the sibling committee's admin."""
    staff = login("staff")
    project = create(scheduling_client, staff)
    member = register(world.committee, "张三")
    joined = scheduling_client.post(
        f"/v1/projects/{project['id']}/members", json={"volunteer_id": str(member)}, headers=staff
    )
    assert joined.status_code == 201
    return {"project": project["id"], "member": member, "staff": staff, "sibling": login("sibling_admin")}


def test_another_committees_projects_are_not_found(scheduling_client, theirs, register, world, published):
    url, sibling = f"/v1/projects/{theirs['project']}", theirs["sibling"]
    own_volunteer = register(world.sibling, "乙家人")
    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"version": 1, "name": "被改名"}),
        ("POST", f"{url}/status", {"status": "closed"}),
        ("POST", f"{url}/members", {"volunteer_id": str(own_volunteer)}),
        ("POST", f"{url}/members/{theirs['member']}/leave", None),
    ):
        response = scheduling_client.request(method, path, json=body, headers=sibling)
        assert_problem(response, 404)
        assert response.json()["type"].endswith("/project-not-found"), path
    assert scheduling_client.get("/v1/projects", headers=sibling).json()["items"] == []
    # nor can the sibling put committee A's volunteer on its own project
    own = create(scheduling_client, sibling)
    assert_problem(
        scheduling_client.post(
            f"/v1/projects/{own['id']}/members", json={"volunteer_id": str(theirs["member"])}, headers=sibling
        ),
        404,
    )
    detail = scheduling_client.get(url, headers=theirs["staff"]).json()
    assert (detail["name"], detail["status"], detail["version"], detail["team_size"]) == (
        ELDERLY_CARE["name"],
        "incubating",
        1,
        1,
    )
    assert len(published(theirs["project"])) == 1


def test_a_town_admin_of_another_town_does_not_see_the_project(scheduling_client, theirs, login):
    other_town = login("other_town_admin")
    assert_problem(scheduling_client.get(f"/v1/projects/{theirs['project']}", headers=other_town), 404)
    assert scheduling_client.get("/v1/projects", headers=other_town).json()["items"] == []
