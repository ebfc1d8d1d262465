"""The committee's map: grid → micro-grid → building, each with a responsible person; coverage gaps."""

import pytest

from linli_shared.problems import PROBLEM_JSON


def register(roster_client, headers, name, phone):
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended"}
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create(roster_client, headers, kind, name, parent=None, responsible=None):
    body = {"kind": kind, "name": name}
    if parent:
        body["parent_id"] = parent
    if responsible:
        body["responsible_volunteer_id"] = responsible
    return roster_client.post("/v1/areas", json=body, headers=headers)


def created(roster_client, headers, kind, name, parent=None, responsible=None):
    response = create(roster_client, headers, kind, name, parent, responsible)
    assert response.status_code == 201, response.text
    return response.json()


def areas(roster_client, headers, path="/v1/areas"):
    response = roster_client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return {item["name"]: item for item in response.json()}


@pytest.fixture
def admin(login, sync_directory):
    sync_directory()
    return login("tenant_admin")


def test_a_tree_with_responsible_persons(roster_client, admin, login):
    leader = register(roster_client, admin, "格长", "13800000001")
    grid = created(roster_client, admin, "grid", "一网格", responsible=leader)
    micro = created(roster_client, admin, "micro_grid", "一微格", grid["id"])
    building = created(roster_client, admin, "building", "7号楼", micro["id"], leader)
    assert (grid["responsible_volunteer_id"], grid["responsible_name"]) == (leader, "格长")
    assert (micro["parent_id"], building["parent_id"]) == (grid["id"], micro["id"])

    for key in ("tenant_admin", "staff", "auditor", "town_admin"):
        found = areas(roster_client, login(key))
        assert set(found) == {"一网格", "一微格", "7号楼"}, key
        assert found["7号楼"]["kind"] == "building"
        assert found["7号楼"]["responsible_name"] == "格长"
    assert areas(roster_client, login("sibling_admin")) == {}
    assert areas(roster_client, login("other_town_admin")) == {}


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("micro_grid", None),
        ("building", None),
        ("grid", "grid"),
        ("micro_grid", "micro"),
        ("micro_grid", "building"),
        ("building", "grid"),
        ("building", "building"),
        ("grid", "micro"),
    ],
)
def test_each_kind_sits_under_its_parent_kind(roster_client, admin, kind, parent):
    grid = created(roster_client, admin, "grid", "一网格")["id"]
    micro = created(roster_client, admin, "micro_grid", "一微格", grid)["id"]
    building = created(roster_client, admin, "building", "1号楼", micro)["id"]
    parents = {"grid": grid, "micro": micro, "building": building}
    response = create(roster_client, admin, kind, "新区域", parents[parent] if parent else None)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"].endswith("invalid-area-parent")
    assert "新区域" not in areas(roster_client, admin)


def test_a_parent_of_another_committee_is_not_found(roster_client, admin, login):
    foreign = created(roster_client, login("sibling_admin"), "grid", "别家网格")["id"]
    response = create(roster_client, admin, "micro_grid", "微格", foreign)
    assert response.status_code == 404, response.text
    assert areas(roster_client, admin) == {}


def test_names_are_unique_among_siblings(roster_client, admin, login):
    grid = created(roster_client, admin, "grid", "一网格")["id"]
    second_grid = created(roster_client, admin, "grid", "二网格")["id"]
    created(roster_client, admin, "micro_grid", "一微格", grid)
    assert create(roster_client, admin, "grid", "一网格").status_code == 409
    assert create(roster_client, admin, "micro_grid", "一微格", grid).status_code == 409
    assert create(roster_client, admin, "micro_grid", "一微格", second_grid).status_code == 201
    renamed = roster_client.patch(f"/v1/areas/{second_grid}", json={"name": "一网格"}, headers=admin)
    assert renamed.status_code == 409
    assert renamed.json()["type"].endswith("area-name-taken")
    # another committee may use the same names
    assert create(roster_client, login("sibling_admin"), "grid", "一网格").status_code == 201


def test_the_responsible_person_must_be_an_active_volunteer_of_this_committee(roster_client, admin, login):
    grid = created(roster_client, admin, "grid", "一网格")["id"]
    foreign = register(roster_client, login("sibling_admin"), "外人", "13800000001")
    gone = register(roster_client, admin, "已退出", "13800000002")
    roster_client.post(
        f"/v1/volunteers/{gone}/exit", json={"kind": "voluntary", "reason": "x"}, headers=admin
    )
    for candidate in (foreign, gone, "00000000-0000-4000-8000-000000000000"):
        response = roster_client.patch(
            f"/v1/areas/{grid}", json={"responsible_volunteer_id": candidate}, headers=admin
        )
        assert response.status_code == 404, response.text
        assert create(roster_client, admin, "grid", "二网格", responsible=candidate).status_code == 404
    assert areas(roster_client, admin)["一网格"]["responsible_volunteer_id"] is None
    assert set(areas(roster_client, admin)) == {"一网格"}


def test_rename_and_change_or_clear_the_responsible_person(roster_client, admin):
    first = register(roster_client, admin, "甲", "13800000001")
    second = register(roster_client, admin, "乙", "13800000002")
    grid = created(roster_client, admin, "grid", "一网格", responsible=first)["id"]
    url = f"/v1/areas/{grid}"
    renamed = roster_client.patch(url, json={"name": "东网格"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["responsible_name"]) == ("东网格", "甲")
    changed = roster_client.patch(url, json={"responsible_volunteer_id": second}, headers=admin).json()
    assert (changed["responsible_volunteer_id"], changed["responsible_name"]) == (second, "乙")
    cleared = roster_client.patch(url, json={"responsible_volunteer_id": None}, headers=admin).json()
    assert (cleared["responsible_volunteer_id"], cleared["responsible_name"]) == (None, None)
    assert areas(roster_client, admin)["东网格"]["responsible_volunteer_id"] is None


def test_coverage_gaps_are_the_areas_nobody_answers_for(roster_client, admin, login):
    keeper = register(roster_client, admin, "甲", "13800000001")
    leaver = register(roster_client, admin, "乙", "13800000002")
    grid = created(roster_client, admin, "grid", "一网格", responsible=keeper)["id"]
    micro = created(roster_client, admin, "micro_grid", "一微格", grid)["id"]
    created(roster_client, admin, "building", "1号楼", micro, keeper)
    created(roster_client, admin, "building", "2号楼", micro, leaver)
    created(roster_client, admin, "building", "3号楼", micro)
    assert set(areas(roster_client, admin, "/v1/areas/coverage-gaps")) == {"一微格", "3号楼"}

    exited = roster_client.post(
        f"/v1/volunteers/{leaver}/exit", json={"kind": "voluntary", "reason": "搬走"}, headers=admin
    )
    assert exited.status_code == 200, exited.text
    assert set(areas(roster_client, admin, "/v1/areas/coverage-gaps")) == {"一微格", "2号楼", "3号楼"}, (
        "a responsible person who has left leaves a gap"
    )
    assert set(areas(roster_client, login("auditor"), "/v1/areas/coverage-gaps")) == {
        "一微格",
        "2号楼",
        "3号楼",
    }
    assert areas(roster_client, login("sibling_admin"), "/v1/areas/coverage-gaps") == {}


def test_only_committee_staff_change_the_map(roster_client, admin, login):
    grid = created(roster_client, admin, "grid", "一网格")["id"]
    assert create(roster_client, login("staff"), "grid", "二网格").status_code == 201
    for key in ("auditor", "volunteer", "town_admin", "district_admin"):
        headers = login(key)
        assert create(roster_client, headers, "grid", "三网格").status_code == 403, key
        patched = roster_client.patch(f"/v1/areas/{grid}", json={"name": "改名"}, headers=headers)
        assert patched.status_code == 403, key
        assert patched.headers["content-type"] == PROBLEM_JSON
    assert set(areas(roster_client, admin)) == {"一网格", "二网格"}
