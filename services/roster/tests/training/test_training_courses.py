"""Courses (课堂式培训): add, list, change, retire; bad input, roles and other committees."""

import uuid

FIRST_AID = {
    "name": "应急救护",
    "description": "红十字会初级救护员培训：心肺复苏、AED、止血包扎。",
    "qualification": "应急救护",
    "validity_months": 36,
}


def create_course(roster_client, headers, **overrides) -> dict:
    response = roster_client.post("/v1/courses", json={**FIRST_AID, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_add_list_change_and_retire_courses(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    first_aid = create_course(roster_client, admin)
    sorting = create_course(
        roster_client,
        login("staff"),
        name="垃圾分类",
        description="",
        qualification=None,
        validity_months=None,
    )
    assert (sorting["qualification"], sorting["validity_months"]) == (None, None)

    listed = roster_client.get("/v1/courses", headers=login("auditor")).json()
    assert [course["name"] for course in listed] == ["垃圾分类", "应急救护"]
    town_view = roster_client.get("/v1/courses", headers=login("town_admin")).json()
    assert {course["id"] for course in town_view} == {first_aid["id"], sorting["id"]}

    changed = roster_client.patch(
        f"/v1/courses/{first_aid['id']}", json={"validity_months": 24, "description": "新版"}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["validity_months"], changed.json()["description"]) == (24, "新版")
    cleared = roster_client.patch(
        f"/v1/courses/{first_aid['id']}", json={"qualification": None}, headers=admin
    )
    assert (cleared.json()["qualification"], cleared.json()["validity_months"]) == (None, None)
    lonely = roster_client.patch(
        f"/v1/courses/{first_aid['id']}", json={"validity_months": 12}, headers=admin
    )
    assert lonely.status_code == 422
    assert lonely.headers["content-type"] == "application/problem+json"

    retired = roster_client.post(f"/v1/courses/{sorting['id']}/retire", headers=admin)
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_on"] is not None
    assert [course["name"] for course in roster_client.get("/v1/courses", headers=admin).json()] == [
        "应急救护"
    ]
    everything = roster_client.get("/v1/courses?include_retired=true", headers=admin).json()
    assert {course["name"] for course in everything} == {"应急救护", "垃圾分类"}
    again = roster_client.post(f"/v1/courses/{sorting['id']}/retire", headers=admin)
    assert again.status_code == 409
    assert (
        roster_client.patch(f"/v1/courses/{sorting['id']}", json={"name": "x"}, headers=admin).status_code
        == 409
    )
    assert roster_client.get(f"/v1/courses/{sorting['id']}", headers=admin).json()["name"] == "垃圾分类"
    # a retired course's name is free again
    create_course(roster_client, admin, name="垃圾分类", qualification=None, validity_months=None)


def test_course_names_are_unique_among_live_courses(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    create_course(roster_client, admin)
    taken = roster_client.post("/v1/courses", json=FIRST_AID, headers=admin)
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/course-name-taken")
    fire_safety = create_course(
        roster_client, admin, name="消防安全", qualification="消防安全", validity_months=12
    )
    renamed = roster_client.patch(
        f"/v1/courses/{fire_safety['id']}", json={"name": "应急救护"}, headers=admin
    )
    assert renamed.status_code == 409
    create_course(roster_client, login("sibling_admin"))  # another committee may use the same name


def test_bad_course_input_writes_nothing(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    for body in (
        {**FIRST_AID, "name": ""},
        {**FIRST_AID, "name": "x" * 61},
        {**FIRST_AID, "description": "x" * 2001},
        {**FIRST_AID, "qualification": "q" * 61},
        {**FIRST_AID, "validity_months": 0},
        {**FIRST_AID, "validity_months": 241},
        {**FIRST_AID, "validity_months": "12"},
        {**FIRST_AID, "validity_months": 12.5},
        {**FIRST_AID, "qualification": None},
        {**FIRST_AID, "name": "nul\x00byte"},
        {**FIRST_AID, "colour": "red"},
        {"description": "no name"},
        [FIRST_AID],
    ):
        response = roster_client.post("/v1/courses", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    malformed = roster_client.post(
        "/v1/courses", content=b'{"name": ', headers={**admin, "content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert roster_client.get("/v1/courses?include_retired=true", headers=admin).json() == []

    course = create_course(roster_client, admin)
    for body in ({"name": ""}, {"validity_months": -1}, {"extra": True}, {"name": 5}):
        response = roster_client.patch(f"/v1/courses/{course['id']}", json=body, headers=admin)
        assert response.status_code == 422, body
    assert roster_client.get(f"/v1/courses/{course['id']}", headers=admin).json() == course
    for path in ("/v1/courses/not-a-uuid", "/v1/courses/123/completions"):
        assert roster_client.get(path, headers=admin).status_code == 422
    assert roster_client.get(f"/v1/courses/{uuid.uuid4()}", headers=admin).status_code == 404


def test_roles_and_other_committees(roster_client, login, sync_directory):
    sync_directory()
    course = create_course(roster_client, login("tenant_admin"))
    for key in ("auditor", "town_admin", "district_admin", "volunteer"):
        response = roster_client.post("/v1/courses", json={**FIRST_AID, "name": key}, headers=login(key))
        assert response.status_code == 403, key
    assert roster_client.get("/v1/courses", headers=login("volunteer")).status_code == 403
    assert roster_client.get("/v1/courses").status_code == 401
    auditor = login("auditor")
    assert (
        roster_client.patch(f"/v1/courses/{course['id']}", json={"name": "x"}, headers=auditor).status_code
        == 403
    )
    assert roster_client.post(f"/v1/courses/{course['id']}/retire", headers=auditor).status_code == 403

    sibling = login("sibling_admin")
    assert roster_client.get("/v1/courses", headers=sibling).json() == []
    assert roster_client.get(f"/v1/courses/{course['id']}", headers=sibling).status_code == 404
    assert (
        roster_client.patch(f"/v1/courses/{course['id']}", json={"name": "x"}, headers=sibling).status_code
        == 404
    )
    assert roster_client.post(f"/v1/courses/{course['id']}/retire", headers=sibling).status_code == 404
    assert roster_client.get(f"/v1/courses/{course['id']}/completions", headers=sibling).status_code == 404
    assert roster_client.get("/v1/courses", headers=login("other_town_admin")).json() == []
    assert roster_client.get(f"/v1/courses/{course['id']}", headers=login("tenant_admin")).json() == course
