"""Award programmes are data: a district, town or committee admin defines them for their subtree; a
committee reads the programmes on its path (its district's, its town's, its own) and changes only its own;
bad input is refused with a problem and nothing written."""

import uuid

from sqlalchemy import func, select

from linli_evaluation.recognition.models import AwardProgramme
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def names(api, headers) -> list[str]:
    response = api.get("/v1/award-programmes", headers=headers)
    assert response.status_code == 200, response.text
    return [programme["name"] for programme in response.json()]


def programme_count(evaluation_database, world) -> int:
    """Every programme of the world's district (RLS shows a context only its path and subtree)."""
    context = TenantContext(tenant_id=world.district.id, tenant_path=world.district.path, role=Role.SERVICE)
    with evaluation_database.transaction(context) as session:
        return session.scalar(select(func.count()).select_from(AwardProgramme))


def test_a_district_programme_is_read_down_the_tree_and_criteria_are_data(api, committee, login, define):
    district = define(login("district_admin"))
    assert district["criteria"] == {
        "min_verified_hours": 10.0,
        "min_stars": 0,
        "min_average_satisfaction": 4.5,
        "min_ratings": 2,
        "require_party_member": False,
        "require_no_rejected_audit": True,
    }
    assert (district["period_kind"], district["max_nominees"], district["notice_days"]) == ("year", 2, 7)
    assert (district["owner"], district["active"], district["version"]) == ("own", True, 1)

    for reader in ("tenant_admin", "staff", "auditor", "volunteer", "sibling_admin", "town_admin"):
        response = api.get(f"/v1/award-programmes/{district['id']}", headers=login(reader))
        assert response.status_code == 200, (reader, response.text)
        assert response.json()["owner"] == "district"
        assert response.json()["criteria"] == district["criteria"]


def test_each_node_sees_its_path_and_its_subtree_and_no_one_elses(api, committee, login, define, world):
    define(login("district_admin"), name="金山好人")
    town = define(login("town_admin"), name="一号镇优秀党员", criteria={"require_party_member": True})
    own = define(login("tenant_admin"), name="甲居民区好邻居", period_kind="quarter", notice_days=5)
    sibling = define(login("sibling_admin"), name="乙居民区好邻居")
    assert town["criteria"]["require_party_member"] is True

    assert names(api, login("staff")) == ["金山好人", "一号镇优秀党员", "甲居民区好邻居"]
    assert names(api, login("sibling_admin")) == ["金山好人", "一号镇优秀党员", "乙居民区好邻居"]
    # a town sees its district's and its own, and its committees' own programmes (its subtree)
    assert names(api, login("town_admin")) == [
        "金山好人",
        "一号镇优秀党员",
        "乙居民区好邻居",
        "甲居民区好邻居",
    ]
    # the other town sees only the district's
    assert names(api, login("other_town_admin")) == ["金山好人"]
    owners = {p["name"]: p["owner"] for p in api.get("/v1/award-programmes", headers=login("staff")).json()}
    assert owners == {"金山好人": "district", "一号镇优秀党员": "town", "甲居民区好邻居": "own"}

    # another committee's programme is not there for a committee, nor a town's for another town
    assert_problem(api.get(f"/v1/award-programmes/{sibling['id']}", headers=login("staff")), 404)
    assert_problem(api.get(f"/v1/award-programmes/{town['id']}", headers=login("other_town_admin")), 404)
    assert_problem(
        api.patch(
            f"/v1/award-programmes/{own['id']}",
            json={"version": 1, "name": "x"},
            headers=login("sibling_admin"),
        ),
        404,
    )


def test_programmes_are_written_only_by_their_own_subtrees_setters(
    most_beautiful, api, committee, login, define, evaluation_database, world
):
    district = define(login("district_admin"))
    url = f"/v1/award-programmes/{district['id']}"
    before = programme_count(evaluation_database, world)
    assert before == 1
    # staff, auditors and volunteers set no rules
    for role in ("staff", "auditor", "volunteer"):
        assert_problem(api.post("/v1/award-programmes", json=most_beautiful, headers=login(role)), 403)
        assert_problem(api.patch(url, json={"version": 1, "max_nominees": 9}, headers=login(role)), 403)
    # a committee's or town's admin reads the district's programme but does not change it
    for role in ("tenant_admin", "town_admin"):
        assert_problem(
            api.patch(url, json={"version": 1, "max_nominees": 9}, headers=login(role)),
            403,
            "award-programme-not-yours",
        )
    assert programme_count(evaluation_database, world) == before
    assert api.get(url, headers=login("district_admin")).json() == district

    # a town's programme may be changed by the town, or the district above it
    town = define(login("town_admin"), name="一号镇优秀党员")
    changed = api.patch(
        f"/v1/award-programmes/{town['id']}",
        json={"version": 1, "notice_days": 10},
        headers=login("district_admin"),
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["notice_days"], changed.json()["version"], changed.json()["owner"]) == (
        10,
        2,
        "town",
    )


def test_changing_a_programme_replaces_criteria_and_refuses_a_stale_version(api, committee, login, define):
    admin = login("district_admin")
    programme = define(admin)
    url = f"/v1/award-programmes/{programme['id']}"
    response = api.patch(
        url,
        json={
            "version": 1,
            "name": "年度最美志愿者",
            "criteria": {"min_verified_hours": 40, "min_stars": 1},
            "max_nominees": 3,
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["name"], changed["max_nominees"], changed["version"]) == ("年度最美志愿者", 3, 2)
    assert changed["criteria"] == {
        "min_verified_hours": 40.0,
        "min_stars": 1,
        "min_average_satisfaction": None,
        "min_ratings": 0,
        "require_party_member": False,
        "require_no_rejected_audit": False,
    }
    stale = assert_problem(api.patch(url, json={"version": 1, "max_nominees": 5}, headers=admin), 409)
    assert stale["current_version"] == 2
    # sending what is already there changes nothing, not even the version
    same = api.patch(url, json={"version": 2, "max_nominees": 3}, headers=admin)
    assert (same.status_code, same.json()["version"]) == (200, 2)
    retired = api.patch(url, json={"version": 2, "active": False}, headers=admin).json()
    assert (retired["active"], retired["version"]) == (False, 3)
    assert [p["id"] for p in api.get("/v1/award-programmes?active=false", headers=admin).json()] == [
        programme["id"]
    ]
    assert api.get("/v1/award-programmes?active=true", headers=admin).json() == []


def test_a_name_is_taken_once_per_node(most_beautiful, api, committee, login, define):
    define(login("district_admin"))
    assert_problem(
        api.post("/v1/award-programmes", json=most_beautiful, headers=login("district_admin")),
        409,
        "award-programme-name-taken",
    )
    # a town may use the district's name for its own programme
    define(login("town_admin"))


def test_bad_programme_input_writes_nothing(
    most_beautiful, api, committee, login, define, evaluation_database, world
):
    admin = login("district_admin")
    before = programme_count(evaluation_database, world)
    criteria = most_beautiful["criteria"]
    for body in (
        {**most_beautiful, "name": ""},
        {**most_beautiful, "name": "   "},
        {**most_beautiful, "name": "长" * 61},
        {**most_beautiful, "name": "两行\n名字"},
        {**most_beautiful, "name": "nul\x00"},
        {**most_beautiful, "name": 7},
        {**most_beautiful, "description": "x" * 2001},
        {**most_beautiful, "description": "bell\x07"},
        {**most_beautiful, "period_kind": "month"},
        {**most_beautiful, "max_nominees": 0},
        {**most_beautiful, "max_nominees": 101},
        {**most_beautiful, "max_nominees": "2"},
        {**most_beautiful, "max_nominees": 2.0},
        {**most_beautiful, "max_nominees": True},
        {**most_beautiful, "notice_days": 0},
        {**most_beautiful, "notice_days": 61},
        {**most_beautiful, "criteria": {**criteria, "min_verified_hours": -1}},
        {**most_beautiful, "criteria": {**criteria, "min_verified_hours": 1.234}},
        {**most_beautiful, "criteria": {**criteria, "min_verified_hours": "lots"}},
        {**most_beautiful, "criteria": {**criteria, "min_stars": 6}},
        {**most_beautiful, "criteria": {**criteria, "min_stars": "3"}},
        {**most_beautiful, "criteria": {**criteria, "min_average_satisfaction": 5.5}},
        {**most_beautiful, "criteria": {**criteria, "min_average_satisfaction": 0}},
        {**most_beautiful, "criteria": {**criteria, "min_ratings": -1}},
        {**most_beautiful, "criteria": {**criteria, "require_party_member": "yes"}},
        {**most_beautiful, "criteria": {**criteria, "require_party_member": 1}},
        {**most_beautiful, "criteria": {**criteria, "min_age": 18}},
        {**most_beautiful, "criteria": [criteria]},
        {**most_beautiful, "active": False},
        {key: value for key, value in most_beautiful.items() if key != "period_kind"},
        {key: value for key, value in most_beautiful.items() if key != "max_nominees"},
        [most_beautiful],
    ):
        assert_problem(api.post("/v1/award-programmes", json=body, headers=admin), 422)
    malformed = api.post(
        "/v1/award-programmes", content=b'{"name": ', headers={**admin, "content-type": "application/json"}
    )
    assert_problem(malformed, 422)
    assert programme_count(evaluation_database, world) == before

    programme = define(admin)
    url = f"/v1/award-programmes/{programme['id']}"
    for body in (
        {"name": "新名字"},
        {"version": 1},
        {"version": "1", "name": "新名字"},
        {"version": 0, "name": "新名字"},
        {"version": 1, "name": None},
        {"version": 1, "criteria": None},
        {"version": 1, "active": None},
        {"version": 1, "active": "no"},
        {"version": 1, "period_kind": "quarter"},
        {"version": 1, "max_nominees": 0},
        {"version": 1, "criteria": {"min_stars": 9}},
    ):
        assert_problem(api.patch(url, json=body, headers=admin), 422)
    assert api.get(url, headers=admin).json() == programme
    for path in ("/v1/award-programmes/not-a-uuid", "/v1/award-programmes?active=maybe"):
        assert_problem(api.get(path, headers=admin), 422)
    assert_problem(api.get(f"/v1/award-programmes/{uuid.uuid4()}", headers=admin), 404)
    assert_problem(
        api.patch(f"/v1/award-programmes/{uuid.uuid4()}", json={"version": 1, "name": "x"}, headers=admin),
        404,
    )
