"""The grid map: the nested tree with responsible persons and gaps, adding an area, naming who answers for it."""

import pytest

pytestmark = pytest.mark.integration


def _area(roster, headers, kind: str, name: str, parent_id=None, responsible_id=None) -> dict:
    body = {"kind": kind, "name": name, "parent_id": parent_id, "responsible_volunteer_id": responsible_id}
    response = roster.post("/v1/areas", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def grid_map(services, login, committee, enrol):
    """一网格 (王芳 responsible) → 一号微网格 (nobody) → 3号楼 (nobody)."""
    roster, admin = services["roster"].client, login("tenant_admin")
    wang = enrol("王芳")
    grid = _area(roster, admin, "grid", "一网格", responsible_id=wang)
    micro = _area(roster, admin, "micro_grid", "一号微网格", parent_id=grid["id"])
    building = _area(roster, admin, "building", "3号楼", parent_id=micro["id"])
    return {"wang": wang, "grid": grid, "micro": micro, "building": building}


def _areas(services, login) -> list[dict]:
    return services["roster"].client.get("/v1/areas", headers=login("tenant_admin")).json()


def test_the_map_nests_areas_with_their_responsible_person_and_highlights_gaps(browse, committee, grid_map):
    page = browse("auditor").get(f"/t/{committee.slug}/areas")
    assert page.status_code == 200, page.text
    text = page.text
    assert "网格地图" in text
    assert "分片包干、责任到人" in text
    # nested: the building sits inside the micro-grid's list, which sits inside the grid's
    tree = text[text.index("网格、微网格与楼栋") :]
    assert tree.index("一网格") < tree.index("一号微网格") < tree.index("3号楼")
    assert tree.count("<ul>") == 3
    assert "王芳" in text
    assert text.count("无责任人") >= 2
    # the coverage-gaps card lists the two areas nobody answers for
    gaps = text[text.index("网格责任空白") : text.index("网格、微网格与楼栋")]
    assert "一号微网格" in gaps
    assert "3号楼" in gaps
    assert "一网格" not in gaps
    assert "添加片区" not in text, "auditors read the map, they do not change it"


def test_admin_adds_a_micro_grid_under_a_grid(browse, committee, grid_map, services, login):
    admin = browse("tenant_admin")
    assert "添加片区" in admin.get(f"/t/{committee.slug}/areas").text
    response = admin.post(
        f"/t/{committee.slug}/areas",
        data={"kind": "micro_grid", "name": "二号微网格", "parent_id": grid_map["grid"]["id"]},
    )
    assert response.status_code == 303, response.text
    made = [area for area in _areas(services, login) if area["name"] == "二号微网格"]
    assert len(made) == 1
    assert made[0]["parent_id"] == grid_map["grid"]["id"]
    assert response.headers["location"] == f"/t/{committee.slug}/areas/{made[0]['id']}"
    page = admin.get(response.headers["location"])
    assert page.status_code == 200
    assert "已添加“二号微网格”" in page.text
    assert "一网格" in page.text


def test_a_building_without_a_micro_grid_is_refused_and_nothing_is_added(
    browse, committee, grid_map, services, login
):
    before = _areas(services, login)
    response = browse("tenant_admin").post(
        f"/t/{committee.slug}/areas", data={"kind": "building", "name": "无主楼", "parent_id": ""}
    )
    assert 400 <= response.status_code < 500, response.text
    assert "添加片区" in response.text
    assert "无主楼" in response.text
    assert _areas(services, login) == before


def test_an_auditor_cannot_add_an_area(browse, committee, grid_map, services, login):
    before = _areas(services, login)
    response = browse("auditor").post(f"/t/{committee.slug}/areas", data={"kind": "grid", "name": "二网格"})
    assert response.status_code == 403
    assert _areas(services, login) == before


def test_admin_names_a_responsible_person_and_renames_a_building(
    browse, committee, grid_map, services, login, enrol
):
    admin = browse("tenant_admin")
    roster, headers = services["roster"].client, login("tenant_admin")
    li = enrol("李强")
    path = f"/t/{committee.slug}/areas/{grid_map['building']['id']}"
    page = admin.get(path)
    assert page.status_code == 200
    assert "改名或更换责任人" in page.text
    assert "李强" in page.text
    assert "一号微网格" in page.text
    response = admin.post(path, data={"name": "3号楼(东)", "responsible_volunteer_id": li})
    assert response.status_code == 303, response.text
    building = next(area for area in _areas(services, login) if area["id"] == grid_map["building"]["id"])
    assert building["name"] == "3号楼(东)"
    assert building["responsible_name"] == "李强"
    gaps = roster.get("/v1/areas/coverage-gaps", headers=headers).json()
    assert grid_map["building"]["id"] not in {area["id"] for area in gaps}


def test_a_volunteer_search_keeps_the_current_responsible_person_on_offer(browse, committee, grid_map):
    page = browse("staff").get(f"/t/{committee.slug}/areas/{grid_map['grid']['id']}?q=没有这个人")
    assert page.status_code == 200
    assert f'value="{grid_map["wang"]}" selected' in page.text


def test_an_unknown_responsible_person_is_refused_and_nothing_changes(
    browse, committee, grid_map, services, login
):
    path = f"/t/{committee.slug}/areas/{grid_map['grid']['id']}"
    response = browse("tenant_admin").post(
        path, data={"name": "一网格", "responsible_volunteer_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert 400 <= response.status_code < 500
    grid = next(area for area in _areas(services, login) if area["id"] == grid_map["grid"]["id"])
    assert grid["responsible_volunteer_id"] == grid_map["wang"]


def test_another_committee_never_sees_the_map(browse, committee, grid_map, world, services, login):
    assert browse("sibling_admin").get(f"/t/{committee.slug}/areas").status_code == 404
    # the sibling's own area, opened or changed under the committee's own slug, is not found
    theirs = _area(services["roster"].client, login("sibling_admin"), "grid", "乙网格")
    admin = browse("tenant_admin")
    assert admin.get(f"/t/{committee.slug}/areas/{theirs['id']}").status_code == 404
    response = admin.post(f"/t/{committee.slug}/areas/{theirs['id']}", data={"name": "被改了"})
    assert response.status_code == 404
    sibling_areas = services["roster"].client.get("/v1/areas", headers=login("sibling_admin")).json()
    assert [area["name"] for area in sibling_areas] == ["乙网格"]
