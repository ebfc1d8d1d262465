"""Training: the course list, adding, changing and retiring a course, and recording who completed it."""

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.integration

#: a past day on any clock (the roster refuses completions dated in the future)
LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()


def _course(roster, headers, **body) -> dict:
    response = roster.post("/v1/courses", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def first_aid(services, login, committee) -> dict:
    return _course(
        services["roster"].client,
        login("tenant_admin"),
        name="应急救护培训",
        description="心肺复苏与止血包扎",
        qualification="应急救护证",
        validity_months=24,
    )


def _courses(services, login) -> list[dict]:
    response = services["roster"].client.get(
        "/v1/courses", params={"include_retired": True}, headers=login("tenant_admin")
    )
    return response.json()


def test_the_course_list_shows_each_course_with_its_qualification(browse, committee, first_aid):
    page = browse("auditor").get(f"/t/{committee.slug}/training")
    assert page.status_code == 200, page.text
    assert "课程" in page.text
    assert "应急救护培训" in page.text
    assert "应急救护证" in page.text
    assert "24 个月" in page.text
    assert "添加课程" not in page.text, "auditors read training, they do not change it"


def test_admin_adds_a_course_that_grants_a_qualification(browse, committee, services, login):
    admin = browse("tenant_admin")
    response = admin.post(
        f"/t/{committee.slug}/training",
        data={
            "name": "消防安全",
            "description": "灭火器使用",
            "qualification": "消防安全员",
            "validity_months": "12",
        },
    )
    assert response.status_code == 303, response.text
    made = [course for course in _courses(services, login) if course["name"] == "消防安全"]
    assert len(made) == 1
    assert made[0]["qualification"] == "消防安全员"
    assert made[0]["validity_months"] == 12
    page = admin.get(response.headers["location"])
    assert page.status_code == 200
    assert "已添加课程“消防安全”" in page.text


def test_a_course_without_a_qualification_keeps_no_validity(browse, committee, services, login):
    response = browse("staff").post(
        f"/t/{committee.slug}/training", data={"name": "垃圾分类", "qualification": "", "validity_months": ""}
    )
    assert response.status_code == 303, response.text
    made = next(course for course in _courses(services, login) if course["name"] == "垃圾分类")
    assert made["qualification"] is None
    assert made["validity_months"] is None


def test_validity_without_a_qualification_is_refused_and_nothing_is_added(browse, committee, services, login):
    response = browse("tenant_admin").post(
        f"/t/{committee.slug}/training", data={"name": "垃圾分类", "validity_months": "12"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert "添加课程" in response.text
    assert "垃圾分类" in response.text
    assert _courses(services, login) == []


def test_a_validity_that_is_not_a_number_is_a_4xx_page(browse, committee, services, login):
    response = browse("tenant_admin").post(
        f"/t/{committee.slug}/training",
        data={"name": "垃圾分类", "qualification": "证", "validity_months": "ten"},
    )
    assert response.status_code == 400
    assert _courses(services, login) == []


def test_admin_changes_then_retires_a_course(browse, committee, first_aid, services, login):
    admin = browse("tenant_admin")
    path = f"/t/{committee.slug}/training/courses/{first_aid['id']}"
    page = admin.get(path)
    assert page.status_code == 200
    assert "修改课程" in page.text
    assert "心肺复苏与止血包扎" in page.text
    response = admin.post(
        path,
        data={
            "name": "应急救护培训",
            "description": "心肺复苏",
            "qualification": "应急救护证",
            "validity_months": "36",
        },
    )
    assert response.status_code == 303, response.text
    changed = next(course for course in _courses(services, login) if course["id"] == first_aid["id"])
    assert changed["validity_months"] == 36
    assert changed["description"] == "心肺复苏"

    response = admin.post(f"{path}/retire")
    assert response.status_code == 303
    retired = next(course for course in _courses(services, login) if course["id"] == first_aid["id"])
    assert retired["retired_on"] is not None
    page = admin.get(path)
    assert "已停用" in page.text
    assert "登记结业" not in page.text


def test_a_blank_course_name_is_refused_and_nothing_changes(browse, committee, first_aid, services, login):
    path = f"/t/{committee.slug}/training/courses/{first_aid['id']}"
    response = browse("tenant_admin").post(path, data={"name": "  ", "qualification": "应急救护证"})
    assert 400 <= response.status_code < 500
    assert "修改课程" in response.text
    unchanged = next(course for course in _courses(services, login) if course["id"] == first_aid["id"])
    assert unchanged["name"] == "应急救护培训"


def test_recording_a_pass_grants_the_qualification(browse, committee, first_aid, services, login, enrol):
    roster, headers = services["roster"].client, login("tenant_admin")
    zhang = enrol("张伟")
    admin = browse("staff")
    path = f"/t/{committee.slug}/training/courses/{first_aid['id']}"
    assert "张伟" in admin.get(path).text  # offered in the select
    response = admin.post(
        f"{path}/completions",
        data={
            "volunteer_id": zhang,
            "completed_on": LAST_WEEK,
            "passed": "true",
            "score": "92",
            "trainer": "赵医生",
        },
    )
    assert response.status_code == 303, response.text
    held = roster.get(f"/v1/volunteers/{zhang}/qualifications", headers=headers).json()
    assert [grant["name"] for grant in held] == ["应急救护证"]
    page = admin.get(path)
    assert "已登记结业,并授予资质“应急救护证”" in page.text
    assert "张伟" in page.text
    assert "合格" in page.text
    assert "赵医生" in page.text
    assert "92" in page.text


def test_a_completion_dated_in_the_future_is_refused_and_nothing_is_recorded(
    browse, committee, first_aid, services, login, enrol
):
    roster, headers = services["roster"].client, login("tenant_admin")
    zhang = enrol("张伟")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = browse("tenant_admin").post(
        f"/t/{committee.slug}/training/courses/{first_aid['id']}/completions",
        data={"volunteer_id": zhang, "completed_on": tomorrow, "passed": "true"},
    )
    assert 400 <= response.status_code < 500
    assert "登记结业" in response.text
    completions = roster.get(f"/v1/courses/{first_aid['id']}/completions", headers=headers).json()
    assert completions["items"] == []


def test_another_committee_never_sees_the_courses(browse, committee, first_aid, services, login):
    assert browse("sibling_admin").get(f"/t/{committee.slug}/training").status_code == 404
    theirs = _course(services["roster"].client, login("sibling_admin"), name="乙的课程")
    admin = browse("tenant_admin")
    path = f"/t/{committee.slug}/training/courses/{theirs['id']}"
    assert admin.get(path).status_code == 404
    assert admin.post(path, data={"name": "被改了"}).status_code == 404
    assert admin.post(f"{path}/retire").status_code == 404
    still = (
        services["roster"].client.get(f"/v1/courses/{theirs['id']}", headers=login("sibling_admin")).json()
    )
    assert still["name"] == "乙的课程"
    assert still["retired_on"] is None


def test_completions_still_name_a_volunteer_who_has_left(
    browse, committee, first_aid, services, login, enrol
):
    roster, headers = services["roster"].client, login("tenant_admin")
    zhang = enrol("张伟")
    body = {"volunteer_id": zhang, "completed_on": LAST_WEEK, "passed": False}
    assert (
        roster.post(f"/v1/courses/{first_aid['id']}/completions", json=body, headers=headers).status_code
        == 201
    )
    exit_body = {"kind": "voluntary", "reason": "搬家"}
    assert roster.post(f"/v1/volunteers/{zhang}/exit", json=exit_body, headers=headers).status_code == 200
    page = browse("auditor").get(f"/t/{committee.slug}/training/courses/{first_aid['id']}")
    assert page.status_code == 200
    assert "张伟" in page.text
    assert "不合格" in page.text
    assert "登记结业" not in page.text
